"""Finding the passages that can answer a question: dense search over the Chroma store, as a llama-index retriever."""

from __future__ import annotations

from typing import Any

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from newsdesk.articles import Chunk
from newsdesk.store import ArticleStore


def node_from_chunk(chunk: Chunk, score: float) -> NodeWithScore:
    metadata: dict[str, Any] = {
        "article_id": chunk.article_id,
        "chunk_index": chunk.index,
        "title": chunk.title,
        "source": chunk.source,
        "published_at": chunk.published_at,
        "url": chunk.url,
        "author": chunk.author,
    }
    return NodeWithScore(node=TextNode(id_=chunk.chunk_id, text=chunk.text, metadata=metadata), score=score)


def chunk_from_node(node: NodeWithScore) -> Chunk:
    meta = node.node.metadata
    return Chunk(
        article_id=meta["article_id"],
        index=int(meta["chunk_index"]),
        text=node.node.get_content(),
        title=meta["title"],
        source=meta["source"],
        published_at=meta["published_at"],
        url=meta["url"],
        author=meta.get("author", ""),
    )


class NewsRetriever(BaseRetriever):
    """Top-k chunks by cosine similarity of MiniLM vectors, optionally filtered on chunk metadata."""

    def __init__(self, store: ArticleStore, embed_model: BaseEmbedding, top_k: int, where: dict[str, Any] | None = None):
        super().__init__()
        self._store = store
        self._embed_model = embed_model
        self._top_k = top_k
        self._where = where

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        vector = self._embed_model.get_query_embedding(query_bundle.query_str)
        return [node_from_chunk(s.chunk, s.score) for s in self._store.query(vector, self._top_k, self._where)]
