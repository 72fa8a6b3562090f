"""Near-duplicates across sources: a wire story run by several outlets is stored as one story with several sources;
answers read one copy and name the other outlets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from newsdesk.articles import Chunk
from newsdesk.embedding import MiniLMEmbedding
from newsdesk.ingest.near_duplicates import SAME_STORY, Stories, decode, encode, signature
from newsdesk.ingest.pipeline import Ingestor, IngestReport
from newsdesk.ingest.sources import read_sources
from newsdesk.qa.answer import Passage
from newsdesk.qa.citations import citation
from newsdesk.qa.engine import Newsdesk
from newsdesk.qa.prompt import source_label
from newsdesk.settings import load_settings
from newsdesk.store import open_store

WIRE = (
    "Storm closes Port Ellen harbour. A storm closed the harbour at Port Ellen on Monday, and the coastguard said it "
    "would stay shut for at least three days while engineers inspect the damaged breakwater. The ferry to the "
    "mainland was cancelled and about forty fishing boats were moved to the inner basin. The harbour master, Ann "
    "Reed, said the breakwater had lost two of its concrete blocks in the night. Repairs are expected to cost about "
    "two million pounds, according to the port authority, which will ask the council for emergency funds."
)
MORE = " The council said on Tuesday evening that it would meet the port authority on Thursday to discuss the funds."
OWN_REPORT = (
    "Fishermen count the cost of the storm. Boat owners in Port Ellen say a week without fishing will cost them "
    "dearly after Monday's storm shut the harbour. Several skippers told this newspaper they had moved their boats "
    "to the inner basin before the breakwater gave way, and called for a stronger sea wall."
)


def record(article_id: str, source: str, title: str, text: str) -> str:
    return json.dumps({"id": article_id, "title": title, "source": source, "published_at": "2023-11-06T09:00:00Z",
                       "text": text}) + "\n"


def test_a_copy_and_a_longer_copy_are_the_same_story_and_another_report_is_not() -> None:
    wire = signature(WIRE)
    similarity = {name: float((wire == signature(text)).mean()) for name, text in
                  [("copy", WIRE.upper()), ("longer", WIRE + MORE), ("own report", OWN_REPORT)]}
    assert similarity["copy"] == 1.0  # case and punctuation do not count
    assert similarity["longer"] >= SAME_STORY and similarity["own report"] < 0.2
    assert np.array_equal(decode(encode(wire)), wire) and decode("not base64!") is None
    stories = Stories({"wire-1": ("wire-1", wire)})
    assert stories.story_of("wire-2", signature(WIRE + MORE)) == "wire-1"
    assert stories.story_of("own", signature(OWN_REPORT)) == "own"
    assert stories.story_of("wire-1", wire) == "wire-1"  # an article stored again is not a copy of itself


def stored_copies(tmp_path: Path) -> tuple[Path, Newsdesk, IngestReport]:
    """A store of the wire story under three outlets (one copy a paragraph longer) and one outlet's own report."""
    feed = tmp_path / "news.jsonl"
    feed.write_text(
        record("wire-coast", "Coast Times", "Storm closes Port Ellen harbour", WIRE)
        + record("wire-isle", "Isle Post", "Harbour shut by storm", WIRE)
        + record("wire-valley", "Valley Gazette", "Port Ellen harbour closed", WIRE + MORE)
        + record("own", "Island Herald", "Fishermen count the cost of the storm", OWN_REPORT)
    )
    settings = load_settings({"data_dir": tmp_path / "data"}, environ={})
    store = open_store(settings)
    embed = MiniLMEmbedding()
    report = Ingestor.for_settings(settings, store, embed).ingest(read_sources([str(feed)]))
    return feed, Newsdesk(settings, store, embed, lambda: pytest.fail("no answer model is needed")), report


def test_copies_are_stored_as_one_story_and_answers_read_one_copy_naming_the_other_outlets(tmp_path: Path) -> None:
    feed, desk, report = stored_copies(tmp_path)
    settings, store, embed = desk.settings, desk.store, desk.embed_model
    assert report.articles_added == 4 and report.articles_repeating_a_story == 2
    desk.keyword_index.ensure_current(store)
    story = desk.keyword_index.stories(["wire-coast", "own"])
    assert sorted(story["wire-coast"].values()) == ["Coast Times", "Isle Post", "Valley Gazette"]
    assert story["own"] == {"own": "Island Herald"}
    again = Ingestor.for_settings(settings, store, embed).ingest(read_sources([str(feed)]))
    assert again.articles_unchanged == 4 and again.articles_repeating_a_story == 0

    passages = desk.retrieve("How much will the breakwater repairs at Port Ellen cost?")
    wire = [p for p in passages if p.chunk.article_id.startswith("wire-")]
    assert len(wire) == 1  # one copy of the wire story, not three
    others = {"Coast Times", "Isle Post", "Valley Gazette"} - {wire[0].chunk.source}
    assert wire[0].also_reported_by == tuple(sorted(others))
    assert "also reported by " + ", ".join(sorted(others)) in source_label(wire[0])
    assert citation(1, wire[0], "quote").also_reported_by == sorted(others)
    assert any(p.chunk.article_id == "own" and not p.also_reported_by for p in passages)

    named = desk.retrieve("How did the Coast Times and the Isle Post report the harbour closure?")
    assert {"Coast Times", "Isle Post"} <= {p.chunk.source for p in named}  # both named outlets keep their copy


def test_a_passage_without_a_story_is_left_as_it_is() -> None:
    chunk = Chunk("a", 0, "text", "title", "Coast Times", "2023-11-06", "")
    assert chunk.story == "a" and source_label(Passage(1, chunk, 0.5)) == "[1] title (Coast Times, 2023-11-06)"


def test_which_and_how_many_outlets_reported_something_is_counted_in_code(tmp_path: Path) -> None:
    desk = stored_copies(tmp_path)[1]
    closed = desk.ask("How many outlets reported that the storm closed the Port Ellen harbour?")
    assert closed.short_answer == "4" and not closed.refused  # three copies of one story, and one report of its own
    assert closed.answer.startswith("4 outlets: ") and "Island Herald [2]" in closed.answer
    assert {c.source for c in closed.citations} == {"Island Herald"} | {closed.citations[0].source}
    assert sorted([closed.citations[0].source, *closed.citations[0].also_reported_by]) == [
        "Coast Times", "Isle Post", "Valley Gazette"]
    repairs = desk.ask("Which outlets reported the cost of the breakwater repairs?")
    assert sorted(repairs.short_answer.split(", ")) == ["Coast Times", "Isle Post", "Valley Gazette"]
    assert "two million pounds" in repairs.citations[0].quote
    assert desk.ask("How many newspapers reported the Port Ellen regatta?").refused  # two words of three are not it
