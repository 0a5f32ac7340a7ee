"""Property-based: arbitrary text, JSON and files never crash the parsers and importers.

Every input either becomes a normalized record or is set aside with a reason (issue 7).
"""

from __future__ import annotations

import json
from datetime import datetime
from types import SimpleNamespace

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from monitoring.ingest import bluesky, hackernews, mastodon, reddit, rss
from monitoring.ingest.base import Context, make_entry
from monitoring.ingest.files import ImportFailed, read_file
from monitoring.ingest.http import SourceFailed
from monitoring.ingest.sources import SourceEntry

NOW = datetime(2026, 11, 27, 12, 0)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6)
    ),
    max_leaves=30,
)
FIELD_NAMES = st.sampled_from(
    ["id", "uri", "cid", "created_at", "createdAt", "content", "text", "record", "author",
     "account", "data", "kind", "objectID", "created_at_i", "title", "url", "name", "handle",
     "acct", "followers_count", "in_reply_to_id", "reply", "score", "num_comments"]
)  # fmt: skip
# API-shaped objects: the real field names with arbitrary values, nested a little.
SHAPED = st.recursive(
    st.none() | st.integers() | st.text() | st.floats(allow_nan=True),
    lambda inner: st.dictionaries(FIELD_NAMES, inner, max_size=8) | st.lists(inner, max_size=3),
    max_leaves=25,
)


def _ctx(kind: str, **extra) -> Context:
    entry = SourceEntry(name="prop", kind=kind, **extra)
    return Context(entry=entry, http=None, max_pages=1, now=NOW)


BUILDERS = [
    (mastodon.status_record, _ctx("mastodon", hashtags=["lumina"])),
    (bluesky.post_record, _ctx("bluesky", query="lumina")),
    (reddit.thing_record, _ctx("reddit", query="lumina")),
    (hackernews.hit_record, _ctx("hackernews", query="lumina")),
]


def _check_entry(entry) -> None:
    assert (entry.record is None) != (entry.reject is None)
    if entry.reject is not None:
        assert entry.reject.reason.strip() and "\n" not in entry.reject.reason
        assert isinstance(entry.reject.raw, bytes)
    else:
        assert entry.record["native_id"] and isinstance(entry.record["text"], str)
        assert isinstance(entry.record["created_at"], datetime)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.one_of(JSON, SHAPED))
def test_api_records_never_crash_and_bad_ones_are_set_aside(value):
    for build, ctx in BUILDERS:
        _check_entry(make_entry(build, value, ctx))


class _Response:
    status_code = 200

    def __init__(self, body: bytes) -> None:
        self.content = body
        self.headers = {"Content-Type": "application/rss+xml"}


class _FeedServer:
    """Serves one body for any URL: the RSS connector's only collaborator."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def get(self, url, **kwargs):
        return _Response(self.body)


FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    b"<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate>"
    b"<description>%s</description></item></channel></rss>"
)


@settings(max_examples=150, deadline=None)
@given(
    body=st.one_of(
        st.binary(max_size=400),
        st.tuples(*[st.binary(max_size=40)] * 5).map(lambda parts: FEED % parts),
        st.tuples(*[st.text(max_size=40)] * 5).map(
            lambda parts: FEED % tuple(p.encode("utf-8", "surrogatepass") for p in parts)
        ),
    )
)
def test_feeds_of_arbitrary_bytes_never_crash(body):
    ctx = _ctx("rss", url="http://127.0.0.1/feed")
    ctx.http = _FeedServer(body)
    batches = []
    try:
        for batch in rss.fetch(ctx, {}):
            batches.append(batch)
    except SourceFailed as exc:
        # A body that is no feed at all fails the source, after keeping the body in rejects.
        assert "malformed feed" in str(exc)
        assert batches and batches[-1].rejects[0].raw == body
    assert batches
    for batch in batches:
        for record in batch.records:
            assert record["native_id"] and isinstance(record["created_at"], datetime)
        for reject in batch.rejects:
            assert reject.reason.strip()


def _read(path, fmt):
    try:
        chunks = list(read_file(path, "x", fmt=fmt))
    except ImportFailed as exc:  # a file too broken to read at all: one line, named
        assert str(path) in str(exc) and "\n" not in str(exc)
        return None
    return SimpleNamespace(
        rows=sum(len(c.items) for c in chunks),
        rejects=[r for c in chunks for r in c.rejects],
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(st.one_of(JSON.map(json.dumps), st.text(max_size=60)), max_size=12))
@example(lines=['{"\\n": 1}'])  # a field named by a newline: the error must stay one line
@example(lines=["0\n0"])  # a line break inside one generated text
def test_ndjson_exports_of_anything_never_crash(tmp_path, lines):
    path = tmp_path / "export.ndjson"
    body = "\n".join(lines)
    path.write_text(body, encoding="utf-8", errors="surrogatepass")
    result = _read(path, "ndjson")
    if result is not None:
        assert all(r.reason.strip() for r in result.rejects)
        # Texts may hold line breaks of their own: at most one outcome per physical line.
        assert result.rows + len(result.rejects) <= body.count("\n") + body.count("\r") + 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(st.text(max_size=20), min_size=1, max_size=6), max_size=10),
    header=st.sampled_from(["id,text,created_at,author", "native_id;text;created_at", "garbage"]),
)
def test_csv_exports_of_anything_never_crash(tmp_path, rows, header):
    path = tmp_path / "export.csv"
    sep = ";" if ";" in header else ","
    body = "\n".join([header, *(sep.join(r) for r in rows)])
    path.write_bytes(body.encode("utf-8", "surrogatepass"))
    result = _read(path, "csv")
    if result is not None:
        assert all(r.reason.strip() for r in result.rejects)
