"""Splitting an article into passages that fit the embedding model, each carrying its article's metadata."""

from __future__ import annotations

from typing import Callable

from llama_index.core.node_parser import SentenceSplitter

from newsdesk.articles import Article, Chunk


class ArticleChunker:
    """Sentence-aware chunks measured in the embedding model's own word pieces, so none is truncated."""

    def __init__(self, tokenize: Callable[[str], list[str]], chunk_size: int, chunk_overlap: int) -> None:
        if chunk_overlap >= chunk_size:
            raise ValueError(f"chunk overlap ({chunk_overlap}) must be smaller than chunk size ({chunk_size})")
        self._splitter = SentenceSplitter(
            chunk_size=chunk_size,
            chunk_overlap=chunk_overlap,
            tokenizer=tokenize,
            paragraph_separator="\n\n",
            include_metadata=False,
            include_prev_next_rel=False,
        )

    def chunks(self, article: Article) -> list[Chunk]:
        return [
            Chunk(
                article_id=article.article_id,
                index=index,
                text=text,
                title=article.title,
                source=article.source,
                published_at=article.published_at,
                url=article.url,
                author=article.author,
            )
            for index, text in enumerate(self._splitter.split_text(article.text))
        ]


def embedding_text(chunk: Chunk) -> str:
    """What is embedded: a short header (title, source, date) so a passage out of context still matches
    questions about its article. The stored text shown to readers stays the clean passage."""
    header = " — ".join(part for part in (chunk.title, chunk.source, chunk.published_at[:10]) if part)
    return f"{header}\n{chunk.text}" if header else chunk.text
