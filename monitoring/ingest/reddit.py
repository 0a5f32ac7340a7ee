"""Reddit: search through the official OAuth API (application-only login).

``POST {auth}/api/v1/access_token`` with ``grant_type=client_credentials`` and the app's id and
secret (HTTP basic) gives a bearer token; ``GET {api}/search?q=...&sort=new`` returns a Listing
of ``t3`` things, newest first, with ``after`` naming the next page. Reddit asks for a
descriptive User-Agent, which the shared session sends.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from monitoring.ingest.base import (
    Batch,
    Context,
    Page,
    credentials,
    json_body,
    make_entry,
    sweep,
)
from monitoring.ingest.http import SourceFailed

PAGE_SIZE = 100
_TOKENS: dict[tuple[str, str], tuple[str, float]] = {}  # (host, client id) -> (token, expiry)


def fetch(ctx: Context, cursor: dict[str, Any]) -> Iterator[Batch]:
    token = _token(ctx)
    url = f"{ctx.entry.api_url}/search"
    headers = {"Authorization": f"bearer {token}"}

    def fetch_page(after: Any, since: Any) -> Page:
        params = {"q": ctx.entry.query, "sort": "new", "limit": PAGE_SIZE, "raw_json": 1}
        if after:
            params["after"] = after
        body = json_body(ctx.http.get(url, params=params, headers=headers), "reddit listing")
        data = body.get("data") if isinstance(body, dict) else None
        children = data.get("children") if isinstance(data, dict) else None
        if not isinstance(children, list):
            return Page([make_entry(_not_listing, body, ctx)], next=None)
        entries = [make_entry(thing_record, c, ctx, mark=_mark) for c in children]
        return Page(entries, next=data.get("after") if children else None)

    yield from sweep(ctx, cursor, f"search:{ctx.entry.query}", fetch_page)


def _not_listing(body: Any) -> dict[str, Any]:
    raise KeyError("data.children")


def _mark(thing: dict[str, Any]) -> int:
    return int(thing["data"]["created_utc"])


def thing_record(thing: dict[str, Any]) -> dict[str, Any]:
    """A ``t3`` link (post) or ``t1`` comment thing as a normalized item; ids are fullnames
    (``t3_abc``) so a comment's ``parent_id`` links to them directly."""
    kind, data = thing["kind"], thing["data"]
    if kind == "t3":
        body = data.get("selftext") or ""
        text = f"{data['title']}\n\n{body}".strip()
        replies = data.get("num_comments")
        parent = None
    elif kind == "t1":
        text, replies, parent = data["body"], None, data.get("parent_id")
    else:
        raise ValueError(f"unexpected thing kind {kind!r}")
    author = data.get("author")
    return {
        "platform": "reddit",
        "native_id": data.get("name") or f"{kind}_{data['id']}",
        "url": "https://www.reddit.com" + data["permalink"] if data.get("permalink") else None,
        "author_handle": None if author in (None, "[deleted]") else author,
        "author_name": author,
        "text": text,
        "created_at": float(data["created_utc"]),
        "likes": data.get("score"),
        "replies": replies,
        "in_reply_to": parent,
    }


def _token(ctx: Context) -> str:
    entry = ctx.entry
    client_id, secret = credentials(
        entry, "client_id_env", "client_secret_env", "(a Reddit 'script' or 'web' app)"
    )
    key = (entry.login_url, client_id)
    cached = _TOKENS.get(key)
    if cached and cached[1] > time.time() + 60:
        return cached[0]
    response = ctx.http.post(
        f"{entry.login_url}/api/v1/access_token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
        expect=(200, 400, 401),
    )
    body = json_body(response, "reddit token") if response.status_code == 200 else {}
    if "access_token" not in body:
        raise SourceFailed(
            f"reddit login refused (HTTP {response.status_code}): check "
            f"{entry.env_name('client_id_env')}/{entry.env_name('client_secret_env')}"
        )
    _TOKENS[key] = (body["access_token"], time.time() + float(body.get("expires_in", 3600)))
    return body["access_token"]
