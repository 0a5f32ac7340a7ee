"""What connectors share: the run context, the batches they yield, and resumable paging.

A connector is ``fetch(ctx, cursor) -> Iterator[Batch]``. Each batch carries the source's
whole cursor as it stands once that batch is stored; the runner commits the items, rejects and
that cursor in one transaction. So a run killed anywhere resumes from the last committed batch.

Most APIs page newest-first. ``sweep`` walks such a stream down to the last watermark:
``since`` (the newest mark of the last finished sweep) only advances when a sweep reaches it,
and a sweep cut short (page bound, failure, kill) is resumed from its stored page token, so
no gap can open between what was stored and what is new.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from monitoring.ingest.http import HttpClient, SourceFailed
from monitoring.ingest.normalize import RecordError, Reject, decode_json, finish, raw_bytes
from monitoring.ingest.sources import SourceEntry

Mark = int | str  # a comparable position in a stream: a numeric id, epoch seconds, ISO time


@dataclass
class Context:
    entry: SourceEntry
    http: HttpClient
    max_pages: int
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))
    pages: int = 0


@dataclass
class Batch:
    records: list[dict[str, Any]] | pa.Table
    rejects: list[Reject]
    cursor: dict[str, Any]
    fetched: int  # records the source returned in this batch
    known: int = 0  # returned but already covered by the cursor (counted as duplicates)
    unique: bool = False  # records hold no repeated native id (lets the store skip a dedupe)


@dataclass
class Entry:
    """One record of a page: its position, id, and either a finished record or a reject."""

    mark: Mark | None
    native_id: str | None
    record: dict[str, Any] | None = None
    reject: Reject | None = None


@dataclass
class Page:
    entries: list[Entry]
    next: Any = None  # token for the next (older) page; None at the end


def make_entry(
    build: Callable[[Any], dict[str, Any]],
    raw: Any,
    ctx: Context,
    mark: Callable[[Any], Mark | None] | None = None,
) -> Entry:
    """Build and normalize one record; any error becomes a reject with its raw bytes."""
    native_id = None
    try:
        record = build(raw)
        native_id = record.get("native_id")
        if ctx.entry.channel and not record.get("channel_id"):
            record["channel_id"] = ctx.entry.channel
        if ctx.entry.lang and not record.get("lang_hint"):
            record["lang_hint"] = ctx.entry.lang
        record.setdefault("raw", raw)
        done = finish(record, ctx.now)
        return Entry(mark(raw) if mark else None, done["native_id"], record=done)
    except (RecordError, KeyError, TypeError, ValueError, AttributeError) as exc:
        reason = str(exc) if isinstance(exc, RecordError) else _field_error(exc)
        position = None
        if mark:
            try:
                position = mark(raw)
            except Exception:  # noqa: BLE001 - a record too broken to place in the stream
                position = None
        return Entry(position, native_id, reject=Reject(reason, raw_bytes(raw)))


def credentials(entry: SourceEntry, first: str, second: str, what: str) -> tuple[str, str]:
    """The two secrets a login needs, from the environment variables the entry names; fails
    the source naming those variables (never their values) when either is missing.

    :param what: the rest of the message, e.g. "(an app password) to search Bluesky".
    """
    one, two = entry.secret(first), entry.secret(second)
    if not one or not two:
        raise SourceFailed(
            f"no credentials set: set {entry.env_name(first)}/{entry.env_name(second)} {what}"
        )
    return one, two


def _field_error(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return f"malformed record: {type(exc).__name__}: {str(exc)[:120]}"


class MalformedBody(Exception):
    """A response body that cannot be parsed at all; it is kept as a reject."""

    def __init__(self, reject: Reject, url: str) -> None:
        super().__init__(reject.reason)
        self.reject = reject
        self.url = url


def json_body(response, what: str) -> Any:
    """The response's JSON, or ``MalformedBody`` carrying the raw bytes and the reason."""
    try:
        return decode_json(response.content, what)
    except RecordError as exc:
        raise MalformedBody(Reject(str(exc), response.content), response.url) from None


def failed_on_body(exc: MalformedBody, cursor: dict[str, Any]) -> Iterator[Batch]:
    """Store the unreadable body as a reject (cursor unchanged), then fail the source."""
    yield Batch([], [exc.reject], copy.deepcopy(cursor), fetched=1)
    raise SourceFailed(f"{exc.reject.reason} (kept in rejects)")


def _known(mark: Mark, native_id: str | None, since: Mark | None, since_ids: list) -> bool:
    if since is None:
        return False
    return mark < since or (mark == since and native_id in since_ids)


def sweep(
    ctx: Context,
    cursor: dict[str, Any],
    key: str,
    fetch_page: Callable[[Any, Mark | None], Page],
) -> Iterator[Batch]:
    """Page one newest-first stream down to its watermark; one batch per page.

    :param key: the stream's slot in the source cursor (e.g. ``tag:lumina``).
    :param fetch_page: ``(token, since) -> Page``; token None asks for the newest page.
    """
    state = dict(cursor.get(key) or {})
    resumed = state.get("sweep") is not None
    while ctx.pages < ctx.max_pages:
        since, since_ids = state.get("since"), list(state.get("since_ids") or [])
        current = state.get("sweep") or {"top": None, "top_ids": [], "next": None}
        top, top_ids = current["top"], list(current["top_ids"])
        try:
            page = fetch_page(current["next"], since)
        except MalformedBody as exc:
            yield from failed_on_body(exc, cursor)
            return
        ctx.pages += 1
        records, rejects, known, reached = [], [], 0, False
        for entry in page.entries:
            if entry.mark is not None:
                if _known(entry.mark, entry.native_id, since, since_ids):
                    known, reached = known + 1, True
                    continue
                if top is None or entry.mark > top:
                    top, top_ids = entry.mark, [entry.native_id]
                elif entry.mark == top:
                    top_ids.append(entry.native_id)
            if entry.record is not None:
                records.append(entry.record)
            else:
                rejects.append(entry.reject)
        done = reached or page.next is None or not page.entries
        if done:
            if top is not None and (since is None or top > since):
                since, since_ids = top, top_ids
            elif top is not None and top == since:
                since_ids = sorted(set(since_ids) | set(top_ids))
            state = {"since": since, "since_ids": since_ids, "sweep": None}
        else:
            state = {
                "since": since,
                "since_ids": since_ids,
                "sweep": {"top": top, "top_ids": top_ids, "next": page.next},
            }
        cursor[key] = state
        yield Batch(records, rejects, _copy(cursor), fetched=len(page.entries), known=known)
        if done:
            if not resumed:
                return
            resumed = False  # the interrupted sweep is complete; now look for newer items


def _copy(cursor: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(cursor)
