"""Eval stores: the articles of a benchmark ingested into a store of their own, reused while the file is unchanged."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Sequence

from newsdesk.ingest.pipeline import Ingestor
from newsdesk.ingest.sources import read_sources
from newsdesk.settings import Settings
from newsdesk.store import open_store

log = logging.getLogger(__name__)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()[:16]


def store_for_articles(settings: Settings, articles: Sequence[Path]) -> Settings:
    """Settings pointing at an embedded store that holds exactly ``articles`` (files ingested on first use).

    The store's folder is named by the files' content hashes and the chunking, so an edited file or other chunk
    sizes get a fresh store, and re-running an eval costs nothing.
    """
    for path in articles:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such articles file")
    digests = "-".join(file_digest(path) for path in articles)
    if len(articles) > 1:
        digests = hashlib.sha256(digests.encode()).hexdigest()[:16]
    key = f"{digests}-{settings.chunk_size}-{settings.chunk_overlap}" + ("" if settings.sentence_search else "-beside")
    run_settings = settings.replace(data_dir=settings.data_dir / "eval-stores" / key, chroma_url=None)
    store = open_store(run_settings)
    ingestor = Ingestor.for_settings(run_settings, store)
    report = ingestor.ingest(read_sources([str(path) for path in articles]))
    log.warning(
        "eval store %s: %d articles added, %d unchanged, %d failed", run_settings.data_dir,
        report.articles_added + report.articles_updated, report.articles_unchanged, report.articles_failed,
    )
    return run_settings
