"""Retention: delete items older than a cutoff with everything derived from them.

Review decisions stay: the ``reviews`` log keeps platform + native id as its reference, so a
manager's judgement outlives the post it judged (employee-monitoring records must be minimal,
but the decision trail is the company's own accountability record).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from monitoring import audit, rollups
from monitoring.db import REACTIONS_MARK, scalar

_DURATION = re.compile(r"^\s*(\d+)\s*(d|w|m|y)\s*$")
_DAYS = {"d": 1, "w": 7, "m": 30.4375, "y": 365.25}

# Derived tables first, items last; all keyed by item id. Identifiers are code constants.
_DERIVED = (
    ("hits", "item_id"),
    ("scores", "item_id"),
    ("flags", "item_id"),
    ("responses", "mention_id"),
    ("responses", "reply_id"),
)


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    items: int
    scores: int
    hits: int
    flags: int
    responses: int
    rejects: int


def parse_age(text: str) -> timedelta:
    """``18m`` → about 18 months; units d, w, m (months), y."""
    match = _DURATION.match(text or "")
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"invalid age {text!r}: use a number and a unit, e.g. 90d, 12w, 18m, 2y")
    return timedelta(days=int(match.group(1)) * _DAYS[match.group(2)])


def purge(conn: duckdb.DuckDBPyConnection, cutoff: datetime, actor: str) -> PurgeResult:
    """Delete items created before ``cutoff`` (UTC) and their scores, hits, flags, responses."""
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE _old AS SELECT item_id FROM items WHERE created_at < ?",
        [cutoff],
    )
    counts: dict[str, int] = {}
    for table, column in _DERIVED:
        deleted = scalar(
            conn, f"SELECT count(*) FROM {table} WHERE {column} IN (SELECT item_id FROM _old)"
        )
        conn.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT item_id FROM _old)")
        counts[table] = counts.get(table, 0) + deleted
    items = scalar(conn, "SELECT count(*) FROM _old")
    conn.execute("DELETE FROM items WHERE item_id IN (SELECT item_id FROM _old)")
    conn.execute("DROP TABLE _old")
    rejects = scalar(conn, "SELECT count(*) FROM rejects WHERE rejected_at < ?", [cutoff])
    conn.execute("DELETE FROM rejects WHERE rejected_at < ?", [cutoff])
    # A deleted reply lowers its parent's negative replies: the next score checks them all.
    conn.execute("DELETE FROM meta WHERE key = ?", [REACTIONS_MARK])
    result = PurgeResult(
        cutoff=cutoff,
        items=items,
        scores=counts["scores"],
        hits=counts["hits"],
        flags=counts["flags"],
        responses=counts["responses"],
        rejects=rejects,
    )
    # Which hours lost items is not tracked: the rollups are rebuilt here (~26 s at 10 M
    # items), so the pages stay on them and no later writer pays for the purge.
    rollups.refresh(conn)
    audit.record(conn, actor, "purge", **result.__dict__)
    return result
