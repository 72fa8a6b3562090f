"""Splitting a yes/no question into its claims, and the polarity and date-order rules, on hand-made passages."""

from newsdesk.articles import Chunk
from newsdesk.embedding import MiniLMEmbedding
from qa.answer import Passage
from qa.yes_no import claims_of, decide, explain, is_yes_no, negated


def passage(n: int, text: str, source: str, published_at: str, ts: int) -> Passage:
    chunk = Chunk(f"a{n}", 0, text, f"Report {n}", source, published_at, "", published_ts=ts)
    return Passage(n, chunk, 0.5)


def test_claims_split_at_connectives_and_order_words() -> None:
    assert claims_of("Does The Verge suggest that prices rose, while TechCrunch reports that sales fell?") == [
        "The Verge suggest that prices rose", "TechCrunch reports that sales fell"]
    assert claims_of("Did Fortune report the merger before The Age reported the layoffs?") == [
        "Fortune report the merger", "The Age reported the layoffs"]
    assert claims_of("Is it raining?") == ["it raining"]
    assert claims_of("After Fortune reported the bank merger, did The Age report the layoffs?") == [
        "Fortune reported the bank merger", "The Age report the layoffs"]
    assert is_yes_no("Was there a change?") and not is_yes_no("Who was there?")
    assert is_yes_no("Between the Verge report on May 1 and the Fortune one, was there a change in tone?")
    assert not is_yes_no("Does the article say it rose, or does it say it fell?")  # a choice, not yes/no
    assert not is_yes_no("Was the coverage consistent or inconsistent?")
    assert negated("did the club fail to report") and negated("there was no change")
    assert not negated("the club reported a change")


def test_negated_claim_against_a_plain_statement_is_no_and_order_is_checked_by_dates() -> None:
    embed = MiniLMEmbedding().get_text_embedding_batch
    merger = passage(1, "Fortune said the two banks agreed to merge in a deal worth $2 billion.", "Fortune",
                     "2023-10-01T00:00:00+00:00", 1696118400)
    layoffs = passage(2, "The Age reported that the bank will lay off 300 staff next year.", "The Age",
                      "2023-11-01T00:00:00+00:00", 1698796800)
    both = [merger, layoffs]

    assert decide("Did Fortune report that the two banks agreed to merge?", both, embed).yes
    never = decide("Did Fortune report that the two banks never agreed to merge?", both, embed)
    assert not never.yes and never.findings[0].passage is merger

    assert decide("Did Fortune report the bank merger before The Age reported the bank layoffs?", both, embed).yes
    late = decide("Did The Age report the bank layoffs before Fortune reported the bank merger?", both, embed)
    assert not late.yes and late.reason == "the reports were published in the other order"

    text, citations = explain(late)
    assert text.startswith("No, the reports were published in the other order [1][2].")
    assert [c.source for c in citations] == ["The Age", "Fortune"]
    assert "The Age, 2023-11-01: “The Age reported that the bank will lay off 300 staff next year” [1]." in text
