"""Mastodon: hashtag timelines and account statuses through the public REST API.

``GET /api/v1/timelines/tag/{hashtag}`` and ``GET /api/v1/accounts/{id}/statuses`` (the id
from ``GET /api/v1/accounts/lookup?acct=``) return Status entities newest first; older pages
come from the ``Link: <...max_id=...>; rel="next"`` header, and ``since_id`` asks only for
statuses newer than the last sweep.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from monitoring.ingest.base import Batch, Context, Page, json_body, make_entry, sweep
from monitoring.ingest.http import SourceFailed
from monitoring.ingest.normalize import html_to_text

PAGE_SIZE = 40  # the API's maximum for these endpoints


def fetch(ctx: Context, cursor: dict[str, Any]) -> Iterator[Batch]:
    base = ctx.entry.api_url
    headers = _auth(ctx)
    for tag in ctx.entry.hashtags:
        url = f"{base}/api/v1/timelines/tag/{quote(tag.lower(), safe='')}"
        yield from sweep(ctx, cursor, f"tag:{tag.lower()}", _pager(ctx, url, {}, headers))
    for acct in ctx.entry.accounts:
        ids = cursor.setdefault("account_ids", {})
        if acct not in ids:
            ids[acct] = _lookup(ctx, base, acct, headers)  # stored with the next batch
        url = f"{base}/api/v1/accounts/{quote(ids[acct], safe='')}/statuses"
        params = {"exclude_reblogs": "true"}  # a boost is someone else's words
        yield from sweep(ctx, cursor, f"account:{acct}", _pager(ctx, url, params, headers))


def _auth(ctx: Context) -> dict[str, str]:
    token = ctx.entry.secret("token_env") if ctx.entry.token_env else None
    if ctx.entry.token_env and not token:
        raise SourceFailed(f"no credentials set: set {ctx.entry.token_env}")
    return {"Authorization": f"Bearer {token}"} if token else {}


def _lookup(ctx: Context, base: str, acct: str, headers: dict[str, str]) -> str:
    response = ctx.http.get(
        f"{base}/api/v1/accounts/lookup",
        params={"acct": acct.lstrip("@")},
        headers=headers,
        expect=(200, 404),
    )
    if response.status_code == 404:
        raise SourceFailed(f"mastodon account {acct} not found on {base}")
    account = json_body(response, f"account lookup {acct}")
    if not isinstance(account, dict) or "id" not in account:
        raise SourceFailed(f"account lookup {acct}: no id in the answer")
    return str(account["id"])


def _pager(ctx: Context, url: str, extra: dict[str, str], headers: dict[str, str]):
    def fetch_page(token: Any, since: Any) -> Page:
        params = {"limit": PAGE_SIZE, **extra}
        if token is not None:
            params["max_id"] = token
        if since is not None:
            params["since_id"] = since
        response = ctx.http.get(url, params=params, headers=headers)
        statuses = json_body(response, f"statuses from {urlsplit(url).path}")
        if not isinstance(statuses, list):
            statuses = [statuses]  # one malformed "page" becomes one reject below
        entries = [make_entry(status_record, s, ctx, mark=_mark) for s in statuses]
        return Page(entries, next=_next_max_id(response) if statuses else None)

    return fetch_page


def _mark(status: dict[str, Any]) -> int | str:
    sid = str(status["id"])
    return int(sid) if sid.isdigit() else sid  # Mastodon ids are time-sortable integers


def _next_max_id(response) -> str | None:
    link = response.links.get("next", {}).get("url")
    if not link:
        return None
    values = parse_qs(urlsplit(link).query).get("max_id")
    return values[0] if values else None


def status_record(status: dict[str, Any]) -> dict[str, Any]:
    """One Mastodon Status entity as a normalized item."""
    account = status["account"]
    text = html_to_text(status["content"])
    if status.get("spoiler_text"):
        text = f"{status['spoiler_text']}\n\n{text}"
    return {
        "platform": "mastodon",
        "native_id": str(status["id"]),
        "url": status.get("url") or status.get("uri"),
        "author_handle": full_acct(account),
        "author_name": account.get("display_name") or account.get("username"),
        "text": text,
        "lang_hint": status.get("language"),
        "created_at": status["created_at"],
        "reach": account.get("followers_count"),
        "likes": status.get("favourites_count"),
        "shares": status.get("reblogs_count"),
        "replies": status.get("replies_count"),
        "in_reply_to": status.get("in_reply_to_id"),
    }


def full_acct(account: dict[str, Any]) -> str:
    """``user@instance`` for every author: local accounts' ``acct`` lacks the instance, so
    take it from the profile URL (the roster names Mastodon handles with their instance)."""
    acct = account["acct"]
    if "@" in acct:
        return acct
    host = urlsplit(account.get("url") or "").netloc
    return f"{acct}@{host}" if host else acct
