"""The sample articles shipped inside the package, so that `newsdesk ingest --samples` works from an installed wheel."""

from pathlib import Path

SAMPLE_ARTICLES = Path(__file__).parent
SEED_ARTICLE = SAMPLE_ARTICLES / "pakistan-us-partnership.txt"  # the article the product was first made for
