"""Incremental scoring: language, sentiment, topics, policy hits, risk and flags for the items
that have no score yet or were scored by an older policy version.

Process model (docs/decisions/0004-policy-engine-and-risk.md):

- Items are read in bounded batches (keyset on item_id, mentions first so that the public's
  replies are scored before the staff posts they answer) on short read-only connections, and
  each batch is written in one short ``db.write`` transaction: the file is free between
  batches, so the dashboard keeps working during a long run.
- Text work (language, sentiment, topics, text rules) runs once per distinct text — reposts
  repeat texts — in a pool of worker processes (spawn; the initializer builds the analyzers
  and the compiled policy once per process). While the workers score batch k+1, the main
  process finishes and writes batch k.
- Context (team competences, channel, volume against the member's baseline, audience and
  the public's reaction) is added per item in the main process; it is cheap.
- Flags are keyed by item_id and survive rescoring: a new policy version updates risk,
  ``active`` and the version, never ``flagged_at`` and never the ``reviews`` log.
- Replies that arrive after a post was scored change its reaction: a final step recomputes
  risk for exactly those posts (no text work) — a staff post from its stored explanation, a
  mention (whose explanation is NULL: nothing shows one) from ``items``.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from tqdm import tqdm

from monitoring import db, rollups
from monitoring.org import OrgConfig
from monitoring.scoring.policy import Evaluation, PolicyConfig, PolicyEngine, Post, TextFacts
from monitoring.scoring.risk import RiskInputs, risk_parts, risk_score

BATCH_ITEMS = 50_000  # items per read/write transaction: bounded memory and lock time
CHUNK_TEXTS = 1_000  # distinct texts per task sent to a worker
INLINE_BELOW = 2_000  # fewer pending items than this: score in-process (no pool start-up)
CACHE_TEXTS = 200_000  # recently scored texts kept to catch reposts across batches

TextKey = tuple[str, str | None, bool]  # (text, language hint, with rules)


@dataclass(frozen=True)
class ScoreResult:
    scored: int
    distinct_texts: int
    hits: int
    flagged: int
    reaction_updates: int
    policy_version: str
    seconds: float


# --- worker side ---------------------------------------------------------------------------

_ENGINE: PolicyEngine | None = None


def _init_worker(policy: PolicyConfig, org: OrgConfig) -> None:
    """Build the analyzers and compile the policy once per process."""
    global _ENGINE
    from monitoring.scoring import language, sentiment

    sentiment.english_analyzer()
    sentiment.italian_analyzer()
    language.detector()
    _ENGINE = PolicyEngine(policy, org)


def _analyze_chunk(chunk: list[TextKey]) -> list[tuple]:
    """The worker's task: ``analyze_texts`` with the process's compiled policy."""
    assert _ENGINE is not None, "worker not initialized"
    return analyze_texts(_ENGINE, chunk)


def analyze_texts(engine: PolicyEngine, chunk: list[TextKey]) -> list[tuple]:
    """Language, sentiment, topics and text-rule evidence for each (text, hint, with_rules).

    Staff keys (with rules) get the plain tuple of ``TextFacts``' fields (a dataclass costs
    more to pickle and to build than the tuple of its fields). Mention keys get the compact
    ``(lang, compound, label, topic ids)``: a mention's row needs no topic evidence and no
    hits, and the smaller tuple is cheaper to pickle back and to turn into columns.
    """
    from monitoring.scoring.language import detect_language
    from monitoring.scoring.sentiment import Sentiment, score

    out = []
    for text, hint, with_rules in chunk:
        lang = detect_language(text, hint)
        facts = engine.analyze_text(text, Sentiment(lang, score(text, lang)), with_rules)
        if with_rules:
            out.append((facts.lang, facts.compound, facts.label, facts.topics, facts.text_hits))
        else:
            topics = tuple(topic for topic, _ in facts.topics)
            out.append((facts.lang, facts.compound, facts.label, topics))
    return out


# --- reading -------------------------------------------------------------------------------
# "Pending" is written NOT EXISTS, not LEFT JOIN ... IS NULL: DuckDB 2.0.1 drops the LIMIT of
# "items LEFT JOIN scores ... ORDER BY ... LIMIT n" while scores is empty (checked), which
# turned the first run into one unbounded batch.

_PENDING_COUNT = """
SELECT count(*) FROM items i
WHERE NOT EXISTS (SELECT 1 FROM scores s WHERE s.item_id = i.item_id AND s.policy_version = ?)
"""

_PENDING_BATCH = """
SELECT i.item_id, i.kind, i.text, i.lang_hint, i.team_id, i.channel_id, i.member_id,
       i.in_reply_to, i.created_at, i.reach,
       coalesce(i.likes, 0) + coalesce(i.shares, 0) + coalesce(i.replies, 0) AS engagement,
       greatest(date_diff('second', i.created_at, i.ingested_at), 0) / 3600.0 AS hours,
       timezone($zone, timezone('UTC', i.created_at))::DATE AS local_day,
       strftime(timezone($zone, timezone('UTC', i.created_at)), '%G-W%V') AS iso_week
FROM items i
WHERE i.kind = $kind AND i.item_id > $after
  AND NOT EXISTS (
      SELECT 1 FROM scores s
      WHERE s.item_id = i.item_id AND s.item_id > $after AND s.policy_version = $version
  )
ORDER BY i.item_id
LIMIT $limit
"""

# Negative replies from the public to each item of the batch (scored replies only).
_NEGATIVE_REPLIES = """
SELECT r.parent_item_id, count(*)
FROM items r JOIN scores s ON s.item_id = r.item_id
WHERE r.kind = 'mention' AND s.label = 'negative'
  AND r.parent_item_id IN (SELECT unnest(?::BIGINT[]))
GROUP BY 1
"""

# Staff posts per member per local day, and the mean of the 28 days before (zero days count).
_MEMBER_DAYS = """
WITH daily AS (
    SELECT member_id, timezone(?, timezone('UTC', created_at))::DATE AS day, count(*) AS n
    FROM items WHERE kind = 'staff' AND member_id IS NOT NULL GROUP BY ALL
)
SELECT member_id, day, n,
       coalesce(sum(n) OVER (PARTITION BY member_id ORDER BY day
                             RANGE BETWEEN INTERVAL 28 DAYS PRECEDING
                                       AND INTERVAL 1 DAY PRECEDING), 0) / 28.0
FROM daily
"""


@dataclass
class _Batch:
    """Pending items with ``after < item_id <= last`` of one kind, and their distinct texts."""

    kind: str
    after: int
    last: int
    count: int
    keys: list[TextKey]
    items: list[dict[str, Any]] | None = None  # staff only: mentions never leave DuckDB
    negative: dict[int, int] | None = None


# Mentions: only their distinct texts come to Python; risk is computed in SQL on write.
_PENDING_MENTION_TEXTS = """
WITH b AS (
    SELECT i.item_id, i.text, i.lang_hint
    FROM items i
    WHERE i.kind = 'mention' AND i.item_id > $after
      AND NOT EXISTS (
          SELECT 1 FROM scores s
          WHERE s.item_id = i.item_id AND s.item_id > $after AND s.policy_version = $version
      )
    ORDER BY i.item_id
    LIMIT $limit
)
SELECT text, lang_hint, count(*), max(item_id) FROM b GROUP BY ALL
"""


def _read_mentions(path: Path, after: int, version: str, limit: int) -> _Batch | None:
    rows = db.read(
        path,
        lambda conn: conn.execute(
            _PENDING_MENTION_TEXTS, {"after": after, "version": version, "limit": limit}
        ).fetchall(),
    )
    if not rows:
        return None
    keys = [(text, hint, False) for text, hint, _, _ in rows]
    count = sum(n for _, _, n, _ in rows)
    return _Batch("mention", after, max(last for *_, last in rows), count, keys)


def _read_staff(path: Path, zone: str, after: int, version: str, limit: int) -> _Batch | None:
    def work(conn: duckdb.DuckDBPyConnection):
        params = {"zone": zone, "kind": "staff", "after": after, "version": version, "limit": limit}
        rows = conn.execute(_PENDING_BATCH, params).fetchall()
        names = [d[0] for d in conn.description]
        items = [dict(zip(names, row, strict=True)) for row in rows]
        negative = {}
        if items:
            ids = [it["item_id"] for it in items]
            negative = dict(conn.execute(_NEGATIVE_REPLIES, [ids]).fetchall())
        return items, negative

    items, negative = db.read(path, work)
    if not items:
        return None
    keys = list(dict.fromkeys(_key(i) for i in items))
    last = items[-1]["item_id"]
    return _Batch("staff", after, last, len(items), keys, items, negative)


def _batches(path: Path, zone: str, version: str, size: int) -> Iterator[_Batch]:
    """Pending items in batches of at most ``size``: mentions first, then staff posts."""
    after = 0
    while (batch := _read_mentions(path, after, version, size)) is not None:
        yield batch
        after = batch.last
    after = 0
    while (batch := _read_staff(path, zone, after, version, size)) is not None:
        yield batch
        after = batch.last


# --- text work -----------------------------------------------------------------------------


class _TextScorer:
    """Scores distinct texts once, in a process pool or in-process, with a bounded cache."""

    def __init__(
        self, policy: PolicyConfig, org: OrgConfig, workers: int, engine: PolicyEngine, batch: int
    ):
        self.engine = engine
        # Room for two batches in flight plus reposts of older texts.
        self.capacity = max(CACHE_TEXTS, 3 * batch)
        self.cache: OrderedDict[TextKey, tuple] = OrderedDict()  # analyze_texts' tuples
        self.inflight: set[TextKey] = set()
        self.pool: ProcessPoolExecutor | None = None
        self.distinct = 0
        if workers > 1:
            self.pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),  # no fork after DuckDB threads
                initializer=_init_worker,
                initargs=(policy, org),
            )
            # The pool spawns a process per submit while none is idle: start them all now, so
            # their ~2 s of start-up (lingua's models, the lexicons) overlaps the first read.
            for _ in range(workers):
                self.pool.submit(int)

    def submit(self, keys: list[TextKey]) -> list[tuple[list[TextKey], Future | list]]:
        """Start scoring the uncached keys; returns handles for ``collect``."""
        todo = []
        for key in dict.fromkeys(keys):
            if key in self.cache:
                self.cache.move_to_end(key)  # recent: not evicted before this batch is written
            elif key not in self.inflight:
                todo.append(key)
        self.inflight.update(todo)  # a repost in the next batch waits for this result
        self.distinct += len(todo)
        handles = []
        for start in range(0, len(todo), CHUNK_TEXTS):
            chunk = todo[start : start + CHUNK_TEXTS]
            if self.pool is not None:
                handles.append((chunk, self.pool.submit(_analyze_chunk, chunk)))
            else:
                handles.append((chunk, self._inline(chunk)))
        return handles

    def collect(self, handles: list[tuple[list[TextKey], Future | list]]) -> None:
        for chunk, handle in handles:
            results = self._result(chunk, handle) if isinstance(handle, Future) else handle
            self.cache.update(zip(chunk, results, strict=True))
            self.inflight.difference_update(chunk)
        while len(self.cache) > self.capacity:
            self.cache.popitem(last=False)

    def get(self, key: TextKey) -> TextFacts:
        """The facts of a staff key (with rules)."""
        fields = self.cache[key]
        self.cache.move_to_end(key)
        return TextFacts(*fields)

    def fields(self, key: TextKey) -> tuple:
        """A mention key's ``(lang, compound, label, topic ids)``, written column-wise (``submit``
        moved its key to the recent end, so no move here)."""
        return self.cache[key]

    def _inline(self, chunk: list[TextKey]) -> list[tuple]:
        return analyze_texts(self.engine, chunk)

    def _result(self, chunk: list[TextKey], future: Future) -> list[tuple]:
        """A worker's result; if the pool died (a worker killed, e.g. by the OOM killer), the
        run goes on in this process rather than losing the batch."""
        try:
            return future.result()
        except BrokenProcessPool:
            if self.pool is not None:
                print(
                    "score: a worker process died; continuing in the main process",
                    file=sys.stderr,
                )
                self.pool.shutdown(wait=False, cancel_futures=True)
                self.pool = None
            return self._inline(chunk)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def _key(item: dict[str, Any]) -> TextKey:
    return (item["text"], item["lang_hint"], item["kind"] == "staff")


# --- per item ------------------------------------------------------------------------------


def _post(item: dict[str, Any], negative: dict[int, int], volume: dict) -> Post:
    day_count, baseline = volume.get((item["member_id"], item["local_day"]), (None, None))
    return Post(
        text=item["text"],
        team=item["team_id"],
        channel=item["channel_id"],
        kind=item["kind"],
        in_reply_to=item["in_reply_to"],
        created_at=item["created_at"],
        lang_hint=item["lang_hint"],
        reach=item["reach"],
        engagement=int(item["engagement"] or 0),
        hours_observed=float(item["hours"]) if item["hours"] is not None else None,
        negative_replies=negative.get(item["item_id"], 0),
        member_posts_that_day=day_count,
        member_daily_baseline=baseline,
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


# --- the run -------------------------------------------------------------------------------


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
    version = engine.version
    pending = db.read(path, lambda conn: db.scalar(conn, _PENDING_COUNT, [version]))
    totals = {"scored": 0, "hits": 0, "flagged": 0}
    scorer = _TextScorer(policy, org, workers if pending >= INLINE_BELOW else 1, engine, batch)
    bar = tqdm(total=pending, unit="item", disable=not progress or not pending, desc="score")
    try:
        volume: dict | None = None
        batches = _batches(path, org.timezone, version, batch)
        current = next(batches, None)
        handles = scorer.submit(current.keys) if current else []
        while current is not None:
            # Queue the next batch's texts before finishing this one: workers never wait.
            upcoming = next(batches, None)
            next_handles = scorer.submit(upcoming.keys) if upcoming else []
            scorer.collect(handles)
            if current.kind == "mention":
                counts = _finish_mentions(path, current, scorer, policy, version)
            else:
                if volume is None:
                    volume = _member_days(path, org.timezone)
                counts = _finish_staff(path, current, volume, scorer, engine)
            for name, value in counts.items():
                totals[name] += value
            bar.update(current.count)
            current, handles = upcoming, next_handles
    finally:
        bar.close()
        scorer.close()
    reaction_updates = refresh_reactions(path, policy, org, version, batch)
    return ScoreResult(
        scored=totals["scored"],
        distinct_texts=scorer.distinct,
        hits=totals["hits"],
        flagged=totals["flagged"],
        reaction_updates=reaction_updates,
        policy_version=version,
        seconds=round(time.perf_counter() - started, 2),
    )


def _member_days(path: Path, zone: str) -> dict[tuple[str, Any], tuple[int, float]]:
    rows = db.read(path, lambda conn: conn.execute(_MEMBER_DAYS, [zone]).fetchall())
    return {(member, day): (int(n), float(base)) for member, day, n, base in rows}


def _finish_staff(
    path: Path,
    batch: _Batch,
    volume: dict,
    scorer: _TextScorer,
    engine: PolicyEngine,
) -> dict[str, int]:
    """Context rules and risk per staff post in Python (the ISO week comes from the read's SQL);
    one write transaction."""
    items, negative = batch.items or [], batch.negative or {}
    score_rows: dict[str, list] = {name: [] for name in _SCORES_SCHEMA.names}
    hit_rows: dict[str, list] = {name: [] for name in _HITS_SCHEMA.names}
    flagged = 0
    for item in items:
        post = _post(item, negative, volume)
        result = engine.finish(post, scorer.get(_key(item)))
        flagged += result.flagged
        staff = item["kind"] == "staff"
        values = (
            item["item_id"], result.lang, result.compound, result.label, list(result.topics),
            result.risk, result.flagged, _explain(post, result), item["kind"],
            item["iso_week"] if staff else None,
        )  # fmt: skip
        for name, value in zip(_SCORES_SCHEMA.names, values, strict=True):
            score_rows[name].append(value)
        for h in result.hits:
            for name, value in zip(
                _HITS_SCHEMA.names,
                (item["item_id"], h.rule, h.category, h.severity, h.weight, "; ".join(h.evidence)),
                strict=True,
            ):
                hit_rows[name].append(value)
    scores = pa.Table.from_pydict(score_rows, schema=_SCORES_SCHEMA)
    hits = pa.Table.from_pydict(hit_rows, schema=_HITS_SCHEMA)
    db.write(path, lambda conn: _write_batch(conn, scores, hits, engine.version))
    return {"scored": len(items), "hits": hits.num_rows, "flagged": flagged}


_FACTS_SCHEMA = pa.schema(
    [
        ("text", pa.string()),
        ("lang_hint", pa.string()),
        ("lang", pa.string()),
        ("compound", pa.float64()),
        ("label", pa.string()),
        ("topics", pa.list_(pa.string())),
    ]
)

# The batch's pending mentions, fixed inside the write transaction (ids only grow, so the
# range (after, last] holds the same pending items that were read).
_MENTION_BATCH = """
CREATE OR REPLACE TEMP TABLE _mention_batch AS
SELECT i.item_id, i.text, i.lang_hint, i.reach,
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

# Negative scored replies from the public, per parent item (``{parents}``: a condition on the
# parent id, from this module's constants).
_NEG_REPLIES_CTE = """
neg AS (
    SELECT r.parent_item_id AS item_id, count(*) AS n
    FROM items r JOIN scores s ON s.item_id = r.item_id
    WHERE r.kind = 'mention' AND s.label = 'negative' AND {parents}
    GROUP BY 1
)"""

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
    JOIN _facts x ON x.text = b.text AND x.lang_hint IS NOT DISTINCT FROM b.lang_hint
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
    path: Path, batch: _Batch, scorer: _TextScorer, policy: PolicyConfig, version: str
) -> dict[str, int]:
    """Mentions have no rules: join their texts' facts and compute risk inside DuckDB."""
    texts, hints, _ = zip(*batch.keys, strict=True)
    langs, compounds, labels, topics = zip(*map(scorer.fields, batch.keys), strict=True)
    table = pa.Table.from_pydict(
        {
            "text": texts,
            "lang_hint": hints,
            "lang": langs,
            "compound": compounds,
            "label": labels,
            "topics": topics,
        },
        schema=_FACTS_SCHEMA,
    )
    params = {**_risk_params(policy, version), "after": batch.after, "last": batch.last}

    def work(conn: duckdb.DuckDBPyConnection) -> int:
        conn.register("_facts", table)
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

    scored = db.write(path, work)
    return {"scored": scored, "hits": 0, "flagged": 0}


# --- reaction refresh ----------------------------------------------------------------------

_STALE_REACTIONS = """
WITH neg AS (
    SELECT r.parent_item_id AS item_id, count(*) AS n
    FROM items r JOIN scores s ON s.item_id = r.item_id
    WHERE r.kind = 'mention' AND s.label = 'negative' AND r.parent_item_id IS NOT NULL
    GROUP BY 1
)
SELECT s.item_id, i.kind, i.created_at, s.compound, s.explain::VARCHAR, neg.n
FROM scores s
JOIN neg ON neg.item_id = s.item_id
JOIN items i ON i.item_id = s.item_id
WHERE s.policy_version = ? AND i.kind = 'staff'
  AND coalesce(TRY_CAST(json_extract(s.explain, '$.negative_replies') AS BIGINT), -1) <> neg.n
"""


# Mentions whose risk no longer matches their scored negative replies (the SQL formula of the
# first scoring, so a mention without new replies is not read), with the inputs of their risk
# as the stored explanation used to hold them (hours rounded to 2 decimals).
_STALE_MENTIONS = (
    "WITH "
    + _NEG_REPLIES_CTE.format(
        parents="r.parent_item_id IN (SELECT item_id FROM items WHERE kind = 'mention')"
    )
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
    ``items``. Written in batches; returns the number of posts whose score was updated."""
    rows = db.read(path, lambda conn: conn.execute(_STALE_REACTIONS, [version]).fetchall())
    for start in range(0, len(rows), batch):
        table = _reaction_updates(rows[start : start + batch], policy, org)
        db.write(path, lambda conn, table=table: _write_reactions(conn, table, version))
    params = _risk_params(policy, version)
    stale = db.read(path, lambda conn: conn.execute(_STALE_MENTIONS, params).fetchall())
    changed = _mention_reactions(stale, policy)
    for start in range(0, len(changed), batch):
        table = pa.Table.from_pylist(changed[start : start + batch], schema=_REACTION_SCHEMA)
        db.write(path, lambda conn, table=table: _write_mention_reactions(conn, table))
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
