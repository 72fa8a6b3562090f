"""What's new: the period's stories, biggest first, copies of one story and reports of one event grouped with their
outlets listed, each summarised by its lead, quoted and cited; from the chat, the CLI and the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.dates import epoch_seconds
from newsdesk.embedding import MiniLMEmbedding
from newsdesk.filters import RetrievalFilter
from newsdesk.ingest.pipeline import Ingestor
from newsdesk.ingest.sources import read_sources
from newsdesk.qa.digest import digest_request, lead_sentences
from newsdesk.qa.engine import Newsdesk
from newsdesk.settings import load_settings
from newsdesk.store import open_store
from tests.conftest import run_cli
from tests.test_near_duplicates import MORE, WIRE

DAY = 86_400
BRIDGE = ("The new bridge in Dunmore opened to traffic on Tuesday, cutting the commute to the city by twenty minutes. "
          "The council said the bridge cost twelve million pounds and took two years to build.")
OLD = ("The Port Ellen regatta drew a record number of boats this summer, the sailing club said on Saturday, and "
       "the harbour was full for the whole weekend.")


def record(article_id: str, source: str, published: str, title: str, text: str) -> str:
    return json.dumps({"id": article_id, "source": source, "published_at": published, "title": title,
                       "text": text}) + "\n"


@pytest.fixture(scope="module")
def news_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("digest")
    feed = folder / "news.jsonl"
    feed.write_text(
        record("wire-coast", "Coast Times", "2023-11-06T09:00:00Z", "Storm closes Port Ellen harbour", WIRE)
        + record("wire-isle", "Isle Post", "2023-11-06T11:00:00Z", "Harbour shut by storm", WIRE)
        + record("wire-valley", "Valley Gazette", "2023-11-06T15:00:00Z", "Port Ellen harbour closed", WIRE + MORE)
        + record("bridge", "Dunmore Herald", "2023-11-07T08:00:00Z", "Dunmore bridge opens", BRIDGE)
        + record("regatta", "Coast Times", "2023-08-12T08:00:00Z", "Record regatta", OLD)
    )
    settings = load_settings({"data_dir": folder / "data"}, environ={})
    Ingestor.for_settings(settings, open_store(settings)).ingest(read_sources([str(feed)]))
    return folder / "data"


def test_questions_asking_what_is_new() -> None:
    assert digest_request("What's new?") == (DAY, None)
    assert digest_request("what is new in Port Ellen this week?") == (7 * DAY, "Port Ellen")
    assert digest_request("Morning digest") == (DAY, None)
    assert digest_request("What are the top stories today?") == (DAY, None)
    assert digest_request("What is the news from Dunmore?") is None
    assert digest_request("What did the Coast Times say about the storm?") is None


def test_a_lead_is_the_first_sentence_that_says_something() -> None:
    first, second = BRIDGE.split(". ")
    assert lead_sentences("By Ann Reed. " + BRIDGE) == (first + ".", second)  # 19 words: short, the next follows
    assert lead_sentences(WIRE) == ("A storm closed the harbour at Port Ellen on Monday, and the coastguard said it would "
                                    "stay shut for at least three days while engineers inspect the damaged breakwater.",)
    # (its headline line, "Storm closes Port Ellen harbour.", is too short to be the lead)
    assert lead_sentences("Photo: AP. The ferry is back today after a week. It sailed at noon with forty cars on board "
                          "and a full load of post.") == ("The ferry is back today after a week.",
                                                         "It sailed at noon with forty cars on board and a full load of post.")
    assert lead_sentences("Short. Lines. Only?") == ()


def test_the_periods_stories_biggest_first_with_their_outlets(news_store: Path) -> None:
    settings = load_settings({"data_dir": news_store}, environ={})
    desk = Newsdesk(settings, open_store(settings), MiniLMEmbedding(), lambda: pytest.fail("no model is needed"))
    as_of = RetrievalFilter(as_of_ts=epoch_seconds("2023-11-07"))  # the whole day
    answer = desk.digest(2 * DAY, keep=as_of)
    titles = [s["title"] for s in answer.stories]
    assert len(titles) == 2 and titles[1] == "Dunmore bridge opens"  # the regatta is months older
    wire = answer.stories[0]
    assert wire["sources"] == ["Coast Times", "Isle Post", "Valley Gazette"] and len(wire["articles"]) == 3
    assert wire["summary"].startswith("A storm closed the harbour at Port Ellen on Monday")
    assert [c.n for c in answer.citations] == [1, 2] and all(c.quote == s["summary"] for c, s in
                                                             zip(answer.citations, answer.stories))
    assert answer.answer.splitlines()[1].startswith("- **Dunmore bridge opens** (Dunmore Herald; 1 article): The new")

    about = desk.digest(2 * DAY, "the Dunmore bridge", as_of)
    assert [s["title"] for s in about.stories] == ["Dunmore bridge opens"]
    day_before = desk.digest(DAY, keep=RetrievalFilter(as_of_ts=epoch_seconds("2023-11-05")))
    assert day_before.refused and day_before.answer.startswith("The articles don't say: none was published between")

    chat = desk.ask("What's new this week?", keep=as_of)  # recognised in the chat's words
    assert [s["title"] for s in chat.stories] == titles and chat.understood["digest"][0]["since"] == "2023-11-01T00:00+00:00"


def test_digest_from_the_cli(news_store: Path) -> None:
    result = run_cli("digest", "--since", "2d", "--as-of", "2023-11-07", "--json", data_dir=news_store)
    assert result.code == 0, result.stderr
    assert [s["title"] for s in result.json()["stories"]][1:] == ["Dunmore bridge opens"]
    text = run_cli("digest", "--since", "30d", "--as-of", "2023-11-07", "--source", "Dunmore Herald",
                   data_dir=news_store)
    assert text.code == 0 and text.stdout.startswith("- **Dunmore bridge opens**")
    bad = run_cli("digest", "--since", "lately", data_dir=news_store)
    assert bad.code == 2 and "--since: 'lately' is not a duration" in bad.stderr and "Traceback" not in bad.stderr
