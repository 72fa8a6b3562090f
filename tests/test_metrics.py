"""Metric functions on hand-made cases with known values."""

import pytest

from newsdesk.eval.metrics import answer_correct, article_recall, first_relevant_rank, hits_at, mrr, normalise, percentile


def test_normalise_drops_case_punctuation_and_articles() -> None:
    assert normalise("The  Sam Bankman-Fried!") == "sam bankman fried"


@pytest.mark.parametrize(
    "prediction, gold, expected",
    [
        ("Yes.", "yes", True),
        ("No, it did not.", "Yes", False),
        ("Todd D. Robinson is visiting [1].", "Todd D. Robinson", True),
        ("Robinsonville", "Robinson", False),
        ("", "Robinson", False),
    ],
)
def test_answer_correct(prediction: str, gold: str, expected: bool) -> None:
    assert answer_correct(prediction, gold) is expected


def test_relevance_ignores_spaces_and_newlines_like_the_paper() -> None:
    chunks = ["unrelated text", "built on\nlies, Rehn  declared"]
    assert first_relevant_rank(chunks, ["built on lies,Rehn declared"]) == 2


def test_miss_scores_zero_and_hits_count_by_rank() -> None:
    ranks = [1, 3, None, 10]
    assert hits_at(ranks, 4) == 0.5
    assert hits_at(ranks, 10) == 0.75
    assert mrr(ranks) == pytest.approx((1 + 1 / 3 + 0 + 0.1) / 4)
    assert mrr([None]) == 0.0


def test_rank_beyond_k_is_a_miss() -> None:
    assert first_relevant_rank(["x"] * 10 + ["fact"], ["fact"], k=10) is None


def test_article_recall_and_percentile() -> None:
    assert article_recall(["a", "a", "c"], ["a", "b"]) == 0.5
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 95) == 4.0
