"""Recognising the publications a question cites, and which of them the store holds nothing from."""

from newsdesk.qa.prompt import not_held_refusal
from newsdesk.qa.publications import cited_publications, mentions, publications_not_stored
from newsdesk.qa.query_analysis import source_aliases


def test_publications_are_found_where_they_stand_alone() -> None:
    assert cited_publications("According to a Bloomberg article and a report by The Wall Street Journal, who?") == [
        "Bloomberg", "Wall Street Journal"]
    assert cited_publications("Did the Times of India or the Times report it first?") == ["Times of India", "The Times"]
    assert cited_publications("Per Bloomberg's Mark Gurman and WSJ, when?") == ["Bloomberg", "WSJ"]
    assert cited_publications("Considering the Bloomberg piece and Bloomberg's later one, what?") == ["Bloomberg"]


def test_names_inside_longer_names_are_not_publications() -> None:
    assert cited_publications("What did Michael Bloomberg say about the budget?") == []
    assert cited_publications("Did Bloomberg Philanthropies fund the clinic?") == []
    assert cited_publications("Which Fortune 500 company moved its headquarters?") == []
    assert cited_publications("Is the fortune of the Walton family growing?") == []  # a word, not the magazine
    assert cited_publications("Bloomberg said what?") == ["Bloomberg"]  # a sentence's first word is not a name


def test_a_stored_source_holds_its_short_and_long_forms() -> None:
    stored = ["BBC News - Technology", "Cnbc | World Business News Leader", "The Verge", "Bloomberg"]
    question = "Did the BBC, CNBC, The Verge, Bloomberg News, Reuters and the Economic Times all report it?"
    assert publications_not_stored(question, source_aliases(stored)) == ["Reuters", "Economic Times"]
    assert publications_not_stored("What did Reuters report?", []) == ["Reuters"]


def test_mentions_and_the_refusal_name_the_publication() -> None:
    assert mentions("Reuters reported on Monday that…", "Reuters")
    assert mentions("as The Economist put it", "The Economist") and mentions("the Economist said", "The Economist")
    assert not mentions("Reutersville reported", "Reuters")
    assert not_held_refusal(["Reuters"]) == "The articles don't say: none of them is from Reuters, or mentions it."
    assert not_held_refusal(["Bloomberg", "Forbes", "Reuters"]) == (
        "The articles don't say: none of them is from Bloomberg, Forbes or Reuters, or mentions them.")
