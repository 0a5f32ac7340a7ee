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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from monitoring import audit, db, store
from monitoring.demo import compose as C
from monitoring.demo import texts as T
from monitoring.demo.incidents import Incidents, plan_incidents
from monitoring.org import OrgConfig, load_org
from monitoring.settings import get_settings

PLATFORMS = (
    "x", "instagram", "facebook", "linkedin", "tiktok", "youtube", "mastodon", "bluesky",
    "reddit", "news",
)  # fmt: skip
NP = len(PLATFORMS)
PI = {p: i for i, p in enumerate(PLATFORMS)}
TI = {t: i for i, t in enumerate(T.TOPICS)}
NEG, NEU, POS = 0, 1, 2
IT, EN = 0, 1

# Mentions per batch: fixed (not derived from N) so a seed means the same texts at any size;
# with staff posts a batch is ~100k rows, each loaded in its own transaction.
CHUNK = 80_000
MAX_REPOST_LAG = 20_000  # positions; < CHUNK so a repost's original is in this batch or the last
MIN_REPEAT_GAP = 50  # a text never repeats within 50 consecutive mentions
CRISIS_RATIO = 6.5  # negative mentions in the crisis week vs a median week
US = 1_000_000

TOPIC_WEIGHTS = {
    "billing": 0.24, "outages": 0.14, "offers": 0.17, "digital": 0.12, "stores": 0.08,
    "sustainability": 0.07, "careers": 0.05, "competitors": 0.06, "corporate": 0.07,
}  # fmt: skip
SENTIMENT_MIX = {  # negative, neutral, positive
    "billing": (0.55, 0.30, 0.15), "outages": (0.60, 0.30, 0.10), "offers": (0.30, 0.45, 0.25),
    "digital": (0.45, 0.35, 0.20), "stores": (0.30, 0.35, 0.35),
    "sustainability": (0.20, 0.35, 0.45), "careers": (0.15, 0.45, 0.40),
    "competitors": (0.45, 0.30, 0.25), "corporate": (0.30, 0.45, 0.25),
    "crisis_outage": (0.93, 0.07, 0.0), "crisis_billing": (0.93, 0.07, 0.0),
}  # fmt: skip
_BASE_PLATFORMS = (0.26, 0.20, 0.22, 0.03, 0.06, 0.03, 0.03, 0.04, 0.07, 0.06)
PLATFORM_MIX = {
    "careers": (0.08, 0.12, 0.05, 0.55, 0.04, 0.0, 0.02, 0.02, 0.08, 0.04),
    "corporate": (0.15, 0.02, 0.05, 0.25, 0.0, 0.0, 0.03, 0.05, 0.10, 0.35),
    "crisis_outage": (0.40, 0.08, 0.30, 0.0, 0.02, 0.0, 0.02, 0.04, 0.07, 0.07),
    "crisis_billing": (0.38, 0.10, 0.32, 0.0, 0.02, 0.0, 0.02, 0.04, 0.07, 0.05),
}
EN_SHARE = (0.22, 0.15, 0.10, 0.35, 0.18, 0.20, 0.30, 0.35, 0.18, 0.03)
LANG_HINT_PLATFORMS = ("x", "mastodon", "bluesky")  # the platforms whose APIs report a language

# How each team answers: share of its mentions answered, median minutes, spread (lognormal).
# Decentralized teams answer in minutes; the centralized ones queue (many hours for repairs).
TEAM_STYLE = {
    "customer_care": (0.85, 11.0, 0.85),
    "marketing": (0.60, 22.0, 0.8),
    "stores": (0.70, 30.0, 0.8),
    "hr_employer": (0.65, 45.0, 0.8),
    "social_hub": (0.60, 160.0, 0.8),
    "press_office": (0.35, 420.0, 0.7),
    "technical_support": (0.65, 560.0, 0.6),
}
SENTIMENT_ANSWER = (0.45, 0.35, 0.08)  # negative, neutral, positive: not every mention asks
ORIGINAL_SHARE = {
    "social_hub": 0.32, "marketing": 0.18, "customer_care": 0.10, "press_office": 0.08,
    "hr_employer": 0.12, "stores": 0.14, "technical_support": 0.06,
}  # fmt: skip
STAFF_PER_MENTION = 0.25
BRAND_FOLLOWERS = (48_000, 126_000, 212_000, 61_000, 35_000, 22_000, 3_100, 6_400, 0, 0)
NATIVE_PREFIX = ("", "C", "fb_", "urn:li:activity:", "", "Ug", "", "3l", "t1_", "news-")
NATIVE_BASE = (
    1_780_000_000_000_000_000, 3_100_000_000_000, 100_090_000_000_000, 7_180_000_000_000_000_000,
    7_300_000_000_000_000_000, 4_400_000_000_000, 113_000_000_000_000_000, 5_500_000_000_000,
    9_000_000_000, 20_000_000,
)  # fmt: skip
URL_PARTS = (  # prefix, uses the author's handle, middle
    ("https://x.com/", True, "/status/"),
    ("https://www.instagram.com/p/", False, ""),
    ("https://www.facebook.com/", True, "/posts/"),
    ("https://www.linkedin.com/feed/update/", False, ""),
    ("https://www.tiktok.com/@", True, "/video/"),
    ("https://www.youtube.com/watch?v=", False, ""),
    ("https://mastodon.uno/@", True, "/"),
    ("https://bsky.app/profile/", True, "/post/"),
    ("https://www.reddit.com/r/italy/comments/", False, ""),
    ("https://notizie.example.it/articoli/", False, ""),
)
WEEKDAY = (1.15, 1.10, 1.05, 1.0, 0.95, 0.75, 0.70)
HOURLY = (  # local time, mentions
    0.6, 0.35, 0.2, 0.15, 0.15, 0.3, 0.8, 1.8, 3.2, 4.2, 4.4, 4.0, 3.6, 3.4, 3.3, 3.4, 3.6, 3.9,
    4.3, 4.6, 4.8, 4.2, 3.0, 1.6,
)  # fmt: skip
OFFICE_HOURLY = (
    0, 0, 0, 0, 0, 0, 0.1, 0.5, 2.5, 4.0, 4.2, 3.8, 2.0, 2.6, 3.8, 3.8, 3.4, 2.6, 1.2, 0.6, 0.4,
    0.2, 0.1, 0,
)  # fmt: skip
OFFICE_WEEKDAY = (1.0, 1.0, 1.0, 1.0, 0.95, 0.35, 0.25)
CRISIS_PROFILE = (0.55, 1.6, 1.5, 1.2, 0.9, 0.7, 0.55)


def _p(weights) -> np.ndarray:
    w = np.asarray(weights, float)
    return w / w.sum()


@dataclass(frozen=True)
class Calendar:
    """The days covered, their UTC offsets in the org's zone, and the crisis week."""

    start: datetime
    end: datetime
    first: date
    n_days: int
    weekday: np.ndarray
    offset_hours: np.ndarray
    first_frac: float
    last_frac: float
    crisis_day: int  # index of the crisis week's Monday

    @classmethod
    def build(cls, start: datetime, end: datetime, org: OrgConfig) -> Calendar:
        if end - start < timedelta(days=60):
            raise ValueError("the demo period must span at least 60 days")
        first, last = start.date(), end.date()
        n_days = (last - first).days + 1
        days = [first + timedelta(days=i) for i in range(n_days)]
        zone = org.zone
        offsets = [
            datetime(d.year, d.month, d.day, 12, tzinfo=zone).utcoffset().total_seconds() / 3600
            for d in days
        ]
        monday = last - timedelta(days=35)
        monday -= timedelta(days=monday.weekday())
        return cls(
            start=start,
            end=end,
            first=first,
            n_days=n_days,
            weekday=np.array([d.weekday() for d in days]),
            offset_hours=np.array(offsets),
            first_frac=(start - datetime.combine(first, datetime.min.time())).total_seconds()
            / 86400,
            last_frac=max((end - datetime.combine(last, datetime.min.time())).total_seconds(), 1)
            / 86400,
            crisis_day=(monday - first).days,
        )

    @property
    def start_us(self) -> int:
        return _us(self.start)

    @property
    def end_us(self) -> int:
        return _us(self.end)

    def day_weights(self, weekday: tuple, rng: np.random.Generator, noise: float) -> np.ndarray:
        i = np.arange(self.n_days)
        doy = np.array([(self.first + timedelta(days=int(d))).timetuple().tm_yday for d in i])
        annual = 1 + 0.18 * np.cos(2 * np.pi * (doy - 20) / 365)  # winter bills, winter storms
        trend = 0.85 + 0.3 * i / max(self.n_days - 1, 1)
        w = np.asarray(weekday)[self.weekday] * annual * trend
        w = w * rng.lognormal(0, noise, self.n_days)
        w[0] *= max(1 - self.first_frac, 0.01)
        w[-1] *= self.last_frac
        return w

    def times(self, day: np.ndarray, hourly: tuple, rng: np.random.Generator) -> np.ndarray:
        """UTC microseconds for items on ``day`` (indices), local hours drawn from ``hourly``."""
        n = len(day)
        hour = rng.choice(24, n, p=_p(hourly))
        tod = (hour * 3600 + rng.random(n) * 3600) / 86400  # fraction of the local day
        tod = np.where(day == 0, self.first_frac + tod * (1 - self.first_frac), tod)
        tod = np.where(day == self.n_days - 1, tod * self.last_frac, tod)
        base = _us(datetime.combine(self.first, datetime.min.time()))
        t = base + (day * 86400 + tod * 86400 - self.offset_hours[day] * 3600) * US
        return np.clip(t.astype(np.int64), self.start_us, self.end_us - 1)


def _us(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1)).total_seconds() * US)


def _at(us: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(microseconds=int(us))


class Roster:
    """Teams, members and their handles from org.yaml, as arrays the plan can index."""

    def __init__(self, org: OrgConfig, rng: np.random.Generator):
        missing = [t for t in TEAM_STYLE if org.team(t) is None]
        if missing:
            raise ValueError(
                f"the demo needs the demo organization's teams; org.yaml has no team {missing[0]!r}"
            )
        self.org = org
        self.team_ids = [t.id for t in org.teams]
        # org team index -> position in TEAM_STYLE (the order of the text groups)
        styles = list(TEAM_STYLE)
        self.style_index = np.array([styles.index(t) if t in styles else 0 for t in self.team_ids])
        self.members = [(ti, m) for ti, t in enumerate(org.teams) for m in t.members]
        self.channel_of = [org.default_channel(p) for p in PLATFORMS]
        brand_handles = {(c.platform, h.lower()) for c in org.channels for h in c.handles}
        nm = len(self.members)
        self.handle = [[m.handles.get(p) for p in PLATFORMS] for _, m in self.members]
        self.names = [m.name for _, m in self.members]
        self.is_brand = [
            any((p, h) in brand_handles for p, h in m.handles.items()) for _, m in self.members
        ]
        self.signature = [
            "" if self.is_brand[i] else " ^" + "".join(w[0] for w in m.name.split()[:2]).upper()
            for i, (_, m) in enumerate(self.members)
        ]
        followers = rng.lognormal(np.log(600), 1.0, (nm, NP)).astype(np.int64)
        for i in range(nm):
            if self.is_brand[i]:
                followers[i] = BRAND_FOLLOWERS
        self.followers = followers
        # members of team t who can post on platform p (on its default channel)
        self.can = {
            (ti, p): [
                i
                for i, (mt, _) in enumerate(self.members)
                if mt == ti and self.handle[i][p] and self._assigned(ti, p)
            ]
            for ti in range(len(org.teams))
            for p in range(NP)
        }

    def _assigned(self, team: int, platform: int) -> bool:
        return self.channel_of[platform] in self.org.teams[team].channels

    def team(self, team_id: str) -> int:
        return self.team_ids.index(team_id)

    def member(self, member_id: str) -> int:
        return next(i for i, (_, m) in enumerate(self.members) if m.id == member_id)

    def member_id(self, i: int) -> str:
        return self.members[i][1].id

    def pick_members(self, team: np.ndarray, platform: np.ndarray, r: np.ndarray) -> np.ndarray:
        groups = [self.can[(t, p)] or [-1] for t in range(len(self.team_ids)) for p in range(NP)]
        choice = C.Choice([[str(x) for x in g] for g in groups])
        flat = np.array([x for g in groups for x in g], np.int64)
        return flat[choice.index(team * NP + platform, r)]

    def route(self, topic: str, platform: str) -> tuple[int, int, float]:
        """(primary team, alternative team, probability of the alternative); -1 = nobody."""
        primary, alt, p_alt = _route(topic, platform)
        p = PI[platform]

        def usable(team_id: str | None) -> int:
            if team_id is None:
                return -1
            t = self.team(team_id)
            if self.can[(t, p)]:
                return t
            hub = self.team("social_hub")
            return hub if self.can[(hub, p)] else -1

        return usable(primary), usable(alt), p_alt if alt else 0.0


def _route(topic: str, platform: str) -> tuple[str | None, str | None, float]:
    """Which team answers a mention about ``topic`` on ``platform`` (the org's competences)."""
    if platform in ("reddit", "news"):
        return None, None, 0.0
    t = {"crisis_outage": "outages", "crisis_billing": "billing"}.get(topic, topic)
    care = platform in ("x", "facebook", "instagram", "mastodon", "bluesky")
    default = "customer_care" if care else "social_hub"
    if t == "billing" and platform in ("facebook", "instagram"):
        return "customer_care", "stores", 0.2
    if t == "outages" and platform in ("x", "facebook"):
        return "technical_support", "customer_care", 0.25
    if t == "offers" and platform in ("instagram", "facebook", "tiktok"):
        return "marketing", "customer_care", 0.3
    if t == "stores" and platform in ("facebook", "instagram"):
        return "stores", None, 0.0
    if t == "sustainability":
        return (
            ("press_office", "social_hub", 0.5)
            if platform == "linkedin"
            else ("social_hub", None, 0)
        )
    if t == "careers":
        return ("hr_employer" if platform in ("linkedin", "instagram") else "social_hub"), None, 0
    if t == "competitors":
        return ("social_hub", "customer_care", 0.5) if platform == "x" else ("social_hub", None, 0)
    if t == "corporate":
        return ("press_office" if platform in ("linkedin", "x") else "social_hub"), None, 0
    return default, None, 0.0


@dataclass
class Plan:
    """Every row's numbers, before any text: mentions by position (time order), then staff."""

    # mentions
    t: np.ndarray
    platform: np.ndarray
    topic: np.ndarray
    sentiment: np.ndarray
    lang: np.ndarray
    author: np.ndarray
    root: np.ndarray  # position whose text this one repeats (itself for originals)
    reach: np.ndarray
    likes: np.ndarray
    shares: np.ndarray
    replies: np.ndarray
    # staff replies (ordered by the mention they answer)
    r_mention: np.ndarray
    r_member: np.ndarray
    r_team: np.ndarray
    r_t: np.ndarray
    # original staff posts
    o_member: np.ndarray
    o_team: np.ndarray
    o_platform: np.ndarray
    o_t: np.ndarray
    o_lang: np.ndarray
    crisis: dict[str, Any] = field(default_factory=dict)


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
        self.pool = _Authors(max(2000, min(mentions // 6, 300_000)), self.roster)
        self.plan = _plan(self, rng)
        self.incidents: Incidents = plan_incidents(self, np.random.default_rng([seed, 2]))
        self.staff_serial0 = mentions  # staff posts are numbered after the mentions
        self._prev: tuple[int, pa.Array] | None = None
        self._tail = pa.array([], pa.string())

    @property
    def n_batches(self) -> int:
        return -(-self.n // CHUNK)

    def batches(self) -> Iterator[pa.Table]:
        """The items as ``store.ITEM_SCHEMA`` tables of ~100k rows, in time order of mentions."""
        self._prev = None
        self._tail = pa.array([], pa.string())
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
        text = _MENTION_TEXT.compose(plat, topic, sent, lang, rng)
        # reposts repeat an earlier original verbatim (from this batch or the previous one)
        root = p.root[sl]
        if self._prev is not None:
            lo, prev = self._prev
            pool = pa.concat_arrays([prev, text])
        else:
            lo, pool = a, text
        text_final = _unrepeat(
            pool.take(pa.array(root - lo)), text, self._tail, rng.integers(0, 2**31 - 1, b - a)
        )
        self._prev = (a, text)
        self._tail = text_final[-MIN_REPEAT_GAP:]
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
        text = _REPLY_TEXT.compose(style, p.topic[mention], p.sentiment[mention], lang, rng)
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
        text = _POST_TEXT.compose(self.roster.style_index[team], lang, rng)
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


class _Authors:
    """The public: a pool of handles built by index arithmetic, a few very active people."""

    def __init__(self, size: int, roster: Roster):
        i = np.arange(size)
        first = pa.array(T.FIRST_NAMES).take(pa.array((i * 7 + i // 997) % len(T.FIRST_NAMES)))
        last = pa.array(T.SURNAMES).take(
            pa.array((i * 13 + i // len(T.FIRST_NAMES)) % len(T.SURNAMES))
        )
        d2 = pc.utf8_lpad(pc.cast(pa.array((i * 37) % 100), pa.string()), 2, "0")
        year = pc.cast(pa.array(1958 + (i * 11) % 48), pa.string())
        style = pa.array((i * 5 + i // 97) % T.HANDLE_STYLES)
        initial = pc.utf8_slice_codeunits(last, 0, 1)
        handles = pc.choose(
            style,
            C.join(first, pa.array(["_"] * size), last),
            C.join(first, pa.array(["."] * size), last, d2),
            C.join(first, d2, year),
            C.join(last, pa.array(["_"] * size), first),
            C.join(pa.array(["il_"] * size), first, initial, d2),
            C.join(first, last, year),
        )
        staff = pa.array(sorted({h for row in roster.handle for h in row if h}))
        handles = pc.if_else(
            pc.is_in(handles, value_set=staff), C.join(handles, pa.array(["_"] * size)), handles
        )
        full = C.join(pc.utf8_capitalize(first), pa.array([" "] * size), pc.utf8_capitalize(last))
        short = C.join(
            pc.utf8_capitalize(first),
            pa.array([" "] * size),
            pc.utf8_upper(initial),
            pa.array(["."] * size),
        )
        self.handles_arr = handles
        self.names_arr = pc.if_else(pa.array(i % 3 == 0), short, full)
        outlets = list(T.NEWS_OUTLETS)
        self.outlet_names = pa.array(outlets)
        self.outlet_handles = pa.array(
            ["".join(ch for ch in o.lower() if ch.isalnum()) for o in outlets]
        )
        self.size = size

    def handles(self, author: np.ndarray, plat: np.ndarray) -> tuple[pa.Array, pa.Array]:
        idx = pa.array(author)
        news = pa.array(plat == PI["news"])
        outlet = pa.array(author % len(self.outlet_names))
        handle = pc.if_else(news, self.outlet_handles.take(outlet), self.handles_arr.take(idx))
        name = pc.if_else(news, self.outlet_names.take(outlet), self.names_arr.take(idx))
        return handle, name


# --- text composers ---------------------------------------------------------------------------
class _MentionText:
    def __init__(self):
        keys = [(t, s, lang) for t in T.TOPICS for s in T.SENTIMENTS for lang in T.LANGS]
        groups, langs = [], []
        for topic, sent, lang in keys:
            groups.append(_mention_cores(topic, sent, lang))
            langs.append(lang)
        self.cores = C.Templates(groups, langs)
        self.news = C.Templates(
            [T.NEWS_CORES[t] for t in T.TOPICS] + [[""]], ["it"] * (len(T.TOPICS) + 1)
        )
        addr = [T.ADDRESSEES[p] for p in PLATFORMS] + [
            T.ADDRESSEES_EN.get(p, T.ADDRESSEES[p]) for p in PLATFORMS
        ]
        self.addressee = C.Choice(addr + [[""]])
        self.opener = C.Choice(
            [T.OPENERS[(lang, s)] for lang in T.LANGS for s in T.SENTIMENTS] + [[""]]
        )
        self.opener_comma = np.array([v.endswith(", ") for v in self.opener.values.to_pylist()])
        self.detail = C.Templates(
            [T.DETAILS[(lang, s)] for lang in T.LANGS for s in T.SENTIMENTS] + [[""]],
            [lang for lang in T.LANGS for _ in T.SENTIMENTS] + ["it"],
        )
        self.closing = C.Choice(  # the extra group: headline endings for news rows
            [T.CLOSINGS[(lang, s)] for lang in T.LANGS for s in T.SENTIMENTS] + [T.NEWS_SUFFIXES]
        )
        self.emoji = C.Choice([T.EMOJI[s] for s in T.SENTIMENTS] + [[""]])
        self.hashtag = C.Choice([T.HASHTAGS[t] for t in T.TOPICS] + [[""]])

    def compose(self, plat, topic, sent, lang, rng) -> pa.Array:
        n = len(plat)
        r = rng.integers(0, 2**31 - 1, (12, n))
        news = plat == PI["news"]

        def grp(values, empty_group):
            return np.where(news, empty_group, values)

        core_group = (topic * 3 + sent) * 2 + lang
        body = C.where(
            news,
            self.news.fill(topic, r[0], r[1]),
            self.cores.fill(core_group, r[0], r[1]),
        )
        opener_idx = self.opener.index(grp(lang * 3 + sent, 6), r[3])
        # after "Ciao, " the sentence goes on in lower case
        body = C.where(self.opener_comma[opener_idx], C.lower_first(body), body)
        text = C.join(
            self.addressee.pick(lang * NP + plat, r[2]),
            self.opener.values.take(pa.array(opener_idx)),
            body,
            self.detail.fill(grp(lang * 3 + sent, 6), r[4], r[5]),
            self.closing.pick(grp(lang * 3 + sent, 6), r[6]),
            self.emoji.pick(grp(sent, 3), r[7]),
            self.hashtag.pick(grp(topic, len(T.TOPICS)), r[8]),
        )
        unnamed = ~pc.match_substring(text, "lumina", ignore_case=True).to_numpy(
            zero_copy_only=False
        )
        tag = pa.array(T.BRAND_TAGS).take(pa.array(r[9] % len(T.BRAND_TAGS)))
        text = C.where(unnamed, C.join(text, tag), text)
        casual = (lang == IT) & ~news & (r[9] % 100 < 14)
        text = C.apply_slang(text, r[10] % len(T.SLANG), casual)
        shouting = (sent == NEG) & ~news & (r[11] % 100 < 4)
        text = C.where(shouting, pc.utf8_upper(text), text)
        lazy = ~news & ~shouting & (r[11] % 100 >= 92)
        return C.where(lazy, pc.utf8_lower(text), text)


def _mention_cores(topic: str, sent: str, lang: str) -> list[str]:
    """The core sentences of a group; a missing group borrows from its closest relative."""
    base = {"crisis_outage": "outages", "crisis_billing": "billing"}.get(topic, topic)
    for key in ((topic, sent, lang), (base, sent, lang), (topic, sent, "it"), (base, sent, "it")):
        if key in T.MENTION_CORES:
            return T.MENTION_CORES[key]
    raise KeyError(f"no demo sentences for {topic}/{sent}")


class _ReplyText:
    """Greeting + body + closing; the body fits the team and the mention's topic and tone."""

    GENERALISTS = ("customer_care", "social_hub", "stores")

    def __init__(self):
        self.greeting = C.Choice(
            [T.REPLY_GREETINGS[(lang, s)] for lang in T.LANGS for s in T.SENTIMENTS]
        )
        keys = [("team", team, lang) for team in TEAM_STYLE for lang in T.LANGS]
        keys += [("topic", topic, lang) for topic in (*T.TOPICS, "positive") for lang in T.LANGS]
        groups, langs = [], []
        for kind, name, lang in keys:
            table = T.REPLY_BODIES if kind == "team" else T.REPLY_TOPIC_BODIES
            groups.append(table.get((name, lang)) or table[(name, "it")])
            langs.append(lang)
        self.body = C.Templates(groups, langs)
        self.closing = C.Choice([T.REPLY_CLOSINGS[lang] for lang in T.LANGS])
        # group of (team style, topic, sentiment, lang)
        group = np.zeros((len(TEAM_STYLE), len(T.TOPICS), 3, 2), np.int64)
        index = {key: i for i, key in enumerate(keys)}
        for si, team in enumerate(TEAM_STYLE):
            for ti, topic in enumerate(T.TOPICS):
                for sent in range(3):
                    for li, lang in enumerate(T.LANGS):
                        if sent == POS and team != "technical_support":
                            key = ("topic", "positive", lang)
                        elif team in self.GENERALISTS:
                            key = ("topic", topic, lang)
                        else:
                            key = ("team", team, lang)
                        group[si, ti, sent, li] = index[key]
        self.group = group

    def compose(self, team, topic, sent, lang, rng) -> pa.Array:
        r = rng.integers(0, 2**31 - 1, (4, len(team)))
        return C.join(
            self.greeting.pick(lang * 3 + sent, r[0]),
            self.body.fill(self.group[team, topic, sent, lang], r[1], r[2]),
            self.closing.pick(lang, r[3]),
        )


class _PostText:
    def __init__(self):
        groups, langs = [], []
        for team in TEAM_STYLE:
            for lang in T.LANGS:
                groups.append(T.TEAM_POSTS.get((team, lang), T.TEAM_POSTS[(team, "it")]))
                langs.append(lang)
        self.body = C.Templates(groups, langs)
        self.tail = C.Choice([T.POST_TAILS])

    def compose(self, team: np.ndarray, lang: np.ndarray, rng) -> pa.Array:
        r = rng.integers(0, 2**31 - 1, (3, len(team)))
        return C.join(
            self.body.fill(team * 2 + lang, r[0], r[1]),
            self.tail.pick(np.zeros(len(team), np.int64), r[2]),
        )


_MENTION_TEXT = _MentionText()
_REPLY_TEXT = _ReplyText()
_POST_TEXT = _PostText()


# --- the plan -----------------------------------------------------------------------------------
def _plan(demo: Demo, rng: np.random.Generator) -> Plan:
    cal, n = demo.cal, demo.n
    w = cal.day_weights(WEEKDAY, rng, noise=0.12)
    topics = list(TOPIC_WEIGHTS)
    neg_share = sum(TOPIC_WEIGHTS[t] * SENTIMENT_MIX[t][0] for t in topics)
    crisis_days = cal.crisis_day + np.arange(7)
    # extra crisis mentions so negatives in that week reach CRISIS_RATIO x a median week's
    weekly = np.add.reduceat(w, np.arange(0, cal.n_days - 6, 7))
    median_week_share = float(np.median(weekly[1:-1]) / w.sum())
    crisis_share = float(w[crisis_days].sum() / w.sum())
    k = (CRISIS_RATIO * median_week_share - crisis_share) * neg_share / 0.93
    n_extra = int(round(n * k / (1 + k)))
    n_base = n - n_extra

    day = rng.choice(cal.n_days, n_base, p=_p(w))
    topic = rng.choice(len(topics), n_base, p=_p([TOPIC_WEIGHTS[t] for t in topics]))
    c_day = crisis_days[rng.choice(7, n_extra, p=_p(CRISIS_PROFILE))]
    c_topic = np.where(rng.random(n_extra) < 0.55, TI["crisis_outage"], TI["crisis_billing"])
    t = np.concatenate([cal.times(day, HOURLY, rng), cal.times(c_day, HOURLY, rng)])
    topic = np.concatenate([topic, c_topic])
    order = np.argsort(t, kind="stable")
    t, topic = t[order], topic[order]

    sentiment = np.empty(n, np.int64)
    platform = np.empty(n, np.int64)
    for name, ti in TI.items():
        rows = np.flatnonzero(topic == ti)
        sentiment[rows] = rng.choice(3, len(rows), p=_p(SENTIMENT_MIX[name]))
        platform[rows] = rng.choice(NP, len(rows), p=_p(PLATFORM_MIX.get(name, _BASE_PLATFORMS)))
    lang = (rng.random(n) < np.asarray(EN_SHARE)[platform]).astype(np.int64)
    author = (demo.pool.size * rng.random(n) ** 2.2).astype(np.int64)

    crisis_lo = cal.start_us + 0  # microseconds of the crisis week's bounds
    c_start = _us(
        datetime.combine(cal.first + timedelta(days=int(cal.crisis_day)), datetime.min.time())
    )
    c_end = c_start + 7 * 86400 * US
    in_crisis = (t >= c_start) & (t < c_end)
    del crisis_lo
    root = _reposts(n, in_crisis, rng)
    platform, topic, sentiment, lang = platform[root], topic[root], sentiment[root], lang[root]

    reach, likes, shares, replies = _engagement(platform, sentiment, in_crisis, author, demo, rng)
    r_mention, r_member, r_team, r_t = _plan_replies(
        demo, t, platform, topic, sentiment, root, in_crisis, rng
    )
    o_member, o_team, o_platform, o_t, o_lang = _plan_originals(
        demo, len(r_mention), in_crisis, rng
    )
    negative = sentiment == NEG
    week_index = ((t - c_start) // (7 * 86400 * US)).astype(np.int64)
    weeks = np.bincount(week_index[negative] - week_index.min(), minlength=1)
    full = weeks[1:-1] if len(weeks) > 2 else weeks
    crisis_neg = int((negative & in_crisis).sum())
    crisis = {
        "start": _at(c_start).isoformat(),
        "end": _at(c_end).isoformat(),
        "extra_mentions": n_extra,
        "negative_mentions": crisis_neg,
        "median_week_negative_mentions": float(np.median(full)),
        "negative_ratio": round(crisis_neg / max(float(np.median(full)), 1.0), 2),
    }
    return Plan(
        t=t, platform=platform, topic=topic, sentiment=sentiment, lang=lang, author=author,
        root=root, reach=reach, likes=likes, shares=shares, replies=replies,
        r_mention=r_mention, r_member=r_member, r_team=r_team, r_t=r_t,
        o_member=o_member, o_team=o_team, o_platform=o_platform, o_t=o_t, o_lang=o_lang,
        crisis=crisis,
    )  # fmt: skip


def _reposts(n: int, in_crisis: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each position, the position whose text it repeats (itself when it is an original)."""
    pos = np.arange(n)
    per_hour = max(n / 365 / 24, 1.0)
    lag = MIN_REPEAT_GAP + np.minimum(
        rng.lognormal(np.log(per_hour * 6), 1.0, n).astype(np.int64), MAX_REPOST_LAG
    )
    wanted = rng.random(n) < np.where(in_crisis, 0.30, 0.16)
    source = pos - lag
    wanted &= source >= 0
    source = np.where(wanted, source, pos)
    # a repost of a repost would chain; keep it simple: those become originals
    repost = wanted & ~wanted[source]
    root = np.where(repost, source, pos)
    # no text twice within MIN_REPEAT_GAP consecutive mentions: later copies become originals
    while True:
        order = np.lexsort((pos, root))
        r, p = root[order], pos[order]
        clash = (r[1:] == r[:-1]) & (p[1:] - p[:-1] < MIN_REPEAT_GAP)
        if not clash.any():
            return root
        late = p[1:][clash]
        root[late] = late


def _engagement(platform, sentiment, in_crisis, author, demo, rng):
    n = len(platform)
    followers = rng.lognormal(5.3, 1.6, demo.pool.size).clip(3, 4_000_000).astype(np.int64)
    reach = followers[author]
    news, reddit = platform == PI["news"], platform == PI["reddit"]
    reach = np.where(news, rng.lognormal(10.5, 1.0, n), reach)
    reach = np.where(reddit, rng.lognormal(7.0, 1.2, n), reach).astype(np.int64)
    base = np.asarray((0.02, 0.008, 0.015))[sentiment] * np.where(in_crisis, 2.0, 1.0)
    rate = np.clip(base * rng.lognormal(0, 0.7, n), 0, 0.5)
    likes = rng.binomial(reach, rate)
    shares = rng.binomial(likes, np.where(sentiment == NEG, 0.2, 0.1))
    replies = rng.binomial(likes, 0.1)
    return reach, likes, shares, replies


def _plan_replies(demo, t, platform, topic, sentiment, root, in_crisis, rng):
    roster = demo.roster
    n = len(t)
    nt = len(T.TOPICS)
    primary = np.full((nt, NP), -1)
    alt = np.full((nt, NP), -1)
    p_alt = np.zeros((nt, NP))
    for name, ti in TI.items():
        for pname, pi in PI.items():
            primary[ti, pi], alt[ti, pi], p_alt[ti, pi] = roster.route(name, pname)
    team = primary[topic, platform]
    use_alt = (rng.random(n) < p_alt[topic, platform]) & (alt[topic, platform] >= 0)
    team = np.where(use_alt, alt[topic, platform], team)
    styles = [TEAM_STYLE.get(tid, (0.0, 60.0, 0.8)) for tid in roster.team_ids]
    rate = np.array([s[0] for s in styles])
    median = np.array([s[1] for s in styles])
    sigma = np.array([s[2] for s in styles])
    safe = np.maximum(team, 0)
    chance = rate[safe] * np.asarray(SENTIMENT_ANSWER)[sentiment]
    chance = np.where(root != np.arange(n), chance * 0.1, chance)  # reposts rarely get answers
    chance = np.where(in_crisis, chance * 0.7, chance)  # a swamped inbox
    answered = (team >= 0) & (rng.random(n) < chance)
    minutes = rng.lognormal(np.log(median[safe]), sigma[safe]) * np.where(in_crisis, 1.8, 1.0)
    reply_t = t + (np.maximum(minutes, 0.5) * 60 * US).astype(np.int64)
    answered &= reply_t < demo.cal.end_us  # the latest mentions are still waiting
    idx = np.flatnonzero(answered)
    member = roster.pick_members(team[idx], platform[idx], rng.integers(0, 2**31 - 1, len(idx)))
    ok = member >= 0
    idx, member = idx[ok], member[ok]
    return idx, member, team[idx], reply_t[idx]


def _plan_originals(demo, n_replies, in_crisis, rng):
    roster, cal = demo.roster, demo.cal
    count = max(int(demo.n * STAFF_PER_MENTION) - n_replies, demo.n // 20)
    combos = {}  # team -> [(member, platform)]
    for ti, team in enumerate(roster.org.teams):
        for m in range(len(roster.members)):
            if roster.members[m][0] != ti:
                continue
            for pi in range(NP):
                if roster.handle[m][pi] and roster.channel_of[pi] in team.channels:
                    combos.setdefault(ti, []).append((m, pi))
    teams = [roster.team(t) for t in ORIGINAL_SHARE if combos.get(roster.team(t))]
    weights = _p([ORIGINAL_SHARE[roster.team_ids[t]] for t in teams])
    team = np.asarray(teams)[rng.choice(len(teams), count, p=weights)]
    groups = [
        [str(i) for i in range(len(combos.get(t, [])))] or ["0"]
        for t in range(len(roster.team_ids))
    ]
    pick = C.Choice(groups).index(team, rng.integers(0, 2**31 - 1, count))
    flat_m = np.array(
        [m for t in range(len(roster.team_ids)) for m, _ in combos.get(t, [(-1, -1)])]
    )
    flat_p = np.array(
        [p for t in range(len(roster.team_ids)) for _, p in combos.get(t, [(-1, -1)])]
    )
    member, platform = flat_m[pick], flat_p[pick]
    w = cal.day_weights(OFFICE_WEEKDAY, rng, noise=0.25)
    day = rng.choice(cal.n_days, count, p=_p(w))
    t = cal.times(day, OFFICE_HOURLY, rng)
    lang = (rng.random(count) < np.where(platform == PI["linkedin"], 0.3, 0.07)).astype(np.int64)
    # the outage team posts updates all through the crisis week
    tech = roster.team("technical_support")
    tech_combos = combos.get(tech, [])
    if tech_combos:
        c_start = _us(
            datetime.combine(cal.first + timedelta(days=int(cal.crisis_day)), datetime.min.time())
        )
        extra = 24
        ct = c_start + (rng.random(extra) * 7 * 86400 * US).astype(np.int64)
        which = rng.integers(0, len(tech_combos), extra)
        member = np.concatenate([member, [tech_combos[i][0] for i in which]])
        platform = np.concatenate([platform, [tech_combos[i][1] for i in which]])
        team = np.concatenate([team, np.full(extra, tech)])
        t = np.concatenate([t, np.minimum(ct, cal.end_us - 1)])
        lang = np.concatenate([lang, np.zeros(extra, np.int64)])
    order = np.argsort(t, kind="stable")
    return member[order], team[order], platform[order], t[order], lang[order]


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
