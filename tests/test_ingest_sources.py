"""Readers and cleaning: titles, metadata, boilerplate and bad input, without the store."""

import json
from pathlib import Path

import pytest

from newsdesk.ingest.clean import clean_text
from newsdesk.dates import normalise_date
from newsdesk.ingest.sources import Problem, read_sources
from newsdesk.articles import Article
from tests.conftest import SAMPLES, SEED_ARTICLE_ID


def articles_and_problems(*paths: Path) -> tuple[list[Article], list[Problem]]:
    items = list(read_sources([str(p) for p in paths]))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Problem)]


def test_seed_sample_keeps_title_source_dateline_and_drops_cookie_banner() -> None:
    [article], problems = articles_and_problems(SAMPLES / "pakistan-us-partnership.txt")
    assert problems == []
    assert article.article_id == SEED_ARTICLE_ID
    assert article.title == "Pakistan, US aim to start a new partnership"
    assert article.source == "The Nation"
    assert "ISLAMABAD – Pakistan and the United States" in article.text
    assert "cookies" not in article.text and "Read More" not in article.text
    assert article.text.rstrip().endswith("national interest,” he remarked.")


def test_boilerplate_lines_go_but_prose_mentioning_cookies_stays() -> None:
    prose = "The bakery said it sold 4,000 cookies a day, and that we use cookies as a metaphor for growth in the report " * 4
    text = f"Real first paragraph.\n\nShare this article\nRead More\n{prose}\nSubscribe to our newsletter for more."
    cleaned = clean_text(text)
    assert "Share this article" not in cleaned and "Read More" not in cleaned and "Subscribe" not in cleaned
    assert "bakery" in cleaned and cleaned.startswith("Real first paragraph.")


@pytest.mark.parametrize(
    "line",
    [
        "This website uses cookies to improve your experience. We'll assume you're ok with this, but you can opt-out if you wish. Accept Read More",
        "We use cookies to personalise content and ads. Accept all cookies",
        "By continuing to browse this site you agree to our Cookie Policy.",
        "Read More",
        "Continue reading »",
        "Share this article",
        "Share on Facebook",
        "Advertisement",
        "Subscribe to our newsletter to get the latest news in your inbox.",
        "Sign up for our free daily newsletter",
        "Follow us on Twitter and Instagram",
        "© 2023 The Nation. All rights reserved.",
        "Click here to read the full report",
        "Related Stories",
    ],
)
def test_real_looking_boilerplate_lines_are_removed(line: str) -> None:
    cleaned = clean_text(f"The minister spoke on Monday.\n\n{line}\n\nTalks resume next week.")
    assert cleaned == "The minister spoke on Monday.\n\nTalks resume next week."


@pytest.mark.parametrize(
    "prose",
    [
        "Read more about the budget in the report published by the ministry on Tuesday, officials said.",
        "The share price of the company rose 4% after the announcement, analysts noted.",
        "Advertisement revenue fell sharply in the third quarter, the broadcaster reported.",
    ],
)
def test_news_prose_that_looks_like_boilerplate_is_kept(prose: str) -> None:
    assert clean_text(prose) == prose


def test_jsonl_reports_bad_lines_with_numbers_and_keeps_good_ones(tmp_path: Path) -> None:
    good = {"id": "a1", "title": "T", "source": "S", "published_at": "2023-10-04T23:32:53+00:00", "url": "u", "text": "Body."}
    lines = [json.dumps(good), "{not json", json.dumps({"id": "a2", "title": "no text"}), json.dumps([1, 2]),
             json.dumps({**good, "id": "a3", "text": "", "body": "From body."})]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, problems = articles_and_problems(path)
    assert [a.article_id for a in articles] == ["a1", "a3"]
    assert articles[1].text == "From body."
    assert articles[0].published_ts == 1696462373
    assert [(p.line, p.path) for p in problems] == [(2, str(path)), (3, str(path)), (4, str(path))]
    assert "malformed JSON" in problems[0].reason and "text" in problems[1].reason


def test_html_is_extracted_with_metadata(tmp_path: Path) -> None:
    page = """<html><head><title>Storm hits coast | Daily Planet</title>
    <meta property="og:site_name" content="Daily Planet"><meta name="author" content="Lois Lane">
    <meta property="article:published_time" content="2023-11-05T10:00:00+00:00"></head>
    <body><nav>Home | World | Sport</nav><article><h1>Storm hits coast</h1>
    <p>A powerful storm struck the northern coast on Sunday, cutting power to 40,000 homes, officials said.</p>
    <p>Emergency crews worked through the night to restore electricity and clear fallen trees from roads.</p>
    </article><footer>This website uses cookies. Accept</footer></body></html>"""
    path = tmp_path / "storm.html"
    path.write_text(page, encoding="utf-8")
    [article], problems = articles_and_problems(path)
    assert problems == []
    assert article.title.startswith("Storm hits coast")
    assert "40,000 homes" in article.text and "cookies" not in article.text
    assert article.published_at.startswith("2023-11-05")


def test_bad_files_each_get_a_specific_problem(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blank.md").write_text("   \n\n  ")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\x00\x00\x01")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 news\n\nText".encode("latin-1"))
    (tmp_path / "title-only.txt").write_text("Just a title\n")
    _, problems = articles_and_problems(tmp_path, tmp_path / "missing.txt")
    reasons = {Path(p.path).name: p.reason for p in problems}
    assert "empty" in reasons["empty.txt"] and "empty" in reasons["blank.md"]
    assert "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "no article text" in reasons["title-only.txt"]
    assert "no such file" in reasons["missing.txt"]


def test_dates_in_other_forms_become_iso() -> None:
    assert normalise_date("Wed, 04 Oct 2023 23:32:53 GMT") == "2023-10-04T23:32:53+00:00"
    assert normalise_date("2023-10-04T23:32:53Z") == "2023-10-04T23:32:53+00:00"
    assert normalise_date("June 29, 2022") == "2022-06-29T00:00:00"
    assert normalise_date("") == ""
