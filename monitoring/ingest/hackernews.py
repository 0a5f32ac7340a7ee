"""Hacker News through Algolia's search API: stories and comments matching a query.

``GET /api/v1/search_by_date?query=...&tags=(story,comment)`` returns hits newest first. We
page by time rather than by page number (``numericFilters=created_at_i<=T``), which stays
stable while new hits arrive and is not capped at Algolia's 1,000-hit window; incremental
runs add ``created_at_i>=`` the last watermark.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from monitoring.ingest.base import Batch, Context, Page, json_body, make_entry, sweep
from monitoring.ingest.normalize import html_to_text

PAGE_SIZE = 100


def fetch(ctx: Context, cursor: dict[str, Any]) -> Iterator[Batch]:
    url = f"{ctx.entry.api_url}/api/v1/search_by_date"

    def fetch_page(token: Any, since: Any) -> Page:
        filters = []
        if since is not None:
            filters.append(f"created_at_i>={int(since)}")
        if token:
            filters.append(f"created_at_i<={int(token['before'])}")
        params = {"query": ctx.entry.query, "tags": "(story,comment)", "hitsPerPage": PAGE_SIZE}
        if filters:
            params["numericFilters"] = ",".join(filters)
        body = json_body(ctx.http.get(url, params=params), "algolia hits")
        hits = body.get("hits") if isinstance(body, dict) else None
        if not isinstance(hits, list):
            return Page([make_entry(_no_hits, body, ctx)], next=None)
        full = len(hits) >= int(body.get("hitsPerPage") or PAGE_SIZE)  # else the last page
        stuck = bool(token) and all(_second(h) == token["before"] for h in hits)
        skip = set(token["ids"]) if token else set()  # hits at the boundary second, seen
        hits = [h for h in hits if not (isinstance(h, dict) and h.get("objectID") in skip)]
        entries = [make_entry(hit_record, h, ctx, mark=_mark) for h in hits]
        if not full:
            return Page(entries, next=None)
        if stuck:  # a whole page within one second: step past it rather than loop
            return Page(entries, next={"before": token["before"] - 1, "ids": []})
        return Page(entries, next=_next(hits, token))

    yield from sweep(ctx, cursor, f"search:{ctx.entry.query}", fetch_page)


def _next(hits: list[Any], token: dict | None) -> dict | None:
    marks = [(h.get("created_at_i"), h.get("objectID")) for h in hits if isinstance(h, dict)]
    marks = [(m, i) for m, i in marks if isinstance(m, int)]
    if not marks:
        return None
    oldest = min(m for m, _ in marks)
    ids = [i for m, i in marks if m == oldest]
    if token and token["before"] == oldest:
        ids = sorted(set(ids) | set(token["ids"]))
    return {"before": oldest, "ids": ids}


def _second(hit: Any) -> Any:
    return hit.get("created_at_i") if isinstance(hit, dict) else None


def _no_hits(body: Any) -> dict[str, Any]:
    raise KeyError("hits")


def _mark(hit: dict[str, Any]) -> int:
    return int(hit["created_at_i"])


def hit_record(hit: dict[str, Any]) -> dict[str, Any]:
    """An Algolia HN hit (story or comment) as a normalized item."""
    tags = hit.get("_tags") or []
    if hit.get("comment_text") is not None or "comment" in tags:
        text = html_to_text(hit["comment_text"])
        parent = hit.get("parent_id")
    else:
        body = html_to_text(hit.get("story_text"))
        text = f"{hit['title']}\n\n{body}".strip()
        parent = None
    object_id = str(hit["objectID"])
    return {
        "platform": "hackernews",
        "native_id": object_id,
        "url": f"https://news.ycombinator.com/item?id={object_id}",
        "author_handle": hit.get("author"),
        "author_name": hit.get("author"),
        "text": text,
        "created_at": hit["created_at_i"],
        "likes": hit.get("points"),
        "replies": hit.get("num_comments"),
        "in_reply_to": str(parent) if parent is not None else None,
    }
