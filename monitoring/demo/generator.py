"""A year of demo data for the demo organization (Lumina Energia, data/org.yaml).

Deterministic for (mentions, seed, start, end). The plan (times, platforms, topics, authors,
reposts, who answers what and when) is drawn up front as numpy arrays; texts are composed per
batch of ``CHUNK`` mentions with ``monitoring.demo.compose`` (index arithmetic, no Python per
row). Incidents are a handful of hand-written staff posts recorded in ``meta`` so that tests
and the people trying the product can find them (docs/decisions/0002-demo-data.md).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from monitoring import audit, db, rollups, store
from monitoring.demo import compose as C
from monitoring.demo import texts as T
from monitoring.demo.incidents import Incidents, plan_incidents
from monitoring.demo.plan import (
    CHUNK,
    LANG_HINT_PLATFORMS,
    MIN_REPEAT_GAP,
    NATIVE_BASE,
    NATIVE_PREFIX,
    NP,
    PI,
    PLATFORMS,
    STAFF_PER_MENTION,
    URL_PARTS,
    Calendar,
    Roster,
    make_plan,
)
from monitoring.demo.voices import MENTION_TEXT, POST_TEXT, REPLY_TEXT, Authors, MentionParts
from monitoring.org import OrgConfig, load_org
from monitoring.settings import get_settings


class Demo:
    """The demo year for one (mentions, seed, start, end): its plan, incidents and batches."""

    def __init__(
        self,
        mentions: int,
        seed: int,
        start: datetime,
        end: datetime,
        org: OrgConfig,
    ):
        if mentions < 1000:
            raise ValueError("the demo needs at least 1000 mentions")
        self.n = mentions
        self.seed = seed
        self.org = org
        self.cal = Calendar.build(start, end, org)
        rng = np.random.default_rng([seed, 1])
        self.roster = Roster(org, rng)
        self.pool = Authors(max(2000, min(mentions // 6, 300_000)), self.roster)
        self.plan = make_plan(self, rng)
        self.incidents: Incidents = plan_incidents(self, np.random.default_rng([seed, 2]))
        self.staff_serial0 = mentions  # staff posts are numbered after the mentions
        self._carry: _Carry | None = None

    @property
    def n_batches(self) -> int:
        return -(-self.n // CHUNK)

    def batches(self) -> Iterator[pa.Table]:
        """The items as ``store.ITEM_SCHEMA`` tables of ~100k rows, in time order of mentions."""
        self._carry = None
        p = self.plan
        bounds = [int(p.t[k * CHUNK]) for k in range(self.n_batches)] + [self.cal.end_us + 1]
        bounds[0] = self.cal.start_us - 1
        for k in range(self.n_batches):
            a, b = k * CHUNK, min(self.n, (k + 1) * CHUNK)
            rng = np.random.default_rng([self.seed, 3, k])
            parts = [
                self._mentions(a, b, rng),
                self._replies(a, b, rng),
                self._originals(bounds[k], bounds[k + 1], rng),
                self.incidents.table(bounds[k], bounds[k + 1]),
            ]
            table = pa.concat_tables([x for x in parts if x is not None and len(x)])
            yield table.sort_by([("created_at", "ascending"), ("native_id", "ascending")])

    # --- mentions ------------------------------------------------------------------------------
    def native_ids(self, platform: np.ndarray, serial: np.ndarray) -> pa.Array:
        number = np.asarray(NATIVE_BASE, np.int64)[platform] + serial.astype(np.int64) * 7919
        prefix = pa.array(NATIVE_PREFIX).take(pa.array(platform))
        return C.join(prefix, pc.cast(pa.array(number), pa.string()))

    def _mentions(self, a: int, b: int, rng: np.random.Generator) -> pa.Table:
        p = self.plan
        sl = slice(a, b)
        plat, topic, sent, lang = p.platform[sl], p.topic[sl], p.sentiment[sl], p.lang[sl]
        own = MENTION_TEXT.parts(plat, topic, sent, lang, rng)
        carry = self._carry
        lo = carry.lo if carry else a
        # reposts repeat an earlier original verbatim (from this batch or the previous one):
        # src indexes the pool of the previous batch's rows followed by this batch's
        src = _spread(own, p.root[sl] - lo, a - lo, carry)
        text = own.render()
        pool = pa.concat_arrays([carry.text, text]) if carry else text
        tail = carry.tail_text if carry else pa.array([], pa.string())
        text_final = _unrepeat(
            pool.take(pa.array(src)), text, tail, rng.integers(0, 2**31 - 1, b - a)
        )
        own_parts = {k: getattr(own, k) for k in MentionParts.SENTENCES}
        final_parts = {
            k: (np.concatenate([carry.parts[k], v]) if carry else v)[src]
            for k, v in own_parts.items()
        }
        self._carry = _Carry(
            lo=a,
            parts=own_parts,
            text=text,
            tail_parts={k: v[-MIN_REPEAT_GAP:] for k, v in final_parts.items()},
            tail_text=text_final[-MIN_REPEAT_GAP:],
        )
        serial = np.arange(a, b)
        native = self.native_ids(plat, serial)
        handle, name = self.pool.handles(p.author[sl], plat)
        return _table(
            self,
            plat,
            native,
            handle,
            name,
            text_final,
            lang,
            p.t[sl],
            p.reach[sl],
            p.likes[sl],
            p.shares[sl],
            p.replies[sl],
            None,
        )

    # --- staff ---------------------------------------------------------------------------------
    def _replies(self, a: int, b: int, rng: np.random.Generator) -> pa.Table | None:
        p = self.plan
        i, j = np.searchsorted(p.r_mention, [a, b])
        if i == j:
            return None
        mention = p.r_mention[i:j]
        member, team = p.r_member[i:j], p.r_team[i:j]
        plat, lang = p.platform[mention], p.lang[mention]
        handle, _ = self.pool.handles(p.author[mention], plat)
        at = pa.array(
            np.isin(plat, [PI[x] for x in ("x", "instagram", "tiktok", "mastodon", "bluesky")])
        )
        prefix = pc.if_else(
            at, C.join(pa.array(["@"] * len(mention)), handle, pa.array([" "] * len(mention))), ""
        )
        style = self.roster.style_index[team]
        text = REPLY_TEXT.compose(style, p.topic[mention], p.sentiment[mention], lang, rng)
        sig = pa.array(self.roster.signature).take(pa.array(member))
        sig = pc.if_else(pa.array(plat == PI["x"]), sig, "")
        text = C.join(prefix, text, sig)
        serial = self.staff_serial0 + np.arange(i, j)
        in_reply_to = self.native_ids(plat, mention)
        return self.staff_rows(member, plat, serial, text, lang, p.r_t[i:j], in_reply_to, rng)

    def _originals(self, lo: int, hi: int, rng: np.random.Generator) -> pa.Table | None:
        p = self.plan
        rows = np.flatnonzero((p.o_t >= lo) & (p.o_t < hi))
        if not len(rows):
            return None
        team, lang = p.o_team[rows], p.o_lang[rows]
        text = POST_TEXT.compose(self.roster.style_index[team], lang, rng)
        serial = self.staff_serial0 + len(p.r_mention) + rows
        return self.staff_rows(
            p.o_member[rows], p.o_platform[rows], serial, text, lang, p.o_t[rows], None, rng
        )

    def staff_rows(self, member, plat, serial, text, lang, t, in_reply_to, rng) -> pa.Table:
        roster = self.roster
        flat = [h or "" for row in roster.handle for h in row]
        handle = pa.array(flat).take(pa.array(member * NP + plat))
        name = pa.array(roster.names).take(pa.array(member))
        reach = roster.followers[member, plat]
        replying = in_reply_to is not None
        rate = rng.lognormal(np.log(0.004 if replying else 0.012), 0.8, len(member))
        likes = rng.binomial(reach, np.clip(rate, 0, 0.5))
        shares = rng.binomial(likes, 0.02 if replying else 0.08)
        replies = rng.binomial(likes, 0.05)
        native = self.native_ids(plat, serial)
        return _table(
            self, plat, native, handle, name, text, lang, t, reach, likes, shares, replies,
            in_reply_to,
        )  # fmt: skip


@dataclass
class _Carry:
    """What the next batch needs from the previous one: originals to repost, the last window."""

    lo: int  # position of the previous batch's first mention
    parts: dict[str, np.ndarray]  # its own sentence parts (after spreading)
    text: pa.Array  # its own texts
    tail_parts: dict[str, np.ndarray]  # the sentence parts of its last MIN_REPEAT_GAP mentions
    tail_text: pa.Array


def _spread(own: MentionParts, src: np.ndarray, offset: int, carry: _Carry | None) -> np.ndarray:
    """Keep every sentence part from repeating within ``MIN_REPEAT_GAP`` consecutive mentions.

    Of two mentions too close with the same sentence, an original gets another core sentence
    or loses the optional part; when the later one is a repost, the earlier one changes if it
    can (an original of this batch), else the repost becomes an original. ``offset`` is where
    this batch starts in the pool ``src`` indexes. Returns the adjusted ``src``.
    """
    src = src.copy()
    for attempt in range(8):
        changed = False
        for name in MentionParts.SENTENCES:
            mine = getattr(own, name)
            pool = np.concatenate([carry.parts[name], mine]) if carry else mine
            tail = carry.tail_parts[name] if carry else mine[:0]
            earlier, later = _repeats(np.concatenate([tail, pool[src]]), own.shortest(name))
            if not len(later):
                continue
            changed = True
            earlier, later = earlier - len(tail), later - len(tail)
            original = src[later] == offset + later
            fix = set(later[original].tolist())
            for first, second in zip(earlier[~original], later[~original], strict=True):
                # the earlier row's own part is what the pool shows when it is an original
                if first >= 0 and src[first] == offset + first:
                    fix.add(int(first))
                else:
                    src[second] = offset + second
            if fix:
                own.change(name, np.array(sorted(fix)), attempt)
        if not changed:
            break
    return src


def _repeats(values: np.ndarray, shortest: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of positions (earlier, later) holding the same value (at least ``shortest`` long)
    fewer than ``MIN_REPEAT_GAP`` positions apart."""
    arr = pa.array(values, pa.string())
    long = pc.greater_equal(pc.utf8_length(arr), shortest).to_numpy(zero_copy_only=False)
    idx = np.flatnonzero(long)
    if not len(idx):
        return idx, idx
    codes = pc.dictionary_encode(arr.take(pa.array(idx))).indices.to_numpy()
    order = np.lexsort((idx, codes))
    c, p = codes[order], idx[order]
    clash = (c[1:] == c[:-1]) & (p[1:] - p[:-1] < MIN_REPEAT_GAP)
    return p[:-1][clash], p[1:][clash]


def _unrepeat(final: pa.Array, own: pa.Array, tail: pa.Array, r: np.ndarray) -> pa.Array:
    """Make sure no text repeats within ``MIN_REPEAT_GAP`` consecutive mentions.

    Reposts are planned far enough apart, but two independently composed texts can still
    coincide (a short sentence with no slot and empty optional parts): the later one gets its
    own composition back or, failing that, a marker appended. ``tail`` is the previous batch's
    last rows, so the guarantee holds across batches.
    """
    n_tail = len(tail)
    values = np.asarray(pa.concat_arrays([tail, final]).to_pylist(), dtype=object)
    own_values = np.asarray(own.to_pylist(), dtype=object)
    for attempt in range(len(T.MARKERS) + 1):
        codes = pc.dictionary_encode(pa.array(values, pa.string())).indices.to_numpy()
        pos = np.arange(len(values))
        order = np.lexsort((pos, codes))
        c, p = codes[order], pos[order]
        clash = (c[1:] == c[:-1]) & (p[1:] - p[:-1] < MIN_REPEAT_GAP)
        late = p[1:][clash]
        if not len(late):
            break
        rows = late - n_tail
        if attempt == 0:
            values[late] = own_values[rows]
        else:
            marker = np.asarray(T.MARKERS, dtype=object)[(r[rows] + attempt) % len(T.MARKERS)]
            values[late] = values[late] + marker
    return pa.array(values[n_tail:], pa.string())


def _table(demo, plat, native, handle, name, text, lang, t, reach, likes, shares, replies, parent):
    n = len(plat)
    plat_arr = pa.array(PLATFORMS).take(pa.array(plat))
    prefix, uses_handle, mid = zip(*URL_PARTS, strict=True)
    url = C.join(
        pa.array(prefix).take(pa.array(plat)),
        pc.if_else(pa.array(np.asarray(uses_handle)[plat]), handle, ""),
        pa.array(mid).take(pa.array(plat)),
        native,
    )
    hinted = np.isin(plat, [PI[x] for x in LANG_HINT_PLATFORMS])
    lang_hint = pc.if_else(
        pa.array(hinted), pa.array(np.array(T.LANGS)[lang]), pa.nulls(n, pa.string())
    )
    channel = pa.array(demo.roster.channel_of, pa.string()).take(pa.array(plat))
    columns = {
        "platform": plat_arr,
        "native_id": native,
        "url": url,
        "author_handle": handle,
        "author_name": name,
        "text": text,
        "lang_hint": lang_hint,
        "created_at": pa.array(np.asarray(t, "datetime64[us]"), pa.timestamp("us")),
        "reach": pa.array(np.asarray(reach, np.int64)),
        "likes": pa.array(np.asarray(likes, np.int64)),
        "shares": pa.array(np.asarray(shares, np.int64)),
        "replies": pa.array(np.asarray(replies, np.int64)),
        "in_reply_to": parent if parent is not None else pa.nulls(n, pa.string()),
        "channel_id": channel,
        "raw": pa.nulls(n, pa.string()),
    }
    return pa.Table.from_pydict(columns, schema=store.ITEM_SCHEMA)


# --- public API -------------------------------------------------------------------------------
def default_period(now: datetime | None = None) -> tuple[datetime, datetime]:
    """365 days ending now (UTC, naive, to the second)."""
    end = (now or datetime.now(UTC).replace(tzinfo=None)).replace(microsecond=0)
    return end - timedelta(days=365), end


def generate_items(
    mentions: int = 20000,
    seed: int = 7,
    start: datetime | None = None,
    end: datetime | None = None,
    org: OrgConfig | None = None,
) -> Iterator[pa.Table]:
    """The demo year as ``store.ITEM_SCHEMA`` tables of ~100k rows (no database needed).

    :param start: first instant (UTC, naive); default 365 days before ``end``.
    :param end: last instant (UTC, naive); default now.
    """
    demo = build(mentions, seed, start, end, org)
    yield from demo.batches()


def build(
    mentions: int,
    seed: int,
    start: datetime | None = None,
    end: datetime | None = None,
    org: OrgConfig | None = None,
) -> Demo:
    """The demo's plan for these arguments (texts are composed when its batches are read)."""
    default_start, default_end = default_period(end)
    return Demo(
        mentions,
        seed,
        start or default_start,
        end or default_end,
        org or load_org(get_settings().org_path),
    )


@dataclass(frozen=True)
class DemoSummary:
    db_path: str
    seed: int
    mentions: int
    staff_posts: int
    replies: int
    responses: int
    items: int
    start: datetime
    end: datetime
    seconds: float  # all of it; of which:
    compose_seconds: float  # texts and batches (the plan is drawn before)
    load_seconds: float  # store.insert_items transactions
    wiped: bool
    incidents: dict[str, Any]


class DemoRefused(Exception):
    """The database already holds items and --force was not given."""


def generate_demo(
    db_path: str | Path,
    mentions: int = 20000,
    seed: int = 7,
    progress: bool = True,
    *,
    force: bool = False,
    end: datetime | None = None,
    org_path: str | Path | None = None,
) -> DemoSummary:
    """Build the demo organization and its year of data in ``db_path``.

    Refuses a database that already holds items unless ``force``, which empties every table
    except ``audit_log`` (the wipe itself is audited) before loading.
    """
    started = time.perf_counter()
    org = load_org(org_path or get_settings().org_path)
    demo = build(mentions, seed, None, end, org)
    db.init(db_path)
    wiped = db.write(db_path, lambda conn: _prepare(conn, org, force, mentions, seed))
    bar = _progress(progress, mentions)
    composing = loading = 0.0
    batches = demo.batches()
    while True:
        mark = time.perf_counter()
        table = next(batches, None)
        composing += time.perf_counter() - mark
        if table is None:
            break
        mark = time.perf_counter()
        db.write(db_path, lambda conn, t=table: store.insert_items(conn, t, "demo"))
        loading += time.perf_counter() - mark
        bar.update(len(table))
    bar.close()
    incidents = demo.incidents.as_meta(demo.plan.crisis)
    counts = db.write(db_path, lambda conn: _finish(conn, demo, incidents))
    return DemoSummary(
        db_path=str(db_path),
        seed=seed,
        mentions=counts["mentions"],
        staff_posts=counts["staff"],
        replies=counts["replies"],
        responses=counts["responses"],
        items=counts["mentions"] + counts["staff"],
        start=demo.cal.start,
        end=demo.cal.end,
        seconds=time.perf_counter() - started,
        compose_seconds=composing,
        load_seconds=loading,
        wiped=wiped,
        incidents=incidents,
    )


def _progress(enabled: bool, mentions: int):
    from tqdm import tqdm

    total = int(mentions * (1 + STAFF_PER_MENTION)) + 20
    return tqdm(total=total, unit=" items", desc="demo", disable=not enabled, leave=False)


def _prepare(conn, org: OrgConfig, force: bool, mentions: int, seed: int) -> bool:
    items = db.scalar(conn, "SELECT count(*) FROM items")
    if items and not force:
        raise DemoRefused(
            f"the database already holds {items} items; use --force to replace everything "
            "(the audit log is kept)"
        )
    wiped = False
    if force:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' "
                "AND table_name NOT IN ('audit_log', 'schema_version')"
            ).fetchall()
        ]
        for table in tables:
            conn.execute(f'DELETE FROM "{table}"')  # names from the catalog, not from users
        audit.record(conn, "demo", "demo.reset", tables=sorted(tables), items=items, seed=seed)
        wiped = True
    store.sync_org(conn, org)
    return wiped


def _finish(conn, demo: Demo, incidents: dict[str, Any]) -> dict[str, int]:
    _resolve_item_ids(conn, incidents)
    db.set_meta(conn, "demo", "true")
    db.set_meta(conn, "demo_seed", str(demo.seed))
    db.set_meta(conn, "demo_mentions", str(demo.n))
    db.set_meta(
        conn, "demo_period", json.dumps([demo.cal.start.isoformat(), demo.cal.end.isoformat()])
    )
    db.set_meta(conn, "demo_incidents", json.dumps(incidents, ensure_ascii=False))
    rollups.refresh(conn)  # the dashboard's hourly rollups take in the demo's items
    rows = conn.execute(
        """
        SELECT count(*) FILTER (WHERE kind = 'mention'), count(*) FILTER (WHERE kind = 'staff'),
               count(*) FILTER (WHERE kind = 'staff' AND parent_item_id IS NOT NULL),
               (SELECT count(*) FROM responses)
        FROM items
        """
    ).fetchall()[0]
    return dict(zip(("mentions", "staff", "replies", "responses"), rows, strict=True))


def _resolve_item_ids(conn, incidents: dict[str, Any]) -> None:
    """Add the stored item_id to every incident item (found by platform + native id)."""
    for incident in incidents.values():
        for item in incident.get("items", []):
            item["item_id"] = db.scalar(
                conn,
                "SELECT item_id FROM items WHERE platform = ? AND native_id = ?",
                [item["platform"], item["native_id"]],
            )
