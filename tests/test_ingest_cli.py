"""`newsdesk ingest` and `newsdesk articles` through the real console script, real MiniLM and embedded Chroma."""

import json
from pathlib import Path

from tests.conftest import SAMPLES, SEED_ARTICLE_ID, run_cli


def test_ingest_is_idempotent_and_updates_changed_articles(data_dir: Path, tmp_path: Path, store_env: dict[str, str]) -> None:
    first = run_cli("ingest", str(SAMPLES), "--json", data_dir=data_dir, **store_env)
    assert first.code == 0, first.stderr
    summary = first.json()
    assert summary["articles_added"] == 1 and summary["chunks_written"] >= 3 and summary["errors"] == []

    again = run_cli("ingest", str(SAMPLES), "--json", data_dir=data_dir, **store_env)
    assert again.json()["articles_unchanged"] == 1
    assert again.json()["chunks_written"] == 0

    changed = tmp_path / "changed.txt"
    text = (SAMPLES / "pakistan-us-partnership.txt").read_text(encoding="utf-8")
    changed.write_text(text.replace("June 29 to July 2", "June 30 to July 3"), encoding="utf-8")
    update = run_cli("ingest", str(changed), "--json", data_dir=data_dir, **store_env)
    assert update.json()["articles_updated"] == 1

    # other chunking settings re-chunk the unchanged article in place, once
    rechunked = run_cli("ingest", str(changed), "--json", data_dir=data_dir, NEWSDESK_CHUNK_SIZE="120", **store_env)
    assert rechunked.json()["articles_updated"] == 1 and rechunked.json()["chunks_written"] > summary["chunks_written"]
    same = run_cli("ingest", str(changed), "--json", data_dir=data_dir, NEWSDESK_CHUNK_SIZE="120", **store_env)
    assert same.json()["articles_unchanged"] == 1

    listing = run_cli("articles", "list", "--json", data_dir=data_dir, **store_env).json()
    assert [a["id"] for a in listing] == [SEED_ARTICLE_ID]
    assert listing[0]["chunks"] == rechunked.json()["chunks_written"]  # no chunk of an older version or split left
    assert listing[0]["title"] == "Pakistan, US aim to start a new partnership"
    assert listing[0]["source"] == "The Nation"


def test_bad_inputs_are_reported_one_line_each_and_valid_ones_still_stored(
    data_dir: Path, tmp_path: Path, store_env: dict[str, str]
) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "empty.txt").write_text("")
    (batch / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    good = {"id": "j1", "title": "Storm hits coast", "source": "Daily Planet", "text": "A storm struck the coast."}
    (batch / "feed.jsonl").write_text(json.dumps(good) + "\n{broken json\n", encoding="utf-8")
    result = run_cli("ingest", str(batch), str(SAMPLES), str(tmp_path / "missing.txt"), data_dir=data_dir, **store_env)

    assert result.code == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 4, result.stderr
    assert any(f"{batch / 'feed.jsonl'}:2: malformed JSON" in e for e in errors)
    assert any(str(batch / "empty.txt") in e and "empty" in e for e in errors)
    assert any(str(batch / "image.txt") in e and "binary" in e for e in errors)
    assert any("missing.txt" in e and "no such file" in e for e in errors)
    assert "2 added" in result.stdout and "4 failed" in result.stdout

    ids = {a["id"] for a in run_cli("articles", "list", "--json", data_dir=data_dir, **store_env).json()}
    assert ids == {"j1", SEED_ARTICLE_ID}


def test_articles_show_and_remove(data_dir: Path, store_env: dict[str, str]) -> None:
    assert run_cli("ingest", str(SAMPLES), data_dir=data_dir, **store_env).code == 0
    shown = run_cli("articles", "show", SEED_ARTICLE_ID, "--json", data_dir=data_dir, **store_env).json()
    assert shown["source"] == "The Nation" and "June 29 to July 2" in " ".join(shown["chunks"])
    missing = run_cli("articles", "remove", "no-such-id", data_dir=data_dir, **store_env)
    assert missing.code == 1 and "no article with id 'no-such-id'" in missing.stderr
    assert run_cli("articles", "remove", SEED_ARTICLE_ID, data_dir=data_dir, **store_env).code == 0
    assert run_cli("articles", "list", "--json", data_dir=data_dir, **store_env).json() == []


def test_help_explains_every_command(data_dir: Path) -> None:
    result = run_cli("--help", data_dir=data_dir)
    assert result.code == 0
    for command in ("ingest", "ask", "chat", "eval", "articles"):
        assert command in result.stdout
    assert "NEWSDESK_" in result.stdout
    assert "--data-dir" in run_cli("ingest", "--help", data_dir=data_dir).stdout
