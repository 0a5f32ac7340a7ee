"""The runner and the HTTP layer: retries, rate limits, timeouts, bad bodies, the CLI."""

from __future__ import annotations

import json
import threading
import time

import pytest
from click.testing import CliRunner
from ingest_fakes import FAST, load, make_db, rows, serve_algolia, sources_yaml
from werkzeug import Response

from monitoring.cli import cli
from monitoring.ingest.http import HttpClient, HttpSettings, SourceFailed, retry_after_seconds
from monitoring.ingest.runner import parse_every, run_every, run_sources
from monitoring.ingest.sources import load_sources


@pytest.fixture
def db_path(tmp_path):
    return make_db(tmp_path / "sentinella.duckdb")


def _hn(httpserver, name="hn"):
    return f'  - {{name: {name}, kind: hackernews, base_url: "{httpserver.url_for("/")}", query: lumina}}\n'


def test_429_retry_after_is_honoured_within_the_cap(httpserver):
    httpserver.expect_ordered_request("/x").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_ordered_request("/x").respond_with_json({"ok": True})
    client = HttpClient(HttpSettings(retries=0, retry_after_cap=2))
    started = time.monotonic()
    assert client.get(httpserver.url_for("/x")).json() == {"ok": True}
    assert time.monotonic() - started >= 1.0  # it waited as asked before asking again
    assert client.requests_made == 2


def test_retry_after_as_an_http_date():
    response = Response(status=429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert retry_after_seconds(response, default=5) == 0  # already past
    assert retry_after_seconds(Response(status=429), default=5) == 5


def test_429_longer_than_the_cap_fails_the_source_at_once(httpserver):
    httpserver.expect_request("/x").respond_with_data(
        "", status=429, headers={"Retry-After": "3600"}
    )
    started = time.monotonic()
    with pytest.raises(SourceFailed, match="asks to wait 3600s, more than the 0s cap"):
        HttpClient(FAST).get(httpserver.url_for("/x"))
    assert time.monotonic() - started < 2


def test_500_then_success_is_retried_with_backoff(httpserver):
    httpserver.expect_ordered_request("/x").respond_with_data("boom", status=500)
    httpserver.expect_ordered_request("/x").respond_with_json([1])
    assert HttpClient(FAST).get(httpserver.url_for("/x")).json() == [1]


def test_persistent_500_and_4xx_give_one_line_reasons(httpserver):
    httpserver.expect_request("/gone").respond_with_data("not here", status=404)
    httpserver.expect_request("/down").respond_with_data("<html>\n oops \n</html>", status=503)
    client = HttpClient(FAST)
    with pytest.raises(SourceFailed) as gone:
        client.get(httpserver.url_for("/gone"))
    assert str(gone.value) == f"HTTP 404 from {httpserver.url_for('/gone')}: not here"
    with pytest.raises(
        SourceFailed, match=r"^HTTP 503 after retries from .*: <html> oops </html>$"
    ):
        client.get(httpserver.url_for("/down"))


def test_user_agent_names_the_product(httpserver):
    httpserver.expect_request(
        "/ua", headers={"User-Agent": "Sentinella/0.1 (+brand monitoring)"}
    ).respond_with_json({})
    assert HttpClient(FAST).get(httpserver.url_for("/ua")).status_code == 200


def test_timeout_fails_that_source_and_the_others_still_run(db_path, tmp_path, httpserver):
    release = threading.Event()  # set at the end, so no handler outlives the test

    def slow(request):
        release.wait(1.2)
        return Response("<rss/>")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    serve_algolia(httpserver, load("hn_search_by_date.json")["hits"], per_page=20)
    path = sources_yaml(
        tmp_path,
        "sources:\n"
        + _hn(httpserver)
        + f'  - {{name: slow-feed, kind: rss, url: "{httpserver.url_for("/slow")}"}}\n'
        + '  - {name: no-dns, kind: rss, url: "http://no-such-host.invalid/feed"}\n',
    )
    try:
        reports = run_sources(db_path, load_sources(path).sources, FAST)
    finally:
        release.set()
    by_name = {r.name: r for r in reports}
    assert by_name["slow-feed"].status == "failed"
    assert by_name["slow-feed"].error.startswith("timed out waiting for the answer: http://")
    assert by_name["no-dns"].error.startswith("host name not found (DNS)")
    assert (by_name["hn"].status, by_name["hn"].new) == ("ok", 5)
    runs = rows(db_path, "SELECT source, status FROM ingest_runs ORDER BY run_id")
    assert runs == [("hn", "ok"), ("slow-feed", "failed"), ("no-dns", "failed")]


def test_malformed_body_is_kept_as_a_reject_and_the_run_continues(db_path, tmp_path, httpserver):
    httpserver.expect_request("/api/v1/timelines/tag/lumina").respond_with_data(
        b'[{"id": "1", "content": "<p>tro', content_type="application/json"
    )
    httpserver.expect_request("/feed").respond_with_data(b"\x00\x01 not a feed at all")
    serve_algolia(httpserver, load("hn_search_by_date.json")["hits"], per_page=20)
    path = sources_yaml(
        tmp_path,
        "sources:\n"
        f'  - {{name: masto, kind: mastodon, base_url: "{httpserver.url_for("/")}", '
        "hashtags: [lumina]}\n"
        f'  - {{name: feed, kind: rss, url: "{httpserver.url_for("/feed")}"}}\n' + _hn(httpserver),
    )
    reports = {r.name: r for r in run_sources(db_path, load_sources(path).sources, FAST)}
    assert reports["masto"].status == "failed"
    assert reports["masto"].error.startswith(
        "statuses from /api/v1/timelines/tag/lumina: malformed JSON"
    )
    assert reports["feed"].status == "failed"
    assert reports["hn"].new == 5
    kept = rows(db_path, "SELECT source, reason, raw FROM rejects ORDER BY source")
    assert [(s, bytes(r)) for s, _, r in kept] == [
        ("feed", b"\x00\x01 not a feed at all"),
        ("masto", b'[{"id": "1", "content": "<p>tro'),
    ]
    # The mastodon cursor did not move: the next run asks for the same page again.
    assert rows(
        db_path, "SELECT count(*) FROM sources WHERE name = 'masto' AND cursor::VARCHAR <> '{}'"
    ) == [(0,)]


def test_bad_records_in_a_good_page_are_rejected_one_by_one(db_path, tmp_path, httpserver):
    hits = load("hn_search_by_date.json")["hits"]
    hits[0]["created_at_i"] = 4102444800 * 10  # year 3270
    del hits[1]["objectID"]
    hits[2]["comment_text"] = "x" * 100_001
    hits[3]["title"] = "bad \ud800 surrogate"
    serve_algolia(httpserver, hits, per_page=20)
    path = sources_yaml(tmp_path, "sources:\n" + _hn(httpserver))
    report = run_sources(db_path, load_sources(path).sources, FAST)[0]
    assert (report.status, report.fetched, report.new, report.rejected) == ("ok", 5, 1, 4)
    reasons = sorted(r[0] for r in rows(db_path, "SELECT reason FROM rejects"))
    assert reasons[0].startswith("absurd timestamp")
    assert reasons[1:] == [
        "missing field 'objectID'",
        "oversized text (100001 characters > 100000)",
        "text: invalid UTF-8 (unpaired surrogate)",
    ]


def test_page_bound_stops_a_run_and_the_next_run_resumes(db_path, tmp_path, httpserver):
    hits = load("hn_search_by_date.json")["hits"]
    calls = serve_algolia(httpserver, hits, per_page=2)
    path = sources_yaml(
        tmp_path,
        f'sources:\n  - {{name: hn, kind: hackernews, base_url: "{httpserver.url_for("/")}", '
        "query: lumina, max_pages: 1}\n",
    )
    entries = load_sources(path).sources
    assert run_sources(db_path, entries, FAST)[0].new == 2
    cursor = json.loads(rows(db_path, "SELECT cursor::VARCHAR FROM sources")[0][0])
    assert cursor["search:lumina"]["since"] is None  # the sweep is not finished
    totals = [run_sources(db_path, entries, FAST)[0].new for _ in range(4)]
    assert sum(totals) == 3
    assert rows(db_path, "SELECT count(*), count(DISTINCT native_id) FROM items") == [(5, 5)]
    assert "created_at_i>=1795690300" in calls.args[-1]["numericFilters"]


def test_ingest_command_prints_counts_and_exits_1_on_failure(tmp_path, httpserver):
    serve_algolia(httpserver, load("hn_search_by_date.json")["hits"], per_page=20)
    httpserver.expect_request("/gone").respond_with_data("", status=410)
    path = sources_yaml(
        tmp_path,
        "sources:\n"
        + _hn(httpserver)
        + f'  - {{name: gone, kind: rss, url: "{httpserver.url_for("/gone")}"}}\n',
    )
    dbfile = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(cli, ["--db", str(dbfile), "ingest", "--sources", str(path)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[1].split() == ["source", "fetched", "new", "duplicate", "rejected", "status"]
    assert lines[2].split() == ["hn", "5", "5", "0", "0", "ok"]
    assert lines[3].startswith("gone") and "FAILED: HTTP 410 from" in lines[3]
    again = CliRunner().invoke(
        cli, ["--db", str(dbfile), "ingest", "--sources", str(path), "--source", "hn"]
    )
    assert again.exit_code == 0
    assert again.output.splitlines()[2].split()[:4] == ["hn", "1", "0", "1"]


def test_ingest_command_rejects_bad_input(tmp_path):
    path = sources_yaml(tmp_path, "sources:\n  - {name: a, kind: rss}\n")
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "x.duckdb"), "ingest", "--sources", str(path)]
    )
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"Error: {path}:2: sources[0]: Value error, kind 'rss' needs 'url'"
    )
    good = sources_yaml(tmp_path, 'sources:\n  - {name: a, kind: rss, url: "http://x"}\n')
    for args, message in (
        (["--source", "b"], "Error: unknown source 'b' (known: a)"),
        (["--every", "soon"], "Error: cannot read 'soon' as a duration; use e.g. 15m, 1h or 900s"),
    ):
        result = CliRunner().invoke(
            cli, ["--db", str(tmp_path / "x.duckdb"), "ingest", "--sources", str(good), *args]
        )
        assert (result.exit_code, result.output.strip()) == (2, message)


def test_every_parses_intervals_and_loops_start_to_start():
    assert parse_every("15m") == 900
    assert parse_every("1h") == 3600
    assert parse_every("90") == 90
    with pytest.raises(ValueError, match="too short"):
        parse_every("2s")
    slept, calls = [], []
    assert run_every(900, lambda: calls.append(1), cycles=3, sleep=slept.append) == 3
    assert len(calls) == 3 and len(slept) == 2 and all(880 < s <= 900 for s in slept)


def test_default_sources_yaml_validates_without_credentials():
    config = load_sources("data/sources.yaml")
    kinds = {s.kind for s in config.sources}
    assert kinds == {"rss", "mastodon", "bluesky", "reddit", "hackernews", "file"}
    assert not any(s.token_env for s in config.sources if s.enabled and s.kind == "mastodon")


def test_max_wait_cap_is_configurable():
    assert HttpSettings(retry_after_cap=0.5).retry_after_cap == 0.5
