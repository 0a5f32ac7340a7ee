"""Loopback stand-ins for the APIs the connectors read (shared by tests/test_ingest_*.py).

Payloads come from tests/fixtures/ingest (shaped like each API's public documentation); the
handlers reproduce the paging rules (Mastodon max_id/since_id + Link, Bluesky and Reddit
cursors, Algolia numericFilters) so the connectors are tested against the real contract.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from werkzeug import Request, Response

from monitoring import db, store
from monitoring.ingest.http import HttpSettings
from monitoring.org import load_org

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
ORG = Path(__file__).parent.parent / "data" / "org.yaml"
FAST = HttpSettings(
    connect_timeout=1, read_timeout=0.5, retries=1, backoff=0.01, retry_after_cap=0.5
)


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def make_db(path: Path) -> Path:
    db.init(path)
    org = load_org(ORG)
    db.write(path, lambda conn: store.sync_org(conn, org))
    return path


def rows(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    return db.read(path, lambda conn: conn.execute(sql, params or []).fetchall())


def json_response(body: Any, headers: dict | None = None, status: int = 200) -> Response:
    return Response(
        json.dumps(body), status=status, headers=headers or {}, content_type="application/json"
    )


class Calls:
    """The query strings a handler saw, for asserting what the connector asked for."""

    def __init__(self) -> None:
        self.args: list[dict[str, str]] = []

    def record(self, request: Request) -> dict[str, str]:
        args = request.args.to_dict()
        self.args.append(args)
        return args


def serve_mastodon_timeline(server, path: str, statuses: list[dict], page_size: int = 2) -> Calls:
    """Newest first; ``max_id``/``since_id`` filter; ``Link`` names the next (older) page."""
    calls = Calls()

    def handler(request: Request) -> Response:
        args = calls.record(request)
        chosen = sorted(statuses, key=lambda s: int(s["id"]), reverse=True)
        if "max_id" in args:
            chosen = [s for s in chosen if int(s["id"]) < int(args["max_id"])]
        if "since_id" in args:
            chosen = [s for s in chosen if int(s["id"]) > int(args["since_id"])]
        page = chosen[: min(int(args.get("limit", 20)), page_size)]
        headers = {}
        if page:
            base = server.url_for(path)
            headers["Link"] = (
                f'<{base}?max_id={page[-1]["id"]}>; rel="next", '
                f'<{base}?min_id={page[0]["id"]}>; rel="prev"'
            )
        return json_response(page, headers)

    server.expect_request(path).respond_with_handler(handler)
    return calls


def serve_pages(server, path: str, pages: dict[str | None, Any], key: str = "cursor") -> Calls:
    """Cursor paging: the page served depends on the ``key`` query argument (None: first)."""
    calls = Calls()

    def handler(request: Request) -> Response:
        args = calls.record(request)
        return json_response(pages.get(args.get(key), pages[None]))

    server.expect_request(path).respond_with_handler(handler)
    return calls


def serve_algolia(server, hits: list[dict], per_page: int = 2) -> Calls:
    """search_by_date: newest first, honouring ``numericFilters`` on created_at_i."""
    calls = Calls()

    def handler(request: Request) -> Response:
        args = calls.record(request)
        chosen = sorted(hits, key=lambda h: h["created_at_i"], reverse=True)
        for clause in filter(None, args.get("numericFilters", "").split(",")):
            for op in (">=", "<=", ">", "<"):
                if op in clause:
                    value = int(clause.split(op)[1])
                    test = {
                        ">=": lambda t, v=value: t >= v,
                        "<=": lambda t, v=value: t <= v,
                        ">": lambda t, v=value: t > v,
                        "<": lambda t, v=value: t < v,
                    }[op]
                    chosen = [h for h in chosen if test(h["created_at_i"])]
                    break
        size = min(int(args.get("hitsPerPage", 20)), per_page)
        page = chosen[:size]
        return json_response(
            {
                "hits": page,
                "hitsPerPage": size,
                "nbHits": len(chosen),
                "nbPages": (len(chosen) + size - 1) // size,
                "page": 0,
                "query": args.get("query"),
                "processingTimeMS": 1,
            }
        )

    server.expect_request("/api/v1/search_by_date").respond_with_handler(handler)
    return calls


def sources_yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path
