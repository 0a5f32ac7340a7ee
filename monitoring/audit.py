"""The audit trail: who did what and when (exports, configuration changes, sign-ins, purges).

Review decisions have their own append-only table (``reviews``); everything else lands here.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb
import pandas as pd


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
