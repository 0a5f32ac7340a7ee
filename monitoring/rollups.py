"""Hourly rollups of items, scores and responses, maintained incrementally (issue 6).

The dashboard's aggregates at 10 M mentions cost seconds when computed from ``items``; they cost
milliseconds from these tables (docs/decisions/0008-rollups.md):

- ``mention_hours``: mentions per UTC hour x platform x channel x sentiment label x language x
  answered/answering team x team of the staff post replied to, with reach and compound sums.
- ``staff_hours``: staff posts per UTC hour x platform x channel x team x member x label x
  reply-or-not, with compound sums.
- ``answer_facts``: one narrow row per answered mention (``responses`` with the mention's platform
  and channel), so medians and percentiles of answer times stay exact.
- ``staff_items``: each staff post's time, platform, channel, team and member (a fifth of the
  items, six narrow columns): flags, scores and hits join it instead of ``items``.
- ``competitor_mentions``: one row per (mention, competitor) whose text names the competitor, for
  share of voice; the regex runs once per item here, not on every page view.

What is NOT rolled up, because other writers change it without a new ``scored_at`` (reaction
refreshes update ``scores.risk`` and ``flags``; managers append ``reviews``): flags, risk and
review decisions. Those tables are small and queried raw.

``refresh(conn)`` runs inside the writers' transactions (scoring batches, an ingest run's end,
the demo) and recomputes only what changed since its watermarks (``meta`` keys below):
- hours touched by an older item's new score (``scored_at`` after the watermark), by a new answer
  to an older mention, or by an older item newly linked to a new parent are deleted and rebuilt
  from ``items``/``scores``/``responses``;
- new items (``item_id`` after the watermark) in other hours are added.
A run killed before its refresh leaves the watermarks behind; ``is_fresh`` then says so and the
read side (``monitoring.queries``) uses the raw tables until the next writer catches up.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

import duckdb

ITEM_MARK = "rollup.item_id"  # the highest item_id aggregated
SCORED_MARK = "rollup.scored_at"  # the latest scores.scored_at aggregated (ISO text)
COUNT_MARK = "rollup.items"  # how many items the rollups hold: a purge shows as fewer
TEXT_MARK = "rollup.text_item_id"  # the highest item_id matched against the competitor terms
COMPETITORS_KEY = "rollup.competitors"  # JSON [[name, [terms...]], ...] the matches were made with

Competitors = Sequence[tuple[str, Sequence[str]]]
TABLES = ("mention_hours", "staff_hours", "answer_facts", "staff_items", "competitor_mentions")

TABLES_SQL = """
CREATE TABLE mention_hours (
    hour TIMESTAMP NOT NULL,          -- UTC, truncated to the hour
    platform VARCHAR NOT NULL,
    channel_id VARCHAR,
    label VARCHAR,                    -- NULL: unscored
    lang VARCHAR,
    answered BOOLEAN NOT NULL,        -- has a row in responses
    answered_by VARCHAR,              -- responses.team_id (the first answer's team)
    parent_team VARCHAR,              -- team of the staff post this mention replies to
    mentions BIGINT NOT NULL,
    reach BIGINT,                     -- sum
    top_reach BIGINT,                 -- max: bounds the "most-reached" top lists
    compound_sum DOUBLE,
    compound_n BIGINT NOT NULL
);
CREATE TABLE staff_hours (
    hour TIMESTAMP NOT NULL,
    platform VARCHAR NOT NULL,
    channel_id VARCHAR,
    team_id VARCHAR,
    member_id VARCHAR,
    label VARCHAR,
    is_reply BOOLEAN NOT NULL,        -- parent_item_id is set
    posts BIGINT NOT NULL,
    compound_sum DOUBLE,
    compound_n BIGINT NOT NULL
);
CREATE TABLE answer_facts (
    mention_id BIGINT NOT NULL,
    mention_at TIMESTAMP NOT NULL,    -- UTC, the mention's created_at
    platform VARCHAR NOT NULL,
    channel_id VARCHAR,
    team_id VARCHAR,
    member_id VARCHAR,
    minutes DOUBLE NOT NULL
);
CREATE TABLE staff_items (          -- a staff post's fixed facts, for joins with flags/scores
    item_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    platform VARCHAR NOT NULL,
    channel_id VARCHAR,
    team_id VARCHAR,
    member_id VARCHAR
);
CREATE TABLE competitor_mentions (
    item_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    platform VARCHAR NOT NULL,
    channel_id VARCHAR,
    competitor VARCHAR NOT NULL
);
"""

# {scope} selects the items (alias i) to aggregate; see _SCOPES.
_MENTION_ROWS = """
INSERT INTO mention_hours
SELECT date_trunc('hour', i.created_at), i.platform, i.channel_id, s.label, s.lang,
       r.mention_id IS NOT NULL, r.team_id, p.team_id,
       count(*), sum(i.reach), max(i.reach), sum(s.compound), count(s.compound)
FROM items i
LEFT JOIN scores s ON s.item_id = i.item_id {scores_too}
LEFT JOIN responses r ON r.mention_id = i.item_id {responses_too}
LEFT JOIN (
    SELECT item_id, team_id FROM items
    WHERE kind = 'staff' AND item_id IN (
        SELECT parent_item_id FROM items i WHERE i.kind = 'mention' AND {scope}
    )
) p ON p.item_id = i.parent_item_id
WHERE i.kind = 'mention' AND {scope}
GROUP BY ALL
"""

_STAFF_ROWS = """
INSERT INTO staff_hours
SELECT date_trunc('hour', i.created_at), i.platform, i.channel_id, i.team_id, i.member_id,
       s.label, i.parent_item_id IS NOT NULL, count(*), sum(s.compound), count(s.compound)
FROM items i LEFT JOIN scores s ON s.item_id = i.item_id {scores_too}
WHERE i.kind = 'staff' AND {scope}
GROUP BY ALL
"""

_ANSWER_ROWS = """
INSERT INTO answer_facts
SELECT r.mention_id, r.mention_at, i.platform, i.channel_id, r.team_id, r.member_id, r.minutes
FROM responses r JOIN items i ON i.item_id = r.mention_id
WHERE i.kind = 'mention' AND {scope} {responses_too}
"""

# A staff post's time, platform, channel, team and member never change: new ones are appended.
_STAFF_ITEMS = """
INSERT INTO staff_items
SELECT item_id, created_at, platform, channel_id, team_id, member_id
FROM items WHERE kind = 'staff' AND item_id > $after
"""

# Two scopes: the touched hours (rebuilt whole) and the new items outside them (added). Each
# takes its parameters as named ones; the time range lets DuckDB skip row groups by zone map.
# A new item's score and response rows carry its (new) id: saying so lets DuckDB skip the old
# row groups of scores and responses too (``scores_too``/``responses_too``). ``{hours}`` is the
# table's own touched hours (``_HOURS``).
_SCOPES = {
    "hours": {
        "scope": "i.created_at >= $lo AND i.created_at < $hi"
        " AND date_trunc('hour', i.created_at) IN {hours}",
        "scores_too": "",
        "responses_too": "AND r.mention_at >= $lo AND r.mention_at < $hi",
    },
    "new": {
        "scope": "i.item_id > $after AND date_trunc('hour', i.created_at) NOT IN {hours}",
        "scores_too": "AND s.item_id > $after",
        "responses_too": "AND r.mention_id > $after",
    },
}

# Hours whose aggregates an update since the watermarks may have changed (see module docstring),
# with the kind of item whose new score touched them (NULL: a new answer or a new parent link,
# which every table reads).
_TOUCHED_HOURS = """
CREATE OR REPLACE TEMP TABLE _rollup_hours AS
SELECT DISTINCT date_trunc('hour', created_at) AS hour, kind FROM items
WHERE item_id <= $after AND item_id IN (SELECT item_id FROM scores WHERE scored_at > $scored)
UNION
SELECT date_trunc('hour', mention_at), NULL FROM responses
WHERE reply_id > $after AND mention_id <= $after
UNION
SELECT date_trunc('hour', created_at), NULL FROM items
WHERE parent_item_id > $after AND item_id <= $after
"""

# Each table's touched hours: a new score changes only the table of its item's kind
# (answer_facts reads no scores at all). Rescoring the staff posts of a year then rebuilds
# staff_hours alone, not every hour of mention_hours.
_HOURS = {
    "mention_hours": "(SELECT hour FROM _rollup_hours WHERE kind IS NULL OR kind = 'mention')",
    "staff_hours": "(SELECT hour FROM _rollup_hours WHERE kind IS NULL OR kind = 'staff')",
    "answer_facts": "(SELECT hour FROM _rollup_hours WHERE kind IS NULL)",
}
_ROWS = {"mention_hours": _MENTION_ROWS, "staff_hours": _STAFF_ROWS, "answer_facts": _ANSWER_ROWS}
# The range lets DuckDB skip row groups; the IN picks the hours.
_DELETE = {
    "mention_hours": "DELETE FROM mention_hours WHERE hour >= $lo AND hour < $hi"
    " AND hour IN {hours}",
    "staff_hours": "DELETE FROM staff_hours WHERE hour >= $lo AND hour < $hi AND hour IN {hours}",
    "answer_facts": "DELETE FROM answer_facts WHERE mention_at >= $lo AND mention_at < $hi"
    " AND date_trunc('hour', mention_at) IN {hours}",
}
_TOUCHED_COUNTS = """
SELECT count(*) FILTER (WHERE kind IS NULL OR kind = 'mention'),
       count(*) FILTER (WHERE kind IS NULL OR kind = 'staff'),
       count(*) FILTER (WHERE kind IS NULL), min(hour), max(hour)
FROM _rollup_hours
"""


def _get(conn: duckdb.DuckDBPyConnection, key: str) -> str | None:
    rows = conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None


def _set(conn: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def _one(conn: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None):
    rows = conn.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def _marks(conn: duckdb.DuckDBPyConnection) -> tuple[int, datetime]:
    item = int(_get(conn, ITEM_MARK) or 0)
    scored = _get(conn, SCORED_MARK)
    return item, datetime.fromisoformat(scored) if scored else datetime(1970, 1, 1)


def _tops(conn: duckdb.DuckDBPyConnection) -> tuple[int, datetime | None, int]:
    row = conn.execute(
        "SELECT (SELECT coalesce(max(item_id), 0) FROM items), (SELECT max(scored_at) FROM scores),"
        " (SELECT count(*) FROM items)"
    ).fetchall()[0]
    return int(row[0]), row[1], int(row[2])


def is_fresh(conn: duckdb.DuckDBPyConnection) -> bool:
    """True when the rollups include every item and score (cheap: two max() and a meta read).

    False also when the rollup tables do not exist (a database before migration 4).
    """
    if not _has_tables(conn):
        return False
    item, scored = _marks(conn)
    top_item, top_scored, count = _tops(conn)
    return (
        top_item == item
        and (top_scored is None or top_scored <= scored)
        and str(count) == _get(conn, COUNT_MARK)
    )


def refresh(conn: duckdb.DuckDBPyConnection, texts: bool = True) -> None:
    """Bring the rollups up to date with items, scores and responses; call inside a transaction.

    :param texts: also match new mentions against the competitor terms ``use_competitors``
        stored (a regex over their texts: ~0.7 s per million mentions here). An import leaves
        it to the scoring that follows; until then share of voice matches the unmatched tail
        itself (``TEXT_MARK``), so its counts stay exact.

    A no-op on a database without the rollup tables (not migrated yet).
    """
    if not _has_tables(conn):
        return
    after, scored = _marks(conn)
    top_item, top_scored, count = _tops(conn)
    added = _one(conn, "SELECT count(*) FROM items WHERE item_id > ?", [after])
    if int(_get(conn, COUNT_MARK) or 0) + added != count:
        # Items were deleted (``purge``): which hours lost what is unknown, so start over.
        _clear(conn)
        after, scored = _marks(conn)
    params = {"after": after, "scored": scored}
    conn.execute(_TOUCHED_HOURS, params)
    *counts, lo, hi = conn.execute(_TOUCHED_COUNTS).fetchall()[0]
    touched = [table for table, n in zip(_ROWS, counts, strict=True) if n]
    if touched:
        span = {"lo": lo, "hi": hi + timedelta(hours=1)}
        for table in touched:
            conn.execute(_DELETE[table].format(hours=_HOURS[table]), span)
            _insert(conn, table, "hours", span)
    if top_item > after:
        for table in _ROWS:
            _insert(conn, table, "new", {"after": after})
        conn.execute(_STAFF_ITEMS, {"after": after})
    conn.execute("DROP TABLE _rollup_hours")
    _set(conn, ITEM_MARK, str(top_item))
    _set(conn, COUNT_MARK, str(count))
    if top_scored is not None and top_scored > scored:
        _set(conn, SCORED_MARK, top_scored.isoformat())
    if texts:
        _match_competitors(conn, top_item)


def _insert(conn: duckdb.DuckDBPyConnection, table: str, scope: str, params: dict) -> None:
    conn.execute(_rows_sql(table, scope, _HOURS[table]), params)


def _rows_sql(table: str, scope: str, hours: str) -> str:
    """``table``'s aggregation over the items of ``scope`` (``hours``: the touched hours)."""
    parts = {key: sql.format(hours=hours) for key, sql in _SCOPES[scope].items()}
    return _ROWS[table].format(**parts)


def text_mark(conn: duckdb.DuckDBPyConnection) -> int:
    """The highest item_id already matched against the stored competitor terms."""
    return int(_get(conn, TEXT_MARK) or 0)


def stored_competitors(conn: duckdb.DuckDBPyConnection) -> list | None:
    """The competitor terms ``competitor_mentions`` was built with, as JSON-shaped lists."""
    text = _get(conn, COMPETITORS_KEY)
    return json.loads(text) if text else None


def competitors_key(competitors: Competitors) -> list:
    """``competitors`` in the stored (JSON) shape, for comparing with ``stored_competitors``."""
    return [[name, list(terms)] for name, terms in competitors]


def org_competitors(org) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """An ``OrgConfig``'s competitor terms, exactly as the Overview asks for them."""
    from monitoring.present import competitor_terms  # the dashboard's definition, one place

    return competitor_terms(org)


def use_competitors(conn: duckdb.DuckDBPyConnection, competitors: Competitors) -> None:
    """Record the competitor terms to match; when they changed, match every mention again.

    Called by ``store.sync_org`` (org.yaml loaded into the database); a no-op on a database
    without the rollup tables or when the terms are those already stored.
    """
    if not _has_tables(conn):
        return
    wanted = competitors_key(competitors)
    if wanted == stored_competitors(conn):
        return
    conn.execute("DELETE FROM competitor_mentions")
    _set(conn, COMPETITORS_KEY, json.dumps(wanted))
    _set(conn, TEXT_MARK, "0")
    _match_competitors(conn, _tops(conn)[0])


def _has_tables(conn: duckdb.DuckDBPyConnection) -> bool:
    sql = "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'staff_items'"
    return bool(_one(conn, sql))


def _match_competitors(conn: duckdb.DuckDBPyConnection, top_item: int) -> None:
    stored = stored_competitors(conn)
    if stored is None:
        return
    after = int(_get(conn, TEXT_MARK) or 0)
    if top_item > after:
        insert_competitor_matches(conn, stored, "i.item_id > ?", [after], "competitor_mentions")
    _set(conn, TEXT_MARK, str(top_item))


def competitor_match_sql(competitors: Competitors, where: str) -> tuple[str, list]:
    """SELECT item_id, created_at, platform, channel_id, competitor for the mentions (alias i)
    matching ``where`` whose text names a competitor (a name or alias, case-insensitive).

    One case-insensitive regex pass keeps the few mentions naming any competitor; only those
    are lower-cased and checked per competitor (lower() on every text costs ~4x the regex).
    The ``?`` of ``where`` come first, then the terms.
    """
    import re

    terms = [term for _, names in competitors for term in names if term]
    any_name = "(?i)" + "|".join(re.escape(term) for term in terms)
    parts, term_params = [], []
    for name, names in competitors:
        ors = " OR ".join("contains(t, ?)" for _ in names) or "FALSE"
        parts.append(f"SELECT item_id, created_at, platform, channel_id, ? AS competitor "
                     f"FROM candidates WHERE {ors}")  # fmt: skip
        term_params.extend([name, *names])
    sql = f"""
        WITH candidates AS (
            SELECT i.item_id, i.created_at, i.platform, i.channel_id, lower(i.text) AS t
            FROM items i
            WHERE i.kind = 'mention' AND {where} AND regexp_matches(i.text, ?)
        )
        {" UNION ALL ".join(parts) if parts else "SELECT * EXCLUDE (t) FROM candidates LIMIT 0"}
    """
    return sql, [any_name, *term_params]


def insert_competitor_matches(
    conn: duckdb.DuckDBPyConnection, competitors: Competitors, where: str, params: list, table: str
) -> None:
    """Append the matches of the mentions selected by ``where`` to ``table`` (a code constant)."""
    if not any(term for _, names in competitors for term in names):
        return
    sql, match_params = competitor_match_sql(competitors, where)
    conn.execute(f"INSERT INTO {table} {sql}", params + match_params)


def _clear(conn: duckdb.DuckDBPyConnection) -> None:
    for table in TABLES:
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - code constants
    marks = [ITEM_MARK, SCORED_MARK, COUNT_MARK, TEXT_MARK]
    conn.execute("DELETE FROM meta WHERE key IN (?, ?, ?, ?)", marks)


def rebuild(conn: duckdb.DuckDBPyConnection) -> None:
    """Empty the rollups and build them again from the raw tables (inside a transaction)."""
    _clear(conn)
    refresh(conn)


# Migration 4 (monitoring.db): the tables, then a first build from whatever is stored (the
# competitor matches wait for the first writer that knows org.yaml's competitors).
MIGRATION_SQL = (
    TABLES_SQL
    + """
CREATE TEMP TABLE _rollup_hours AS SELECT NULL::TIMESTAMP AS hour WHERE FALSE;
"""
    + ";\n".join(
        _rows_sql(table, "new", "(SELECT hour FROM _rollup_hours)").replace("$after", "0")
        for table in _ROWS
    )
    + ";\n"
    + _STAFF_ITEMS.replace("$after", "0")
    + """;
DROP TABLE _rollup_hours;
INSERT INTO meta SELECT 'rollup.item_id', coalesce(max(item_id), 0)::VARCHAR FROM items
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
INSERT INTO meta SELECT 'rollup.items', count(*)::VARCHAR FROM items
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
INSERT INTO meta SELECT 'rollup.scored_at', strftime(max(scored_at), '%Y-%m-%dT%H:%M:%S.%f')
    FROM scores HAVING max(scored_at) IS NOT NULL
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
"""
)
