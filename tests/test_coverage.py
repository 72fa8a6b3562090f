"""Coverage compared: two outlets' reports of one story side by side, each point cited, the points only one of them
made marked; and what one outlet says that the other does not."""

from __future__ import annotations

import json

import pytest

from newsdesk.embedding import MiniLMEmbedding
from newsdesk.ingest.pipeline import Ingestor
from newsdesk.ingest.sources import read_sources
from newsdesk.qa.coverage import coverage_question
from newsdesk.qa.engine import Newsdesk
from newsdesk.sentences import is_statement
from newsdesk.settings import load_settings
from newsdesk.store import open_store
from tests.conftest import run_cli

COAST = ("A storm closed the harbour at Port Ellen on Monday. The coastguard said the harbour would stay shut for "
         "three days. The ferry to the mainland was cancelled. Repairs to the breakwater will cost two million pounds, "
         "the port authority said.")
ISLE = ("The storm shut Port Ellen harbour on Monday, the coastguard said. Fishermen said a week without fishing "
        "would cost them dearly. Several skippers called for a stronger sea wall at the harbour.")
OTHER = "The new bridge in Dunmore opened to traffic on Tuesday, cutting the commute by twenty minutes."
SOURCES = {"Coast Times", "Isle Post", "Valley Gazette"}


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Newsdesk:
    folder = tmp_path_factory.mktemp("coverage")
    feed = folder / "news.jsonl"
    feed.write_text("".join(json.dumps({"id": i, "source": s, "published_at": "2023-11-06T12:00:00Z", "title": t,
                                        "text": x}) + "\n" for i, s, t, x in [
        ("coast", "Coast Times", "Storm shuts Port Ellen harbour", COAST),
        ("isle", "Isle Post", "Harbour closed by storm", ISLE),
        ("bridge", "Valley Gazette", "Dunmore bridge opens", OTHER),
    ]))
    settings = load_settings({"data_dir": folder / "data"}, environ={})
    store = open_store(settings)
    Ingestor.for_settings(settings, store).ingest(read_sources([str(feed)]))
    return Newsdesk(settings, store, MiniLMEmbedding(), lambda: pytest.fail("no model is needed"))


def test_questions_comparing_coverage() -> None:
    asked = coverage_question("How did the Coast Times and the Isle Post report the Port Ellen storm?", SOURCES)
    assert asked is not None and asked.outlets == [{"Coast Times"}, {"Isle Post"}] and asked.topic == "the Port Ellen storm"
    assert not asked.only_first
    mine = coverage_question("What does the Isle Post say about the storm that the Coast Times doesn't?", SOURCES)
    assert mine is not None and mine.only_first and mine.outlets == [{"Isle Post"}, {"Coast Times"}]
    assert coverage_question("Compare how Coast Times and Valley Gazette covered the bridge", SOURCES) is not None
    assert coverage_question("How did the Coast Times report the storm?", SOURCES) is None  # one outlet: a question
    assert coverage_question("How did CNN and Fox report the storm?", SOURCES) is None  # neither is stored


def test_headings_and_questions_are_not_points() -> None:
    assert is_statement("He quit.") and is_statement("He said: “I quit.”") and is_statement("It is over!")
    assert not is_statement("Timeline of Sam Altman’s firing from OpenAI") and not is_statement("Why did he quit?")


def test_two_outlets_side_by_side_with_their_own_points_marked(desk: Newsdesk) -> None:
    answer = desk.ask("How did the Coast Times and the Isle Post report the Port Ellen storm?")
    assert not answer.refused
    coast, isle = answer.coverage
    assert (coast["source"], isle["source"]) == ("Coast Times", "Isle Post")
    cited = {c.n: c for c in answer.citations}
    assert all(cited[p["citation"]].source == "Coast Times" for p in coast["points"])
    assert all(cited[p["citation"]].quote == p["sentence"] and p["sentence"] in COAST for p in coast["points"])
    own = {p["sentence"]: p["only_here"] for p in coast["points"] + isle["points"]}
    assert own["A storm closed the harbour at Port Ellen on Monday."] is False  # both report the closure
    assert own["The storm shut Port Ellen harbour on Monday, the coastguard said."] is False
    assert own.get("Several skippers called for a stronger sea wall at the harbour.") is True
    assert "(only Isle Post)" in answer.answer and "**Coast Times**" in answer.answer.splitlines()[0]
    assert all(c.article_id != "bridge" for c in answer.citations)


def test_what_one_outlet_says_that_the_other_does_not(desk: Newsdesk) -> None:
    answer = desk.ask("What does the Isle Post say about the Port Ellen storm that the Coast Times doesn't?")
    [isle] = answer.coverage
    assert isle["source"] == "Isle Post" and isle["points"] and all(p["only_here"] for p in isle["points"])
    assert "The storm shut Port Ellen harbour on Monday, the coastguard said." not in [p["sentence"] for p in isle["points"]]


def test_coverage_from_the_cli(desk: Newsdesk) -> None:
    result = run_cli("ask", "How did the Coast Times and the Isle Post report the Port Ellen storm?", "--json",
                     "--llm-gguf", "/nonexistent.gguf", data_dir=desk.settings.data_dir)
    assert result.code == 0, result.stderr  # no answer model is loaded for it
    assert [row["source"] for row in result.json()["coverage"]] == ["Coast Times", "Isle Post"]
