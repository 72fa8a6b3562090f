"""Story timelines: dated events in order, each an article's own sentence, cited; one event told by two outlets is
one line with two citations; asked for in the chat's words, or with `newsdesk timeline`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.embedding import MiniLMEmbedding
from newsdesk.ingest.pipeline import Ingestor
from newsdesk.ingest.sources import read_sources
from newsdesk.qa.engine import Newsdesk
from newsdesk.qa.timeline import timeline_topic
from newsdesk.settings import load_settings
from newsdesk.store import open_store
from tests.conftest import run_cli

ARTICLES = [  # 2023-11-06 was a Monday
    ("closed", "Coast Times", "2023-11-06T18:00:00Z", "Storm shuts harbour",
     "A storm closed the harbour at Port Ellen on Monday. The ferry to the mainland was cancelled."),
    ("closed-isle", "Isle Post", "2023-11-07T08:00:00Z", "Harbour closed",
     "The storm closed the Port Ellen harbour on Monday, the coastguard said. Fishing boats stayed in the inner basin."),
    ("repairs", "Coast Times", "2023-11-10T09:00:00Z", "Repairs begin",
     "Engineers began repairing the Port Ellen harbour breakwater on Wednesday. The work will take ten days."),
    ("reopened", "Valley Gazette", "2023-11-20T12:00:00Z", "Harbour reopens",
     "The harbour at Port Ellen reopened on Monday after repairs to the breakwater."),
    ("bridge", "Valley Gazette", "2023-11-14T12:00:00Z", "Bridge opens",
     "The new bridge in Dunmore opened to traffic on Tuesday, cutting the commute by twenty minutes."),
]


@pytest.fixture(scope="module")
def harbour_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("timeline")
    feed = folder / "news.jsonl"
    feed.write_text("".join(json.dumps({"id": i, "source": s, "published_at": d, "title": t, "text": x}) + "\n"
                            for i, s, d, t, x in ARTICLES))
    settings = load_settings({"data_dir": folder / "data"}, environ={})
    Ingestor.for_settings(settings, open_store(settings)).ingest(read_sources([str(feed)]))
    return folder / "data"


def test_questions_asking_for_a_timeline_and_their_topic() -> None:
    assert timeline_topic("Timeline of the Port Ellen storm?") == "the Port Ellen storm"
    assert timeline_topic("give me a timeline for the harbour closure") == "the harbour closure"
    assert timeline_topic("Port Ellen harbour timeline") == "Port Ellen harbour"
    assert timeline_topic("What happened with the harbour at Port Ellen?") == "the harbour at Port Ellen"
    assert timeline_topic("How did the FTX collapse unfold?") == "the FTX collapse"
    assert timeline_topic("What happened to the ferry on November 6, 2023?") is None  # a day's fact, not a story
    assert timeline_topic("Who is visiting Pakistan and when?") is None


def test_a_timeline_orders_dated_events_and_merges_one_event_told_by_two_outlets(harbour_store: Path) -> None:
    settings = load_settings({"data_dir": harbour_store}, environ={})
    desk = Newsdesk(settings, open_store(settings), MiniLMEmbedding(), lambda: pytest.fail("no model is needed"))
    answer = desk.ask("What happened with the harbour at Port Ellen?")
    assert not answer.refused and answer.understood == {"timeline_of": ["the harbour at Port Ellen"]}
    days = [row["date"] for row in answer.timeline]
    assert days == sorted(days) and days[0] == "2023-11-06" and "2023-11-20" in days
    assert "2023-11-08" in days  # "on Wednesday" in a report of Friday the 10th
    first = answer.timeline[0]
    cited = {c.n: c for c in answer.citations}
    assert {cited[n].source for n in first["citations"]} == {"Coast Times", "Isle Post"}  # one line, two outlets
    assert {cited[n].quote for n in first["citations"]} == {
        "A storm closed the harbour at Port Ellen on Monday.",
        "The storm closed the Port Ellen harbour on Monday, the coastguard said."}
    assert all(c.article_id != "bridge" for c in answer.citations)
    assert answer.answer.splitlines()[0].startswith("- 2023-11-06: A storm closed the harbour at Port Ellen on Monday [")
    assert all(c.quote in ARTICLES[[a[0] for a in ARTICLES].index(c.article_id)][4] for c in answer.citations)


def test_timeline_from_the_cli(harbour_store: Path) -> None:
    result = run_cli("timeline", "the Port Ellen harbour", "--json",
                     data_dir=harbour_store)
    assert result.code == 0, result.stderr
    rows = result.json()["timeline"]
    assert rows[0]["date"] == "2023-11-06" and len(rows[0]["citations"]) == 2
    text = run_cli("timeline", "the Port Ellen harbour", "--source", "Valley Gazette", data_dir=harbour_store)
    assert text.code == 0 and text.stdout.startswith("- 2023-11-20: The harbour at Port Ellen reopened")
    assert "Coast Times" not in text.stdout
