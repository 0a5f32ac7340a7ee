"""Bulk import of export files (CSV, JSON array, NDJSON) with column mappings.

DuckDB reads the file and normalizes it in SQL (timestamps to UTC, numbers checked, handles
normalized, reasons for bad rows) in one vectorized pass; Python only moves Arrow batches
into ``store.insert_items``, each batch in its own transaction. Nothing goes row by row.

User-supplied column names never enter SQL text: CSV columns are renamed to generated
``c0..cN`` through ``read_csv(names=?)``, JSON fields are read with ``json_extract_string``
and a parameter list of paths.
"""

from __future__ import annotations

import codecs
import os
import queue
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from monitoring.ingest.base import Batch, Context
from monitoring.ingest.http import SourceFailed
from monitoring.ingest.normalize import EARLIEST, MAX_TEXT_CHARS, Reject
from monitoring.store import ITEM_COLUMNS, ITEM_SCHEMA, ROW_GROUP_ROWS

# Rows per transaction: four of DuckDB's row groups (491,520). Measured here (DuckDB 2.0):
# ~500k-row batches cost ~20% less CPU per row than 250k ones (each batch pays the dedupe and
# reply-linking scans of what is stored, a commit, a connection); a whole number of row
# groups leaves no part-filled one between batches; the file lock is held ~1 s per batch.
BATCH_ROWS = 4 * ROW_GROUP_ROWS
FORMATS = ("csv", "json", "ndjson")
_MAPPED = tuple(c for c in ITEM_COLUMNS if c not in ("platform", "channel_id", "raw"))
_REQUIRED = ("native_id", "created_at", "text")

# Ready mappings: our column <- the export's column(s); a list means "first non-empty".
# A value starting with "$." is a JSON path (JSON/NDJSON only).
MAPPINGS: dict[str, dict[str, str | list[str]]] = {
    # Our own column names plus the obvious synonyms: the default.
    "sentinella": {
        "native_id": ["native_id", "id"],
        "url": ["url", "link"],
        "author_handle": ["author_handle", "handle", "username", "author"],
        "author_name": ["author_name", "name", "author"],
        "text": ["text", "content", "message", "body"],
        "lang_hint": ["lang_hint", "lang", "language"],
        "created_at": ["created_at", "date", "published", "timestamp"],
        "reach": ["reach", "followers"],
        "likes": ["likes"],
        "shares": ["shares"],
        "replies": ["replies"],
        "in_reply_to": ["in_reply_to", "reply_to", "parent_id"],
    },
    # Talkwalker documents (search/export API, one document per line): the URL identifies a
    # document, `published` is epoch milliseconds, `parent_url` links a reply to its thread,
    # `reach` is documented per source type (developer.talkwalker.com, "Talkwalker Documents").
    "talkwalker": {
        "native_id": "url",
        "url": "url",
        "created_at": "published",
        "text": ["content", "title"],
        "author_name": ["$.extra_author_attributes.name", "author_name"],
        "author_handle": ["$.extra_author_attributes.short_name", "author_nickname"],
        "lang_hint": "lang",
        "reach": "reach",
        "in_reply_to": "parent_url",
    },
    # Meltwater Explore "mentions" CSV export: Date, Headline, URL, Opening Text, Hit Sentence,
    # Source, Influencer, Language, Reach, Engagement, Tweet Id, Twitter Screen Name,
    # Twitter Followers (column names as they appear in published exports).
    "meltwater": {
        "native_id": ["Tweet Id", "URL"],
        "url": "URL",
        "created_at": "Date",
        "text": ["Hit Sentence", "Opening Text", "Headline"],
        "author_handle": ["Twitter Screen Name", "Influencer"],
        "author_name": ["Influencer", "Source"],
        "lang_hint": "Language",
        "reach": ["Twitter Followers", "Reach"],
    },
}
# Formats tried after ISO 8601 and epoch numbers; naive times are taken as UTC.
TIME_FORMATS = [
    "%d-%b-%Y %I:%M%p",  # Meltwater: 13-Apr-2024 11:41PM
    "%d-%b-%Y %I:%M %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S.%f",
    "%a, %d %b %Y %H:%M:%S %z",  # RFC 822, as in RSS
]


class ImportFailed(Exception):
    """The file as a whole cannot be imported (unreadable, unknown columns); one line."""


@dataclass(frozen=True)
class Chunk:
    items: pa.Table  # ITEM_SCHEMA
    rejects: list[Reject]
    read: int  # records read in this chunk (items + rejects)
    unique: bool = False  # no native id repeats within ``items`` (one platform per file)


def resolve_mapping(name: str | None, columns: dict[str, str | list[str]] | None) -> dict:
    """A ready mapping (default ``sentinella``) overlaid with an entry's own ``columns``."""
    name = name or "sentinella"
    if name not in MAPPINGS:
        raise ImportFailed(f"unknown mapping {name!r} (ready: {', '.join(sorted(MAPPINGS))})")
    merged = {k: v for k, v in MAPPINGS[name].items()}
    merged.update(columns or {})
    return {k: [v] if isinstance(v, str) else list(v) for k, v in merged.items()}


def detect_format(path: Path, fmt: str | None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise ImportFailed(f"unknown format {fmt!r} (use csv, json or ndjson)")
        return fmt
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("jsonl", "ndjson"):
        return "ndjson"
    if suffix in ("csv", "tsv", "txt"):
        return "csv"
    if suffix == "json":
        with path.open("rb") as handle:
            head = handle.read(4096).lstrip(codecs.BOM_UTF8).lstrip()
        return "json" if head.startswith(b"[") else "ndjson"
    raise ImportFailed(f"{path}: cannot tell the format from the name; pass --format")


def read_file(
    path: str | os.PathLike,
    platform: str,
    fmt: str | None = None,
    mapping: str | None = None,
    columns: dict[str, str | list[str]] | None = None,
    channel: str | None = None,
    lang: str | None = None,
    batch_rows: int = BATCH_ROWS,
) -> Iterator[Chunk]:
    """Normalized items and rejects of an export file, in bounded Arrow batches."""
    path = Path(path)
    if not path.is_file():
        raise ImportFailed(f"{path}: file not found")
    fmt = detect_format(path, fmt)
    wanted = resolve_mapping(mapping, columns)
    conn = duckdb.connect()  # in memory: the target database stays free between batches
    try:
        conn.execute("SET TimeZone = 'UTC'")
        conn.execute("SET enable_progress_bar = false")  # the CLI shows its own progress
        # DuckDB's default, file order, streams Arrow batches as the scan goes (the first
        # after ~0.15 s of a 1M-row file), so storing overlaps reading; unordered, it handed
        # out nearly the whole file at once after ~1 s. File order also keeps a sorted export
        # clustered in time (store.time_clustered).
        source_sql, params, slots, file_rejects = _source(conn, path, fmt, wanted)
        sql = _normalize_sql(source_sql, slots)
        params.update(
            formats=TIME_FORMATS, earliest=EARLIEST, platform=platform, channel=channel, lang=lang
        )
        reader = conn.sql(sql, params=params).to_arrow_reader(batch_rows)
        pending = list(file_rejects)
        for table in _regroup(reader, batch_rows):
            bad = pc.is_valid(table["reason"])
            rejects, good = [], table
            if pc.any(bad).as_py():  # filtering copies every column: only when needed
                rejected = table.filter(bad)
                rejects = [
                    Reject(reason, (raw or "").encode("utf-8", errors="surrogatepass"))
                    for reason, raw in zip(
                        rejected["reason"].to_pylist(), rejected["raw"].to_pylist(), strict=True
                    )
                ]
                good = table.filter(pc.invert(bad))
            good = good.select(list(ITEM_COLUMNS)).cast(ITEM_SCHEMA)
            unique = pc.count_distinct(good["native_id"]).as_py() == good.num_rows
            yield Chunk(good, pending + rejects, len(table) + len(pending), unique)
            pending = []
        if fmt == "csv":  # rejects are known once the scan is complete
            pending += csv_rejects(conn)
        elif fmt == "ndjson":
            pending += _encoding_rejects(conn, path)
        if pending:
            yield Chunk(ITEM_SCHEMA.empty_table(), pending, len(pending))
    except duckdb.Error as exc:
        raise ImportFailed(f"{path}: {_first_line(exc)}") from None
    finally:
        conn.close()


def _regroup(reader: pa.RecordBatchReader, rows: int) -> Iterator[pa.Table]:
    """Arrow tables of at most ``rows`` rows, the last one possibly shorter.

    DuckDB's reader usually hands out smaller record batches, but with unordered parallel
    reading it sometimes hands out one of nearly the whole file; slicing (zero-copy) keeps
    every write transaction, and so the time the file stays locked, bounded.
    """
    held: list[pa.RecordBatch] = []
    count = 0
    for batch in reader:
        while batch.num_rows:
            take = batch.slice(0, rows - count)
            batch = batch.slice(take.num_rows)
            held.append(take)
            count += take.num_rows
            if count == rows:
                yield pa.Table.from_batches(held)
                held, count = [], 0
    if held:
        yield pa.Table.from_batches(held)


def prefetch(chunks: Iterator[Chunk]) -> Iterator[Chunk]:
    """Normalize the next chunk in a thread while the caller stores this one.

    Both sides run in DuckDB, which releases the GIL, so reading and writing overlap; at
    most two chunks are in memory. Errors of the reading side are raised here, in order.
    """
    slots: queue.Queue = queue.Queue(maxsize=1)
    done = object()
    stop = threading.Event()

    def produce() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        slots.put(chunk, timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consuming thread
            slots.put(exc)

    worker = threading.Thread(target=produce, name="sentinella-import-reader", daemon=True)
    worker.start()
    try:
        while True:
            item = slots.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)


# --- reading ----------------------------------------------------------------------------------


def _source(
    conn: duckdb.DuckDBPyConnection, path: Path, fmt: str, wanted: dict[str, list[str]]
) -> tuple[str, dict[str, Any], dict[str, list[int]], list[Reject]]:
    """SQL yielding ``raw`` and a list ``v`` of candidate values; plus which slots feed what."""
    if fmt == "csv":
        return _csv_source(conn, path, wanted)
    return _json_source(conn, path, fmt, wanted)


def _json_paths(wanted: dict[str, list[str]]) -> tuple[list[str], dict[str, list[int]]]:
    paths: list[str] = []
    slots: dict[str, list[int]] = {}
    for target, names in wanted.items():
        for name in names:
            path = name if name.startswith("$.") else '$."' + name.replace('"', '\\"') + '"'
            if path not in paths:
                paths.append(path)
            slots.setdefault(target, []).append(paths.index(path) + 1)  # SQL lists are 1-based
    return paths, slots


def _json_source(conn, path: Path, fmt: str, wanted) -> tuple[str, dict, dict, list[Reject]]:
    if fmt == "ndjson":
        return _ndjson_source(conn, path, wanted)
    objects = "SELECT json, json::VARCHAR AS raw FROM read_json_objects($path, format='array')"
    params = {"path": str(path)}
    keys = _check_json_keys(conn, objects, params, path, wanted)
    paths, slots = _json_paths(_prune(wanted, keys))
    source = f"""
        SELECT raw,
               CASE WHEN json IS NULL THEN 'malformed JSON'
                    WHEN json_type(json) <> 'OBJECT' THEN 'not a JSON object' END AS bad,
               json_extract_string(json, $paths::VARCHAR[]) AS v
        FROM ({objects})
    """
    return source, {**params, "paths": paths}, slots, []


# NDJSON is read as lines of text (CSV reader, no delimiter, no quoting), so each line is kept
# as its own raw record, as-is, and parsed once: a malformed line fails its extraction (TRY
# makes that NULL) without stopping the scan; lines that are not valid UTF-8 or too long land
# in DuckDB's rejects table with their byte offsets. A blank line is no record.
def _ndjson_lines(rejects_table: str) -> str:
    """SQL for the non-blank lines of ``$path``; bad ones go to ``rejects_table``."""
    return f"""
        SELECT line FROM read_csv($path, columns = {{'line': 'VARCHAR'}}, header = false,
                                  delim = chr(0), quote = '', escape = '', auto_detect = false,
                                  store_rejects = true, rejects_table = '{rejects_table}',
                                  rejects_scan = '{rejects_table}_scan')
        WHERE line IS NOT NULL AND (starts_with(line, '{{') OR trim(line) <> '')
    """


def _ndjson_source(conn, path: Path, wanted) -> tuple[str, dict, dict, list[Reject]]:
    params = {"path": str(path)}
    sample = f"SELECT TRY(line::JSON) AS json FROM ({_ndjson_lines('_sample_bad')} LIMIT 500)"
    keys = _check_json_keys(conn, sample, params, path, wanted)
    paths, slots = _json_paths(_prune(wanted, keys))
    source = f"""
        SELECT raw, v,
               CASE WHEN v IS NULL THEN 'malformed JSON'
                    WHEN NOT regexp_matches(raw, '^\\s*\\{{') THEN 'not a JSON object'
               END AS bad
        FROM (SELECT line AS raw, TRY(json_extract_string(line, $paths::VARCHAR[])) AS v
              FROM ({_ndjson_lines("_bad_lines")}))
    """
    return source, {**params, "paths": paths}, slots, []


def _encoding_rejects(conn, path: Path) -> list[Reject]:
    rows = conn.execute(
        "SELECT line, line_byte_position, error_type::VARCHAR, error_message FROM _bad_lines"
    ).fetchall()
    out = []
    with path.open("rb") as handle:
        for line, offset, kind, message in rows:
            handle.seek(_line_start(handle, offset))
            raw = handle.readline().rstrip(b"\r\n")
            reason = "invalid UTF-8" if kind == "INVALID ENCODING" else message.split(".")[0]
            out.append(Reject(f"line {line}: {reason}", raw))
    return out


def _line_start(handle, offset: int) -> int:
    """Start of the line holding byte ``offset``: DuckDB's position for an over-long line
    points one byte into it (2.0.1), for an encoding error at its start."""
    window = min(offset, 4096)
    handle.seek(offset - window)
    before = handle.read(window)
    return offset - window + before.rfind(b"\n") + 1


def _top(name: str) -> str:
    return name.split(".")[1] if name.startswith("$.") else name


def _prune(wanted: dict[str, list[str]], keys: set[str]) -> dict[str, list[str]]:
    """Drop alternatives absent from the sample when another one for the same column is
    present: each JSON path costs a lookup per record. A column none of whose names shows
    in the sample keeps them all (the field may be sparse)."""
    out = {}
    for target, names in wanted.items():
        present = [n for n in names if _top(n) in keys]
        out[target] = present or names
    return out


def _check_json_keys(conn, objects: str, params: dict, path: Path, wanted) -> set[str]:
    """The keys of a sample of records; fail early when none has a required column."""
    sample = conn.execute(
        f"SELECT DISTINCT unnest(json_keys(json)) FROM ({objects} LIMIT 500) "
        "WHERE json_type(json) = 'OBJECT'",
        params,
    ).fetchall()
    keys = {row[0] for row in sample}
    if not keys:
        return keys  # nothing readable: every record will be rejected with its reason
    for target in _REQUIRED:
        names = wanted.get(target, [])
        if not any(_top(n) in keys for n in names):
            raise ImportFailed(
                f"{path}: no field for {target!r} (looked for {', '.join(names) or 'nothing'}); "
                f"fields are: {_names(sorted(keys))}; map one with --mapping or columns"
            )
    return keys


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _names(names: list[str]) -> str:
    """The first 20 of a file's field names for a one-line error (control characters escaped:
    a field may well be called "\\n")."""
    return ", ".join(_CONTROL.sub(lambda m: repr(m.group())[1:-1], n) for n in names[:20])


def _csv_source(conn, path: Path, wanted) -> tuple[str, dict, dict, list[Reject]]:
    encoding = _encoding(path)
    skip = _header_row(path, encoding, wanted)
    options = "header = true, all_varchar = true, skip = $skip, encoding = $encoding"
    params: dict[str, Any] = {"path": str(path), "skip": skip, "encoding": encoding}
    # Sniff as the real scan will (bad rows tolerated), or one ragged row makes one column.
    probe = f"{options}, store_rejects = true, rejects_table = '_probe', rejects_scan = '_probe_s'"
    header = conn.execute(f"DESCRIBE SELECT * FROM read_csv($path, {probe})", params).fetchall()
    names = [row[0] for row in header]
    slots: dict[str, list[int]] = {}
    for target, candidates in wanted.items():
        found = [names.index(c) for c in candidates if c in names]
        if found:
            slots[target] = [i + 1 for i in found]
        elif target in _REQUIRED:
            raise ImportFailed(
                f"{path}: no column for {target!r} (looked for {', '.join(candidates)}); "
                f"columns are: {_names(names)}"
            )
    aliases = [f"c{i}" for i in range(len(names))]  # generated identifiers, not the file's
    pairs = ", ".join(f"$k{i}, c{i}" for i in range(len(names)))
    values = ", ".join(aliases)
    source = f"""
        SELECT json_object({pairs})::VARCHAR AS raw, NULL::VARCHAR AS bad, [{values}] AS v
        FROM read_csv($path, {options}, names = $aliases, store_rejects = true,
                      rejects_table = '_bad_rows', rejects_scan = '_bad_scan')
    """
    params.update({f"k{i}": name for i, name in enumerate(names)}, aliases=aliases)
    return source, params, slots, []


def csv_rejects(conn) -> list[Reject]:
    rows = conn.execute(
        "SELECT line, error_type::VARCHAR, error_message, csv_line FROM _bad_rows"
    ).fetchall()
    return [
        Reject(f"line {line}: {message.split('.')[0]}", (text or "").encode("utf-8"))
        for line, _kind, message, text in rows
    ]


def _encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Meltwater and Excel "Unicode text" exports
    return "utf-8"


def _header_row(path: Path, encoding: str, wanted) -> int:
    """Exports often start with report metadata; find the line naming a required column."""
    candidates = {c for t in _REQUIRED for c in wanted.get(t, [])}
    with path.open(encoding="utf-16" if encoding == "utf-16" else "utf-8", errors="replace") as f:
        for index, line in enumerate(f):
            if index >= 50:
                break
            cells = {cell.strip().strip('"').lstrip("\ufeff") for cell in _split_any(line)}
            if cells & candidates:
                return index
    return 0


def _split_any(line: str) -> list[str]:
    for sep in (",", "\t", ";"):
        if sep in line:
            return line.rstrip("\r\n").split(sep)
    return [line.rstrip("\r\n")]


# --- normalizing ------------------------------------------------------------------------------


_LONG = ("text", "url", "author_name")  # trimming copies strings: only short fields get it
_INTS = ("reach", "likes", "shares", "replies")


def _pick(slots: dict[str, list[int]], target: str) -> str:
    """SQL for the first non-empty candidate value of ``target`` (indices are generated)."""
    found = slots.get(target)
    if not found:
        return "NULL::VARCHAR"
    # Casts to numbers ignore surrounding blanks, so a single number candidate needs no trim
    # (a blank one is told apart in the checks); with alternatives, a blank must not win.
    untrimmed = target in _LONG or (target in _INTS and len(found) == 1)
    clean = "v[{}]" if untrimmed else "trim(v[{}])"
    parts = [f"nullif({clean.format(i)}, '')" for i in found]
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"


def _normalize_sql(source: str, slots: dict[str, list[int]]) -> str:
    int_checks = "\n".join(
        f"WHEN {n}_raw IS NOT NULL AND {n} IS NULL AND trim({n}_raw) <> '' "
        f"THEN '{n}: expected a number, got ' || left(trim({n}_raw), 40)"
        for n in _INTS
    )
    int_cols = ",\n".join(
        f"{_pick(slots, n)} AS {n}_raw, "
        f"try_cast(try_cast({_pick(slots, n)} AS DOUBLE) AS BIGINT) AS {n}"
        for n in _INTS
    )
    sql = f"""
    WITH src AS ({source}),
    picked AS (
        SELECT raw, bad,
               {_pick(slots, "native_id")} AS native_id,
               {_pick(slots, "url")} AS url,
               lower(ltrim({_pick(slots, "author_handle")}, '@')) AS author_handle,
               {_pick(slots, "author_name")} AS author_name,
               {_pick(slots, "text")} AS text,
               lower(left({_pick(slots, "lang_hint")}, 2)) AS lang_hint,
               {_pick(slots, "created_at")} AS ts_raw,
               {int_cols},
               {_pick(slots, "in_reply_to")} AS in_reply_to
        FROM src
    ),
    timed AS (
        SELECT *, coalesce(
            try_cast(ts_raw AS TIMESTAMPTZ) AT TIME ZONE 'UTC',
            CASE WHEN regexp_full_match(ts_raw, '[0-9]{{9,13}}(\\.[0-9]+)?')
                 THEN to_timestamp(CASE WHEN ts_raw::DOUBLE > 1e11 THEN ts_raw::DOUBLE / 1000
                                        ELSE ts_raw::DOUBLE END) AT TIME ZONE 'UTC' END,
            try_strptime(ts_raw, $formats::VARCHAR[])::TIMESTAMP
        ) AS created_at
        FROM picked
    )
    SELECT $platform::VARCHAR AS platform, native_id, url, author_handle, author_name, text,
           coalesce(lang_hint, $lang::VARCHAR) AS lang_hint, created_at::TIMESTAMP AS created_at,
           reach, likes, shares, replies, in_reply_to, $channel::VARCHAR AS channel_id, raw,
           CASE WHEN bad IS NOT NULL THEN bad
                WHEN native_id IS NULL THEN 'missing id'
                WHEN text IS NULL THEN 'missing text'
                WHEN ts_raw IS NULL THEN 'missing timestamp'
                WHEN created_at IS NULL THEN 'unparsable timestamp ' || left(ts_raw, 40)
                WHEN created_at < $earliest::TIMESTAMP OR created_at > now()::TIMESTAMP + INTERVAL 1 DAY
                     THEN 'absurd timestamp ' || strftime(created_at, '%Y-%m-%dT%H:%M:%S')
                WHEN length(text) > {MAX_TEXT_CHARS}
                     THEN 'oversized text (' || length(text) || ' characters > {MAX_TEXT_CHARS})'
                {int_checks}
           END AS reason
    FROM timed
    """
    return sql


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300]


def fetch(ctx: Context, cursor: dict[str, Any]) -> Iterator[Batch]:
    """The ``file`` source kind: import the file when it changed since the last run.

    The cursor (size and modification time) is stored once every chunk is, by a final empty
    batch, so a file is read again only when it changed or when the previous import did not
    finish. (Stamping the last chunk itself would mean reading one chunk ahead, so the first
    write would wait for the second chunk instead of overlapping its reading.)
    """
    entry = ctx.entry
    path = Path(entry.path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise SourceFailed(f"{path}: {exc.strerror or exc}") from None
    stamp = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    if cursor.get("file") == stamp:
        yield Batch([], [], dict(cursor), fetched=0)
        return
    chunks = prefetch(
        read_file(
            path,
            entry.item_platform,
            entry.format,
            entry.mapping,
            dict(entry.columns),
            entry.channel,
            entry.lang,
        )
    )
    try:
        for chunk in chunks:
            yield Batch(chunk.items, chunk.rejects, dict(cursor), chunk.read, unique=chunk.unique)
    except ImportFailed as exc:
        raise SourceFailed(str(exc)) from None
    yield Batch([], [], {**cursor, "file": stamp}, fetched=0)
