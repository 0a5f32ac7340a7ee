"""Per-page times of the dashboard in a new session with cold caches (issue 5's target: <= 1 s
at 1,000,000 mentions), and of a cached rerun.

    python benchmarks/page_times.py --mentions 1000000            # builds a temp database
    python benchmarks/page_times.py --db /tmp/x.duckdb --runs 3   # reuse a database

Without ``--real-scores`` the demo data gets synthetic scores, hits and flags written in SQL
(labels from a hash of the item id, ~45/30/25% negative/neutral/positive; 3% of staff posts
flagged): the pages' cost depends on row counts and joins, not on what VADER said, and real
scoring of a million items takes many minutes. ``--real-scores`` runs the scoring pipeline.

Each page runs under Streamlit's AppTest in a fresh session after clearing st.cache_data,
through app.py (sidebar, filters, banner) as the server does; one warm-up pass first imports
the modules, as a running server has. Prints a table and writes JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitoring.bench_steps import measure_pages  # noqa: E402

SYNTHETIC_SCORES = """
INSERT INTO scores
SELECT item_id, 'bench', coalesce(lang_hint, 'it'), c,
       CASE WHEN c >= 0.05 THEN 'positive' WHEN c <= -0.05 THEN 'negative' ELSE 'neutral' END,
       [], CASE WHEN kind = 'staff' AND h % 100 < 3 THEN 75 ELSE h % 40 END,
       kind = 'staff' AND h % 100 < 3, NULL, now()::TIMESTAMP
FROM (
    SELECT item_id, kind, lang_hint, hash(item_id) AS h,
           CASE WHEN hash(item_id) % 100 < 45 THEN -0.5
                WHEN hash(item_id) % 100 < 75 THEN 0.0 ELSE 0.5 END AS c
    FROM items WHERE item_id NOT IN (SELECT item_id FROM scores)
)
"""
SYNTHETIC_HITS = """
INSERT INTO hits
SELECT s.item_id, 'bench', r.rule_id, r.category, 'high', 2.0, 'evidence'
FROM scores s JOIN (VALUES ('confidential.figures', 'confidential'),
                           ('disclosure.missing', 'disclosure'),
                           ('tone.blame', 'tone')) r(rule_id, category)
  ON hash(s.item_id) % 3 = CASE r.category WHEN 'confidential' THEN 0
                                           WHEN 'disclosure' THEN 1 ELSE 2 END
WHERE s.flagged
"""
SYNTHETIC_FLAGS = """
INSERT INTO flags
SELECT i.item_id, i.platform, i.native_id, strftime(i.created_at, '%G-W%V'), s.risk, 'bench',
       TRUE, now()::TIMESTAMP
FROM items i JOIN scores s USING (item_id)
WHERE s.flagged AND i.item_id NOT IN (SELECT item_id FROM flags)
"""


def build(db_path: Path, mentions: int, real_scores: bool) -> None:
    """Generate the demo data unless the file exists; score it unless it has scores."""
    from monitoring import db, rollups
    from monitoring.demo.generator import generate_demo

    started = time.perf_counter()
    if not db_path.exists():
        generate_demo(db_path, mentions=mentions, seed=7, progress=True)
        print(f"demo: {mentions:,} mentions in {time.perf_counter() - started:.1f} s")
    applied = db.init(db_path)  # a database from before the rollups gets them (migration 4)
    if applied:
        print(f"migrations {applied}: {time.perf_counter() - started:.1f} s")
    _use_org_competitors(db_path)
    if db.read(db_path, lambda c: db.scalar(c, "SELECT count(*) FROM scores")):
        if not db.read(db_path, rollups.is_fresh):  # e.g. a run killed before its refresh
            started = time.perf_counter()
            db.write(db_path, rollups.refresh)
            print(f"rollups caught up: {time.perf_counter() - started:.1f} s")
        return
    started = time.perf_counter()
    if real_scores:
        from monitoring.org import load_org
        from monitoring.scoring.policy import load_policy
        from monitoring.scoring_pipeline import score_pending
        from monitoring.settings import get_settings

        settings = get_settings()
        score_pending(db_path, load_policy(settings.policy_path), load_org(settings.org_path))
    else:
        db.write(db_path, lambda c: [c.execute(q) for q in
                                     (SYNTHETIC_SCORES, SYNTHETIC_HITS, SYNTHETIC_FLAGS)])  # fmt: skip
        print(f"scores: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        db.write(db_path, rollups.refresh)  # what a scoring batch's write does
        print(f"rollups refreshed for every score: {time.perf_counter() - started:.1f} s")
        return
    print(f"scores: {time.perf_counter() - started:.1f} s")


def _use_org_competitors(db_path: Path) -> None:
    """Record org.yaml's competitors for share of voice, as ``init``/``ingest`` do."""
    from monitoring import db, rollups
    from monitoring.org import load_org
    from monitoring.settings import get_settings

    org = load_org(get_settings().org_path)
    db.write(db_path, lambda c: rollups.use_competitors(c, rollups.org_competitors(org)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="reuse this database (built if missing)")
    parser.add_argument("--runs", type=int, default=3, help="sessions per page (median)")
    parser.add_argument("--real-scores", action="store_true")
    parser.add_argument("--days", type=int, help="period in days (default: the app's 90)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    db_path = args.db or Path(tempfile.mkdtemp(prefix="sentinella-pages-")) / "bench.duckdb"
    build(db_path, args.mentions, args.real_scores)
    from monitoring import db

    counts = db.read(db_path, lambda c: c.execute(
        "SELECT count(*) FILTER (WHERE kind = 'mention'), count(*) FROM items").fetchall()[0])  # fmt: skip
    results = measure_pages(db_path, args.runs, args.days)
    period = f"last {args.days} days" if args.days else "default period (90 days)"
    print(f"\n{counts[0]:,} mentions, {counts[1]:,} items, {period}; "
          f"median of {args.runs} sessions per page")  # fmt: skip
    print(f"{'page':<15}{'new session (s)':>17}{'cached rerun (s)':>18}")
    for page, figures in results.items():
        print(f"{page:<15}{figures['new_session_s']:>17.3f}{figures['cached_rerun_s']:>18.3f}")
    # The pages ran in this process: its peak is the dashboard's (with --db; when this run also
    # built the database, the build's peak may be the larger one).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak RSS of this process: {peak:,.0f} MB")
    if args.json:
        args.json.write_text(json.dumps({"mentions": counts[0], "items": counts[1],
                                         "days": args.days, "pages": results,
                                         "peak_rss_mb": peak}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
