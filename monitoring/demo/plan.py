"""The demo's plan: every number of the year before any text is written.

Times (weekday, hour and winter seasonality in the org's zone), topics, tone, platforms,
languages, authors, engagement and reposts of the mentions; who answers which mention and
when; the original staff posts. All numpy arrays, drawn from one seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from monitoring.demo import compose as C
from monitoring.demo import texts as T
from monitoring.org import OrgConfig

if TYPE_CHECKING:
    from monitoring.demo.generator import Demo

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
        return to_us(self.start)

    @property
    def end_us(self) -> int:
        return to_us(self.end)

    @property
    def crisis_start_us(self) -> int:
        """Midnight UTC starting the crisis week's Monday."""
        monday = self.first + timedelta(days=int(self.crisis_day))
        return to_us(datetime.combine(monday, datetime.min.time()))

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
        base = to_us(datetime.combine(self.first, datetime.min.time()))
        t = base + (day * 86400 + tod * 86400 - self.offset_hours[day] * 3600) * US
        t = t.astype(np.int64)
        # the zone offset can push the first/last hours out of the period: fold them back in
        # (clipping would stack them on one instant)
        lo, hi = self.start_us, self.end_us - 1
        t = np.where(t < lo, 2 * lo - t, t)
        t = np.where(t > hi, 2 * hi - t, t)
        return np.clip(t, lo, hi)


def to_us(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1)).total_seconds() * US)


def from_us(us: int) -> datetime:
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


def make_plan(demo: Demo, rng: np.random.Generator) -> Plan:
    """Draw every number of the demo year (texts come later, per batch)."""
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

    c_start = cal.crisis_start_us
    c_end = c_start + 7 * 86400 * US
    in_crisis = (t >= c_start) & (t < c_end)
    root = _reposts(n, in_crisis, rng)
    platform, topic, sentiment, lang = platform[root], topic[root], sentiment[root], lang[root]

    reach, likes, shares, replies = _engagement(platform, sentiment, in_crisis, author, demo, rng)
    r_mention, r_member, r_team, r_t = _plan_replies(
        demo, t, platform, topic, sentiment, root, in_crisis, rng
    )
    o_member, o_team, o_platform, o_t, o_lang = _plan_originals(demo, len(r_mention), rng)
    negative = sentiment == NEG
    week_index = ((t - c_start) // (7 * 86400 * US)).astype(np.int64)
    weeks = np.bincount(week_index[negative] - week_index.min(), minlength=1)
    full = weeks[1:-1] if len(weeks) > 2 else weeks
    crisis_neg = int((negative & in_crisis).sum())
    crisis = {
        "start": from_us(c_start).isoformat(),
        "end": from_us(c_end).isoformat(),
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
    wanted = rng.random(n) < np.where(in_crisis, 0.34, 0.20)
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
    """Followers (heavy-tailed), likes, shares and replies of each mention."""
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
    """Which mentions get a staff reply, from whom and when (ordered by mention)."""
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


def _plan_originals(demo, n_replies, rng):
    """Original staff posts: each team on its channels, in office hours."""
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
        extra = 24
        ct = cal.crisis_start_us + (rng.random(extra) * 7 * 86400 * US).astype(np.int64)
        which = rng.integers(0, len(tech_combos), extra)
        member = np.concatenate([member, [tech_combos[i][0] for i in which]])
        platform = np.concatenate([platform, [tech_combos[i][1] for i in which]])
        team = np.concatenate([team, np.full(extra, tech)])
        t = np.concatenate([t, np.minimum(ct, cal.end_us - 1)])
        lang = np.concatenate([lang, np.zeros(extra, np.int64)])
    order = np.argsort(t, kind="stable")
    return member[order], team[order], platform[order], t[order], lang[order]
