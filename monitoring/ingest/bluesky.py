"""Bluesky: author feeds (public) and post search (needs an app password).

``app.bsky.feed.getAuthorFeed`` works without login on the public AppView. ``searchPosts``
is refused there without authentication (403), so search logs in with
``com.atproto.server.createSession`` using an app password from the environment, and reuses
the session token until it expires (refreshing it with ``refreshSession``): login is rate
limited per account, so a long-running ``ingest --every`` logs in once, not every cycle.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
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
from monitoring.ingest.normalize import to_utc

PAGE_SIZE = 100  # the lexicons' maximum for both queries


@dataclass
class _Session:
    access: str
    refresh: str
    expires: float  # epoch seconds, from the access token's own claim


_SESSIONS: dict[tuple[str, str], _Session] = {}  # (login host, identifier) -> session


def fetch(ctx: Context, cursor: dict[str, Any]) -> Iterator[Batch]:
    base = ctx.entry.api_url
    for actor in ctx.entry.accounts:
        yield from sweep(ctx, cursor, f"author:{actor.lower()}", _author_pager(ctx, base, actor))
    if ctx.entry.query:
        yield from sweep(ctx, cursor, f"search:{ctx.entry.query}", _search_pager(ctx))


def _author_pager(ctx: Context, base: str, actor: str):
    url = f"{base}/xrpc/app.bsky.feed.getAuthorFeed"

    def fetch_page(token: Any, since: Any) -> Page:
        params = {"actor": actor.lstrip("@"), "limit": PAGE_SIZE, "filter": "posts_with_replies"}
        if token:
            params["cursor"] = token
        body = json_body(ctx.http.get(url, params=params), f"author feed of {actor}")
        feed = body.get("feed") if isinstance(body, dict) else None
        if not isinstance(feed, list):
            return Page([make_entry(_no_feed, body, ctx)], next=None)
        # Reposts carry a "reason": they are someone else's post, not the account's words.
        posts = [item.get("post", item) for item in feed if not _is_repost(item)]
        entries = [make_entry(post_record, p, ctx, mark=_mark) for p in posts]
        return Page(entries, next=body.get("cursor") if feed else None)

    return fetch_page


def _search_pager(ctx: Context):
    entry = ctx.entry
    url = f"{entry.login_url}/xrpc/app.bsky.feed.searchPosts"

    def fetch_page(token: Any, since: Any) -> Page:
        params = {"q": entry.query, "sort": "latest", "limit": PAGE_SIZE}
        if token:
            params["cursor"] = token
        if since:
            params["since"] = since + "Z"  # inclusive; known posts are skipped by id
        response = _authorized_get(ctx, url, params)
        body = json_body(response, "search results")
        posts = body.get("posts") if isinstance(body, dict) else None
        if not isinstance(posts, list):
            return Page([make_entry(_no_feed, body, ctx)], next=None)
        entries = [make_entry(post_record, p, ctx, mark=_mark) for p in posts]
        return Page(entries, next=body.get("cursor") if posts else None)

    return fetch_page


def _no_feed(body: Any) -> dict[str, Any]:
    raise KeyError("feed")


def _is_repost(item: Any) -> bool:
    reason = item.get("reason") if isinstance(item, dict) else None
    return isinstance(reason, dict) and "reasonRepost" in str(reason.get("$type", ""))


def _mark(post: dict[str, Any]) -> str:
    # indexedAt orders both feeds; a fixed-width UTC text compares like the time itself.
    return to_utc(post["indexedAt"]).strftime("%Y-%m-%dT%H:%M:%S.%f")


def post_record(post: dict[str, Any]) -> dict[str, Any]:
    """One ``app.bsky.feed.defs#postView`` as a normalized item."""
    record = post["record"]
    author = post["author"]
    uri = post["uri"]
    parent = ((record.get("reply") or {}).get("parent") or {}).get("uri")
    langs = record.get("langs") or []
    return {
        "platform": "bluesky",
        "native_id": uri,
        "url": f"https://bsky.app/profile/{author['handle']}/post/{uri.rsplit('/', 1)[-1]}",
        "author_handle": author["handle"],
        "author_name": author.get("displayName") or author["handle"],
        "text": record["text"],
        "lang_hint": langs[0][:2] if langs else None,
        "created_at": record["createdAt"],
        "likes": post.get("likeCount"),
        "shares": (post.get("repostCount") or 0) + (post.get("quoteCount") or 0),
        "replies": post.get("replyCount"),
        "in_reply_to": parent,
    }


# --- session ----------------------------------------------------------------------------------


def _authorized_get(ctx: Context, url: str, params: dict[str, Any]):
    session = _session(ctx)
    headers = {"Authorization": f"Bearer {session.access}"}
    response = ctx.http.get(url, params=params, headers=headers, expect=(200, 400, 401))
    if response.status_code == 200:
        return response
    if response.status_code == 400 and "ExpiredToken" not in response.text:
        raise SourceFailed(f"bluesky search refused the request: {response.text[:160]}")
    _SESSIONS.pop(_key(ctx), None)  # expired or revoked: log in again, once
    headers = {"Authorization": f"Bearer {_session(ctx).access}"}
    return ctx.http.get(url, params=params, headers=headers)


def _key(ctx: Context) -> tuple[str, str]:
    return (ctx.entry.login_url, ctx.entry.secret("identifier_env") or "")


def _session(ctx: Context) -> _Session:
    entry = ctx.entry
    identifier, password = credentials(
        entry, "identifier_env", "password_env", "(an app password) to search Bluesky"
    )
    key = _key(ctx)
    session = _SESSIONS.get(key)
    if session and session.expires > time.time() + 60:
        return session
    if session:
        refreshed = ctx.http.post(
            f"{entry.login_url}/xrpc/com.atproto.server.refreshSession",
            headers={"Authorization": f"Bearer {session.refresh}"},
            expect=(200, 400, 401),
        )
        if refreshed.status_code == 200:
            _SESSIONS[key] = _from_body(json_body(refreshed, "bluesky session refresh"))
            return _SESSIONS[key]
    response = ctx.http.post(
        f"{entry.login_url}/xrpc/com.atproto.server.createSession",
        json={"identifier": identifier, "password": password},
        expect=(200, 400, 401),
    )
    if response.status_code != 200:
        raise SourceFailed(
            f"bluesky login refused (HTTP {response.status_code}): check "
            f"{entry.env_name('identifier_env')}/{entry.env_name('password_env')}"
        )
    _SESSIONS[key] = _from_body(json_body(response, "bluesky login"))
    return _SESSIONS[key]


def _from_body(body: Any) -> _Session:
    if not isinstance(body, dict) or "accessJwt" not in body:
        raise SourceFailed("bluesky login answer has no accessJwt")
    return _Session(body["accessJwt"], body.get("refreshJwt", ""), _expiry(body["accessJwt"]))


def _expiry(jwt: str) -> float:
    """The ``exp`` claim of a JWT (not verified: we only need to know when to log in again)."""
    try:
        payload = jwt.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"])
    except (IndexError, ValueError, KeyError, TypeError):
        return time.time() + 300  # unknown: assume a short life and refresh early
