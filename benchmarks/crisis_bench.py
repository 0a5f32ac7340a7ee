"""Time the crisis rule and an alert evaluation on a large synthetic database.

    python benchmarks/crisis_bench.py [--mentions 1000000]

Builds N scored mentions spread over a year (about a third negative, a 6x crisis day), then
prints the seconds of detect_spikes over the whole year, over the last 90 days, and of a dry
alert run (all three rules), each the best of three.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from monitoring import db, store
from monitoring.alerts import AlertsConfig, run_alerts
from monitoring.crisis import detect_spikes
from monitoring.filters import Filters
from monitoring.org import load_org
from monitoring.settings import DATA_DIR

END = datetime(2026, 11, 27)


def build(path: Path, mentions: int) -> None:
    org = load_org(DATA_DIR / "org.yaml")
    db.init(path)

    def fill(conn):
        store.sync_org(conn, org)
        # Items and scores straight from SQL: the rule, not the loader, is what is timed here.
        conn.execute(
            """
            INSERT INTO items (item_id, platform, native_id, kind, channel_id, text, created_at,
                               reach, ingested_at)
            SELECT i, 'x', 'b' || i, 'mention', 'x_care', 'text ' || i,
                   ?::TIMESTAMP - to_seconds((hash(i) % 31536000)::BIGINT), 100 + hash(i) % 5000,
                   now()::TIMESTAMP
            FROM range(?) t(i)
            """,
            [END, mentions],
        )
        crisis = END - timedelta(days=35)
        conn.execute(
            """
            INSERT INTO items (item_id, platform, native_id, kind, channel_id, text, created_at,
                               reach, ingested_at)
            SELECT ? + i, 'x', 'c' || i, 'mention', 'x_care', 'crisis ' || i,
                   ?::TIMESTAMP + to_seconds((hash(i) % 86400)::BIGINT), 100, now()::TIMESTAMP
            FROM range(?) t(i)
            """,
            [mentions, crisis, mentions // 365 * 2],
        )
        conn.execute(
            """
            INSERT INTO scores
            SELECT item_id, 'bench', 'it', 0,
                   CASE WHEN native_id LIKE 'c%' OR hash(item_id) % 3 = 0 THEN 'negative'
                        ELSE 'neutral' END, [], hash(item_id) % 100, false, NULL, now()::TIMESTAMP
            FROM items
            """
        )

    db.write(path, fill)


def best_of_three(work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(3):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    args = parser.parse_args()
    org = load_org(DATA_DIR / "org.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        start = time.perf_counter()
        build(path, args.mentions)
        print(f"built {args.mentions:,} mentions in {time.perf_counter() - start:.1f} s")
        last_90 = Filters(start=(END - timedelta(days=90)).date(), end=END.date())
        with db.opened(path, read_only=True) as conn:
            seconds, found = best_of_three(lambda: detect_spikes(conn, Filters()))
            print(f"detect_spikes, whole year: {seconds:.3f} s, {len(found)} episode(s)")
            seconds, found = best_of_three(lambda: detect_spikes(conn, last_90))
            print(f"detect_spikes, last 90 days: {seconds:.3f} s, {len(found)} episode(s)")
        seconds, alerts = best_of_three(
            lambda: run_alerts(path, org, dry_run=True, config=AlertsConfig(), now=END)
        )
        print(
            f"alerts --dry-run (3 rules, open + evaluate): {seconds:.3f} s, {len(alerts)} alert(s)"
        )


if __name__ == "__main__":
    main()
