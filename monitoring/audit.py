"""The audit trail: who did what and when (exports, configuration changes, sign-ins, purges).

Review decisions have their own append-only table (``reviews``); everything else lands here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from monitoring.db import get_meta, set_meta


def record(conn: duckdb.DuckDBPyConnection, actor: str, action: str, **detail: Any) -> None:
    """Append one audit row (call inside the writer's transaction)."""
    conn.execute(
        "INSERT INTO audit_log VALUES (nextval('audit_ids'), now()::TIMESTAMP, ?, ?, ?)",
        [actor, action, json.dumps(detail, default=str, ensure_ascii=False)],
    )


def recent(
    conn: duckdb.DuckDBPyConnection, limit: int = 500, action: str | None = None
) -> pd.DataFrame:
    """The latest audit rows, newest first, optionally for one action."""
    return conn.execute(
        """
        SELECT logged_at, actor, action, detail FROM audit_log
        WHERE ? IS NULL OR action = ?
        ORDER BY audit_id DESC LIMIT ?
        """,
        [action, action, limit],
    ).df()


def note_config_files(
    conn: duckdb.DuckDBPyConnection, actor: str, files: dict[str, Path]
) -> list[str]:
    """Record configuration files whose content changed since last seen; return their names.

    The first sighting of a file is recorded too, so the log shows which configuration the
    data was produced under. Hashes live in ``meta`` (``config_sha256:<name>``).
    """
    changed = []
    for name, path in files.items():
        if not path.exists():
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        key = f"config_sha256:{name}"
        previous = get_meta(conn, key)
        if previous != digest:
            record(conn, actor, "config.changed", file=str(path), sha256=digest, previous=previous)
            set_meta(conn, key, digest)
            changed.append(name)
    return changed


def review_log(conn: duckdb.DuckDBPyConnection, limit: int = 1000) -> pd.DataFrame:
    """The append-only review log, newest first (who decided what, when, with which note)."""
    return conn.execute(
        """
        SELECT decided_at, reviewer, decision, note, iso_week, platform, native_id, item_id
        FROM reviews ORDER BY review_id DESC LIMIT ?
        """,
        [limit],
    ).df()
