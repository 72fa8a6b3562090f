"""The bad-input corpus: every kind of broken input an operator meets, in one `newsdesk ingest` run beside valid
articles from files, a folder, stdin, a page URL and a feed URL (served on 127.0.0.1 by the test).

Each bad input must produce one clear `error: PATH[:LINE]: reason` line; every valid article must be stored.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import REPO, cli_env, run_cli

ARTICLE_HTML = """<html><head><title>Harbour reopens after storm</title>
<meta property="og:site_name" content="Coast Times"><meta name="author" content="Ann Reed">
<meta property="article:published_time" content="2023-11-06T08:00:00+01:00"></head><body>
<nav>Home | News | Sport | Weather</nav><article><h1>Harbour reopens after storm</h1>
<p>The harbour at Port Ellen reopened on Monday after a storm closed it for three days, the port authority said.</p>
<p>Ferries resumed their normal timetable in the afternoon, and fishing boats returned to their moorings.</p>
</article><footer>This website uses cookies to improve your experience. Accept</footer></body></html>"""

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Gazette</title>
<item><title>Bridge opens to traffic</title><link>http://127.0.0.1:{port}/bridge</link>
<guid>gazette-bridge</guid><pubDate>Tue, 07 Nov 2023 09:30:00 +0000</pubDate>
<description>&lt;p&gt;The new river bridge in Dunmore opened to traffic on Tuesday, cutting the commute by twenty minutes.&lt;/p&gt;</description></item>
<item><title>Empty entry</title><link>http://127.0.0.1:{port}/empty</link><guid>gazette-empty</guid></item>
<item><title>School wins award</title><guid>gazette-school</guid><pubDate>Wed, 08 Nov 2023 10:00:00 GMT</pubDate>
<description>Dunmore Primary School won the regional science award for its river-cleaning project.</description></item>
</channel></rss>"""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        port = self.server.server_address[1]
        routes = {
            "/article.html": ("text/html; charset=utf-8", ARTICLE_HTML),
            "/feed.xml": ("application/rss+xml", FEED.format(port=port)),
        }
        if self.path == "/slow":
            time.sleep(3)
        if self.path not in routes:
            self.send_error(404, "Not Found")
            return
        kind, body = routes[self.path]
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def news_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def record(article_id: str, **extra: object) -> str:
    base = {"id": article_id, "title": f"Story {article_id}", "source": "Wire", "text": f"Body of story {article_id}, long enough to store."}
    return json.dumps({**base, **extra})


def build_corpus(root: Path) -> tuple[Path, dict[str, str]]:
    """A folder of bad and good inputs; returns it and {file name: expected words in its error}."""
    corpus = root / "corpus"
    corpus.mkdir()
    expected: dict[str, str] = {}

    def bad(name: str, content: bytes | str, words: str) -> None:
        path = corpus / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        expected[name] = words

    bad("01-empty.txt", b"", "file is empty")
    bad("02-whitespace.md", "  \n\t\n   \n", "file is empty")
    bad("03-binary.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)), "binary content")
    bad("04-invalid-utf8.txt", b"Headline\n\nBad bytes \xff\xfe here", "not valid UTF-8")
    bad("05-latin1.txt", "Caf\u00e9 opens\n\nThe caf\u00e9 on the square opened.".encode("latin-1"), "not valid UTF-8")
    with (corpus / "06-huge.txt").open("wb") as huge:
        huge.truncate(50 * 1024 * 1024)  # 50 MB, sparse: no time spent writing it
    expected["06-huge.txt"] = "too large for one article"
    bad("07-truncated.html", "<html><head><title>Cut", "no article text found in the HTML")
    bad("08-no-article.html", "<html><body><nav>Home | About</nav><footer>© 2023</footer></body></html>",
        "no article text found in the HTML")
    bad("09-malformed.jsonl", record("ok-jsonl") + "\n{\"id\": \"x\", \"title\": \n", "malformed JSON")
    bad("10-wrong-shape.json", json.dumps(42), "expected an article object or a list")
    bad("11-missing-text.jsonl", json.dumps({"id": "no-text", "title": "Only a title"}) + "\n", "missing text")
    bad("12-not-a-feed.xml", "<?xml version='1.0'?><config><item>1</item></config>", "not an RSS or Atom feed")
    bad("13-bad-date.jsonl", record("bad-date", published_at="the day after tomorrow") + "\n", "unrecognised date")
    bad("14-duplicate-ids.jsonl", record("dup-1") + "\n" + record("dup-1", text="A different body for the same id.") + "\n",
        "duplicate article id 'dup-1'")
    bad("15-title-only.txt", "Just a headline\n", "no article text after the title line")
    bad("16-broken.json", "[{\"id\": \"a\",", "malformed JSON")
    bad("17-list-of-strings.json", json.dumps(["not", "articles"]), "expected a JSON object")
    os.symlink("18-loop-b.txt", corpus / "18-loop-a.txt")
    os.symlink("18-loop-a.txt", corpus / "18-loop-b.txt")
    expected["18-loop-a.txt"] = expected["18-loop-b.txt"] = "broken or looping symbolic link"
    os.symlink("does-not-exist.txt", corpus / "19-dangling.txt")
    expected["19-dangling.txt"] = "broken or looping symbolic link"
    locked = corpus / "20-locked"
    locked.mkdir()
    (locked / "secret.txt").write_text("Secret\n\nHidden text.")
    expected["20-locked"] = "cannot read folder (Permission denied)"

    odd_dates = [
        record("date-rfc", published_at="Tue, 07 Nov 2023 09:30:00 +0530"),
        record("date-z", published_at="2023-11-07T04:00:00Z"),
        record("date-words", published_at="November 7, 2023"),
        record("date-naive", published_at="2023-11-07 04:00"),
    ]
    (corpus / "21-odd-dates.jsonl").write_text("\n".join(odd_dates) + "\n", encoding="utf-8")
    (corpus / "22-good.md").write_text("---\nsource: Wire\n---\n# Good story\n\nA perfectly fine article body.\n")
    return corpus, expected


def unprivileged() -> list[str]:
    """Run as nobody when we are root, so a folder without read permission is really unreadable."""
    if os.geteuid() == 0:
        return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    return []


@pytest.fixture
def open_tmp() -> Iterator[Path]:
    """A temp folder the unprivileged user can reach (pytest's own tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-bad-inputs-"))
    folder.chmod(0o777)
    yield folder
    (folder / "corpus" / "20-locked").chmod(0o755)
    shutil.rmtree(folder, ignore_errors=True)


def test_bad_input_corpus(open_tmp: Path, news_site: str) -> None:
    tmp_path = open_tmp
    corpus, expected = build_corpus(tmp_path)
    (corpus / "20-locked").chmod(0o000)
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o777)
    data_dir.chmod(0o777)
    stdin_article = record("from-stdin", title="Piped story")
    sources = [
        str(corpus), str(tmp_path / "missing.txt"), str(REPO / "pyproject.toml"), "-",
        f"{news_site}/article.html", f"{news_site}/feed.xml", f"{news_site}/gone", f"{news_site}/slow",
    ]
    proc = subprocess.run(
        [*unprivileged(), str(Path(sys.executable).with_name("newsdesk")), "ingest", *sources, "--timeout", "1", "--json"],
        input=stdin_article, capture_output=True, text=True, timeout=600, env=cli_env(data_dir), cwd=REPO,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    summary = json.loads(proc.stdout)
    errors = [f"{e['path']}{':' + str(e['line']) if e['line'] else ''}: {e['reason']}" for e in summary["errors"]]

    for name, words in expected.items():
        matching = [e for e in errors if f"{corpus / name}" in e and words in e]
        assert matching, f"no error with {words!r} for {name}; errors were:\n" + "\n".join(errors)
    assert any(str(corpus / "09-malformed.jsonl") + ":2: malformed JSON" in e for e in errors)
    assert any("missing.txt: no such file or directory" in e for e in errors)
    assert any("pyproject.toml: unsupported file type .toml" in e for e in errors)
    assert any(e.startswith(f"{news_site}/gone: HTTP 404") for e in errors)
    assert any(e.startswith(f"{news_site}/slow: timed out after 1 s") for e in errors)
    assert any(e.startswith(f"{news_site}/feed.xml: entry 2: entry has no text") for e in errors)
    assert summary["articles_failed"] == len(errors)

    listing = run_cli("articles", "list", "--json", data_dir=data_dir).json()
    by_title = {a["title"]: a for a in listing}
    stored_ids = {a["id"] for a in listing}
    assert {"ok-jsonl", "from-stdin", "dup-1", "date-rfc", "date-z", "date-words", "date-naive",
            "gazette-bridge", "gazette-school"} <= stored_ids
    assert "Good story" in by_title and "Harbour reopens after storm" in by_title
    harbour = by_title["Harbour reopens after storm"]
    assert harbour["source"] == "Coast Times" and harbour["url"] == f"{news_site}/article.html"
    assert harbour["published_at"].startswith("2023-11-06")
    assert by_title["Bridge opens to traffic"]["source"] == "Valley Gazette"
    assert by_title["Bridge opens to traffic"]["published_at"] == "2023-11-07T09:30:00+00:00"
    dates = {a["id"]: a["published_at"] for a in listing}
    assert dates["date-rfc"] == "2023-11-07T09:30:00+05:30"
    assert dates["date-z"] == "2023-11-07T04:00:00+00:00"
    assert dates["date-words"] == "2023-11-07T00:00:00"
    assert dates["date-naive"] == "2023-11-07T04:00:00"
    assert summary["articles_added"] == len(listing) == 11
