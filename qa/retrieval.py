"""Finding the passages that can answer a question, as a llama-index retriever: keyword (BM25) and dense (MiniLM)
rankings fused by weighted reciprocal rank, led by picks for the sources and periods the question names (and for
each named source, its best two chunks for each clause it answers), then the leading candidates, with the best
chunks for each clause of the articles they come from and the chunks of each clause's nearest sentences, reordered
so the chunk holding the fact comes first (`qa/reorder.py`).

On news, keyword search carries names, sources and numbers that the small embedding model blurs; the dense
ranking adds paraphrase matches. The fusion weights are settings, chosen on the MultiHop-RAG dev split.
"""

from __future__ import annotations

from itertools import zip_longest
from typing import Any, Sequence

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from newsdesk.articles import Chunk, article_of
from newsdesk.filters import RetrievalFilter
from newsdesk.keyword_index import KeywordIndex, QueryScores
from newsdesk.store import ArticleStore
from newsdesk.qa.lexical import content_words, share_held
from newsdesk.qa.query_analysis import named_periods, named_sources, question_parts, source_aliases
from newsdesk.qa.reorder import Question, Trees, by_trees, features, reorder

# A question naming a source and a day gets that source's best chunks from that day first, and one more slot
# (MultiHop-RAG dev: temporal Hits@4 0.720 -> 0.817, all questions 0.812 -> 0.838); so does any period it names.
DATED_PICKS = 2
# A named source's best chunks for a clause (PART_PICKS of them) join the candidates when they score at least
# PART_SCORE_SHARE of the clause's best chunk anywhere: that source plausibly reported that clause's fact. The
# second chunk is often the one holding it, the first sharing more words without saying it (MultiHop-RAG dev, after
# the reorder: one pick evidence recall@10 0.728, Hits@10 0.957; two 0.738, 0.963, MRR@10 unchanged; three 0.740,
# 0.963, MRR@10 0.752 -> 0.750; the share 0.4 to 0.65 moves them by at most 0.002).
PART_PICKS = 2
PART_SCORE_SHARE = 0.5
# An article among the leading candidates is often evidence, but its chunk holding the fact may not be a candidate
# (MultiHop-RAG dev, trees held out: of 461 gold facts missing from the top 10, 152 were in a chunk outside the 30
# candidates of an article that the top 10 showed by another chunk). So the reorder also weighs, for each of the
# first ``article_expansion`` candidate articles, its best chunks for the question and for each clause, at most
# ARTICLE_PICKS of them: evidence recall@10 held out (bench/reorder_fit.py) 0.768 with none, 0.776 with the first 6
# articles'; with picks for every question, 0.774 / 0.779 / 0.776 / 0.776 / 0.776 with the first 4 / 6 / 8 / 10 / 15
# articles', and one pick an article instead of two 0.774 / 0.772 with 6 / 10.
ARTICLE_PICKS = 2
SENTENCE_SEARCH = 60  # nearest sentences searched for each clause, for its ``sentence_expansion`` new chunks
RRF_K = 60  # the usual reciprocal-rank-fusion constant: rank 1 and rank 5 differ, but not by orders of magnitude
# A chunk of another copy of a story already among the passages says nothing new when that one holds this share of
# its content words (wire copy under two outlets; a copy with a paragraph more keeps the chunk of that paragraph).
SAME_TEXT = 0.8


def node_from_chunk(chunk: Chunk, score: float, similarity: float) -> NodeWithScore:
    metadata: dict[str, Any] = {
        "article_id": chunk.article_id,
        "chunk_index": chunk.index,
        "title": chunk.title,
        "source": chunk.source,
        "published_at": chunk.published_at,
        "published_ts": chunk.published_ts,
        "url": chunk.url,
        "author": chunk.author,
        "story_id": chunk.story_id,
        "similarity": similarity,
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
        published_ts=meta.get("published_ts"),
        story_id=meta.get("story_id", ""),
    )


def fuse(rankings: list[tuple[float, list[str]]]) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion: each (weight, ranked ids) adds weight / (RRF_K + rank) to an id."""
    scores: dict[str, float] = {}
    for weight, ids in rankings:
        for rank, chunk_id in enumerate(ids, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (RRF_K + rank)
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)


def cover_named_sources(ranked: list[Chunk], groups: list[set[str]], k: int) -> list[Chunk]:
    """``ranked`` with every named source that has a candidate brought into the first ``k``: its best candidate
    takes the place of the last one whose source is not needed there (unnamed, or named and present twice), so a
    question comparing two sources never gets passages from one only."""
    top, rest = list(ranked[:k]), list(ranked[k:])
    for group in groups:
        if any(c.source in group for c in top):
            continue
        spare = next((c for c in rest if c.source in group), None)
        slot = next((i for i in reversed(range(len(top))) if not _only_one_of_a_group(top, i, groups)), None)
        if spare is None or slot is None:
            continue
        rest.remove(spare)
        rest.insert(0, top[slot])
        top[slot] = spare
    return top + rest


def one_copy_each(ranked: list[Chunk], named: list[set[str]]) -> list[Chunk]:
    """``ranked`` without the chunks repeating a higher chunk of another copy of the same story: the reader gets
    one copy with the other outlets named (``Passage.also_reported_by``) and the places go to other facts. A chunk
    from a source the question names is kept: "How did CNN and Fox report it?" wants both."""
    kept: list[Chunk] = []
    words: dict[str, set[str]] = {}  # chunk id -> its content words, found once (wire copies make many pairs)

    def words_of(chunk: Chunk) -> set[str]:
        if chunk.chunk_id not in words:
            words[chunk.chunk_id] = content_words(chunk.text)
        return words[chunk.chunk_id]

    for chunk in ranked:
        may_drop = chunk.story_id and not any(chunk.source in group for group in named)
        if may_drop and any(k.story == chunk.story and k.article_id != chunk.article_id
                            and share_held(words_of(chunk), words_of(k)) >= SAME_TEXT for k in kept):
            continue
        kept.append(chunk)
    return kept


def _only_one_of_a_group(top: list[Chunk], i: int, groups: list[set[str]]) -> bool:
    return any(top[i].source in g and sum(c.source in g for c in top) == 1 for g in groups)


class NewsRetriever(BaseRetriever):
    """Top-k chunks by fused keyword and dense rank; each node also carries its cosine similarity to the question."""

    def __init__(
        self,
        store: ArticleStore,
        embed_model: BaseEmbedding,
        keyword_index: KeywordIndex,
        top_k: int,
        candidates: int = 50,
        keyword_weight: float = 1.0,
        dense_weight: float = 0.0,
        per_source: int = 3,
        keep: RetrievalFilter | None = None,
        reorder_depth: int = 0,
        trees: Trees | None = None,
        article_expansion: int = 0,
        sentence_expansion: int = 0,
    ) -> None:
        super().__init__()
        self._store = store
        self._embed_model = embed_model
        self._keyword_index = keyword_index
        self._top_k = top_k
        self._candidates = max(candidates, top_k)
        self._weights = (keyword_weight, dense_weight)
        self._per_source = per_source
        self._keep = keep or RetrievalFilter()
        self._reorder_depth = reorder_depth
        self._trees = trees
        self._article_expansion = article_expansion if reorder_depth else 0
        self._sentence_expansion = sentence_expansion if reorder_depth else 0

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        found, question = self.candidates(query_bundle.query_str)
        if self._reorder_depth:
            found = reorder(found, features(question, found, self._keyword_index), question, self._trees)
        found = one_copy_each(found, question.source_groups)
        if self._reorder_depth:
            found = cover_named_sources(found, question.source_groups, self._top_k)
        return [
            node_from_chunk(c, 1.0 / rank, question.similarity[c.chunk_id])
            for rank, c in enumerate(found[: self._top_k], 1)
        ]

    def candidates(self, text: str) -> tuple[list[Chunk], Question]:
        """The fused candidates, best first, before reordering (as many as the reorder depth, or top k), with what
        was learnt of the question on the way (the reorder reads it)."""
        parts = question_parts(text)
        vector = self._embed_model.get_query_embedding(text)
        # a question the trees reorder is also read clause by clause by the embedding model (``qa.reorder``); one
        # at a time, unpadded, as fast as one batch of them and apart from the question's length
        clause_vectors = [self._embed_model.get_query_embedding(p) for p in parts] if self._by_trees(parts) else []
        dense = self._store.query(vector, self._candidates, self._keep.chroma_where()) if self._weights[1] > 0 else []
        self._keyword_index.ensure_current(self._store)
        scores = self._keyword_index.score_all(text)
        keyword = scores.top(self._candidates, self._keep) if scores is not None and self._weights[0] > 0 else []
        fused = fuse([
            (self._weights[0], [i for i, _ in keyword]), (self._weights[1], [s.chunk.chunk_id for s in dense]),
        ])
        chunks, similarity = {s.chunk.chunk_id: s.chunk for s in dense}, {s.chunk.chunk_id: s.score for s in dense}
        question = Question(
            text, parts, named_sources(text, source_aliases(self._keyword_index.sources())),
            named_periods(text, self._keep.anchor()), scores,
            [self._keyword_index.score_all(p) for p in parts], similarity, vector, clause_vectors,
        )
        picks = [] if scores is None else self._named_picks(question, scores) + self._part_picks(question)
        ranked = list(dict.fromkeys(picks + [i for i, _ in fused]))[: max(self._top_k, self._reorder_depth)]
        ranked += self._article_picks(question, ranked)
        ranked += self._sentence_picks(question, ranked)
        for chunk, score in self._store.similar_chunks([i for i in ranked if i not in chunks], vector):
            chunks[chunk.chunk_id], similarity[chunk.chunk_id] = chunk, score
        found = [chunks[i] for i in ranked if i in chunks]
        if clause_vectors:
            question.sentences.update(self._keyword_index.sentence_vectors([c.chunk_id for c in found]))
        return found, question

    def _by_trees(self, parts: Sequence[str]) -> bool:
        return bool(self._reorder_depth) and by_trees(len(parts), self._trees)

    def _named_picks(self, question: Question, scores: QueryScores) -> list[str]:
        """For a question naming sources, the best chunks of each named source, interleaved (s1, s2, s1, s2…),
        so every source the question cites has evidence among the first passages. Periods the question names
        ("the TechCrunch report published on October 7, 2023", "last week") pick their chunks first; a question
        naming periods but no source gets those picks from every source."""
        picks = []
        for group in question.source_groups or ([None] if question.periods else []):
            sources = self._keep.narrowed_to(group) if group is not None else self._keep
            dated = [i for p in question.periods for i, _ in scores.top(DATED_PICKS, sources.within(p.since, p.until))]
            undated = [i for i, _ in scores.top(self._per_source, sources)] if group is not None else []
            picks.append(list(dict.fromkeys(dated + undated))[: self._per_source + (1 if dated else 0)])
        return _interleaved(picks)

    def _part_picks(self, question: Question) -> list[str]:
        """For each named source, its best chunks for each clause it answers nearly as well as any source does
        (``PART_SCORE_SHARE``), best-answered clauses first, interleaved across sources: "…according to Fortune,
        and … as per The Verge" finds the Verge report of the second clause even when another Verge report shares
        more words with the whole question."""
        if not question.source_groups or not self._per_source:
            return []
        part_scores = question.matched_parts
        leaders = [s.top(1, self._keep) for s in part_scores]
        picks = []
        for group in question.source_groups:
            sources = self._keep.narrowed_to(group)
            found = []
            for scores, leader in zip(part_scores, leaders):
                for chunk_id, score in scores.top(PART_PICKS, sources):
                    if leader and score >= PART_SCORE_SHARE * leader[0][1]:
                        found.append((score / leader[0][1], chunk_id))
            picks.append([chunk_id for _, chunk_id in sorted(found, reverse=True)])
        return _interleaved(picks)

    def _article_picks(self, question: Question, ranked: list[str]) -> list[str]:
        """Chunks of the first candidates' articles that are not candidates themselves: for each article, its best
        chunk for the question and for each clause (``ARTICLE_PICKS`` at most), found on the scores already
        computed. The article passed the reader's filters with its candidate, so its other chunks do too. Only for
        a question the trees reorder: the blend, which ranks by place first, left them out of its top 10 anyway
        (MultiHop-RAG dev: the blend's figures the same with and without them)."""
        scorers = [s for s in [question.keyword] if s is not None] + question.matched_parts
        if not self._article_expansion or not scorers or not self._by_trees(question.parts):
            return []
        taken = set(ranked)
        picks = []
        for article in list(dict.fromkeys(article_of(i) for i in ranked))[: self._article_expansion]:
            found: list[str] = []
            for scores in scorers:
                best = scores.best_of_article(article, taken)
                if best is not None and best not in found:
                    found.append(best)
            picks += found[:ARTICLE_PICKS]
        return picks

    def _sentence_picks(self, question: Question, ranked: list[str]) -> list[str]:
        """For each clause, the chunks of its nearest sentences by the embedding model (``sentence_expansion``)
        that are not candidates yet, within the reader's filters: the fact a clause asks for is often worded
        otherwise than the clause (no shared word for BM25 to find), and one sentence, where a chunk's vector
        averages it with the rest of the chunk. MultiHop-RAG dev, held out: with the sentence features of
        ``qa.reorder``, evidence recall@10 0.793 without these picks, 0.808 with six a clause."""
        if not self._sentence_expansion or not question.clause_vectors:
            return []
        taken = set(ranked)
        picks: list[str] = []
        where = self._keep.chroma_where()
        for nearest in self._store.nearest_sentences(question.clause_vectors, SENTENCE_SEARCH, where):
            new = [i for i in nearest if i not in taken]
            picks += new[: self._sentence_expansion]
            taken.update(new[: self._sentence_expansion])
        return picks


def _interleaved(lists: list[list[str]]) -> list[str]:
    """First items of each list, then the second items, and so on."""
    return [item for rank in zip_longest(*lists) for item in rank if item is not None]
