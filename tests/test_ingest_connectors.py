"""Connectors against loopback servers replaying documented API payloads (issue 3)."""

from __future__ import annotations

import copy
import json

import pytest
from ingest_fakes import (
    FAST,
    FIXTURES,
    load,
    make_db,
    rows,
    serve_algolia,
    serve_mastodon_timeline,
    serve_pages,
    sources_yaml,
)
from werkzeug import Response

from monitoring.ingest import bluesky, reddit
from monitoring.ingest.runner import run_sources
from monitoring.ingest.sources import load_sources


@pytest.fixture
def db_path(tmp_path):
    return make_db(tmp_path / "sentinella.duckdb")


def _run(db_path, tmp_path, yaml_text, http=FAST):
    config = load_sources(sources_yaml(tmp_path, yaml_text))
    return {r.name: r for r in run_sources(db_path, config.sources, http)}


def test_mastodon_pages_by_link_header_then_asks_only_for_newer(db_path, tmp_path, httpserver):
    statuses = load("mastodon_tag_timeline.json")
    calls = serve_mastodon_timeline(httpserver, "/api/v1/timelines/tag/luminaenergia", statuses)
    yaml_text = f"""
sources:
  - name: masto
    kind: mastodon
    base_url: {httpserver.url_for("/")}
    hashtags: ["#LuminaEnergia"]
"""
    first = _run(db_path, tmp_path, yaml_text)["masto"]
    assert (first.status, first.fetched, first.new, first.duplicate) == ("ok", 5, 5, 0)
    # 5 statuses, 2 per page: the Link header's max_id drove pages 2 and 3, page 4 was empty.
    assert [c.get("max_id") for c in calls.args] == [
        None,
        "113500000000000004",
        "113500000000000002",
        "113500000000000001",
    ]
    stored = rows(
        db_path,
        "SELECT native_id, author_handle, kind, team_id, text, reach, likes, shares "
        "FROM items ORDER BY native_id",
    )
    by_id = {r[0]: r for r in stored}
    assert by_id["113500000000000005"][1:4] == ("sara@mastodon.uno", "staff", "customer_care")
    assert by_id["113500000000000004"][1] == "marta@mastodon.social"
    assert by_id["113500000000000003"][4] == (
        "Terza bolletta sbagliata di fila. #luminaenergia qualcuno mi risponde?\nSono senza parole."
    )
    assert by_id["113500000000000004"][5:] == (1540, 14, 3)
    # The staff reply is linked to the mention it answers: a response time exists.
    assert rows(db_path, "SELECT round(minutes, 1) FROM responses") == [(41.7,)]

    statuses.append(copy.deepcopy(statuses[0]) | {"id": "113500000000000009"})
    calls.args.clear()
    second = _run(db_path, tmp_path, yaml_text)["masto"]
    assert (second.fetched, second.new, second.duplicate) == (1, 1, 0)
    assert calls.args[0]["since_id"] == "113500000000000005"
    calls.args.clear()
    third = _run(db_path, tmp_path, yaml_text)["masto"]
    assert (third.fetched, third.new) == (0, 0)
    assert [c["since_id"] for c in calls.args] == ["113500000000000009"]


def test_mastodon_account_lookup_then_statuses(db_path, tmp_path, httpserver):
    httpserver.expect_request(
        "/api/v1/accounts/lookup", query_string="acct=lumina%40mastodon.uno"
    ).respond_with_json(load("mastodon_account_lookup.json"))
    calls = serve_mastodon_timeline(
        httpserver,
        "/api/v1/accounts/109000000000000004/statuses",
        load("mastodon_account_statuses.json"),
    )
    yaml_text = f"""
sources:
  - {{name: brand, kind: mastodon, base_url: "{httpserver.url_for("/")}",
      accounts: ["@lumina@mastodon.uno"]}}
"""
    report = _run(db_path, tmp_path, yaml_text)["brand"]
    assert (report.status, report.new) == ("ok", 2)
    assert calls.args[0]["exclude_reblogs"] == "true"
    assert rows(db_path, "SELECT DISTINCT kind, member_id FROM items") == [
        ("staff", "brand.account")
    ]
    cursor = json.loads(rows(db_path, "SELECT cursor::VARCHAR FROM sources")[0][0])
    assert cursor["account_ids"] == {"@lumina@mastodon.uno": "109000000000000004"}


def test_bluesky_author_feed_and_search_with_one_login(db_path, tmp_path, httpserver, monkeypatch):
    bluesky._SESSIONS.clear()
    feed = serve_pages(
        httpserver,
        "/xrpc/app.bsky.feed.getAuthorFeed",
        {
            None: load("bluesky_author_feed_page1.json"),
            "2026-11-19T08:00:00.000Z": load("bluesky_author_feed_page2.json"),
        },
    )
    logins = serve_pages(
        httpserver,
        "/xrpc/com.atproto.server.createSession",
        {None: load("bluesky_create_session.json")},
    )
    session = load("bluesky_create_session.json")
    searches = []

    def search(request):
        assert request.headers["Authorization"] == f"Bearer {session['accessJwt']}"
        searches.append(request.args.to_dict())
        if request.args.get("since") or request.args.get("cursor"):
            return Response(json.dumps({"posts": []}), content_type="application/json")
        return Response(
            (FIXTURES / "bluesky_search_posts.json").read_bytes(),
            content_type="application/json",
        )

    httpserver.expect_request("/xrpc/app.bsky.feed.searchPosts").respond_with_handler(search)
    monkeypatch.setenv("BLUESKY_IDENTIFIER", "sentinella-monitor.bsky.social")
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "abcd-efgh-ijkl-mnop")
    yaml_text = f"""
sources:
  - name: bsky
    kind: bluesky
    base_url: {httpserver.url_for("/")}
    accounts: [lumina-energia.bsky.social]
    query: "lumina energia"
"""
    report = _run(db_path, tmp_path, yaml_text)["bsky"]
    # 3 own posts on two pages (the repost is someone else's words), 2 search hits.
    assert (report.status, report.fetched, report.new) == ("ok", 5, 5)
    assert [c.get("cursor") for c in feed.args] == [None, "2026-11-19T08:00:00.000Z"]
    assert searches[0]["sort"] == "latest"
    stored = dict(rows(db_path, "SELECT native_id, kind FROM items"))
    assert "at://did:plc:altro1a2b3c/app.bsky.feed.post/3lbother0001" not in stored
    assert stored["at://did:plc:lucalumina2k/app.bsky.feed.post/3lbluca00001"] == "staff"
    assert rows(db_path, "SELECT count(*) FROM responses") == [(1,)]

    second = _run(db_path, tmp_path, yaml_text)["bsky"]
    assert (second.status, second.new) == ("ok", 0)
    assert searches[-1]["since"] == "2026-11-20T12:10:00.800000Z"
    assert len(logins.args) == 1  # the session token was reused, not a second login


def test_bluesky_search_without_credentials_fails_clearly(db_path, tmp_path, monkeypatch):
    bluesky._SESSIONS.clear()
    monkeypatch.delenv("BLUESKY_IDENTIFIER", raising=False)
    monkeypatch.delenv("BLUESKY_APP_PASSWORD", raising=False)
    yaml_text = """
sources:
  - {name: bsky-search, kind: bluesky, query: lumina, base_url: "http://127.0.0.1:9"}
"""
    report = _run(db_path, tmp_path, yaml_text)["bsky-search"]
    assert report.status == "failed"
    assert report.error.startswith(
        "no credentials set: set BLUESKY_IDENTIFIER/BLUESKY_APP_PASSWORD"
    )
    assert rows(db_path, "SELECT status, error FROM ingest_runs") == [("failed", report.error)]


def test_reddit_oauth_then_after_cursor_then_stops_at_known(
    db_path, tmp_path, httpserver, monkeypatch
):
    reddit._TOKENS.clear()
    token = load("reddit_access_token.json")
    httpserver.expect_request("/api/v1/access_token", method="POST").respond_with_json(token)
    page1, page2 = load("reddit_search_page1.json"), load("reddit_search_page2.json")
    listing = {None: page1, "t3_1gz0c02": page2}
    calls = serve_pages(httpserver, "/search", listing, key="after")
    monkeypatch.setenv("REDDIT_CLIENT_ID", "app-id")
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "app-secret")
    yaml_text = f"""
sources:
  - {{name: reddit, kind: reddit, base_url: "{httpserver.url_for("/")}", query: "lumina energia"}}
"""
    report = _run(db_path, tmp_path, yaml_text)["reddit"]
    assert (report.status, report.new) == ("ok", 3)
    assert [c.get("after") for c in calls.args] == [None, "t3_1gz0c02"]
    assert calls.args[0]["sort"] == "new"
    assert rows(db_path, "SELECT native_id, url, likes, replies FROM items ORDER BY 1")[0] == (
        "t3_1gyzz01",
        "https://www.reddit.com/r/bari/comments/1gyzz01/lumina_energia_apre_a_bari/",
        5,
        1,
    )
    # A new post on top: the next run reads page 1 only, stops at the known post.
    fresh = copy.deepcopy(page1["data"]["children"][0])
    fresh["data"].update(name="t3_1gz0c09", id="1gz0c09", created_utc=1795685000.0)
    page1["data"]["children"].insert(0, fresh)
    calls.args.clear()
    second = _run(db_path, tmp_path, yaml_text)["reddit"]
    assert (second.new, second.duplicate) == (1, 2)  # two known posts on that page
    assert [c.get("after") for c in calls.args] == [None]


def test_hackernews_pages_by_time_and_resumes_from_watermark(db_path, tmp_path, httpserver):
    hits = load("hn_search_by_date.json")["hits"]
    calls = serve_algolia(httpserver, hits, per_page=2)
    yaml_text = f"""
sources:
  - {{name: hn, kind: hackernews, base_url: "{httpserver.url_for("/")}", query: lumina}}
"""
    report = _run(db_path, tmp_path, yaml_text)["hn"]
    assert (report.status, report.fetched, report.new, report.duplicate) == ("ok", 5, 5, 0)
    # Two hits share a second at a page boundary: paging by time neither lost nor repeated one.
    assert calls.args[1]["numericFilters"] == "created_at_i<=1795690200"
    story = rows(db_path, "SELECT text, likes, replies FROM items WHERE native_id = '46100001'")
    assert story == [("Lumina Energia opens a public API for smart meters", 120, 3)]
    comment = rows(
        db_path,
        "SELECT text, in_reply_to, parent_item_id IS NOT NULL FROM items "
        "WHERE native_id = '46100004'",
    )
    assert comment == [
        (
            "We moved our office to Lumina's business plan; the API docs are actually good.",
            "46100001",
            True,
        )
    ]
    calls.args.clear()
    second = _run(db_path, tmp_path, yaml_text)["hn"]
    assert (second.new, second.fetched - second.duplicate) == (0, 0)
    assert calls.args[0]["numericFilters"] == "created_at_i>=1795690300"


def test_feeds_rss_atom_rdf_and_conditional_get(db_path, tmp_path, httpserver):
    seen_headers = []

    def news(request):
        seen_headers.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        body = (FIXTURES / "google_news.rss").read_bytes()
        return Response(body, headers={"ETag": '"v1"'}, content_type="application/rss+xml")

    httpserver.expect_request("/news").respond_with_handler(news)
    for name, kind in (("google_alerts.atom", "atom+xml"), ("blog_rdf.xml", "rdf+xml")):
        httpserver.expect_request(f"/{name}").respond_with_data(
            (FIXTURES / name).read_bytes(), content_type=f"application/{kind}"
        )
    yaml_text = f"""
sources:
  - {{name: news, kind: rss, url: "{httpserver.url_for("/news")}"}}
  - {{name: alerts, kind: rss, url: "{httpserver.url_for("/google_alerts.atom")}"}}
  - {{name: blog, kind: rss, url: "{httpserver.url_for("/blog_rdf.xml")}", channel: news}}
"""
    reports = _run(db_path, tmp_path, yaml_text)
    assert {n: (r.status, r.new) for n, r in reports.items()} == {
        "news": ("ok", 3),
        "alerts": ("ok", 2),
        "blog": ("ok", 1),
    }
    item = rows(
        db_path,
        "SELECT text, author_name, author_handle, created_at, raw LIKE '<item>%' FROM items "
        "WHERE url LIKE '%CBMiZWh0%'",
    )[0]
    assert item[0].startswith("Lumina Energia, bollette in aumento da gennaio - Il Sole 24 ORE")
    assert item[1:3] == ("Il Sole 24 ORE", "www.ilsole24ore.com")
    assert str(item[3]) == "2026-11-26 07:15:00"
    assert item[4] is True  # the entry's own XML is kept as raw
    no_guid = rows(
        db_path, "SELECT native_id, created_at FROM items WHERE text LIKE '%senza guid%'"
    )
    assert no_guid == [("https://blog-energia.example.it/lumina-senza-guid", no_guid[0][1])]
    assert str(no_guid[0][1]) == "2026-11-24 09:00:00"  # +0100 converted to UTC
    rdf = rows(
        db_path,
        "SELECT text, lang_hint, author_name, created_at::VARCHAR FROM items WHERE source = 'blog'",
    )
    assert rdf == [
        (
            "Conguagli Lumina Energia: come contestarli\n\nGuida passo passo per chi ha "
            "ricevuto un conguaglio anomalo.",
            "it",
            "Anna Verdi",
            "2026-11-25 11:00:00",
        )
    ]
    second = _run(db_path, tmp_path, yaml_text)
    assert seen_headers == [None, '"v1"']
    assert sum(r.new for r in second.values()) == 0
    assert second["news"].fetched == 0  # 304 Not Modified: nothing downloaded


def test_reddit_rss_feed_uses_the_api_ids(db_path, tmp_path, httpserver):
    httpserver.expect_request("/search.rss").respond_with_data(
        (FIXTURES / "reddit_search.atom").read_bytes(), content_type="application/atom+xml"
    )
    yaml_text = f"""
sources:
  - {{name: reddit-rss, kind: rss, platform: reddit, url: "{httpserver.url_for("/search.rss")}"}}
"""
    assert _run(db_path, tmp_path, yaml_text)["reddit-rss"].new == 1
    assert rows(db_path, "SELECT platform, native_id, author_handle FROM items") == [
        ("reddit", "t3_1gz0c04", "ciro_napoli")
    ]
