"""First run of the dashboard: an empty database gets the demo organization's year of data.

So that ``streamlit run app.py`` on a fresh clone shows a living dashboard. The build holds the
dashboard's exclusive lock (no session reads a half-built database) and re-checks emptiness
inside it, so two sessions opening at once build it once.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from monitoring import app_db, db
from monitoring.org import load_org
from monitoring.settings import Settings

DEMO_MENTIONS = 20000  # SENTINELLA_DEMO_MENTIONS overrides it (tests build a smaller demo)
DEMO_SEED = 7


def _is_empty(db_path: str | Path) -> bool:
    """True when the file is missing, has no schema yet, or holds no item."""
    path = Path(db_path)
    if not path.exists():
        return True
    try:
        return not db.read(path, lambda conn: db.scalar(conn, "SELECT count(*) FROM items"))
    except duckdb.CatalogException:
        return True


def demo_size() -> int:
    value = os.environ.get("SENTINELLA_DEMO_MENTIONS", "")
    return int(value) if value.isdigit() and int(value) > 0 else DEMO_MENTIONS


def build_demo(settings: Settings, mentions: int | None = None, seed: int = DEMO_SEED) -> bool:
    """Generate and score the demo data if the database is empty; True when it did."""
    # Imported here: the generator and the scorer are heavy and only needed on a first run.
    from monitoring.demo.generator import generate_demo
    from monitoring.scoring.policy import load_policy
    from monitoring.scoring_pipeline import score_pending

    with app_db.exclusive():
        if not _is_empty(settings.db_path):
            return False
        org = load_org(settings.org_path)
        policy = load_policy(settings.policy_path)
        generate_demo(settings.db_path, mentions=mentions or demo_size(), seed=seed, progress=False)
        score_pending(settings.db_path, policy, org, workers=2)
    return True
