"""Benchmark: ``import`` of a 1,000,000-row NDJSON export, normalization included.

Generates a realistic social-listening export (bilingual texts, ISO timestamps with offsets,
handles with @, engagement counts, one reply in ten), imports it into a fresh database through
the same code path as ``python -m monitoring import`` and prints rows per second.

    python benchmarks/import_bench.py             # 1,000,000 rows
    python benchmarks/import_bench.py --rows 200000

Wall time depends on what else runs on the machine; CPU seconds are printed too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitoring import db, store  # noqa: E402
from monitoring.ingest import runner  # noqa: E402
from monitoring.org import load_org  # noqa: E402
from monitoring.settings import DATA_DIR  # noqa: E402

_EXPORT = """
COPY (
    SELECT 'post-' || i AS id,
           strftime(TIMESTAMP '2025-01-01' + to_seconds(i * 31), '%Y-%m-%dT%H:%M:%S')
               || CASE WHEN i % 3 = 0 THEN '+01:00' ELSE 'Z' END AS created_at,
           'https://social.example/p/' || i AS url,
           '@User_' || (i % 50000) AS author,
           'Utente ' || (i % 50000) AS author_name,
           CASE i % 4
               WHEN 0 THEN 'Bolletta di ' || (i % 300) || ' euro, Lumina Energia mi risponde?'
               WHEN 1 THEN 'Great app from Lumina Energia, switching took ' || (i % 9) || ' days'
               WHEN 2 THEN 'Blackout in zona ' || (i % 40) || ' da due ore #luminaenergia'
               ELSE 'Lumina Energia offerta Luce Verde: qualcuno la usa? #' || i
           END AS text,
           CASE WHEN i % 4 = 1 THEN 'en' ELSE 'it' END AS lang,
           (i * 7) % 20000 AS followers, i % 97 AS likes, i % 13 AS shares, i % 5 AS replies,
           CASE WHEN i % 10 = 9 THEN 'post-' || (i - 1) END AS in_reply_to
    FROM range(?) t(i)
) TO '{path}' (FORMAT json)
"""


def generate(path: Path, rows: int) -> None:
    conn = duckdb.connect()
    try:
        conn.execute(_EXPORT.format(path=str(path).replace("'", "''")), [rows])
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export.ndjson"
        database = Path(tmp) / "bench.duckdb"
        generate(export, args.rows)
        db.init(database)
        org = load_org(DATA_DIR / "org.yaml")
        db.write(database, lambda conn: store.sync_org(conn, org))
        size = export.stat().st_size / 1e6
        cpu, wall = time.process_time(), time.perf_counter()
        report = runner.import_file(database, export, "x", "ndjson")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert report.status == "ok" and report.new == args.rows, report
    print(f"import of {args.rows:,} NDJSON rows ({size:,.0f} MB), normalization included")
    print(f"wall {wall:.2f}s  cpu {cpu:.2f}s  batches {report.batches}")
    print(f"{args.rows / wall:,.0f} rows/s")


if __name__ == "__main__":
    main()
