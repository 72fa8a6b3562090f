"""One typed settings object for every Newsdesk command, with defaults that work offline.

Values are layered, later wins: built-in defaults < config file < environment (``NEWSDESK_<NAME>``)
< command-line flags. The config file is TOML with the same names as the fields below; it is read
from ``NEWSDESK_CONFIG`` if set, else ``<data_dir>/config.toml`` when that exists.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping


def _xdg(var: str, fallback: str) -> Path:
    return Path(os.environ.get(var) or Path.home() / fallback)


def _doc(text: str, shapes_answers: bool = True) -> dict[str, Any]:
    """A field's help text, and whether its value can change what a question gets back (where state lives and
    how fast the work runs cannot)."""
    return {"doc": text, "shapes_answers": shapes_answers}


@dataclass(frozen=True)
class Settings:
    """Everything a Newsdesk run can be told; each option is documented once, here."""

    data_dir: Path = field(
        default_factory=lambda: _xdg("XDG_DATA_HOME", ".local/share") / "newsdesk",
        metadata=_doc("Where the embedded Chroma store and other state live.", shapes_answers=False),
    )
    cache_dir: Path = field(
        default_factory=lambda: _xdg("XDG_CACHE_HOME", ".cache") / "newsdesk",
        metadata=_doc(
            "Where the default answer model is assembled from its packages, and the embedding model is exported to "
            "ONNX for questions, once.",
            shapes_answers=False,
        ),
    )
    chroma_url: str | None = field(
        default=None, metadata=_doc("A Chroma server (http://host:port) to use instead of the embedded store.")
    )
    collection: str = field(default="articles", metadata=_doc("Chroma collection holding the article chunks."))
    llm_gguf: Path | None = field(
        default=None, metadata=_doc("A GGUF model file to answer with; default: the bundled Qwen2.5-Coder-1.5B.")
    )
    llm_url: str | None = field(
        default=None,
        metadata=_doc("An OpenAI-compatible server (vLLM, llama.cpp, Ollama) base URL, e.g. http://host:8000/v1."),
    )
    llm_model: str = field(default="default", metadata=_doc("Model name sent to the OpenAI-compatible server."))
    llm_api_key_env: str = field(
        default="NEWSDESK_LLM_API_KEY",
        metadata=_doc("Environment variable holding that server's API key.", shapes_answers=False),
    )
    llm_threads: int = field(default=2, metadata=_doc("CPU threads for the embedded model.", shapes_answers=False))
    llm_context: int = field(default=4096, metadata=_doc(
        "Context window (tokens) of the embedded model, for each of its two prompt-cache slots."))
    max_answer_tokens: int = field(default=200, metadata=_doc("Longest answer the model may write, in tokens."))
    chunk_size: int = field(
        default=256,
        metadata=_doc(
            "Chunk length in MiniLM word pieces, as in the MultiHop-RAG paper (its retrieval dev metrics beat 200);"
            " embedded with a title/source/date header, up to 320 pieces in all."
        ),
    )
    chunk_overlap: int = field(default=30, metadata=_doc("Word pieces shared by neighbouring chunks."))
    embed_batch_size: int = field(default=64, metadata=_doc("Chunks embedded per batch.", shapes_answers=False))
    top_k: int = field(default=5, metadata=_doc("Passages given to the model for one answer."))
    candidates: int = field(default=50, metadata=_doc("Chunks each retriever (keyword, dense) proposes before fusion."))
    keyword_weight: float = field(default=1.0, metadata=_doc("Weight of the keyword (BM25) ranking in the fusion."))
    dense_weight: float = field(
        default=0.0,
        metadata=_doc(
            "Weight of the embedding ranking in the fusion (0: the embedding only judges relevance; on the"
            " MultiHop-RAG dev split every weight above 0 lowered Hits@10)."
        ),
    )
    per_source: int = field(default=3, metadata=_doc("Chunks taken from each source a question names, first."))
    reorder_depth: int = field(
        default=30,
        metadata=_doc("Leading candidates reordered by their best-matching sentence before the top passages are taken"
                      " (0: off)."),
    )
    article_expansion: int = field(
        default=6,
        metadata=_doc("The first candidates' articles (this many) whose other chunks join the candidates the trees"
                      " reorder: each article's best chunk for the question and for each clause, two at most"
                      " (0: off)."),
    )
    sentence_expansion: int = field(
        default=6,
        metadata=_doc("Chunks (this many for each clause) whose sentences are nearest to the clause by the embedding"
                      " model, joining the candidates the trees reorder (0: off)."),
    )
    sentence_search: bool = field(
        default=True,
        metadata=_doc("Keep every sentence's vector in a Chroma collection of its own, searched for"
                      " `sentence_expansion` (its index holds about 19 MB of memory per 1,000 chunks); false keeps"
                      " them beside their chunk only, for 10^6 chunks on one machine, without that search. Fixed when"
                      " a store is first written."),
    )
    reorder_trees: bool = field(
        default=True,
        metadata=_doc(
            "Reorder questions of two or more clauses with the gradient-boosted trees (qa/reorder_model.json); false:"
            " the logistic blend for every question (MultiHop-RAG held out: Hits@4 0.927 against 0.889, MRR@10 0.837"
            " against 0.752; README, Measured figures)."
        ),
    )
    feeds: tuple[str, ...] = field(
        default=(),
        metadata=_doc("RSS/Atom feed URLs that `newsdesk watch` and the web chat follow (environment: separated by"
                      " commas or spaces).", shapes_answers=False),
    )
    watch_every: str = field(
        default="15m",
        metadata=_doc("How often a followed feed is polled (30s, 15m, 1h); a failing one is retried later and"
                      " later, up to six hours.", shapes_answers=False),
    )
    upload_max_mb: int = field(
        default=20, metadata=_doc("Largest file the web chat's Library accepts, in MB.", shapes_answers=False)
    )
    judge_calls: int = field(
        default=5,
        metadata=_doc("Most narrow questions (does this sentence say yes, no or nothing to this claim?) one yes/no"
                      " verdict puts to the answer model, each ~2 s on a laptop CPU before the verdict's first word;"
                      " past them a claim code cannot settle is \"not stated\". Raise it for a fast answer server."),
    )
    min_relevance: float = field(
        default=0.3,
        metadata=_doc(
            "Cosine similarity from which a passage counts as evidence (so does one holding most of the question's"
            " words); with no evidence, Newsdesk refuses without asking the model."
        ),
    )

    def replace(self, **changes: Any) -> "Settings":
        return dataclasses.replace(self, **changes)

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def feed_state_path(self) -> Path:
        """What each followed feed's last poll found (``newsdesk.ingest.watch``)."""
        return self.data_dir / "feeds.json"

    @property
    def keyword_index_path(self) -> Path:
        return self.data_dir / "keyword-index" / self.collection


def answer_shaping(settings: Settings) -> dict[str, Any]:
    """The settings that can change what a question gets back (retrieval, chunking, the answer model and its
    limits), as JSON values: an eval run records them, and a run with other values is another run."""
    return {
        f.name: str(value) if isinstance(value := getattr(settings, f.name), Path) else value
        for f in fields(Settings) if f.metadata["shapes_answers"]
    }


class SettingsError(ValueError):
    """A configuration value that cannot be used; the message names where it came from."""


def _coerce(name: str, raw: Any, origin: str) -> Any:
    """Turn a config-file or environment value into the field's type, or say where it was wrong."""
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if "tuple" in str(kind):  # a TOML list, or words separated by commas or spaces
        items = raw if isinstance(raw, (list, tuple)) else str(raw or "").replace(",", " ").split()
        return tuple(str(item).strip() for item in items if str(item).strip())
    if raw is None or raw == "":
        return None if "None" in str(kind) else raw
    try:
        if "Path" in str(kind):
            return Path(str(raw)).expanduser()
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            return _boolean(raw)
        return str(raw)
    except ValueError:
        wanted = {"int": "a whole number", "float": "a number", "bool": "true or false"}.get(str(kind), str(kind))
        raise SettingsError(f"{origin}: {name} must be {wanted}, got {raw!r}") from None


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from defaults, the config file, ``NEWSDESK_*`` variables and explicit overrides.

    Overrides whose value is None are ignored, so CLI flags that were not given never mask the environment.
    """
    environ = os.environ if environ is None else environ
    names = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    for name in names:
        env_value = environ.get(f"NEWSDESK_{name.upper()}")
        if env_value is not None:
            values[name] = _coerce(name, env_value, f"NEWSDESK_{name.upper()}")
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    values.update({k: _coerce(k, v, f"--{k.replace('_', '-')}") for k, v in given.items()})

    data_dir = values.get("data_dir") or Settings().data_dir
    config_path = Path(environ["NEWSDESK_CONFIG"]) if environ.get("NEWSDESK_CONFIG") else data_dir / "config.toml"
    file_values: dict[str, Any] = {}
    try:
        config_text = config_path.read_text(encoding="utf-8") if config_path.is_file() else None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{config_path}: cannot read the config file ({exc})") from None
    if config_text is not None:
        try:
            parsed = tomllib.loads(config_text)
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{config_path}: not valid TOML ({exc})") from None
        unknown = sorted(set(parsed) - names)
        if unknown:
            raise SettingsError(f"{config_path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(names))}")
        file_values = {k: _coerce(k, v, str(config_path)) for k, v in parsed.items()}
    elif environ.get("NEWSDESK_CONFIG"):
        raise SettingsError(f"NEWSDESK_CONFIG points to {config_path}, which does not exist")
    return Settings(**{**file_values, **values})


def describe_settings() -> list[tuple[str, str]]:
    """Name and help text of every setting, for --help and the README."""
    return [(f.name, f.metadata.get("doc", "")) for f in fields(Settings)]
