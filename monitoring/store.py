"""Write side of the store: the organization tables and bulk, idempotent item loads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from monitoring import rollups
from monitoring.db import scalar
from monitoring.org import OrgConfig

# The normalized item every connector, importer and the demo generator produce.
ITEM_SCHEMA = pa.schema(
    [
        ("platform", pa.string()),
        ("native_id", pa.string()),
        ("url", pa.string()),
        ("author_handle", pa.string()),
        ("author_name", pa.string()),
        ("text", pa.string()),
        ("lang_hint", pa.string()),
        ("created_at", pa.timestamp("us")),  # UTC, naive
        ("reach", pa.int64()),
        ("likes", pa.int64()),
        ("shares", pa.int64()),
        ("replies", pa.int64()),
        ("in_reply_to", pa.string()),
        ("channel_id", pa.string()),
        ("raw", pa.string()),
    ]
)
ITEM_COLUMNS = tuple(ITEM_SCHEMA.names)


@dataclass(frozen=True)
class InsertResult:
    new: int
    duplicate: int


def items_table(records: list[dict[str, Any]]) -> pa.Table:
    """Normalized records (dicts with ``ITEM_COLUMNS`` keys; missing ones are null) as Arrow."""
    columns = {name: [r.get(name) for r in records] for name in ITEM_COLUMNS}
    return pa.Table.from_pydict(columns, schema=ITEM_SCHEMA)


def sync_org(conn: duckdb.DuckDBPyConnection, org: OrgConfig) -> None:
    """Replace the organization tables with ``org`` (call inside a transaction)."""
    for table in ("member_handles", "members", "teams", "channels"):
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - identifiers are code constants
    conn.executemany(
        "INSERT INTO channels VALUES (?, ?, ?, ?, ?)",
        [[c.id, c.name, c.platform, list(c.handles), i] for i, c in enumerate(org.channels)],
    )
    conn.executemany(
        "INSERT INTO teams VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                t.id,
                t.name,
                t.governance,
                i,
                list(t.channels),
                list(t.competences),
                t.targets.response_minutes,
                t.targets.max_negative_share,
                t.targets.max_flagged_share,
                t.targets.min_response_rate,
            ]
            for i, t in enumerate(org.teams)
        ],
    )
    members = [[m.id, t.id, m.name, m.role] for t in org.teams for m in t.members]
    if members:
        conn.executemany("INSERT INTO members VALUES (?, ?, ?, ?)", members)
    handles = [[p, h, m.id] for m in org.members() for p, h in m.handles.items()]
    if handles:
        conn.executemany("INSERT INTO member_handles VALUES (?, ?, ?)", handles)
    rollups.use_competitors(conn, rollups.org_competitors(org))  # share of voice's terms


# Two small tables first: the batch rows already stored, and the parents of its replies
# (stored, or earlier in the same batch). The insert is then one in-order pass over the
# batch. Joining the stored items inside the insert cut the batch's row groups short, which
# the checkpoint then merged by rewriting ~250,000 rows (0.7-0.9 s a batch); and linking
# parents by updating rows the same transaction inserted made DuckDB log the whole batch
# to the WAL at commit (245 MB and 0.4 s per 500,000 rows) instead of writing it in place.
_KNOWN_ROWS = """
CREATE OR REPLACE TEMP TABLE _known AS
SELECT b._position FROM _batch b
SEMI JOIN items i ON i.platform = b.platform AND i.native_id = b.native_id
"""
_PARENTS = """
CREATE OR REPLACE TEMP TABLE _parents AS
SELECT r._position, coalesce(stored.item_id, $first_id + fresh._position) AS parent_item_id
FROM (SELECT _position, platform, in_reply_to FROM _batch WHERE in_reply_to IS NOT NULL) r
LEFT JOIN items stored ON stored.platform = r.platform AND stored.native_id = r.in_reply_to
LEFT JOIN (SELECT platform, native_id, min(_position) AS _position FROM _batch
           GROUP BY platform, native_id) fresh
       ON fresh.platform = r.platform AND fresh.native_id = r.in_reply_to
WHERE stored.item_id IS NOT NULL OR fresh._position IS NOT NULL
"""
_INSERT_NEW_ITEMS = """
INSERT INTO items
SELECT $first_id + b._position, b.platform, b.native_id,
       CASE WHEN h.member_id IS NULL THEN 'mention' ELSE 'staff' END,
       $source, b.url, b.handle, b.author_name, h.member_id, m.team_id,
       coalesce(b.channel_id, dc.channel_id), b.text, b.lang_hint, b.created_at,
       b.reach, b.likes, b.shares, b.replies, b.in_reply_to, p.parent_item_id,
       now()::TIMESTAMP, b.raw
FROM (SELECT *, lower(ltrim(trim(author_handle), '@')) AS handle FROM _batch
      QUALIFY _position = min(_position) OVER (PARTITION BY platform, native_id)) b
LEFT JOIN member_handles h ON h.platform = b.platform AND h.handle = b.handle
LEFT JOIN members m ON m.member_id = h.member_id
LEFT JOIN (SELECT platform, arg_min(channel_id, position) AS channel_id
           FROM channels GROUP BY platform) dc ON dc.platform = b.platform
LEFT JOIN _parents p ON p._position = b._position
WHERE NOT EXISTS (SELECT 1 FROM _known k WHERE k._position = b._position)
"""
_IN_BATCH_DEDUPE = "QUALIFY _position = min(_position) OVER (PARTITION BY platform, native_id)"
_IN_TIME_ORDER = "ORDER BY b.created_at"

# DuckDB's row group: the unit whose per-column min/max (zonemaps) let a created_at filter
# skip rows. Order inside one row group does not matter to them.
ROW_GROUP_ROWS = 122_880


def _insert_sql(unique: bool, ordered: bool) -> str:
    """The insert statement for a batch.

    ``unique``: no (platform, native_id) repeats in the batch (the file importer checks with
    Arrow), so the in-batch dedupe window, which sorts whole rows, is skipped.
    ``ordered``: the batch is already clustered in time, so the ORDER BY (a sort of whole
    rows, ~0.5 CPU-s per million imported rows) is skipped (docs/decisions/0005).
    """
    sql = _INSERT_NEW_ITEMS
    if unique:
        sql = sql.replace(_IN_BATCH_DEDUPE, "")
    return sql if ordered else sql + _IN_TIME_ORDER


def time_clustered(batch: pa.Table) -> bool:
    """Whether ``batch`` stored in arrival order keeps created_at filters about as selective
    as sorting it would.

    True when the batch fits in one row group, or when its row-group-sized slices each span
    on average at most half of the batch's time range (exports sorted either way, and their
    batches read in parallel, pass; a shuffled batch has slices spanning all of it).
    """
    stamps = batch.column("created_at")
    if len(stamps) <= ROW_GROUP_ROWS:
        return True
    whole = _span(stamps)
    if whole is None:
        return False  # no usable times: keep the sorted path (the insert will say why)
    if whole == 0:
        return True
    slices = [
        _span(stamps.slice(start, ROW_GROUP_ROWS))
        for start in range(0, len(stamps), ROW_GROUP_ROWS)
    ]
    return sum(s or 0 for s in slices) / len(slices) <= whole / 2


def _span(stamps: pa.ChunkedArray | pa.Array) -> int | None:
    low, high = pc.min_max(stamps).values()
    if not low.is_valid:
        return None
    return high.value - low.value


def insert_items(
    conn: duckdb.DuckDBPyConnection,
    batch: pa.Table,
    source: str | None,
    unique: bool = False,
) -> InsertResult:
    """Insert the items of ``batch`` not already stored (key: platform + native id).

    Authors found in the roster make staff posts with their team; replies are linked to
    their parents (in either arrival order) and first staff answers recorded as responses.
    Call inside a transaction; callers bound the batch size. ``unique=True`` promises no
    (platform, native_id) repeats within ``batch`` and skips the in-batch dedupe. A batch out
    of time order is stored sorted by created_at, one already clustered in time as it came.
    """
    total = len(batch)
    if total == 0:
        return InsertResult(0, 0)
    before = scalar(conn, "SELECT coalesce(max(item_id), 0) FROM items")
    first_id = reserve_item_ids(conn, total)
    ordered = time_clustered(batch)
    positions = pa.array(np.arange(total, dtype=np.int64))
    # One contiguous chunk: from an Arrow table of many small record batches (file imports
    # stream ~27,000-row ones) DuckDB kept the insert in memory and wrote it at the
    # checkpoint on closing (0.9 s a batch); from one chunk it writes row groups as it goes.
    conn.register("_batch", batch.combine_chunks().append_column("_position", positions))
    try:
        conn.execute(_KNOWN_ROWS)
        conn.execute(_PARENTS, {"first_id": first_id})
        params = {"first_id": first_id, "source": source}
        new = conn.execute(_insert_sql(unique, ordered), params).fetchall()[0][0]
    finally:
        conn.unregister("_batch")
        conn.execute("DROP TABLE IF EXISTS _known")
        conn.execute("DROP TABLE IF EXISTS _parents")
    if new:
        link_replies(conn, before)
    return InsertResult(new=new, duplicate=total - new)


def reserve_item_ids(conn: duckdb.DuckDBPyConnection, count: int) -> int:
    """The first of ``count`` consecutive item ids drawn from the ``item_ids`` sequence.

    Drawn in one go (~30 ms per 500,000), not by ``nextval`` in the insert itself, which
    keeps the whole insert, compression included, on one thread (1.4 s instead of ~0.7 s
    for 500,000 imported rows on 2 cores). The sequence is shared by every
    connection, so ids stay unique; if another transaction drew in between, the block has
    a hole and is drawn again (ids never used are only gaps).
    """
    while True:
        low, high = conn.execute(
            "SELECT min(v), max(v) FROM (SELECT nextval('item_ids') AS v FROM range(?))", [count]
        ).fetchall()[0]
        if high - low + 1 == count:
            return low


def link_replies(conn: duckdb.DuckDBPyConnection, after_item_id: int) -> None:
    """Link stored replies to parents newer than ``after_item_id`` (a reply that arrived
    before what it answers; new items got their parents as they went in); refresh the
    responses of the mentions concerned."""
    conn.execute(
        """
        UPDATE items SET parent_item_id = p.item_id FROM items p
        WHERE items.parent_item_id IS NULL AND items.in_reply_to IS NOT NULL
          AND items.item_id <= ? AND p.item_id > ?
          AND p.platform = items.platform AND p.native_id = items.in_reply_to
        """,
        [after_item_id, after_item_id],
    )
    conn.execute(
        """
        CREATE OR REPLACE TEMP TABLE _touched AS
        SELECT DISTINCT parent_item_id AS mention_id FROM items
        WHERE kind = 'staff' AND parent_item_id IS NOT NULL
          AND (item_id > ? OR parent_item_id > ?)
        """,
        [after_item_id, after_item_id],
    )
    conn.execute("DELETE FROM responses WHERE mention_id IN (SELECT mention_id FROM _touched)")
    conn.execute(
        """
        INSERT INTO responses
        SELECT p.item_id, arg_min(r.item_id, r.created_at), arg_min(r.team_id, r.created_at),
               arg_min(r.member_id, r.created_at), p.created_at, min(r.created_at),
               greatest(date_diff('second', p.created_at, min(r.created_at)), 0) / 60.0
        FROM _touched t
        JOIN items p ON p.item_id = t.mention_id AND p.kind = 'mention'
        JOIN items r ON r.parent_item_id = p.item_id AND r.kind = 'staff'
        GROUP BY p.item_id, p.created_at
        """
    )
    conn.execute("DROP TABLE _touched")
