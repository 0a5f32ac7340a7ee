"""Incremental scoring: language, sentiment, topics, policy hits, risk and flags for the items
that have no score yet or were scored by an older policy version.

Process model (docs/decisions/0004-policy-engine-and-risk.md):

- Items are read in bounded batches (keyset on item_id, mentions first so that the public's
  replies are scored before the staff posts they answer) on short read-only connections, and
  each batch is written in one short ``db.write`` transaction: the file is free between
  batches, so the dashboard keeps working during a long run.
- Text work runs once per distinct text — reposts repeat texts — in a pool of worker
  processes forked from a fork server that has imported the code and loaded the language
  model and the sentiment analyzers once. The pool starts in a background thread while the
  first batch is read. While the workers score batch k+1, the main process writes batch k.
- Mentions never leave DuckDB and Arrow as Python rows: the main process reads their distinct
  texts (minus those already scored or in flight), ships them to the workers, gets language,
  sentiment and topic ids back as Arrow columns, and computes risk in SQL on write.
- Staff posts travel with their context (team, channel, audience, the public's reaction, the
  member's posts that day and baseline, all computed in the read's SQL) to the workers, which
  run the text and context rules and the risk, and send back the rows to write. Each worker
  keeps the facts of the staff texts it has scored, and a batch's posts are grouped by text.
- Flags are keyed by item_id and survive rescoring: a new policy version updates risk,
  ``active`` and the version, never ``flagged_at`` and never the ``reviews`` log.
- Replies that arrive after a post was scored change its reaction: a final step recomputes
  risk for exactly those posts (no text work) — a staff post from its stored explanation, a
  mention (whose explanation is NULL: nothing shows one) from ``items``.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.forkserver
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from monitoring import db, rollups
from monitoring.org import OrgConfig
from monitoring.scoring.policy import Evaluation, PolicyConfig, PolicyEngine, Post, TextFacts
from monitoring.scoring.risk import RiskInputs, risk_parts, risk_score

# Items per read/write transaction: bounded memory and lock time. Each batch pays fixed costs
# (connections, a checkpoint, the rollups' refresh): on 1M items 200,000 instead of 50,000
# took the main process from 12.0 to 7.7 CPU s and the run from 26.5 to 22.8 s; the write
# holds the file ~1.7 s instead of ~0.9 s, and the main process peaks at 750 MB, not 480.
BATCH_ITEMS = 200_000
CHUNK_TEXTS = 2_000  # distinct mention texts (or staff posts) per task sent to a worker
# Fewer pending items than this: score in-process. The pool's start (fork server, lexicons,
# workers) costs ~0.8 s; the 1M bench's 1% increment (12,593 items) scored in 2.2 s in-process
# against 2.4 s with two workers, and 37,586 items broke even (3.1-3.3 vs 3.1 s).
INLINE_BELOW = 20_000
# Keys and facts of the mention texts scored in this run, kept to catch reposts of them in
# later batches (~60 bytes each: ~240 MB at most). Reposts recur all year round: at 10 M
# items, 908,000 of 8.8 M batch texts had last been seen more than 3 batches before.
CACHE_TEXTS = 4_000_000
STAFF_CACHE_TEXTS = 50_000  # staff texts' facts kept per process
PRELOAD = "monitoring.scoring.preload"  # imported once by the pool's fork server


@dataclass(frozen=True)
class ScoreResult:
    scored: int
    distinct_texts: int
    hits: int
    flagged: int
    reaction_updates: int
    policy_version: str
    seconds: float


# --- text work (in the workers, or in this process for small runs) --------------------------

_FACTS_SCHEMA = pa.schema(
    [
        ("h1", pa.uint64()),  # the text's key (_TEXT_KEY)
        ("h2", pa.uint64()),
        ("lang_hint", pa.string()),
        ("lang", pa.string()),
        ("compound", pa.float64()),
        ("label", pa.string()),
        ("topics", pa.list_(pa.string())),
    ]
)
_RESULT_SCHEMA = pa.schema(
    [_FACTS_SCHEMA.field(n) for n in ("lang", "compound", "label", "topics")]
)


def mention_facts(
    engine: PolicyEngine, texts: list[str], hints: list[str | None]
) -> pa.RecordBatch:
    """Language, sentiment (compound and label) and topic ids of each mention text, as columns
    aligned with ``texts`` (a mention needs no topic evidence and no rules).

    One pass per stage over the chunk rather than every stage per text: each stage's code and
    tables stay in the CPU caches (38 instead of 50 CPU µs per text on the bench's texts).
    """
    from monitoring.scoring.language import detect_language
    from monitoring.scoring.sentiment import Sentiment, score

    langs = list(map(detect_language, texts, hints))
    compounds = list(map(score, texts, langs))
    labels = [
        Sentiment(lang, compound).label for lang, compound in zip(langs, compounds, strict=True)
    ]
    topics = list(map(engine.topic_ids, texts))
    return pa.RecordBatch.from_arrays(
        [pa.array(langs, pa.string()), pa.array(compounds, pa.float64()),
         pa.array(labels, pa.string()), pa.array(topics, pa.list_(pa.string()))],
        schema=_RESULT_SCHEMA,
    )  # fmt: skip


def staff_text_facts(engine: PolicyEngine, keys: list[tuple[str, str | None]]) -> list[TextFacts]:
    """Language, sentiment, topics with evidence and text-rule hits of staff texts (one pass
    per stage, as in ``mention_facts``)."""
    from monitoring.scoring.language import detect_language
    from monitoring.scoring.sentiment import Sentiment, score

    texts = [text for text, _ in keys]
    langs = list(map(detect_language, texts, [hint for _, hint in keys]))
    sentiments = [
        Sentiment(lang, score(text, lang)) for text, lang in zip(texts, langs, strict=True)
    ]
    return [engine.analyze_text(text, s, True) for text, s in zip(texts, sentiments, strict=True)]


def staff_rows(
    engine: PolicyEngine, cache: dict[tuple[str, str | None], TextFacts], posts: pa.RecordBatch
) -> tuple[pa.Table, pa.Table, int, int]:
    """Scores and hits of staff posts (``_STAFF_POSTS``' columns), the number of flagged posts
    and of texts scored here (a text in ``cache`` is not scored again)."""
    cols = posts.to_pydict()
    keys = list(zip(cols["text"], cols["lang_hint"], strict=True))
    todo = [key for key in dict.fromkeys(keys) if key not in cache]
    cache.update(zip(todo, staff_text_facts(engine, todo), strict=True))
    facts = [cache[key] for key in keys]  # before trimming: this chunk's texts are all there
    while len(cache) > STAFF_CACHE_TEXTS:
        del cache[next(iter(cache))]  # the oldest
    rows = zip(*list(cols.values())[1:-1], strict=True)  # text, lang_hint, kind ... baseline
    posts = [_post(*row) for row in rows]
    results = [engine.finish(post, f) for post, f in zip(posts, facts, strict=True)]
    # Column by column: a comprehension per column is cheaper than appending field by field.
    scores = pa.Table.from_pydict(
        {
            "item_id": cols["item_id"],
            "lang": [r.lang for r in results],
            "compound": [r.compound for r in results],
            "label": [r.label for r in results],
            "topics": [list(r.topics) for r in results],
            "risk": [r.risk for r in results],
            "flagged": [r.flagged for r in results],
            "explain": list(map(_explain, posts, results)),
            "kind": [post.kind for post in posts],
            "iso_week": cols["iso_week"],
        },
        schema=_SCORES_SCHEMA,
    )
    found = [
        (item_id, h.rule, h.category, h.severity, h.weight, "; ".join(h.evidence))
        for item_id, r in zip(cols["item_id"], results, strict=True)
        for h in r.hits
    ]
    hits = pa.Table.from_pydict(
        dict(zip(_HITS_SCHEMA.names, map(list, zip(*found, strict=True)), strict=True))
        if found
        else {name: [] for name in _HITS_SCHEMA.names},
        schema=_HITS_SCHEMA,
    )
    flagged = sum(r.flagged for r in results)
    return scores, hits, flagged, len(todo)


def _post(
    text: str, hint: str | None, kind: str, team: str | None, channel: str | None,
    in_reply_to: str | None, created_at: datetime, reach: int | None, engagement: int | None,
    hours: float | None, negative: int, day_count: int | None, baseline: float | None,
) -> Post:  # fmt: skip
    return Post(
        text=text,
        team=team,
        channel=channel,
        kind=kind,
        in_reply_to=in_reply_to,
        created_at=created_at,
        lang_hint=hint,
        reach=reach,
        engagement=int(engagement or 0),
        hours_observed=float(hours) if hours is not None else None,
        negative_replies=int(negative),
        member_posts_that_day=int(day_count) if day_count is not None else None,
        member_daily_baseline=float(baseline) if baseline is not None else None,
    )


def _explain(post: Post, result: Evaluation) -> str:
    """The risk parts plus the inputs needed to recompute risk when replies arrive."""
    return json.dumps(
        {
            **result.explanation,
            "risk": result.risk,
            "severities": [[h.severity, h.weight] for h in result.hits],
            "reach": post.reach,
            "engagement": post.engagement,
            "hours_observed": post.hours_observed,
            "negative_replies": post.negative_replies,
        }
    )


# A worker process's state: built once by the initializer.
_ENGINE: PolicyEngine | None = None
_STAFF_CACHE: dict[tuple[str, str | None], TextFacts] = {}


def _init_worker(policy: PolicyConfig, org: OrgConfig) -> None:
    """Compile the policy once per process (the analyzers come built from the fork server)."""
    global _ENGINE
    from monitoring.scoring import sentiment

    sentiment.english_analyzer()  # no-ops when the fork server built them
    sentiment.italian_analyzer()
    _ENGINE = PolicyEngine(policy, org)


def _mention_task(schema: pa.Schema, texts: pa.Buffer) -> pa.RecordBatch:
    assert _ENGINE is not None, "worker not initialized"
    return _mention_facts_of(_ENGINE, schema, texts)


def _mention_facts_of(engine: PolicyEngine, schema: pa.Schema, texts: pa.Buffer) -> pa.RecordBatch:
    """``mention_facts`` of a serialized batch of (text, lang_hint) rows."""
    batch = pa.ipc.read_record_batch(texts, schema)
    return mention_facts(engine, batch["text"].to_pylist(), batch["lang_hint"].to_pylist())


def _staff_task(schema: pa.Schema, posts: pa.Buffer) -> tuple[pa.Table, pa.Table, int, int]:
    assert _ENGINE is not None, "worker not initialized"
    return staff_rows(_ENGINE, _STAFF_CACHE, pa.ipc.read_record_batch(posts, schema))


# --- reading -------------------------------------------------------------------------------
# "Pending" is written NOT EXISTS, not LEFT JOIN ... IS NULL: DuckDB 2.0.1 drops the LIMIT of
# "items LEFT JOIN scores ... ORDER BY ... LIMIT n" while scores is empty (checked), which
# turned the first run into one unbounded batch.

_PENDING_COUNT = """
SELECT count(*), coalesce(min(item_id), 1) - 1 FROM items i
WHERE NOT EXISTS (SELECT 1 FROM scores s WHERE s.item_id = i.item_id AND s.policy_version = ?)
"""

# The next batch's pending ids within (after, upto]: how many (at most $limit) and the last.
# Selecting the rows' text with ORDER BY ... LIMIT instead makes DuckDB read the text of every
# item in the range before it keeps the first n.
_BATCH_END = """
SELECT count(*), max(item_id) FROM (
    SELECT i.item_id FROM items i
    WHERE i.kind = $kind AND i.item_id > $after AND i.item_id <= $upto
      AND NOT EXISTS (
          SELECT 1 FROM scores s
          WHERE s.item_id = i.item_id AND s.item_id > $after AND s.item_id <= $upto
            AND s.policy_version = $version
      )
    ORDER BY i.item_id
    LIMIT $limit
)
"""
BATCH_WINDOW = 4  # ids looked at first for a batch, in batch sizes (mentions are ~95% of ids)

# The batch's pending items: those of the kind in (after, last] (exactly the top-n above).
_PENDING = """
SELECT {columns}
FROM items i
WHERE i.kind = $kind AND i.item_id > $after AND i.item_id <= $last
  AND NOT EXISTS (
      SELECT 1 FROM scores s
      WHERE s.item_id = i.item_id AND s.item_id > $after AND s.item_id <= $last
        AND s.policy_version = $version
  )
"""


def _batch_params(conn: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> dict | None:
    """``params`` with the batch's ``last`` item_id; None when nothing is pending.

    The batch is the first ``limit`` pending ids after ``after``, looked for in a window of ids
    that doubles until it holds them or reaches the newest item. The top-n over every later
    item (the whole rest of the table) cost 0.4 CPU s per batch at 10 M items, quadratic over
    a run, and several times that in wall time beside the busy workers.
    """
    after, limit = params["after"], params["limit"]
    newest = db.scalar(conn, "SELECT coalesce(max(item_id), 0) FROM items")
    window = BATCH_WINDOW * limit
    while True:
        upto = min(after + window, newest)
        found, last = conn.execute(_BATCH_END, {**params, "upto": upto}).fetchall()[0]
        if found == limit or upto == newest:
            break
        window *= 2
    if not found:
        return None
    return {**{k: v for k, v in params.items() if k != "limit"}, "last": last}


# A text's key for the run's repost cache: two 64-bit hashes of different byte strings (the text,
# and the text with a byte appended), so two texts share a key with probability ~2^-128.
# Kept instead of the texts, the facts of millions of texts fit in a few hundred MB, and
# joins compare integers, not strings. DuckDB's hash() may change between versions, never
# within a run, and the keys live only as long as the run.
_TEXT_KEY = "hash(i.text) AS h1, hash(i.text || chr(1)) AS h2"

# A mention batch's distinct texts, with the row in the run's cache of those scored earlier
# (``_done``: the cache's keys and row numbers only, so that the join scans three columns of
# millions of rows, not the facts) and a mark on those still being scored for the previous
# batch (``_flight``).
_MENTION_TEXTS = (
    "WITH b AS ("
    + _PENDING.format(columns=f"i.item_id, i.text, i.lang_hint, {_TEXT_KEY}")
    + """), k AS (
    SELECT h1, h2, lang_hint, any_value(text) AS text, count(*) AS n, max(item_id) AS last
    FROM b GROUP BY h1, h2, lang_hint
)
SELECT k.h1, k.h2, k.text, k.lang_hint, k.n, k.last, d.row AS done_row,
       d.row IS NOT NULL AS done, f.h1 IS NOT NULL AS flying  -- a key is never NULL
FROM k
LEFT JOIN _done d
       ON d.h1 = k.h1 AND d.h2 = k.h2 AND d.lang_hint IS NOT DISTINCT FROM k.lang_hint
LEFT JOIN _flight f
       ON f.h1 = k.h1 AND f.h2 = k.h2 AND f.lang_hint IS NOT DISTINCT FROM k.lang_hint
"""
)

# Negative scored replies from the public, per parent item (``{parents}``: a condition on the
# parent id, from this module's constants).
_NEG_REPLIES_CTE = """
neg AS (
    SELECT r.parent_item_id AS item_id, count(*) AS n
    FROM items r JOIN scores s ON s.item_id = r.item_id
    WHERE r.kind = 'mention' AND s.label = 'negative' AND {parents}
    GROUP BY 1
)"""

# Staff posts per member per local day, and the mean of the 28 days before (zero days count).
_MEMBER_DAYS = """
WITH daily AS (
    SELECT member_id, timezone(?, timezone('UTC', created_at))::DATE AS day, count(*) AS n
    FROM items WHERE kind = 'staff' AND member_id IS NOT NULL GROUP BY ALL
)
SELECT member_id, day, n,
       coalesce(sum(n) OVER (PARTITION BY member_id ORDER BY day
                             RANGE BETWEEN INTERVAL 28 DAYS PRECEDING
                                       AND INTERVAL 1 DAY PRECEDING), 0) / 28.0 AS baseline
FROM daily
"""

# A staff batch with everything its rules and risk read (``staff_rows``' columns, in order),
# grouped by text so that a worker scores each text of its chunk once. Negative replies are
# the public's scored replies; the member's day and baseline come from ``_member_days``.
_STAFF_POSTS = (
    "WITH b AS ("
    + _PENDING.format(
        columns="""i.item_id, i.kind, i.text, i.lang_hint, i.team_id, i.channel_id, i.member_id,
       i.in_reply_to, i.created_at, i.reach,
       coalesce(i.likes, 0) + coalesce(i.shares, 0) + coalesce(i.replies, 0) AS engagement,
       greatest(date_diff('second', i.created_at, i.ingested_at), 0) / 3600.0 AS hours,
       timezone($zone, timezone('UTC', i.created_at))::DATE AS local_day,
       strftime(timezone($zone, timezone('UTC', i.created_at)), '%G-W%V') AS iso_week"""
    )
    + "),"
    # The id range is implied by the batch: the scan of ``items`` skips the replies whose
    # parent lies outside it (at 10 M items, 1.1-1.2 -> 1.0 CPU s per 200,000-post read).
    + _NEG_REPLIES_CTE.format(
        parents="r.parent_item_id > $after AND r.parent_item_id <= $last "
        "AND r.parent_item_id IN (SELECT item_id FROM b)"
    )
    + """
SELECT b.item_id, b.text, b.lang_hint, b.kind, b.team_id, b.channel_id, b.in_reply_to,
       b.created_at, b.reach, b.engagement, b.hours, coalesce(neg.n, 0) AS negative_replies,
       v.n AS day_count, v.baseline, b.iso_week
FROM b
LEFT JOIN neg ON neg.item_id = b.item_id
LEFT JOIN _member_days v ON v.member_id = b.member_id AND v.day = b.local_day
ORDER BY b.text, b.lang_hint NULLS FIRST, b.item_id
"""
)


@dataclass
class _Batch:
    """Pending items with ``after < item_id <= last`` of one kind, and their text work."""

    kind: str
    after: int
    last: int
    count: int
    handles: list[tuple[Any, Future]] = field(default_factory=list)
    reused: pa.Table | None = None  # mentions: facts of texts scored earlier in the run
    new: pa.Table | None = None  # mentions: keys of the texts sent to the workers (_KEY_SCHEMA)


def _empty(schema: pa.Schema) -> pa.Table:
    return schema.empty_table()


_KEY_SCHEMA = pa.schema([_FACTS_SCHEMA.field(n) for n in ("h1", "h2", "lang_hint")])


class _Facts:
    """Mention texts scored in this run (bounded), and those in flight for the previous batch:
    a repost is neither sent to a worker again nor scored twice."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self.tables: list[pa.Table] = []  # oldest first, each with _FACTS_SCHEMA
        self.flight = _empty(_KEY_SCHEMA)

    def done(self) -> pa.Table:
        if not self.tables:
            return _empty(_FACTS_SCHEMA)
        return pa.concat_tables(self.tables)

    def add(self, facts: pa.Table) -> None:
        self.tables.append(facts)
        # Keep the two newest tables whatever their size: the next write may read both.
        while len(self.tables) > 2 and sum(t.num_rows for t in self.tables) > self.capacity:
            self.tables.pop(0)


def _read_mentions(
    path: Path, after: int, version: str, limit: int, facts: _Facts
) -> tuple[pa.Table, pa.Table] | None:
    """The batch's distinct texts (``_MENTION_TEXTS``' columns) and the cached facts of those
    scored earlier in the run (``_FACTS_SCHEMA``); None when nothing is pending."""
    params = {"kind": "mention", "after": after, "version": version, "limit": limit}
    cached = facts.done()
    done = cached.select(_KEY_SCHEMA.names).append_column(
        "row", pa.array(np.arange(cached.num_rows, dtype=np.int64))
    )
    flight = facts.flight

    def work(conn: duckdb.DuckDBPyConnection) -> pa.Table | None:
        batch = _batch_params(conn, params)
        if batch is None:
            return None
        conn.register("_done", done)
        conn.register("_flight", flight)
        try:
            return conn.sql(_MENTION_TEXTS, params=batch).to_arrow_table()
        finally:
            conn.unregister("_done")
            conn.unregister("_flight")

    table = db.read(path, work)
    if table is None:
        return None
    return table, cached.take(table.filter(table["done"])["done_row"])


def _read_staff(
    path: Path, zone: str, after: int, version: str, limit: int, member_days: pa.Table
) -> pa.Table | None:
    """The batch's staff posts with their context (``_STAFF_POSTS``); None when none is pending."""
    params = {"kind": "staff", "after": after, "version": version, "limit": limit}

    def work(conn: duckdb.DuckDBPyConnection) -> pa.Table | None:
        batch = _batch_params(conn, params)
        if batch is None:
            return None
        batch["zone"] = zone
        conn.register("_member_days", member_days)
        try:
            return conn.sql(_STAFF_POSTS, params=batch).to_arrow_table()
        finally:
            conn.unregister("_member_days")

    return db.read(path, work)


def _member_days(path: Path, zone: str) -> pa.Table:
    return db.read(path, lambda conn: conn.sql(_MEMBER_DAYS, params=[zone]).to_arrow_table())


# --- the pool ------------------------------------------------------------------------------


class _Pool:
    """Runs text work in worker processes, or in this process (small runs, or after a worker
    died: the run goes on rather than losing the batch)."""

    def __init__(self, policy: PolicyConfig, org: OrgConfig, engine: PolicyEngine, workers: int):
        self.engine = engine
        self.staff_cache: dict[tuple[str, str | None], TextFacts] = {}
        self.executor: ProcessPoolExecutor | None = None
        self._starting: threading.Thread | None = None
        self._forked = False  # a fork server was started for this pool
        if workers > 1:
            # Starting the pool waits for the fork server to import the code and build the
            # analyzers (~1 s): do it in the background while the first batch is read.
            self._starting = threading.Thread(
                target=self._start, args=(policy, org, workers), daemon=True
            )
            self._starting.start()

    def _start(self, policy: PolicyConfig, org: OrgConfig, workers: int) -> None:
        try:
            context = multiprocessing.get_context("forkserver")  # no fork after DuckDB threads
            context.set_forkserver_preload([PRELOAD])
            self._forked = True
            _start_fork_server()
            executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=_init_worker,
                initargs=(policy, org),
            )
            for _ in range(workers):  # one process per submit while none is idle: start all
                executor.submit(int)
            self.executor = executor
        except Exception as exc:  # the run still completes, in this process
            print(f"score: no worker processes ({exc}); scoring in this process", file=sys.stderr)

    def _ready(self) -> ProcessPoolExecutor | None:
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        return self.executor

    def submit(self, task: Callable, inline: Callable, *args: Any) -> Future:
        """``task(*args)`` in a worker, or ``inline(*args)`` here; a future either way."""
        executor = self._ready()
        if executor is not None:
            try:
                return executor.submit(task, *args)
            except BrokenProcessPool:
                self._broken()
        done: Future = Future()
        done.set_result(inline(*args))
        return done

    def result(self, future: Future, inline: Callable, *args: Any) -> Any:
        """The future's result; if the pool died (a worker killed, e.g. by the OOM killer),
        ``inline(*args)`` in this process."""
        try:
            return future.result()
        except BrokenProcessPool:
            self._broken()
            return inline(*args)

    def _broken(self) -> None:
        if self.executor is not None:
            print("score: a worker process died; continuing in the main process", file=sys.stderr)
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = None

    def mention_inline(self, schema: pa.Schema, texts: pa.Buffer) -> pa.RecordBatch:
        return _mention_facts_of(self.engine, schema, texts)

    def staff_inline(self, schema: pa.Schema, posts: pa.Buffer) -> tuple:
        return staff_rows(self.engine, self.staff_cache, pa.ipc.read_record_batch(posts, schema))

    def close(self) -> None:
        executor = self._ready()
        if executor is not None:
            executor.shutdown()
        if self._forked:
            _stop_fork_server()


def _start_fork_server() -> None:
    """Start the fork server with this project importable: it runs ``python -c`` in the current
    directory and ignores ``sys.path``, so ``PYTHONPATH`` carries the project's root."""
    root = str(Path(__file__).resolve().parent.parent)
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (root, old) if p)
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        if old is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = old


def _stop_fork_server() -> None:
    """Stop the fork server (and wait for it): it holds the analyzers' memory, and a process
    that scores once (the dashboard's first run) should not keep it. multiprocessing has no
    public call for this; ``ForkServer._stop`` (Python 3.8+) closes its "alive" pipe."""
    stop = getattr(multiprocessing.forkserver._forkserver, "_stop", None)
    if stop is not None:
        stop()


# --- the run -------------------------------------------------------------------------------


class _Run:
    """One ``score_pending`` run: reads batches, queues their text work, writes them."""

    def __init__(
        self, path: Path, policy: PolicyConfig, org: OrgConfig, pool: _Pool, size: int, start: int
    ):
        self.path, self.policy, self.org, self.pool, self.size = path, policy, org, pool, size
        self.start = start  # every pending item_id is above it
        self.version = pool.engine.version
        self.facts = _Facts(max(CACHE_TEXTS, 3 * size))
        self.previous: pa.Table | None = None  # facts of the batch written last (mentions)
        self.distinct = 0
        self.totals = {"scored": 0, "hits": 0, "flagged": 0}

    def batches(self) -> Iterator[_Batch]:
        """Pending items in batches of at most ``size``, their text work queued: mentions
        first, then staff posts."""
        after = self.start
        while (
            read := _read_mentions(self.path, after, self.version, self.size, self.facts)
        ) is not None:
            batch = self._queue_mentions(after, *read)
            yield batch
            after = batch.last
        after, member_days = self.start, None
        while True:
            if member_days is None:
                member_days = _member_days(self.path, self.org.timezone)
            table = _read_staff(
                self.path, self.org.timezone, after, self.version, self.size, member_days
            )
            if table is None:
                return
            batch = self._queue_staff(after, table)
            yield batch
            after = batch.last

    def _queue_mentions(self, after: int, table: pa.Table, reused: pa.Table) -> _Batch:
        done, flying = table["done"], table["flying"]
        unscored = table.filter(pc.invert(pc.or_(done, flying)))
        texts, new = unscored.select(["text", "lang_hint"]), unscored.select(_KEY_SCHEMA.names)
        batch = _Batch(
            "mention", after, pc.max(table["last"]).as_py(), pc.sum(table["n"]).as_py(),
            reused=reused, new=new,
        )  # fmt: skip
        for start in range(0, texts.num_rows, CHUNK_TEXTS):
            # Arrow IPC, not lists of str: the main process neither builds nor pickles
            # 200,000 Python strings per batch (0.08 -> 0.01 s).
            args = (texts.schema, _serialized(texts.slice(start, CHUNK_TEXTS)))
            batch.handles.append(
                (args, self.pool.submit(_mention_task, self.pool.mention_inline, *args))
            )
        self.facts.flight = new  # the next read must not send these again
        self.distinct += new.num_rows
        return batch

    def _queue_staff(self, after: int, table: pa.Table) -> _Batch:
        batch = _Batch("staff", after, pc.max(table["item_id"]).as_py(), table.num_rows)
        for start in range(0, table.num_rows, CHUNK_TEXTS):
            args = (table.schema, _serialized(table.slice(start, CHUNK_TEXTS)))
            batch.handles.append(
                (args, self.pool.submit(_staff_task, self.pool.staff_inline, *args))
            )
        return batch

    def finish(self, batch: _Batch) -> None:
        """Wait for the batch's text work and write it (one transaction)."""
        if batch.kind == "mention":
            counts = self._write_mentions(batch)
        else:
            counts = self._write_staff(batch)
        for name, value in counts.items():
            self.totals[name] += value

    def _write_mentions(self, batch: _Batch) -> dict[str, int]:
        results = [
            self.pool.result(f, self.pool.mention_inline, *args) for args, f in batch.handles
        ]
        new = batch.new if batch.new is not None else _empty(_KEY_SCHEMA)
        scored = pa.Table.from_batches(results, schema=_RESULT_SCHEMA)
        fresh = pa.Table.from_arrays(new.columns + scored.columns, schema=_FACTS_SCHEMA)
        parts = [fresh, batch.reused]
        if self.previous is not None:
            parts.append(self.previous)  # texts that were in flight when this batch was read
        facts = pa.concat_tables(parts)
        count = _finish_mentions(self.path, batch, facts, self.policy, self.version)
        self.facts.add(fresh)
        self.previous = fresh
        return {"scored": count, "hits": 0, "flagged": 0}

    def _write_staff(self, batch: _Batch) -> dict[str, int]:
        scores, hits, flagged = [], [], 0
        for args, future in batch.handles:
            s, h, f, analyzed = self.pool.result(future, self.pool.staff_inline, *args)
            scores.append(s)
            hits.append(h)
            flagged += f
            self.distinct += analyzed
        score_table = pa.concat_tables(scores)
        hit_table = pa.concat_tables(hits)
        db.write(self.path, lambda conn: _write_batch(conn, score_table, hit_table, self.version))
        return {"scored": score_table.num_rows, "hits": hit_table.num_rows, "flagged": flagged}


def _serialized(rows: pa.Table) -> pa.Buffer:
    """``rows`` as one IPC record batch: only these rows travel (pickling a slice of a table
    would copy all of its buffers)."""
    (batch,) = rows.combine_chunks().to_batches()
    return batch.serialize()


def score_pending(
    db_path: str | Path,
    policy: PolicyConfig,
    org: OrgConfig,
    workers: int = 2,
    batch: int = BATCH_ITEMS,
    progress: bool = False,
) -> ScoreResult:
    """Score every item without a score from the current policy version; return counts.

    :param workers: processes for the text work; 1 scores in this process.
    :param batch: items per read/write transaction.
    :param progress: show a tqdm bar on stderr.
    """
    started = time.perf_counter()
    path = Path(db_path)
    engine = PolicyEngine(policy, org)
    pending, start = db.read(
        path, lambda conn: conn.execute(_PENDING_COUNT, [engine.version]).fetchall()[0]
    )
    pool = _Pool(policy, org, engine, workers if pending >= INLINE_BELOW else 1)
    run = _Run(path, policy, org, pool, batch, start)
    bar = tqdm(total=pending, unit="item", disable=not progress or not pending, desc="score")
    try:
        batches = run.batches()
        current = next(batches, None)
        while current is not None:
            # Queue the next batch's text work before writing this one: workers never wait.
            upcoming = next(batches, None)
            run.finish(current)
            bar.update(current.count)
            current = upcoming
    finally:
        bar.close()
        pool.close()
    reaction_updates = refresh_reactions(path, policy, org, engine.version, batch)
    return ScoreResult(
        scored=run.totals["scored"],
        distinct_texts=run.distinct,
        hits=run.totals["hits"],
        flagged=run.totals["flagged"],
        reaction_updates=reaction_updates,
        policy_version=engine.version,
        seconds=round(time.perf_counter() - started, 2),
    )


def _iso_week(created_at: datetime, org: OrgConfig) -> str:
    local = created_at.replace(tzinfo=UTC).astimezone(org.zone)
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


# --- writing -------------------------------------------------------------------------------

_SCORES_SCHEMA = pa.schema(
    [
        ("item_id", pa.int64()),
        ("lang", pa.string()),
        ("compound", pa.float64()),
        ("label", pa.string()),
        ("topics", pa.list_(pa.string())),
        ("risk", pa.float64()),
        ("flagged", pa.bool_()),
        ("explain", pa.string()),
        ("kind", pa.string()),
        ("iso_week", pa.string()),
    ]
)
_HITS_SCHEMA = pa.schema(
    [
        ("item_id", pa.int64()),
        ("rule_id", pa.string()),
        ("category", pa.string()),
        ("severity", pa.string()),
        ("weight", pa.float64()),
        ("evidence", pa.string()),
    ]
)


def _write_batch(conn: duckdb.DuckDBPyConnection, scores: pa.Table, hits: pa.Table, version: str):
    """Replace the batch's scores and hits; upsert flags (never touching reviews)."""
    conn.register("_new_scores", scores)
    conn.register("_new_hits", hits)
    try:
        conn.execute("DELETE FROM scores WHERE item_id IN (SELECT item_id FROM _new_scores)")
        conn.execute(
            """
            INSERT INTO scores
            SELECT item_id, ?, lang, compound, label, topics, risk, flagged, explain::JSON,
                   now()::TIMESTAMP
            FROM _new_scores
            """,
            [version],
        )
        conn.execute("DELETE FROM hits WHERE item_id IN (SELECT item_id FROM _new_scores)")
        conn.execute(
            "INSERT INTO hits SELECT item_id, ?, rule_id, category, severity, weight, evidence "
            "FROM _new_hits",
            [version],
        )
        _upsert_flags(conn, "_new_scores", version)
        rollups.refresh(conn)  # the dashboard's hourly rollups take in the new labels
    finally:
        conn.unregister("_new_scores")
        conn.unregister("_new_hits")


def _upsert_flags(conn: duckdb.DuckDBPyConnection, source: str, version: str) -> None:
    # ``source`` is one of this module's registered view names, never user input.
    conn.execute(
        f"""
        INSERT INTO flags
        SELECT n.item_id, i.platform, i.native_id, n.iso_week, n.risk, ?, true, now()::TIMESTAMP
        FROM {source} n JOIN items i ON i.item_id = n.item_id
        WHERE n.flagged
        ON CONFLICT (item_id) DO UPDATE SET
            risk = excluded.risk, active = true, policy_version = excluded.policy_version
        """,
        [version],
    )
    conn.execute(
        f"""
        UPDATE flags SET risk = n.risk, active = false, policy_version = ?
        FROM {source} n
        WHERE flags.item_id = n.item_id AND NOT n.flagged
        """,
        [version],
    )


# The batch's pending mentions, fixed inside the write transaction (ids only grow, so the
# range (after, last] holds the same pending items that were read).
_MENTION_BATCH = (
    """
CREATE OR REPLACE TEMP TABLE _mention_batch AS
SELECT i.item_id, """
    + _TEXT_KEY
    + """, i.lang_hint, i.reach,
       coalesce(i.likes, 0) + coalesce(i.shares, 0) + coalesce(i.replies, 0) AS engagement,
       greatest(date_diff('second', i.created_at, i.ingested_at), 0) / 3600.0 AS hours
FROM items i
WHERE i.kind = 'mention' AND i.item_id > $after AND i.item_id <= $last
  AND NOT EXISTS (
      SELECT 1 FROM scores s
      WHERE s.item_id = i.item_id AND s.item_id > $after AND s.item_id <= $last
        AND s.policy_version = $version
  )
"""
)

# monitoring.scoring.risk's mention formula, in SQL (kept equal by a test): sentiment,
# audience and reaction factors, points rounded to 2 decimals, risk to 1. Reads a CTE ``m``
# with item_id, compound, reach, engagement, hours and negative_replies.
_MENTION_RISK_CTE = """
f AS (
    SELECT m.*,
           greatest(0.0, -coalesce(m.compound, 0.0)) AS sf,
           CASE WHEN coalesce(m.reach, 0) <= 0 THEN 0.0
                ELSE least(1.0, log10(1 + m.reach) / log10(1 + $reach_full)) END AS af,
           0.6 * CASE WHEN m.negative_replies <= 0 THEN 0.0
                      ELSE least(1.0, log10(1 + m.negative_replies) / log10(1 + $neg_full)) END
         + 0.4 * CASE WHEN m.engagement <= 0 THEN 0.0
                      ELSE least(1.0, log10(1 + m.engagement / greatest(1.0, coalesce(m.hours, 1.0)))
                                      / log10(1 + $velocity_full)) END AS rf
    FROM m
), p AS (
    SELECT *, round(least(100.0, greatest(0.0, round($w_s * sf, 2) + round($w_a * af, 2)
                                                 + round($w_r * rf, 2))), 1) AS risk
    FROM f
)"""

# A mention's explanation is stored as NULL: only flagged staff posts show one (Weekly review),
# and every input of a mention's risk is in ``items`` (the reaction refresh recomputes it here).
_INSERT_MENTION_SCORES = (
    "INSERT INTO scores\nWITH "
    # The id range is implied by the batch; it lets the scan of ``items`` drop every other
    # reply before the join with ``scores``.
    + _NEG_REPLIES_CTE.format(
        parents="r.parent_item_id > $after AND r.parent_item_id <= $last "
        "AND r.parent_item_id IN (SELECT item_id FROM _mention_batch)"
    )
    + """, m AS (
    SELECT b.item_id, x.lang, x.compound, x.label, x.topics, b.reach, b.engagement, b.hours,
           coalesce(neg.n, 0) AS negative_replies
    FROM _mention_batch b
    JOIN _facts x
      ON x.h1 = b.h1 AND x.h2 = b.h2 AND x.lang_hint IS NOT DISTINCT FROM b.lang_hint
    LEFT JOIN neg ON neg.item_id = b.item_id
), """
    + _MENTION_RISK_CTE
    + """
SELECT item_id, $version, lang, compound, label, topics, risk, false, NULL, now()::TIMESTAMP
FROM p
"""
)


def _risk_params(policy: PolicyConfig, version: str) -> dict[str, Any]:
    """The named parameters of ``_MENTION_RISK_CTE`` (and the policy version)."""
    risk = policy.risk
    return {
        "version": version,
        "reach_full": risk.reach_full,
        "neg_full": risk.negative_replies_full,
        "velocity_full": risk.velocity_full,
        "w_s": risk.mention.sentiment,
        "w_a": risk.mention.audience,
        "w_r": risk.mention.reaction,
    }


def _finish_mentions(
    path: Path, batch: _Batch, facts: pa.Table, policy: PolicyConfig, version: str
) -> int:
    """Mentions have no rules: join their texts' facts and compute risk inside DuckDB; one
    write transaction. Returns the number of mentions scored."""
    params = {**_risk_params(policy, version), "after": batch.after, "last": batch.last}

    def work(conn: duckdb.DuckDBPyConnection) -> int:
        conn.register("_facts", facts)
        try:
            conn.execute(
                _MENTION_BATCH, {"after": batch.after, "last": batch.last, "version": version}
            )
            conn.execute(
                "DELETE FROM scores WHERE item_id > ? AND item_id <= ? "
                "AND item_id IN (SELECT item_id FROM _mention_batch)",
                [batch.after, batch.last],
            )
            conn.execute(_INSERT_MENTION_SCORES, params)
            rollups.refresh(conn)  # the dashboard's hourly rollups take in the new labels
            return db.scalar(conn, "SELECT count(*) FROM _mention_batch")
        finally:
            conn.unregister("_facts")
            conn.execute("DROP TABLE IF EXISTS _mention_batch")

    return db.write(path, work)


# --- reaction refresh ----------------------------------------------------------------------

# meta key: the newest scored_at whose replies' parents a finished refresh has checked. Only a
# reply scored after it can change a parent's count of negative replies (a new reply, or a
# rescored one), so a run checks the parents of those alone, not every reply in the database.
# A purge deletes the key (a deleted reply changes its parent's count too): the next run then
# checks them all, as does the first. The key is ``db.REACTIONS_MARK``.

# The parents of replies scored after ``$since`` (all of them when it is NULL), and their
# negative replies (``neg``): what both stale queries start from.
_TOUCHED_NEG = """WITH touched AS (
    SELECT DISTINCT r.parent_item_id AS item_id
    FROM scores s JOIN items r ON r.item_id = s.item_id
    WHERE ($since IS NULL OR s.scored_at > $since)
      AND r.kind = 'mention' AND r.parent_item_id IS NOT NULL
), """ + _NEG_REPLIES_CTE.format(parents="r.parent_item_id IN (SELECT item_id FROM touched)")

_STALE_REACTIONS = (
    _TOUCHED_NEG
    + """
SELECT s.item_id, i.kind, i.created_at, s.compound, s.explain::VARCHAR, neg.n
FROM scores s
JOIN neg ON neg.item_id = s.item_id
JOIN items i ON i.item_id = s.item_id
WHERE s.policy_version = $version AND i.kind = 'staff'
  AND coalesce(TRY_CAST(json_extract(s.explain, '$.negative_replies') AS BIGINT), -1) <> neg.n
"""
)


# Mentions whose risk no longer matches their scored negative replies (the SQL formula of the
# first scoring, so a mention without new replies is not read), with the inputs of their risk
# as the stored explanation used to hold them (hours rounded to 2 decimals).
_STALE_MENTIONS = (
    _TOUCHED_NEG
    + """, m AS (
    SELECT s.item_id, s.compound, s.risk AS stored, i.reach,
           coalesce(i.likes, 0) + coalesce(i.shares, 0) + coalesce(i.replies, 0) AS engagement,
           greatest(date_diff('second', i.created_at, i.ingested_at), 0) / 3600.0 AS hours,
           neg.n AS negative_replies
    FROM neg
    JOIN scores s ON s.item_id = neg.item_id
    JOIN items i ON i.item_id = neg.item_id
    WHERE s.policy_version = $version AND i.kind = 'mention'
), """
    + _MENTION_RISK_CTE
    + """
SELECT item_id, compound, reach, engagement, round(hours, 2), negative_replies, stored
FROM p WHERE risk IS DISTINCT FROM stored
"""
)


def refresh_reactions(
    path: Path, policy: PolicyConfig, org: OrgConfig, version: str, batch: int = BATCH_ITEMS
) -> int:
    """Recompute risk for posts whose count of negative public replies changed since scoring
    (no text work). Staff posts: from the stored explanation; mentions (no explanation): from
    ``items``. Only the parents of replies scored since the last refresh are checked
    (``db.REACTIONS_MARK``). Written in batches; returns the number of posts whose score was
    updated."""
    params = _risk_params(policy, version)

    def stale(conn: duckdb.DuckDBPyConnection) -> tuple[list, list, datetime | None]:
        # One snapshot for the mark and both reads. Writers hold the file one at a time
        # (docs/decisions/0001), so no score older than the mark can be committed after it.
        since = db.get_meta(conn, db.REACTIONS_MARK)
        window = {"since": datetime.fromisoformat(since) if since else None}
        staff = conn.execute(_STALE_REACTIONS, {"version": version, **window}).fetchall()
        mentions = conn.execute(_STALE_MENTIONS, {**params, **window}).fetchall()
        return staff, mentions, db.scalar(conn, "SELECT max(scored_at) FROM scores")

    rows, stale_mentions, upto = db.read(path, stale)
    for start in range(0, len(rows), batch):
        table = _reaction_updates(rows[start : start + batch], policy, org)
        db.write(path, lambda conn, table=table: _write_reactions(conn, table, version))
    changed = _mention_reactions(stale_mentions, policy)
    for start in range(0, len(changed), batch):
        table = pa.Table.from_pylist(changed[start : start + batch], schema=_REACTION_SCHEMA)
        db.write(path, lambda conn, table=table: _write_mention_reactions(conn, table))
    if upto is not None:  # after the updates: a run cut short checks the same replies again
        db.write(path, lambda conn: db.set_meta(conn, db.REACTIONS_MARK, upto.isoformat()))
    return len(rows) + len(changed)


_REACTION_SCHEMA = pa.schema([("item_id", pa.int64()), ("risk", pa.float64())])


def _mention_reactions(rows: list[tuple], policy: PolicyConfig) -> list[dict[str, Any]]:
    """New risks of stale mentions, with the Python formula (as before mentions lost their
    explanation: the SQL formula rounds ties away from zero, Python to even)."""
    changed = []
    for item_id, compound, reach, engagement, hours, n, stored in rows:
        inputs = RiskInputs(
            kind="mention",
            compound=compound,
            reach=reach,
            negative_replies=int(n),
            engagement=int(engagement),
            hours_observed=hours,
        )
        risk = risk_score(risk_parts(inputs, policy.risk))
        if risk != stored:
            changed.append({"item_id": item_id, "risk": risk})
    return changed


def _write_mention_reactions(conn: duckdb.DuckDBPyConnection, table: pa.Table) -> None:
    conn.register("_mention_reaction", table)
    try:
        conn.execute(
            "UPDATE scores SET risk = r.risk FROM _mention_reaction r "
            "WHERE scores.item_id = r.item_id"
        )
    finally:
        conn.unregister("_mention_reaction")


def _reaction_updates(rows: list[tuple], policy: PolicyConfig, org: OrgConfig) -> pa.Table:
    settings = policy.risk
    updates: dict[str, list] = {name: [] for name in _SCORES_SCHEMA.names}
    for item_id, kind, created_at, compound, explain_text, n in rows:
        old = json.loads(explain_text)
        inputs = RiskInputs(
            kind=kind,
            severities=tuple((sev, float(w)) for sev, w in old.get("severities", [])),
            compound=compound,
            reach=old.get("reach"),
            negative_replies=int(n),
            engagement=int(old.get("engagement") or 0),
            hours_observed=old.get("hours_observed"),
        )
        parts = risk_parts(inputs, settings)
        risk = risk_score(parts)
        high = any(sev == "high" for sev, _ in inputs.severities)
        flagged = kind == "staff" and (risk >= settings.threshold or high)
        explain = {**old, **parts, "risk": risk, "negative_replies": int(n)}
        values = (
            item_id, None, None, None, None, risk, flagged, json.dumps(explain), kind,
            _iso_week(created_at, org) if kind == "staff" else None,
        )  # fmt: skip
        for name, value in zip(_SCORES_SCHEMA.names, values, strict=True):
            updates[name].append(value)
    return pa.Table.from_pydict(updates, schema=_SCORES_SCHEMA)


def _write_reactions(conn: duckdb.DuckDBPyConnection, table: pa.Table, version: str) -> None:
    conn.register("_reaction", table)
    try:
        conn.execute(
            """
            UPDATE scores SET risk = r.risk, flagged = r.flagged, explain = r.explain::JSON
            FROM _reaction r WHERE scores.item_id = r.item_id
            """
        )
        _upsert_flags(conn, "_reaction", version)
    finally:
        conn.unregister("_reaction")
