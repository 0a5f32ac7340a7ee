"""Benchmark: ``import`` of a 1,000,000-row NDJSON export, normalization included.

Generates a realistic social-listening export (bilingual texts, ISO timestamps with offsets,
handles with @, engagement counts, one reply in ten), imports it into a fresh database through
the same code path as ``python -m monitoring import`` and prints rows per second.

    python benchmarks/import_bench.py             # 1,000,000 rows
    python benchmarks/import_bench.py --rows 200000 --repeat 3

Wall time depends on what else runs on the machine, so each run also prints its CPU seconds
per million rows (the stable figure), the load average when it ran, and the longest write
transaction (how long the file stayed locked for the dashboard).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


def _cpu() -> float:
    """CPU seconds of this process, all threads (DuckDB's included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def _timed_writes(held: list[float]):
    """Record how long each ``db.write`` transaction (open, work, commit, close) takes."""
    original: Callable[..., Any] = db.write

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            held.append(time.perf_counter() - started)

    db.write = timed
    try:
        yield
    finally:
        db.write = original


def run_once(export: Path, rows: int, workdir: Path) -> dict[str, float]:
    """Import ``export`` into a fresh database; wall, CPU and the longest write."""
    database = workdir / "bench.duckdb"
    for leftover in (database, database.with_suffix(".duckdb.wal")):
        leftover.unlink(missing_ok=True)
    db.init(database)
    org = load_org(DATA_DIR / "org.yaml")
    db.write(database, lambda conn: store.sync_org(conn, org))
    held: list[float] = []
    load = os.getloadavg()[0]
    cpu, wall = _cpu(), time.perf_counter()
    with _timed_writes(held):
        report = runner.import_file(database, export, "x", "ndjson")
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    assert report.status == "ok" and report.new == rows, report
    return {
        "wall": wall,
        "cpu": cpu,
        "rows_per_s": rows / wall,
        "cpu_per_million": cpu * 1_000_000 / rows,
        "longest_write": max(held),
        "batches": report.batches,
        "load": load,
        "db_mb": database.stat().st_size / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs on fresh databases")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export.ndjson"
        generate(export, args.rows)
        size = export.stat().st_size / 1e6
        print(f"import of {args.rows:,} NDJSON rows ({size:,.0f} MB), normalization included")
        runs = []
        for _ in range(args.repeat):
            run = run_once(export, args.rows, Path(tmp))
            runs.append(run)
            print(
                f"wall {run['wall']:.2f}s  cpu {run['cpu']:.2f}s "
                f"({run['cpu_per_million']:.2f} CPU-s per 1M rows)  "
                f"batches {run['batches']}  longest write {run['longest_write']:.2f}s  "
                f"load avg {run['load']:.1f}  db {run['db_mb']:.0f} MB  "
                f"{run['rows_per_s']:,.0f} rows/s",
                flush=True,
            )
    if len(runs) > 1:
        rates = [r["rows_per_s"] for r in runs]
        cpus = [r["cpu_per_million"] for r in runs]
        print(
            f"best {max(rates):,.0f} rows/s, median {statistics.median(rates):,.0f} rows/s; "
            f"CPU-s per 1M rows: median {statistics.median(cpus):.2f}, min {min(cpus):.2f}"
        )
    else:
        print(f"{runs[0]['rows_per_s']:,.0f} rows/s")


if __name__ == "__main__":
    main()
