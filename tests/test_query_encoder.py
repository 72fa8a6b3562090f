"""Questions are embedded by ONNX Runtime for speed: the vectors must be torch's, and a bad file must never be used."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from newsdesk.embedding import MiniLMEmbedding, _load_sentence_transformer
from newsdesk.query_encoder import load_query_encoder

TEXTS = [
    "Who is visiting Pakistan and when?",
    "than the Cointelegraph report on Coinbase",
    "Did the TechCrunch article on the SEC's lawsuit against Binance, published on October 5, 2023, suggest a "
    "different regulatory approach than the one reported by The Verge on Coinbase?",
    "ok",
]


def test_queries_are_embedded_by_the_exported_model_to_torchs_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = np.array(MiniLMEmbedding().embed(TEXTS))
    fast = MiniLMEmbedding(cache_dir=tmp_path)
    exported = list(tmp_path.glob("*.onnx"))
    assert len(exported) == 1 and not list(tmp_path.glob("*partial*"))

    def no_torch(self: MiniLMEmbedding, texts: list[str]) -> list[list[float]]:
        raise AssertionError("a query went to torch")

    monkeypatch.setattr(MiniLMEmbedding, "embed", no_torch)
    got = np.array([fast.get_query_embedding(t) for t in TEXTS])
    np.testing.assert_allclose(got, expected, atol=1e-5)
    # texts of different lengths in one batch (padded) get the vectors they get alone
    encoder = load_query_encoder(_load_sentence_transformer(), tmp_path)
    assert encoder is not None
    np.testing.assert_allclose(encoder.encode(TEXTS), expected, atol=1e-5)
    assert list(tmp_path.glob("*.onnx")) == exported  # loaded again, not exported again


def test_a_damaged_export_is_left_for_torch_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    model = _load_sentence_transformer()
    assert load_query_encoder(model, tmp_path) is not None
    (exported,) = tmp_path.glob("*.onnx")
    exported.write_bytes(exported.read_bytes()[: 1 << 20])  # cut short, as by a full disk
    with caplog.at_level(logging.WARNING, logger="newsdesk.query_encoder"):
        assert load_query_encoder(model, tmp_path) is None
    assert f"questions will be embedded by torch: the ONNX copy at {exported} failed" in caplog.text
