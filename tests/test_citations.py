"""Citation attachment and checking, on hand-made passages (no model needed: this is pure text logic)."""

from newsdesk.articles import Chunk
from newsdesk.qa.answer import Passage
from newsdesk.sentences import split_sentences
from newsdesk.qa.citations import cite, is_refusal, source_words, support


def passage(number: int, text: str, article_id: str = "a1", title: str = "Title") -> Passage:
    chunk = Chunk(article_id, number - 1, text, title, "The Nation", "2022-06-30", "https://example.org/a")
    return Passage(number, chunk, 0.8)


ROBINSON = passage(1, "Todd D. Robinson is already in Pakistan. While in Pakistan from June 29 to July 2, he will meet officials.")
PRICE = passage(2, "US State Department spokesperson Ned Price said the relationship is a vital one.", article_id="a2")


def test_unmarked_sentence_gets_the_supporting_source() -> None:
    text, citations = cite("Robinson is in Pakistan from June 29 to July 2.", [PRICE, ROBINSON])
    assert text == "Robinson is in Pakistan from June 29 to July 2 [1]."
    assert [c.article_id for c in citations] == ["a1"]
    assert "June 29 to July 2" in citations[0].quote


def test_marker_pointing_nowhere_is_repaired_or_dropped() -> None:
    text, citations = cite("Ned Price called it vital [7]. The moon is made of cheese [2].", [ROBINSON, PRICE])
    assert text == "Ned Price called it vital [1]. The moon is made of cheese [unsupported]."
    assert len(citations) == 1 and citations[0].article_id == "a2"


def test_wrong_marker_is_moved_to_the_source_that_supports_the_sentence() -> None:
    text, citations = cite("Ned Price said the relationship is vital [1].", [ROBINSON, PRICE])
    assert text == "Ned Price said the relationship is vital [1]."
    assert citations[0].article_id == "a2"


def test_citations_are_renumbered_in_order_of_first_use() -> None:
    text, citations = cite("Ned Price called it vital [2]. Robinson visits from June 29 to July 2 [1].", [ROBINSON, PRICE])
    assert text == "Ned Price called it vital [1]. Robinson visits from June 29 to July 2 [2]."
    assert [c.n for c in citations] == [1, 2]
    assert [c.article_id for c in citations] == ["a2", "a1"]


def test_every_marker_in_the_text_has_a_citation() -> None:
    text, citations = cite("Robinson is in Pakistan [1][2][3]. Price spoke [9].", [ROBINSON, PRICE])
    import re

    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    assert numbers <= {c.n for c in citations}


def test_sentences_do_not_break_after_initials() -> None:
    assert split_sentences("Todd D. Robinson arrived. Mr. Price spoke.") == ["Todd D. Robinson arrived.", "Mr. Price spoke."]
    assert split_sentences("Israel stopped deliveries on Oct. 10, 2023, and is preparing. It rained in Oct. The end.") \
        == ["Israel stopped deliveries on Oct. 10, 2023, and is preparing.", "It rained in Oct.", "The end."]


def test_support_counts_content_words() -> None:
    assert support("Robinson is in Pakistan", ROBINSON.chunk.text) == 1.0
    assert support("Robinson visits officials", "Robinson is visiting the officials") == 1.0
    assert support("Obama visits Kenya", ROBINSON.chunk.text) == 0.0
    assert support("FTX's founder", "the founder of FTX") == 1.0
    assert support("the FTX founder", "FTX’s founder") == 1.0


def test_refusal_wording_is_recognised() -> None:
    assert is_refusal("The articles don't say.")
    assert is_refusal("The sources do not mention the amount.")
    assert not is_refusal("Robinson is visiting from June 29 to July 2.")


def test_a_name_or_number_missing_from_every_source_leaves_the_sentence_uncited() -> None:
    question = "Who is the minister at the center of the trade talks?"
    text, citations = cite("The minister at the center of the trade talks is Kim Jong Nam [1].", [ROBINSON, PRICE], question)
    assert text == "The minister at the center of the trade talks is Kim Jong Nam [unsupported]." and citations == []
    dates, _ = cite("Robinson is in Pakistan from June 29 to July 9 [1].", [ROBINSON, PRICE])
    assert dates == "Robinson is in Pakistan from June 29 to July 9 [unsupported]."  # not what the source says
    named, cited = cite("Ned Price of the US State Department said it is vital [1].", [ROBINSON, PRICE], question)
    assert named.endswith("vital [1].") and cited[0].article_id == "a2"


def test_a_passage_vouches_for_its_day_as_its_label_gives_it() -> None:
    assert "2022-06-30" in source_words(ROBINSON) and "robinson" in source_words(ROBINSON)
