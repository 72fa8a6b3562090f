"""The web chat in a real browser: Debian's Chromium driven by Playwright against `newsdesk chat` on 127.0.0.1."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import pytest

from bench.servers import free_port, wait_for
from tests.conftest import REPO, cli_env

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
pytestmark = pytest.mark.browser


def start_chat(data_dir: Path, *extra: str, port: int | None = None) -> tuple[subprocess.Popen[str], str]:
    """`newsdesk chat` on a free port, once it answers; its output goes to a log file (a pipe nobody reads would
    stall it once full) whose end the failure shows if it does not start."""
    port = port or free_port()
    exe = Path(sys.executable).with_name("newsdesk")
    with tempfile.NamedTemporaryFile("w", prefix="newsdesk-chat-", suffix=".log", delete=False) as out:
        log = Path(out.name)
        proc = subprocess.Popen([str(exe), "chat", "--port", str(port), *extra], env=cli_env(data_dir), cwd=REPO,
                                stdout=out, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(url, proc, seconds=180, log=log)
    except RuntimeError:
        proc.kill()
        raise
    return proc, url


@pytest.fixture
def browser_page() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed; `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        browser.close()


def ask(page: object, question: str) -> None:
    page.locator("#question textarea").fill(question)  # type: ignore[attr-defined]
    page.locator("#ask").click()  # type: ignore[attr-defined]


def test_chat_streams_a_cited_answer_with_source_cards(seed_store: Path, smollm2: Path, browser_page: object) -> None:
    proc, url = start_chat(seed_store, "--llm-gguf", str(smollm2))
    page = browser_page
    try:
        page.goto(url)  # type: ignore[attr-defined]
        page.get_by_text("Who is visiting Pakistan and when?").first.wait_for(timeout=30_000)  # type: ignore[attr-defined]
        ask(page, "Who is visiting Pakistan and when?")
        page.locator("#sources .answer-sources, #sources .nearest-passages").wait_for(timeout=120_000)  # type: ignore[attr-defined]
        assert page.locator("#chat").inner_text().count("Who is visiting Pakistan and when?") == 1  # type: ignore[attr-defined]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chat-small-model.png"), full_page=True)  # type: ignore[attr-defined]
        page.locator("#new-chat").click()  # type: ignore[attr-defined]
        page.wait_for_function("!document.querySelector('#chat').innerText.includes('Who is visiting')")  # type: ignore[attr-defined]

        ask(page, "Is Todd Robinson visiting India?")  # a false claim: answered No, with the claim check shown
        page.locator("#sources .claim-checks tr.contradicted").wait_for(timeout=120_000)  # type: ignore[attr-defined]
        assert "No — the articles say Pakistan, not India [1]" in page.locator("#chat").inner_text()  # type: ignore[attr-defined]
        check = page.locator("#sources .claim-checks").inner_text()  # type: ignore[attr-defined]
        assert "Todd Robinson visiting India" in check and "contradicted" in check and "Pakistan" in check
        page.screenshot(path=str(ARTIFACTS / "chat-claim-check.png"), full_page=True)  # type: ignore[attr-defined]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


HARBOUR_REPORTS = [
    {"id": "harbour-oct", "title": "Port Ellen harbour reopens after storm", "source": "Island Times",
     "published_at": "2023-10-02", "text": "The harbour at Port Ellen reopened on Monday after a storm closed it "
     "for three days, the port authority said. Ferries resumed their normal timetable in the afternoon."},
    {"id": "harbour-nov", "title": "Port Ellen harbour closed again by gales", "source": "Coast News",
     "published_at": "2023-11-20", "text": "Gales closed the harbour at Port Ellen again on Sunday, the port "
     "authority said. Ferries will stay in Kennacraig until the wind drops."},
]


def test_filters_apply_to_the_next_question(data_dir: Path, smollm2: Path, browser_page: object,
                                            tmp_path: Path) -> None:
    import json

    from tests.conftest import run_cli

    reports = tmp_path / "harbour.jsonl"
    reports.write_text("\n".join(json.dumps(r) for r in HARBOUR_REPORTS), encoding="utf-8")
    assert run_cli("ingest", str(reports), data_dir=data_dir).code == 0
    proc, url = start_chat(data_dir, "--llm-gguf", str(smollm2))
    page = browser_page
    question = "What happened at the harbour at Port Ellen?"

    def sources_after_asking() -> str:
        ask(page, question)
        page.locator("#sources .answer-sources, #sources .nearest-passages").wait_for(timeout=120_000)  # type: ignore[attr-defined]
        text = page.locator("#sources").inner_text()  # type: ignore[attr-defined]
        page.locator("#new-chat").click()  # type: ignore[attr-defined]
        page.wait_for_function("!document.querySelector('#sources').innerText.includes('Port Ellen')")  # type: ignore[attr-defined]
        return text

    try:
        page.goto(url)  # type: ignore[attr-defined]
        page.locator("#filters").get_by_text("Filters").click()  # type: ignore[attr-defined]
        until = page.locator("#filter-until textarea, #filter-until input").first  # type: ignore[attr-defined]

        until.fill("31/10/2023")
        ask(page, question)
        page.get_by_text("Until: use a date like 2023-10-31").first.wait_for(timeout=30_000)  # type: ignore[attr-defined]

        until.fill("2023-11-01")
        shown = sources_after_asking()
        assert "reopens after storm" in shown and "closed again by gales" not in shown

        until.fill("")
        page.locator("#filter-sources input").click()  # type: ignore[attr-defined]
        page.get_by_role("option", name="Coast News").click()  # type: ignore[attr-defined]
        page.keyboard.press("Escape")  # type: ignore[attr-defined]
        shown = sources_after_asking()
        assert "closed again by gales" in shown and "reopens after storm" not in shown
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chat-filters.png"), full_page=True)  # type: ignore[attr-defined]

        page.locator("#filter-sources input").click()  # type: ignore[attr-defined]
        page.get_by_role("option", name="Island Times").click()  # both sources: a timeline of both reports
        page.keyboard.press("Escape")  # type: ignore[attr-defined]
        ask(page, "Timeline of the Port Ellen harbour")
        page.locator("#sources .answer-sources").wait_for(timeout=60_000)  # type: ignore[attr-defined]
        told = page.locator("#chat").inner_text()  # type: ignore[attr-defined]
        assert told.index("2023-10-02") < told.index("2023-11-19")  # "on Monday" of Oct 2; "on Sunday" before Nov 20
        assert "Gales closed the harbour at Port Ellen again on Sunday" in page.locator("#sources").inner_text()  # type: ignore[attr-defined]

        page.get_by_role("tab", name="What's new").click()  # type: ignore[attr-defined]
        page.locator("#news-as-of textarea, #news-as-of input").first.fill("2023-11-21")  # type: ignore[attr-defined]
        page.get_by_label("7 days").check()  # type: ignore[attr-defined]
        page.locator("#news-show").click()  # type: ignore[attr-defined]
        page.locator("#news", has_text="closed again by gales").wait_for(timeout=60_000)  # type: ignore[attr-defined]
        news = page.locator("#news").inner_text() + page.locator("#news-sources").inner_text()  # type: ignore[attr-defined]
        assert "Coast News" in news and "Gales closed the harbour at Port Ellen again" in news
        assert "reopens after storm" not in news  # published in October

        page.get_by_role("tab", name="Library").click()  # type: ignore[attr-defined]
        library = page.locator("#library")  # type: ignore[attr-defined]
        assert "reopens after storm" in library.inner_text() and "closed again by gales" in library.inner_text()
        searched = page.locator("#library-search textarea, #library-search input").first  # type: ignore[attr-defined]
        searched.fill("coast news")
        searched.press("Enter")
        page.wait_for_function("!document.querySelector('#library').innerText.includes('reopens after storm')")  # type: ignore[attr-defined]
        assert "closed again by gales" in library.inner_text() and "harbour-nov" in library.inner_text()
        assert "1 article\n" in page.locator("#library-tab").inner_text() + "\n"  # type: ignore[attr-defined]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_waiting_user_sees_their_place_in_the_queue(seed_store: Path, smollm2: Path, browser_page: object) -> None:
    proc, url = start_chat(seed_store, "--llm-gguf", str(smollm2))
    first = browser_page
    try:
        second = first.context.browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        for page in (first, second):
            page.goto(url)
            page.locator("#question textarea").wait_for(timeout=30_000)
        ask(first, "Who is visiting Pakistan and when?")
        first.get_by_text("Reading these passages").wait_for(timeout=60_000)  # type: ignore[attr-defined]
        ask(second, "What did Ned Price say about the relationship?")
        second.get_by_text(re.compile(r"queue: ?\d")).first.wait_for(timeout=30_000)
        ARTIFACTS.mkdir(exist_ok=True)
        second.screenshot(path=str(ARTIFACTS / "chat-queued.png"), full_page=True)
        second.locator("#sources .answer-sources, #sources .nearest-passages").wait_for(timeout=240_000)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.slow
def test_seed_question_in_the_browser_with_default_model(seed_store: Path, browser_page: object) -> None:
    proc, url = start_chat(seed_store)
    page = browser_page
    try:
        page.goto(url)  # type: ignore[attr-defined]
        ask(page, "Who is visiting Pakistan and when?")
        # while the model reads (seconds with this model), the answer bubble says so
        page.locator("#chat").get_by_text(re.compile(r"Reading \d+ passages?…")).wait_for(  # type: ignore[attr-defined]
            timeout=60_000)
        page.locator("#sources .answer-sources #source-1").wait_for(timeout=180_000)  # type: ignore[attr-defined]
        chat = page.locator("#chat").inner_text()  # type: ignore[attr-defined]
        assert "Reading" not in chat
        for fact in ("Robinson", "June 29", "July 2", "[1]"):
            assert fact in chat
        card = page.locator("#source-1").inner_text()  # type: ignore[attr-defined]
        assert "Pakistan, US aim to start a new partnership" in card and "The Nation" in card
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chat-seed-question.png"), full_page=True)  # type: ignore[attr-defined]

        page.locator("#chat a[href='#source-1']").first.click()  # type: ignore[attr-defined]
        page.wait_for_selector("#source-1.highlight", timeout=5_000)  # type: ignore[attr-defined]

        # the conversation lives in the page: a restarted server (or another worker) understands the follow-up
        proc.terminate()
        proc.wait(timeout=30)
        proc, _ = start_chat(seed_store, port=int(url.rsplit(":", 1)[1].strip("/")))
        ask(page, "What will he discuss with officials there?")
        page.locator("#sources details.standalone").wait_for(timeout=180_000)  # type: ignore[attr-defined]
        understood = page.locator("#sources details.standalone").text_content()  # type: ignore[attr-defined]
        assert "Robinson" in understood
        assert "counternarcotics" in page.locator("#chat").inner_text()  # type: ignore[attr-defined]

        ask(page, "What is a good recipe for banana bread?")
        page.locator("#chat .refusal").wait_for(timeout=120_000)  # type: ignore[attr-defined]
        assert "The articles don't say." in page.locator("#chat .refusal").inner_text()  # type: ignore[attr-defined]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


HARBOUR = """Harbour reopens after storm

PORT ELLEN – The harbour at Port Ellen reopened on Monday after a storm closed it for three days, the port
authority said. Ferries resumed their normal timetable in the afternoon.
"""


def test_library_upload_then_ask_and_a_bad_upload(data_dir: Path, smollm2: Path, browser_page: object,
                                                   tmp_path: Path) -> None:
    good, bad = tmp_path / "harbour.txt", tmp_path / "broken.txt"
    good.write_text(HARBOUR, encoding="utf-8")
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    proc, url = start_chat(data_dir, "--llm-gguf", str(smollm2))
    page = browser_page
    try:
        page.goto(url)  # type: ignore[attr-defined]
        ask(page, "When did the harbour at Port Ellen reopen?")
        page.locator("#chat").get_by_text("The store is empty.").wait_for(timeout=30_000)  # type: ignore[attr-defined]
        page.get_by_role("tab", name="Library").click()  # type: ignore[attr-defined]
        page.locator("#upload input[type=file]").set_input_files([str(good), str(bad)])  # type: ignore[attr-defined]
        page.locator("#ingest-files").click()  # type: ignore[attr-defined]
        status = page.locator("#library-status")  # type: ignore[attr-defined]
        status.get_by_text("1 added").wait_for(timeout=120_000)
        assert "broken.txt: binary content" in status.inner_text()
        assert "/tmp" not in status.inner_text()  # the server's temp paths are never shown
        assert "Harbour reopens after storm" in page.locator("#library").inner_text()  # type: ignore[attr-defined]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "library-upload.png"), full_page=True)  # type: ignore[attr-defined]

        page.get_by_role("tab", name="Chat").click()  # type: ignore[attr-defined]
        ask(page, "When did the harbour at Port Ellen reopen?")
        final = page.locator("#sources .answer-sources, #sources .nearest-passages")  # type: ignore[attr-defined]
        final.wait_for(timeout=120_000)
        assert "Harbour reopens after storm" in final.inner_text()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_an_unreachable_answer_server_is_a_message_in_the_chat(seed_store: Path, browser_page: object) -> None:
    llm_url = f"http://127.0.0.1:{free_port()}/v1"
    proc, url = start_chat(seed_store, "--llm-url", llm_url)
    page = browser_page
    try:
        page.goto(url)  # type: ignore[attr-defined]
        ask(page, "Who is visiting Pakistan and when?")
        message = page.locator("#chat").get_by_text("Newsdesk could not answer")  # type: ignore[attr-defined]
        message.wait_for(timeout=60_000)
        text = page.locator("#chat").inner_text()  # type: ignore[attr-defined]
        assert f"the answer server at {llm_url} failed" in text and "Traceback" not in text
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_openai_compatible_api_beside_the_chat(seed_store: Path, smollm2: Path) -> None:
    import base64
    import json
    import urllib.error
    import urllib.request

    proc, url = start_chat(seed_store, "--llm-gguf", str(smollm2), "--auth", "editor:s3cret")
    body = {"model": "newsdesk", "messages": [{"role": "user", "content": "Who is visiting Pakistan and when?"}]}

    def post(payload: dict, authorised: bool = True) -> urllib.request.Request:
        headers = {"Content-Type": "application/json"}
        if authorised:
            headers["Authorization"] = "Basic " + base64.b64encode(b"editor:s3cret").decode()
        return urllib.request.Request(url + "v1/chat/completions", json.dumps(payload).encode(), headers)

    try:
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(post(body, authorised=False), timeout=60)
        assert denied.value.code == 401

        reply = json.loads(urllib.request.urlopen(post(body), timeout=120).read())
        assert reply["object"] == "chat.completion" and reply["model"] == "newsdesk"
        content = reply["choices"][0]["message"]["content"]
        assert content and isinstance(reply["newsdesk"]["refused"], bool)
        assert {c["n"] for c in reply["newsdesk"]["citations"]} == {int(n) for n in re.findall(r"\[(\d+)\]", content)}

        stream = urllib.request.urlopen(post({**body, "stream": True}), timeout=120).read().decode()
        events = [line[len("data: "):] for line in stream.splitlines() if line.startswith("data: ")]
        assert events[-1] == "[DONE]"
        last = json.loads(events[-2])
        assert last["choices"][0]["finish_reason"] == "stop" and "citations" in last["newsdesk"]
        assert last["newsdesk"]["answer"]

        claim = {**body, "messages": [{"role": "user", "content": "Are Pakistan and the US celebrating 50 years of ties?"}]}
        checked = json.loads(urllib.request.urlopen(post(claim), timeout=120).read())["newsdesk"]
        assert checked["verdict"] == "no" and checked["short_answer"] == "No"
        assert checked["checks"][0]["label"] == "contradicted" and "75" in checked["checks"][0]["sentence"]
        premise = {**body, "messages": [{"role": "user", "content": "Why is Robinson visiting India?"}]}
        refused = json.loads(urllib.request.urlopen(post(premise), timeout=120).read())["newsdesk"]
        assert refused["refused"] and refused["unsupported_premises"] == ["India"]

        authorised = {"Authorization": "Basic " + base64.b64encode(b"editor:s3cret").decode()}
        news = json.loads(urllib.request.urlopen(urllib.request.Request(
            url + "v1/digest?since=7d", headers=authorised), timeout=60).read())
        assert news["refused"] and news["understood"]["digest"][0]["topic"] == ""  # the seed article is undated
        with pytest.raises(urllib.error.HTTPError) as bad_period:
            urllib.request.urlopen(urllib.request.Request(url + "v1/digest?since=lately", headers=authorised), timeout=60)
        assert bad_period.value.code == 400 and "'lately' is not a duration" in bad_period.value.read().decode()

        elsewhere = {**body, "newsdesk": {"sources": ["Daily Planet"]}}  # the reader's filters travel with the request
        assert json.loads(urllib.request.urlopen(post(elsewhere), timeout=120).read())["newsdesk"]["refused"]
        with pytest.raises(urllib.error.HTTPError) as bad:
            urllib.request.urlopen(post({**body, "newsdesk": {"as_of": "someday"}}), timeout=60)
        assert bad.value.code == 400 and "newsdesk.as_of: unrecognised date 'someday'" in bad.value.read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_feeds_followed_from_the_library(data_dir: Path, smollm2: Path, browser_page: object) -> None:
    """`newsdesk chat --watch FEED` polls it in the background; the Library lists it and follows another."""
    from tests.test_watch import BRIDGE, HARBOUR, FeedSite, rss

    site = FeedSite()
    site.routes = {"/news.xml": (200, rss("Valley Gazette", [HARBOUR])), "/more.xml": (200, rss("Isle Post", [BRIDGE]))}
    proc, url = start_chat(data_dir, "--llm-gguf", str(smollm2), "--watch", f"{site.url}/news.xml")
    page = browser_page
    try:
        page.goto(url)  # type: ignore[attr-defined]
        page.get_by_role("tab", name="Library").click()  # type: ignore[attr-defined]
        table = page.locator("#feed-table")  # type: ignore[attr-defined]
        deadline = time.monotonic() + 120
        while "stored" not in table.inner_text() and time.monotonic() < deadline:
            page.locator("#feed-refresh").click()  # type: ignore[attr-defined]
            time.sleep(1)
        assert f"{site.url}/news.xml" in table.inner_text() and "stored" in table.inner_text()

        page.locator("#feed-url textarea, #feed-url input").first.fill(f"{site.url}/more.xml")  # type: ignore[attr-defined]
        page.locator("#feed-apply").click()  # type: ignore[attr-defined]
        page.locator("#feed-status", has_text="Following").wait_for(timeout=30_000)  # type: ignore[attr-defined]
        while site.polled("/more.xml") != [200] and time.monotonic() < deadline:
            time.sleep(0.5)
        assert site.polled("/more.xml") == [200]  # polled at once, not at the next 15-minute round
        page.locator("#feed-url textarea, #feed-url input").first.fill("not a url")  # type: ignore[attr-defined]
        page.locator("#feed-apply").click()  # type: ignore[attr-defined]
        page.locator("#feed-status", has_text="not an http(s) feed URL").wait_for(timeout=30_000)  # type: ignore[attr-defined]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "library-feeds.png"), full_page=True)  # type: ignore[attr-defined]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        site.server.shutdown()


def test_the_library_shows_the_newest_articles_and_a_search_finds_the_others() -> None:
    from newsdesk.store import StoredArticle
    from newsdesk.ui.web import LIBRARY_ROWS, library_table

    stored = [StoredArticle(f"a{n}", f"Report {n}", "Coast News", f"2023-11-{n % 28 + 1:02d}", "", 3)
              for n in range(LIBRARY_ROWS + 20)]
    shown = library_table(stored)
    assert [r[4] for r in shown["value"]] == [a.article_id for a in stored[:LIBRARY_ROWS]]
    assert shown["label"] == f"the newest {LIBRARY_ROWS} of {LIBRARY_ROWS + 20} articles: search to find the others"
    found = library_table(stored, f"report {LIBRARY_ROWS + 19}")
    assert found["value"] == [[f"Report {LIBRARY_ROWS + 19}", "Coast News", stored[-1].published_at, 3,
                               f"a{LIBRARY_ROWS + 19}"]] and found["label"] == "1 article"
