"""Short answers held to the kind of thing the question asks for: a publication, a number, a date, a place, a name."""

from __future__ import annotations

from pathlib import Path

from newsdesk.qa.answer_kind import Wanted, candidate, echoes, fits, trimmed, wanted
from tests.test_engine import desk_with

TOLD = "“The meetings and contacts at the FM-level have been positive,” he told The Nation."


def test_the_wanted_kind_comes_from_the_question_wording() -> None:
    assert wanted("Which newspaper did the senior Pakistani diplomat talk to?") is Wanted.PUBLICATION
    assert wanted("How many years of ties are they celebrating?") is Wanted.NUMBER
    assert wanted("When is Robinson in Pakistan?") is Wanted.DATE
    assert wanted("Which state announced it is legalizing jaywalking?") is Wanted.PLACE
    assert wanted("Who was ousted through a Parliament vote?") is Wanted.NAME
    assert wanted("Which individual, open about her relationship with Travis Kelce, has a tour booked?") is Wanted.NAME
    assert wanted("What tech company spent billions to stay the default search engine?") is Wanted.NAME
    assert wanted("Which two celebrities were spotted at Arrowhead Stadium?") is Wanted.NAME
    assert wanted("What will Robinson discuss?") is None


def test_a_short_answer_of_another_kind_or_echoing_the_question_does_not_fit() -> None:
    newspaper = "Which newspaper did the senior Pakistani diplomat talk to?"
    assert not fits("Todd D. Robinson", newspaper, ["The Nation"])
    assert fits("The Nation", newspaper, ["The Nation"]) and fits("Reuters", newspaper, [])
    assert fits("75", "How many years of ties are they celebrating?", [])
    assert not fits("bilateral ties", "How many years of ties are they celebrating?", [])
    assert fits("June 29 to July 2", "When is Robinson in Pakistan?", [])
    assert fits("anything at all", "What will Robinson discuss?", [])
    assert echoes("the band dropping a new single", "Which band announced it is dropping a new single?")
    assert not echoes("Radiohead", "Which band announced it is dropping a new single?")


def test_the_cited_sentences_give_the_thing_of_the_wanted_kind() -> None:
    assert candidate("Which newspaper did the senior Pakistani diplomat talk to?", [TOLD]) == "The Nation"
    assert candidate("When is Robinson in Pakistan?",
                     ["While in Pakistan from June 29 to July 2, the Assistant Secretary Robinson will meet"]) == "June 29"
    assert candidate("What will Robinson discuss?", [TOLD]) is None


def test_a_short_answer_of_the_wrong_kind_is_replaced_from_the_cited_sentence(seed_store: Path) -> None:
    desk, llm = desk_with(seed_store, "The senior Pakistani diplomat spoke to The Nation.")
    llm.short = "Todd D. Robinson"
    answer = desk.ask("Which newspaper did the senior Pakistani diplomat talk to?")
    assert not answer.refused and answer.short_answer == "The Nation"
    llm.short = "the senior Pakistani diplomat talk"
    echoed = desk.ask("Which newspaper did the senior Pakistani diplomat talk to?")
    assert echoed.short_answer == "The Nation"


def test_a_sources_date_copied_from_its_label_is_no_part_of_a_short_answer() -> None:
    # the model sees "[1] Title (Fortune, 2023-10-01)" and copies it after the name
    assert trimmed("Sam Bankman-Fried, 2023-10-01,", "Who built the exchange on lies?") == "Sam Bankman-Fried"
    assert trimmed("Sam Bankman-Fried (Fortune, 2023-10-01)", "Who built the exchange?") == "Sam Bankman-Fried"
    assert trimmed("2023-10-01", "When did the trial start?") == "2023-10-01"
    assert trimmed("Todd D. Robinson, June 29 to July 2", "Who is visiting Pakistan and when?") == \
        "Todd D. Robinson, June 29 to July 2"


def test_the_items_of_a_short_answer_that_the_question_names_are_dropped() -> None:
    asked = "Which two celebrities have been featured in articles by The Age and The Independent?"
    assert trimmed("Travis Kelce, Taylor Swift, The Independent, The Age", asked) == "Travis Kelce, Taylor Swift"
    assert trimmed("Sam Bankman-Fried, TechCrunch", "Who, as TechCrunch reports, is accused of fraud?") == \
        "Sam Bankman-Fried"
    # nothing new is left: the answer stays as the model gave it (a choice the question offers, say)
    assert trimmed("Google, Apple", "Which company, Google or Apple, was sued?") == "Google, Apple"
