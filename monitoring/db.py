"""The DuckDB store: short-lived connections with lock retries, and versioned migrations.

Process model (docs/decisions/0001-duckdb-process-model.md): nobody holds the file open for
long. The dashboard opens a connection per cached read; the pipeline writes in bounded
batches and closes between them; whoever finds the file locked retries with backoff.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from monitoring.rollups import MIGRATION_SQL as ROLLUPS_SQL

T = TypeVar("T")

LOCK_WAIT_SECONDS = 60.0


class DatabaseBusy(Exception):
    """Another process held the database file for longer than we were willing to wait."""


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text or "lock on file" in text


def connect(
    path: str | Path, read_only: bool = False, wait: float = LOCK_WAIT_SECONDS
) -> duckdb.DuckDBPyConnection:
    """Open the database, retrying while another process holds the file lock.

    :param wait: seconds to keep retrying before raising ``DatabaseBusy``.
    """
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    delay = 0.02
    while True:
        try:
            conn = duckdb.connect(str(path), read_only=read_only)
            conn.execute("SET TimeZone = 'UTC'")  # stored timestamps are UTC; never the host's zone
            return conn
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"{path} is in use by another process (a running ingest/score?); "
                    f"gave up after {wait:.0f}s"
                ) from None
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.5)


@contextmanager
def opened(
    path: str | Path, read_only: bool = False, wait: float = LOCK_WAIT_SECONDS
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that is closed (releasing the file) when the block ends."""
    conn = connect(path, read_only=read_only, wait=wait)
    try:
        yield conn
    finally:
        conn.close()


def write(
    path: str | Path,
    work: Callable[[duckdb.DuckDBPyConnection], T],
    wait: float = LOCK_WAIT_SECONDS,
) -> T:
    """Run ``work`` in one transaction on a short-lived connection; all or nothing."""
    with opened(path, wait=wait) as conn:
        conn.execute("BEGIN TRANSACTION")
        try:
            result = work(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return result


def read(
    path: str | Path,
    work: Callable[[duckdb.DuckDBPyConnection], T],
    wait: float = LOCK_WAIT_SECONDS,
) -> T:
    """Run ``work`` on a short-lived read-only connection."""
    with opened(path, read_only=True, wait=wait) as conn:
        return work(conn)


# --- schema -------------------------------------------------------------------------------
# Each migration is applied once, in order, inside one transaction with its version row.
# Items carry no primary-key index on purpose: bulk loads dedupe with an anti-join on
# (platform, native_id), which is far faster than maintaining an ART index over millions of rows.

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "initial schema",
        """
        CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
        CREATE SEQUENCE item_ids START 1;
        CREATE SEQUENCE run_ids START 1;
        CREATE SEQUENCE review_ids START 1;
        CREATE SEQUENCE audit_ids START 1;

        CREATE TABLE sources (
            name VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, cursor JSON, updated_at TIMESTAMP
        );
        CREATE TABLE ingest_runs (
            run_id BIGINT PRIMARY KEY, source VARCHAR NOT NULL, started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP, status VARCHAR NOT NULL, fetched INTEGER DEFAULT 0,
            new INTEGER DEFAULT 0, duplicate INTEGER DEFAULT 0, rejected INTEGER DEFAULT 0,
            error VARCHAR
        );
        CREATE TABLE rejects (
            run_id BIGINT, source VARCHAR, platform VARCHAR, reason VARCHAR NOT NULL,
            raw BLOB, rejected_at TIMESTAMP NOT NULL
        );

        CREATE TABLE channels (
            channel_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, platform VARCHAR NOT NULL,
            handles VARCHAR[], position INTEGER NOT NULL
        );
        CREATE TABLE teams (
            team_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, governance VARCHAR NOT NULL,
            position INTEGER NOT NULL,
            channels VARCHAR[], competences VARCHAR[], response_minutes DOUBLE,
            max_negative_share DOUBLE, max_flagged_share DOUBLE, min_response_rate DOUBLE
        );
        CREATE TABLE members (
            member_id VARCHAR PRIMARY KEY, team_id VARCHAR NOT NULL, name VARCHAR NOT NULL,
            role VARCHAR
        );
        CREATE TABLE member_handles (
            platform VARCHAR NOT NULL, handle VARCHAR NOT NULL, member_id VARCHAR NOT NULL,
            PRIMARY KEY (platform, handle)
        );

        CREATE TABLE items (
            item_id BIGINT NOT NULL,
            platform VARCHAR NOT NULL,
            native_id VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,              -- 'mention' | 'staff'
            source VARCHAR,
            url VARCHAR,
            author_handle VARCHAR,
            author_name VARCHAR,
            member_id VARCHAR,
            team_id VARCHAR,
            channel_id VARCHAR,
            text VARCHAR NOT NULL,
            lang_hint VARCHAR,
            created_at TIMESTAMP NOT NULL,      -- UTC
            reach BIGINT,
            likes BIGINT,
            shares BIGINT,
            replies BIGINT,
            in_reply_to VARCHAR,                -- native id of the parent on the same platform
            parent_item_id BIGINT,
            ingested_at TIMESTAMP NOT NULL,
            raw VARCHAR
        );

        CREATE TABLE responses (
            mention_id BIGINT NOT NULL, reply_id BIGINT NOT NULL, team_id VARCHAR,
            member_id VARCHAR, mention_at TIMESTAMP NOT NULL, responded_at TIMESTAMP NOT NULL,
            minutes DOUBLE NOT NULL
        );

        CREATE TABLE scores (
            item_id BIGINT NOT NULL, policy_version VARCHAR NOT NULL, lang VARCHAR,
            compound DOUBLE, label VARCHAR, topics VARCHAR[], risk DOUBLE NOT NULL,
            flagged BOOLEAN NOT NULL, explain JSON, scored_at TIMESTAMP NOT NULL
        );
        CREATE TABLE hits (
            item_id BIGINT NOT NULL, policy_version VARCHAR NOT NULL, rule_id VARCHAR NOT NULL,
            category VARCHAR NOT NULL, severity VARCHAR NOT NULL, weight DOUBLE,
            evidence VARCHAR
        );
        -- A flag is a staff post that needs a manager's eye in its ISO week. It outlives
        -- rescoring: a new policy version updates risk/active, never the review log.
        CREATE TABLE flags (
            item_id BIGINT PRIMARY KEY, platform VARCHAR NOT NULL, native_id VARCHAR NOT NULL,
            iso_week VARCHAR NOT NULL, risk DOUBLE NOT NULL, policy_version VARCHAR NOT NULL,
            active BOOLEAN NOT NULL, flagged_at TIMESTAMP NOT NULL
        );
        -- Append-only: decisions are never updated or deleted (the latest row per item wins).
        CREATE TABLE reviews (
            review_id BIGINT PRIMARY KEY, item_id BIGINT NOT NULL, platform VARCHAR NOT NULL,
            native_id VARCHAR NOT NULL, iso_week VARCHAR NOT NULL, decision VARCHAR NOT NULL,
            note VARCHAR, reviewer VARCHAR NOT NULL, decided_at TIMESTAMP NOT NULL
        );
        CREATE TABLE audit_log (
            audit_id BIGINT PRIMARY KEY, logged_at TIMESTAMP NOT NULL, actor VARCHAR NOT NULL,
            action VARCHAR NOT NULL, detail JSON
        );
        """,
    ),
    (
        2,
        "alerts: one row per alert, deduplicated by key, with its delivery state",
        """
        -- Alerts (monitoring/alerts.py): the key makes each alert sent once; delivery is retried
        -- on later runs while status is 'failed' (see docs/decisions/0006).
        CREATE TABLE alerts (
            alert_key VARCHAR PRIMARY KEY,
            kind VARCHAR NOT NULL,              -- 'spike' | 'high_risk' | 'unanswered'
            severity VARCHAR NOT NULL,          -- 'medium' | 'high'
            title VARCHAR NOT NULL,
            body VARCHAR NOT NULL,
            item_id BIGINT,
            window_start TIMESTAMP,
            window_end TIMESTAMP,
            details JSON,
            detected_at TIMESTAMP NOT NULL,
            status VARCHAR NOT NULL,            -- pending | sending | sent | failed | gave_up | skipped
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error VARCHAR,
            last_attempt_at TIMESTAMP,
            sent_at TIMESTAMP
        );
        """,
    ),
    (
        3,
        "items.raw compressed with zstd",
        """
        -- The raw payload (a JSON record of ~300 bytes) compressed by DuckDB's automatic choice
        -- (FSST) cost ~1.9 CPU-seconds per million imported rows and 100 MB; zstd costs ~0.9 s
        -- and 50 MB, and raw is read only to audit a record (docs/decisions/0005). A column's
        -- compression cannot be altered, so the table is rebuilt once, same columns and order.
        CREATE TABLE items_v3 (
            item_id BIGINT NOT NULL,
            platform VARCHAR NOT NULL,
            native_id VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            source VARCHAR,
            url VARCHAR,
            author_handle VARCHAR,
            author_name VARCHAR,
            member_id VARCHAR,
            team_id VARCHAR,
            channel_id VARCHAR,
            text VARCHAR NOT NULL,
            lang_hint VARCHAR,
            created_at TIMESTAMP NOT NULL,
            reach BIGINT,
            likes BIGINT,
            shares BIGINT,
            replies BIGINT,
            in_reply_to VARCHAR,
            parent_item_id BIGINT,
            ingested_at TIMESTAMP NOT NULL,
            raw VARCHAR USING COMPRESSION zstd
        );
        INSERT INTO items_v3 SELECT * FROM items;  -- keeps the stored order (time clusters)
        DROP TABLE items;
        ALTER TABLE items_v3 RENAME TO items;
        """,
    ),
    (
        4,
        "hourly rollups of mentions, staff posts, answers and competitor matches",
        # monitoring/rollups.py: the tables and a first build from the stored data
        # (docs/decisions/0008-rollups.md); writers keep them up to date with rollups.refresh.
        ROLLUPS_SQL,
    ),
]


def scalar(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    """First column of the first row. DuckDB 2.0 streams results: a half-read result blocks the
    connection, so every read here drains it (``fetchall``), never ``fetchone``."""
    rows = conn.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    exists = scalar(
        conn, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    )
    if not exists:
        return 0
    return scalar(conn, "SELECT coalesce(max(version), 0) FROM schema_version")


def migrate(conn: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations; return the versions applied (empty when up to date)."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version "
        "(version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
    )
    current = schema_version(conn)
    applied = []
    for version, description, sql in MIGRATIONS:
        if version <= current:
            continue
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(sql)
            conn.execute(
                "INSERT INTO schema_version VALUES (?, ?, now()::TIMESTAMP)", [version, description]
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        applied.append(version)
    return applied


def latest_version() -> int:
    return MIGRATIONS[-1][0]


def init(path: str | Path) -> list[int]:
    """Create or migrate the database file."""
    with opened(path) as conn:
        return migrate(conn)


# meta key: scores up to this scored_at have had their replies' parents' reactions refreshed
# (monitoring.scoring_pipeline.refresh_reactions); a purge deletes it.
REACTIONS_MARK = "reactions.scored_at"


def get_meta(conn: duckdb.DuckDBPyConnection, key: str) -> str | None:
    return scalar(conn, "SELECT value FROM meta WHERE key = ?", [key])


def set_meta(conn: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
