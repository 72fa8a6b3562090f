"""Evidence selection on hand-made passages: which sentences the answer model is shown (a stand-in embedding that
scores sentences by the words they share with the question keeps this pure text logic)."""

from newsdesk.articles import Chunk
from newsdesk.qa.answer import Passage
from newsdesk.qa.evidence import select_evidence

WORDS = ("ferry", "storm", "cancelled", "harbour", "council", "vote", "budget", "road")


def embed(texts: list[str]) -> list[list[float]]:
    vectors = [[float(w in t.lower()) for w in WORDS] for t in texts]
    return [[x / max(sum(v) ** 0.5, 1.0) for x in v] for v in vectors]


def passage(number: int, text: str, index: int) -> Passage:
    return Passage(number, Chunk("a1", index, text, "Storm hits the islands", "The Herald", "2023-11-02", ""), 0.6)


def test_a_sentence_two_overlapping_chunks_share_is_shown_once() -> None:
    shared = "The storm cancelled the ferry to the harbour."
    first = passage(1, f"The council met. {shared}", 0)
    second = passage(2, f"{shared} The ferry returns when the storm ends. The road is closed.", 1)
    shown = select_evidence("Why was the ferry cancelled by the storm?", [first, second], embed)
    texts = " ".join(p.chunk.text for p in shown)
    assert texts.count(shared) == 1
    assert "The ferry returns when the storm ends." in texts


def test_stored_sentence_vectors_are_used_and_a_passage_they_do_not_match_is_embedded() -> None:
    import numpy as np

    first = passage(1, "The council met. The storm cancelled the ferry to the harbour.", 0)
    second = Passage(2, Chunk("a2", 0, "The budget vote is delayed. The ferry returns when the storm ends.",
                              "Budget", "The Herald", "2023-11-02", ""), 0.6)
    embedded: list[str] = []

    def counting(texts: list[str]) -> list[list[float]]:
        embedded.extend(texts)
        return embed(texts)

    stored = {first.chunk.chunk_id: np.asarray(embed(["The council met.", "The storm cancelled the ferry."])),
              second.chunk.chunk_id: np.asarray(embed(["A stale copy of one sentence."]))}  # not its 2 sentences
    shown = select_evidence("Why was the ferry cancelled by the storm?", [first, second], counting, stored)
    assert embedded == ["The budget vote is delayed.", "The ferry returns when the storm ends.",
                        "Why was the ferry cancelled by the storm?"]
    assert "The storm cancelled the ferry to the harbour." in " ".join(p.chunk.text for p in shown)
