"""Run sources: fetch, store in bounded batches, keep cursors, record every run.

Each batch a connector yields is stored by one ``db.write`` transaction holding the new items
(``store.insert_items``), the batch's rejects, the source's cursor as of that batch and the
run's counters. The file lock is released between batches, and a run killed at any moment
leaves whole batches behind whose cursor matches what is stored: the next run resumes there
and, with dedupe on (platform, native id), adds nothing twice (docs/decisions/0005).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from monitoring import db, rollups
from monitoring.ingest import bluesky, files, hackernews, mastodon, reddit, rss
from monitoring.ingest.base import Batch, Context
from monitoring.ingest.http import HttpClient, HttpSettings, SourceFailed
from monitoring.ingest.normalize import Reject
from monitoring.ingest.sources import SourceEntry
from monitoring.store import InsertResult, insert_items, items_table

CONNECTORS: dict[str, Callable[[Context, dict[str, Any]], Iterator[Batch]]] = {
    "rss": rss.fetch,
    "mastodon": mastodon.fetch,
    "bluesky": bluesky.fetch,
    "reddit": reddit.fetch,
    "hackernews": hackernews.fetch,
    "file": files.fetch,
}

REJECT_SCHEMA = pa.schema(
    [
        ("run_id", pa.int64()),
        ("source", pa.string()),
        ("platform", pa.string()),
        ("reason", pa.string()),
        ("raw", pa.binary()),
    ]
)


@dataclass
class SourceReport:
    name: str
    kind: str
    run_id: int = 0
    status: str = "running"  # running | ok | failed
    fetched: int = 0
    new: int = 0
    duplicate: int = 0
    rejected: int = 0
    error: str | None = None
    seconds: float = 0.0
    batches: int = 0

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def run_sources(
    db_path: str | Path,
    entries: list[SourceEntry],
    http: HttpSettings | None = None,
    on_progress: Callable[[SourceReport], None] | None = None,
) -> list[SourceReport]:
    """Run each source in turn; a failing source is recorded and the others still run."""
    client = HttpClient(http)
    try:
        return [run_source(db_path, entry, client, on_progress) for entry in entries]
    finally:
        client.close()


def run_source(
    db_path: str | Path,
    entry: SourceEntry,
    client: HttpClient,
    on_progress: Callable[[SourceReport], None] | None = None,
    keep_cursor: bool = True,
) -> SourceReport:
    """Run one source to the end of its new items (or its page bound) and record the run."""
    started = time.monotonic()
    run_id, cursor = db.write(db_path, lambda conn: _start(conn, entry, keep_cursor))
    report = SourceReport(entry.name, entry.kind, run_id)
    max_pages = entry.max_pages or client.settings.max_pages
    ctx = Context(entry, client, max_pages)
    try:
        for batch in CONNECTORS[entry.kind](ctx, cursor):
            result = db.write(
                db_path, lambda conn, b=batch: _store(conn, entry, run_id, b, keep_cursor)
            )
            report.fetched += batch.fetched
            report.new += result.new
            report.duplicate += result.duplicate + batch.known
            report.rejected += len(batch.rejects)
            report.batches += 1
            if on_progress:
                on_progress(report)
        report.status = "ok"
    except SourceFailed as exc:
        report.status, report.error = "failed", str(exc)
    except (db.DatabaseBusy, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - a connector bug must not stop the other sources
        report.status = "failed"
        report.error = f"unexpected {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    report.seconds = time.monotonic() - started
    db.write(db_path, lambda conn: _finish(conn, report))
    if on_progress:
        on_progress(report)
    return report


def _start(
    conn: duckdb.DuckDBPyConnection, entry: SourceEntry, keep_cursor: bool
) -> tuple[int, dict[str, Any]]:
    # A run left "running" was killed; say so rather than leave it looking alive.
    conn.execute(
        "UPDATE ingest_runs SET status = 'interrupted' WHERE source = ? AND status = 'running'",
        [entry.name],
    )
    run_id = db.scalar(conn, "SELECT nextval('run_ids')")
    conn.execute(
        "INSERT INTO ingest_runs (run_id, source, started_at, status) "
        "VALUES (?, ?, now()::TIMESTAMP, 'running')",
        [run_id, entry.name],
    )
    if not keep_cursor:
        return run_id, {}
    rows = conn.execute(
        "SELECT kind, cursor::VARCHAR FROM sources WHERE name = ?", [entry.name]
    ).fetchall()
    if not rows or rows[0][0] != entry.kind or rows[0][1] is None:
        return run_id, {}  # new source, or its kind changed: start over
    return run_id, json.loads(rows[0][1])


def _store(
    conn: duckdb.DuckDBPyConnection,
    entry: SourceEntry,
    run_id: int,
    batch: Batch,
    keep_cursor: bool,
) -> InsertResult:
    items = batch.records if isinstance(batch.records, pa.Table) else items_table(batch.records)
    result = insert_items(conn, items, entry.name, unique=batch.unique)
    if batch.rejects:
        store_rejects(conn, run_id, entry.name, entry.item_platform, batch.rejects)
    if keep_cursor:
        conn.execute(
            """
            INSERT INTO sources VALUES (?, ?, ?::JSON, now()::TIMESTAMP)
            ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, cursor = excluded.cursor,
                updated_at = excluded.updated_at
            """,
            [entry.name, entry.kind, json.dumps(batch.cursor)],
        )
    conn.execute(
        """
        UPDATE ingest_runs SET fetched = fetched + ?, new = new + ?,
            duplicate = duplicate + ?, rejected = rejected + ?
        WHERE run_id = ?
        """,
        [batch.fetched, result.new, result.duplicate + batch.known, len(batch.rejects), run_id],
    )
    return result


def store_rejects(
    conn: duckdb.DuckDBPyConnection,
    run_id: int,
    source: str,
    platform: str,
    rejects: list[Reject],
) -> None:
    """Keep each rejected record with its reason and raw bytes (bulk, not row by row)."""
    table = pa.Table.from_pydict(
        {
            "run_id": [run_id] * len(rejects),
            "source": [source] * len(rejects),
            "platform": [platform] * len(rejects),
            "reason": [r.reason for r in rejects],
            "raw": [r.raw for r in rejects],
        },
        schema=REJECT_SCHEMA,
    )
    conn.register("_rejects", table)
    try:
        conn.execute(
            "INSERT INTO rejects SELECT run_id, source, platform, reason, raw, "
            "now()::TIMESTAMP FROM _rejects"
        )
    finally:
        conn.unregister("_rejects")


def _finish(conn: duckdb.DuckDBPyConnection, report: SourceReport) -> None:
    conn.execute(
        "UPDATE ingest_runs SET status = ?, finished_at = now()::TIMESTAMP, error = ? "
        "WHERE run_id = ?",
        [report.status, report.error, report.run_id],
    )
    rollups.refresh(conn, texts=False)  # dashboard rollups take in the run's items (texts: score)


def import_file(
    db_path: str | Path,
    path: str | Path,
    platform: str,
    fmt: str | None = None,
    mapping: str | None = None,
    on_progress: Callable[[SourceReport], None] | None = None,
) -> SourceReport:
    """``import FILE``: load an export now, whatever its cursor says; rows already stored
    are counted as duplicates. Recorded as a run of source ``import:<file name>``."""
    path = Path(path)
    files.resolve_mapping(mapping, None)  # fail on an unknown mapping before any write
    files.detect_format(path, fmt)
    entry = SourceEntry.model_construct(
        name=f"import:{path.name}",
        kind="file",
        path=str(path),
        format=fmt,
        mapping=mapping,
        platform=platform,
        columns={},
        channel=None,
        lang=None,
        max_pages=None,
    )
    client = HttpClient()
    try:
        report = run_source(db_path, entry, client, on_progress, keep_cursor=False)
    finally:
        client.close()
    return report


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")


def parse_every(text: str) -> float:
    """``15m``, ``1h``, ``90s``, ``1d`` or plain seconds, as seconds (at least 10 s)."""
    match = _DURATION.match(text or "")
    if not match:
        raise ValueError(f"cannot read {text!r} as a duration; use e.g. 15m, 1h or 900s")
    seconds = (
        float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
    )
    if seconds < 10:
        raise ValueError(f"{text!r} is too short an interval (10s at least)")
    return seconds


def run_every(
    interval: float,
    cycle: Callable[[], Any],
    cycles: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Run ``cycle`` every ``interval`` seconds (start to start); ``cycles`` bounds the loop
    (None: forever). A slow cycle delays the next one rather than overlapping it."""
    done = 0
    while cycles is None or done < cycles:
        started = time.monotonic()
        cycle()
        done += 1
        if cycles is not None and done >= cycles:
            break
        sleep(max(0.0, interval - (time.monotonic() - started)))
    return done
