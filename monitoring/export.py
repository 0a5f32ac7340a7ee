"""``export``: the dashboard's tables as spreadsheet-safe CSV files, with the same filters.

Row-level tables (one row per item, or per decision for ``reviews``) stream from DuckDB in Arrow
batches, so exporting a million mentions never holds them all in memory; the health tables are
the same aggregates the Teams and Channels pages show. No filter means everything: there is no
default period. Times are UTC (``*_utc`` columns), as stored.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd

from monitoring import db, health, queries
from monitoring.csvsafe import write_csv
from monitoring.filters import Filters

BATCH_ROWS = 100_000

_HITS = """
    SELECT h.item_id,
           string_agg(h.rule_id || ': ' || coalesce(h.evidence, ''), '; '
                      ORDER BY h.weight DESC, h.rule_id) AS hits
    FROM hits h JOIN scores hs ON hs.item_id = h.item_id AND hs.policy_version = h.policy_version
    GROUP BY h.item_id
"""
_DECISION = """
    SELECT item_id, arg_max(decision, review_id) AS decision, arg_max(note, review_id) AS note,
           arg_max(reviewer, review_id) AS reviewer, max(decided_at) AS decided_at_utc
    FROM reviews GROUP BY item_id
"""


def _mentions(f: Filters) -> tuple[str, list]:
    where, params = queries.mention_slice(f)
    sql = f"""
        SELECT i.item_id, i.platform, i.native_id, i.channel_id, i.created_at AS created_at_utc,
               i.author_handle, i.author_name, i.text, i.url, s.lang, s.compound, s.label,
               array_to_string(s.topics, ', ') AS topics, s.risk, i.reach, i.likes, i.shares,
               i.replies, r.team_id AS answered_by_team, r.minutes AS response_minutes
        FROM items i
        LEFT JOIN scores s ON s.item_id = i.item_id
        LEFT JOIN responses r ON r.mention_id = i.item_id
        WHERE {where}
        ORDER BY i.created_at, i.item_id
    """
    return sql, params


def _staff_posts(f: Filters) -> tuple[str, list]:
    where, params = queries.staff_slice(f)
    sql = f"""
        SELECT i.item_id, i.platform, i.native_id, i.team_id, i.member_id, i.channel_id,
               i.created_at AS created_at_utc, i.author_handle, i.text, i.url, i.in_reply_to,
               i.parent_item_id, s.lang, s.compound, s.label,
               array_to_string(s.topics, ', ') AS topics, s.risk, s.flagged, hs.hits,
               i.reach, i.likes, i.shares, i.replies
        FROM items i
        LEFT JOIN scores s ON s.item_id = i.item_id
        LEFT JOIN ({_HITS}) hs ON hs.item_id = i.item_id
        WHERE {where}
        ORDER BY i.created_at, i.item_id
    """
    return sql, params


def _flags(f: Filters) -> tuple[str, list]:
    where, params = queries.staff_slice(f)
    sql = f"""
        SELECT fl.item_id, fl.platform, fl.native_id, fl.iso_week, fl.risk, fl.active,
               fl.policy_version, i.team_id, i.member_id, i.channel_id,
               i.created_at AS created_at_utc, i.text, i.url, hs.hits, d.decision, d.note,
               d.reviewer, d.decided_at_utc
        FROM flags fl
        JOIN items i ON i.item_id = fl.item_id
        LEFT JOIN ({_HITS}) hs ON hs.item_id = fl.item_id
        LEFT JOIN ({_DECISION}) d ON d.item_id = fl.item_id
        WHERE {where}
        ORDER BY fl.iso_week, fl.risk DESC, fl.item_id
    """
    return sql, params


def _reviews(f: Filters) -> tuple[str, list]:
    where, params = queries.staff_slice(f)
    sql = f"""
        SELECT rv.review_id, rv.item_id, rv.platform, rv.native_id, rv.iso_week, rv.decision,
               rv.note, rv.reviewer, rv.decided_at AS decided_at_utc, i.team_id, i.member_id,
               i.channel_id, i.created_at AS created_at_utc
        FROM reviews rv JOIN items i ON i.item_id = rv.item_id
        WHERE {where}
        ORDER BY rv.review_id
    """
    return sql, params


ROW_TABLES = {
    "mentions": _mentions,
    "staff-posts": _staff_posts,
    "flags": _flags,
    "reviews": _reviews,
}


def _team_health(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    return health.team_health(queries.team_activity(conn, f))


def _channel_health(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    return queries.channel_activity(conn, f)


AGGREGATE_TABLES = {"team-health": _team_health, "channel-health": _channel_health}
TABLES = (*ROW_TABLES, *AGGREGATE_TABLES)


def _batches(conn: duckdb.DuckDBPyConnection, sql: str, params: list) -> Iterator[pd.DataFrame]:
    reader = conn.sql(sql, params=params).to_arrow_reader(BATCH_ROWS)
    first = True
    for batch in reader:
        first = False
        yield batch.to_pandas()
    if first:  # no row: still write the header
        yield conn.sql(sql + " LIMIT 0", params=params).df()


def export_table(
    db_path: str | Path,
    table: str,
    out: str | Path,
    f: Filters | None = None,
    excel_it: bool = False,
) -> int:
    """Write ``table`` for the slice ``f`` to ``out``; return the number of data rows.

    The file appears only when complete (written beside it, then renamed).
    """
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; choose one of {', '.join(TABLES)}")
    f = f or Filters()
    out = Path(out)
    tmp = out.with_name(f".{out.name}.partial")

    def work(conn: duckdb.DuckDBPyConnection) -> int:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            if table in ROW_TABLES:
                sql, params = ROW_TABLES[table](f)
                return write_csv(_batches(conn, sql, params), handle, excel_it)
            return write_csv([AGGREGATE_TABLES[table](conn, f)], handle, excel_it)

    try:
        rows = db.read(db_path, work)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out)
    return rows
