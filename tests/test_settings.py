"""Settings layering: defaults < config file < NEWSDESK_* environment < flags."""

from pathlib import Path

import pytest

from newsdesk.embedding import MiniLMEmbedding
from newsdesk.settings import Settings, SettingsError, load_settings


def test_defaults_work_offline() -> None:
    settings = load_settings(environ={})
    assert settings.chroma_url is None and settings.llm_url is None and settings.llm_gguf is None
    # room for the embedded header within the word pieces MiniLM reads
    assert settings.chunk_size + 40 <= MiniLMEmbedding().max_seq_length


def test_file_then_environment_then_flags(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('top_k = 3\nllm_model = "from-file"\nchunk_size = 150\n')
    env = {"NEWSDESK_DATA_DIR": str(tmp_path), "NEWSDESK_TOP_K": "4"}
    settings = load_settings({"top_k": None, "chunk_size": 120}, environ=env)
    assert settings.data_dir == tmp_path
    assert settings.llm_model == "from-file"  # file only
    assert settings.top_k == 4  # environment beats file; an absent flag (None) does not mask it
    assert settings.chunk_size == 120  # flag beats file


def test_bad_values_name_their_origin(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="NEWSDESK_TOP_K: top_k must be a whole number, got 'many'"):
        load_settings(environ={"NEWSDESK_TOP_K": "many"})
    (tmp_path / "config.toml").write_text("colour = 'blue'\n")
    with pytest.raises(SettingsError, match="unknown setting"):
        load_settings(environ={"NEWSDESK_DATA_DIR": str(tmp_path)})
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(environ={"NEWSDESK_CONFIG": str(tmp_path / "nope.toml")})
    with pytest.raises(SettingsError, match="NEWSDESK_REORDER_TREES: reorder_trees must be true or false, got 'maybe'"):
        load_settings(environ={"NEWSDESK_REORDER_TREES": "maybe"})


def test_switches_read_as_true_or_false(tmp_path: Path) -> None:
    assert load_settings(environ={}).reorder_trees is True
    assert load_settings(environ={"NEWSDESK_REORDER_TREES": "false"}).reorder_trees is False
    assert load_settings(environ={"NEWSDESK_REORDER_TREES": "1"}).reorder_trees is True
    (tmp_path / "config.toml").write_text("reorder_trees = false\n")
    assert load_settings(environ={"NEWSDESK_DATA_DIR": str(tmp_path)}).reorder_trees is False


def test_settings_are_immutable() -> None:
    settings = Settings()
    assert settings.replace(top_k=9).top_k == 9 and settings.top_k == 5


def test_feeds_come_as_a_list_from_the_file_or_words_from_the_environment(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('feeds = ["https://a.example/rss", "https://b.example/atom"]\n')
    assert load_settings(environ={"NEWSDESK_DATA_DIR": str(tmp_path)}).feeds == (
        "https://a.example/rss", "https://b.example/atom")
    assert load_settings(environ={"NEWSDESK_FEEDS": "https://c.example/rss, https://d.example/rss"}).feeds == (
        "https://c.example/rss", "https://d.example/rss")
    assert load_settings(environ={"NEWSDESK_FEEDS": ""}).feeds == () == load_settings(environ={}).feeds
