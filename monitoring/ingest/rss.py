"""RSS 0.9x/1.0/2.0 and Atom feeds through feedparser (Google Alerts, Google News, Reddit).

Feeds have no paging: each fetch returns the latest entries. Runs stay incremental with a
conditional GET (``ETag``/``Last-Modified`` kept in the cursor, a 304 costs nothing) and the
ids seen last time, which are skipped before they reach the database.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import feedparser

from monitoring.ingest.base import Batch, Context, MalformedBody, failed_on_body, make_entry
from monitoring.ingest.normalize import Reject, html_to_text

SEEN_LIMIT = 2000  # ids remembered between runs; feeds carry far fewer entries


def fetch(ctx: Context, cursor: dict[str, Any]) -> Iterator[Batch]:
    headers = {}
    if cursor.get("etag"):
        headers["If-None-Match"] = cursor["etag"]
    if cursor.get("last_modified"):
        headers["If-Modified-Since"] = cursor["last_modified"]
    response = ctx.http.get(ctx.entry.url, headers=headers, expect=(200, 304))
    ctx.pages += 1
    if response.status_code == 304:
        yield Batch([], [], copy.deepcopy(cursor), fetched=0)
        return
    feed = feedparser.parse(response.content, response_headers=dict(response.headers))
    if not feed.entries and (feed.bozo or not feed.get("version")):
        reason = f"malformed feed: {str(feed.get('bozo_exception') or 'not RSS or Atom')[:120]}"
        yield from failed_on_body(MalformedBody(Reject(reason, response.content), ""), cursor)
        return
    raws = _raw_entries(response.content, len(feed.entries))
    lang = (feed.feed.get("language") or "")[:2].lower() or None
    seen = set(cursor.get("seen") or [])
    records, rejects, known, ids = [], [], 0, []
    for entry, raw in zip(feed.entries, raws, strict=True):
        made = make_entry(lambda e: entry_record(ctx, e, lang), entry, ctx)
        if raw is not None:
            made = _with_raw(made, raw)
        if made.native_id:
            ids.append(made.native_id)
            if made.native_id in seen:
                known += 1
                continue
        if made.record is not None:
            records.append(made.record)
        else:
            rejects.append(made.reject)
    new_cursor = {
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
        "seen": (ids + [i for i in cursor.get("seen") or [] if i not in set(ids)])[:SEEN_LIMIT],
    }
    yield Batch(records, rejects, new_cursor, fetched=len(feed.entries), known=known)


def entry_record(ctx: Context, entry: Any, feed_lang: str | None) -> dict[str, Any]:
    """A feedparser entry as a normalized item; the id is the entry's id, else its link."""
    title = html_to_text(entry.get("title"))
    summary = html_to_text(entry.get("summary"))
    if summary.startswith(title):  # Google News repeats the headline in the summary
        summary = summary[len(title) :].strip()
    source = entry.get("source") or {}
    author = entry.get("author") or source.get("title")
    # `in` first: reading a missing updated_parsed triggers feedparser's deprecated fallback.
    stamp = entry.get("published_parsed") or (
        entry["updated_parsed"] if "updated_parsed" in entry else None
    )
    return {
        "platform": ctx.entry.item_platform,
        "native_id": entry.get("id") or entry.get("link"),
        "url": entry.get("link"),
        "author_handle": _handle(author, source),
        "author_name": author,
        "text": f"{title}\n\n{summary}".strip(),
        "lang_hint": feed_lang,
        "created_at": stamp,
    }


def _handle(author: str | None, source: dict) -> str | None:
    # Reddit feeds name authors "/u/name"; news items are attributed to the outlet's host.
    if author and author.startswith("/u/"):
        return author[3:]
    host = urlsplit(source.get("href") or source.get("url") or "").netloc
    return host or author


def _raw_entries(body: bytes, expected: int) -> list[str | None]:
    """Each <item>/<entry> element's original XML, in document order, when it can be split
    cleanly; otherwise None (the entry's parsed form is kept instead)."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return [None] * expected
    found = [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] in ("item", "entry")]
    if len(found) != expected:
        return [None] * expected
    return [ET.tostring(el, encoding="unicode") for el in found]


def _with_raw(made, raw: str):
    if made.record is not None:
        made.record["raw"] = raw
    elif made.reject is not None:
        made.reject = Reject(made.reject.reason, raw.encode("utf-8"))
    return made
