"""Relative dates resolved against the article's publication date, in the prompt and in the citation check."""

from newsdesk.articles import Chunk
from newsdesk.qa.answer import Passage
from newsdesk.qa.citations import cite
from newsdesk.qa.prompt import build_messages
from newsdesk.qa.relative_dates import periods_asked, with_dates

WEDNESDAY = "2023-10-04T09:00:00+00:00"


def test_weekdays_and_near_days_get_their_dates() -> None:
    text = "It reopened on Monday, the authority said yesterday; ferries return next Friday. This year was hard."
    assert with_dates(text, WEDNESDAY) == (
        "It reopened on Monday (October 2, 2023), the authority said yesterday (October 3, 2023); ferries return "
        "next Friday (October 6, 2023). This year (2023) was hard."
    )
    assert with_dates("He arrives on Wednesday.", WEDNESDAY) == "He arrives on Wednesday (October 4, 2023)."
    assert with_dates("Last month sales fell.", WEDNESDAY) == "Last month (September 2023) sales fell."
    assert with_dates("It reopened on Monday.", "") == "It reopened on Monday."  # undated article: left as is


def test_the_model_reads_the_dates_and_an_answer_giving_them_is_cited() -> None:
    chunk = Chunk("harbour", 0, "The harbour at Port Ellen reopened on Monday after a storm.", "Harbour reopens",
                  "Island Times", WEDNESDAY, "")
    passage = Passage(1, chunk, 0.8)
    prompt = build_messages("When did the harbour reopen?", [passage])[-1].content
    assert "reopened on Monday (October 2, 2023) after a storm" in prompt
    text, citations = cite("The harbour reopened on October 2, 2023.", [passage], "When did the harbour reopen?")
    assert text == "The harbour reopened on October 2, 2023 [1]." and citations[0].quote == chunk.text
    wrong, _ = cite("The harbour reopened on October 9, 2023.", [passage], "When did the harbour reopen?")
    assert wrong == "The harbour reopened on October 9, 2023 [unsupported]."


def test_a_questions_periods_are_counted_from_the_moment_asked_and_its_weekdays_left_alone() -> None:
    asked = 1796601600  # Monday, 2026-12-07
    assert periods_asked("Did prices rise this year, and last month, and will they next year?", asked) == (
        "Did prices rise this year (2026), and last month (November 2026), and will they next year (2027)?")
    assert periods_asked("Did the harbour reopen on Monday?", asked) == "Did the harbour reopen on Monday?"
