"""The weekly review: managers' decisions on flagged staff posts, as an append-only log.

A decision is one short INSERT into ``reviews`` (plus its ``audit_log`` line) in a single
transaction. It is retried until stored — the file may be held by a running ingest for a few
seconds — and the caller learns whether it was. Rescoring never touches ``reviews``; the latest
row per item is the decision in force.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from monitoring import app_db
from monitoring.db import DatabaseBusy, scalar

DECISIONS = ("confirmed", "dismissed", "escalated")
MAX_NOTE = 2000
# A decision waits for a writer in another process (an ingest batch takes seconds) up to
# ATTEMPTS x WAIT_SECONDS, then the manager is told it was NOT stored and can click again.
ATTEMPTS = 3
WAIT_SECONDS = 10.0


class ReviewError(Exception):
    """The decision could not be recorded; the message says why in one line."""


@dataclass(frozen=True)
class Decision:
    review_id: int
    item_id: int
    decision: str
    note: str
    reviewer: str
    decided_at: datetime


def _insert(
    conn: duckdb.DuckDBPyConnection, item_id: int, decision: str, note: str, reviewer: str
) -> Decision:
    rows = conn.execute(
        "SELECT platform, native_id, iso_week FROM flags WHERE item_id = ?", [item_id]
    ).fetchall()
    if not rows:
        raise ReviewError(f"item {item_id} is not a flagged post; nothing recorded")
    platform, native_id, week = rows[0]
    review_id = int(scalar(conn, "SELECT nextval('review_ids')"))
    now = datetime.now(UTC).replace(tzinfo=None)
    conn.execute(
        "INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [review_id, item_id, platform, native_id, week, decision, note, reviewer, now],
    )
    detail = {
        "review_id": review_id,
        "item_id": item_id,
        "decision": decision,
        "iso_week": week,
        "note": note,
    }
    conn.execute(
        "INSERT INTO audit_log VALUES (nextval('audit_ids'), ?, ?, 'review.decision', ?)",
        [now, reviewer, json.dumps(detail, ensure_ascii=False)],
    )
    return Decision(review_id, item_id, decision, note, reviewer, now)


def record_decision(
    db_path: str | Path, item_id: int, decision: str, reviewer: str, note: str = ""
) -> Decision:
    """Append a decision on a flagged post; return it once stored, or raise ``ReviewError``."""
    if decision not in DECISIONS:
        raise ReviewError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ReviewError(f"note is {len(note)} characters long; the limit is {MAX_NOTE}")
    delay = 0.2
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return app_db.write(
                db_path,
                lambda conn: _insert(conn, int(item_id), decision, note, reviewer),
                wait=WAIT_SECONDS,
            )
        except (duckdb.TransactionException, duckdb.ConnectionException, DatabaseBusy) as exc:
            # A conflicting writer or a file held longer than one wait: try again, then give up
            # with the reason so the page can say the decision was NOT stored.
            if attempt == ATTEMPTS:
                raise ReviewError(f"not stored after {ATTEMPTS} attempts: {exc}") from None
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


def latest_decisions(conn: duckdb.DuckDBPyConnection, item_ids: list[int]) -> pd.DataFrame:
    """The decision in force (latest row) for each of the given items that has one."""
    if not item_ids:
        return pd.DataFrame(columns=["item_id", "decision", "note", "reviewer", "decided_at"])
    marks = ", ".join("?" for _ in item_ids)
    sql = f"""
        SELECT item_id, arg_max(decision, review_id) AS decision,
               arg_max(note, review_id) AS note, arg_max(reviewer, review_id) AS reviewer,
               max(decided_at) AS decided_at
        FROM reviews WHERE item_id IN ({marks}) GROUP BY item_id ORDER BY item_id
    """
    return conn.execute(sql, [int(i) for i in item_ids]).df()


def history(conn: duckdb.DuckDBPyConnection, item_id: int) -> pd.DataFrame:
    """Every decision ever recorded on an item, oldest first (the audit trail)."""
    return conn.execute(
        "SELECT review_id, decision, note, reviewer, decided_at FROM reviews "
        "WHERE item_id = ? ORDER BY review_id",
        [int(item_id)],
    ).df()


@dataclass(frozen=True)
class Progress:
    reviewed: int
    total: int

    @property
    def share(self) -> float:
        return self.reviewed / self.total if self.total else 1.0


def progress(queue: pd.DataFrame) -> Progress:
    """How much of a review queue (``queries.review_queue``) has a decision."""
    return Progress(int(queue["decision"].notna().sum()), len(queue))
