"""The demo's built-in incidents: hand-written staff posts placed at known dates.

Each is recorded (kind, date, items with platform/native id) in ``meta['demo_incidents']`` so a
manager trying the product, and the tests, can find them: a leak of unreleased figures, a
promotion without disclosure, a hostile reply, customer data in a reply, a team posting on a
channel it is not assigned, a member posting far above their baseline, a competitor disparaged,
plus the crisis week (planned with the mentions in ``generator``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from monitoring.demo import compose as C
from monitoring.demo import texts as T

if TYPE_CHECKING:
    from monitoring.demo.generator import Demo

DAY_US = 86400 * 1_000_000
DESCRIPTIONS = {
    "leak": "an operator replies with unreleased quarterly figures and the code name Progetto Aurora",
    "undisclosed_promo": "the influencer-relations member posts a discount code without #adv",
    "hostile_reply": "an operator blames a customer, shouting",
    "personal_data": "a reply exposes a customer's e-mail, phone number and IBAN",
    "off_channel": "a team posts on a channel it is not assigned",
    "volume_burst": "a member posts far above their own baseline for three days",
    "competitor_disparaged": "an operator calls a competitor cheats",
}


@dataclass
class _Post:
    kind: str
    member: int
    platform: int
    t: int
    text: str
    in_reply_to: str | None = None


@dataclass
class Incidents:
    """The incident posts as rows, and their record for ``meta``."""

    demo: Demo
    posts: list[_Post] = field(default_factory=list)

    def table(self, lo: int, hi: int) -> pa.Table | None:
        """The incident posts created in [lo, hi) microseconds, as item rows."""
        rows = [i for i, p in enumerate(self.posts) if lo <= p.t < hi]
        if not rows:
            return None
        posts = [self.posts[i] for i in rows]
        serial = self._serial0() + np.asarray(rows)
        return self.demo.staff_rows(
            member=np.array([p.member for p in posts]),
            plat=np.array([p.platform for p in posts]),
            serial=serial,
            text=pa.array([p.text for p in posts], pa.string()),
            lang=np.zeros(len(posts), np.int64),
            t=np.array([p.t for p in posts], np.int64),
            in_reply_to=pa.array([p.in_reply_to for p in posts], pa.string()),
            rng=np.random.default_rng([self.demo.seed, 4, lo & 0xFFFFFFFF]),
        )

    def _serial0(self) -> int:
        plan = self.demo.plan
        return self.demo.staff_serial0 + len(plan.r_mention) + len(plan.o_t)

    def as_meta(self, crisis: dict[str, Any]) -> dict[str, Any]:
        from monitoring.demo.plan import PLATFORMS, from_us

        roster = self.demo.roster
        out: dict[str, Any] = {
            "crisis_week": {
                "description": "an outage plus billing errors: a spike of negative mentions",
                "date": crisis["start"][:10],
                **crisis,
            }
        }
        serial0 = self._serial0()
        for i, post in enumerate(self.posts):
            platform = PLATFORMS[post.platform]
            team_index, member = roster.members[post.member]
            native = self.demo.native_ids(np.array([post.platform]), np.array([serial0 + i]))
            entry = out.setdefault(
                post.kind,
                {
                    "description": DESCRIPTIONS[post.kind],
                    "date": from_us(post.t).date().isoformat(),
                },
            )
            entry.setdefault("items", []).append(
                {
                    "platform": platform,
                    "native_id": native[0].as_py(),
                    "member_id": member.id,
                    "team_id": roster.team_ids[team_index],
                    "channel_id": roster.channel_of[post.platform],
                    "created_at": from_us(post.t).isoformat(),
                    "in_reply_to": post.in_reply_to,
                }
            )
        return out


def plan_incidents(demo: Demo, rng: np.random.Generator) -> Incidents:
    """Place every incident at a fixed distance from the period's end."""
    from monitoring.demo.plan import PI

    inc = Incidents(demo)
    care = demo.roster.team("customer_care")
    x, fb = PI["x"], PI["facebook"]
    first_x = _member(demo, "marco.bianchi", care, x)
    second_x = _member(demo, "luca.ferrari", care, x, avoid=first_x)
    lead_x = _member(demo, "giulia.rossi", care, x, avoid=first_x)

    def reply(kind, member, platform, days_ago, template, topics=None, sentiments=None):
        target = _target(demo, platform, days_ago, topics, sentiments)
        handle = demo.pool.handles(demo.plan.author[[target]], demo.plan.platform[[target]])[0]
        text = C.fill_one(template, rng, handle=handle[0].as_py())
        minutes = 4 + int(rng.integers(0, 20))
        t = min(int(demo.plan.t[target]) + minutes * 60_000_000, demo.cal.end_us - 1)
        parent = demo.native_ids(demo.plan.platform[[target]], np.array([target]))[0].as_py()
        inc.posts.append(_Post(kind, member, platform, t, text, parent))

    def post(kind, member, platform, days_ago, hour, template):
        t = _day_start(demo, days_ago) + int(hour * 3600) * 1_000_000
        text = C.fill_one(template, rng)
        inc.posts.append(_Post(kind, member, platform, min(t, demo.cal.end_us - 1), text))

    reply("leak", first_x, x, 80, T.LEAK_TEXTS[0], ("billing", "offers"), (1, 2))
    reply("leak", second_x, x, 23, T.LEAK_TEXTS[1], ("offers", "corporate", "digital"), (1, 2))
    reply("hostile_reply", _member(demo, "marco.bianchi", care, fb), fb, 61, T.HOSTILE_REPLY,
          ("billing",), (0,))  # fmt: skip
    reply("personal_data", second_x, x, 101, T.PERSONAL_DATA_REPLY, ("billing",), (0, 1))
    reply("competitor_disparaged", lead_x, x, 12, T.COMPETITOR_DISPARAGED, ("competitors",))

    promo = _influencer(demo)
    post("undisclosed_promo", promo[0], promo[1], 45, 10.5, T.UNDISCLOSED_PROMO)
    if len(promo) > 2:
        post("undisclosed_promo", promo[0], promo[2], 43, 18.2, T.UNDISCLOSED_PROMO)

    member, platform = _off_channel(demo)
    for days_ago, hour, text in zip(
        (30, 29, 27), (11.2, 16.5, 12.1), T.OFF_CHANNEL_POSTS, strict=True
    ):
        post("off_channel", member, platform, days_ago, hour, text)

    burst_member, burst_platform = _burst_member(demo)
    for day in (18, 17, 16):
        for k in range(int(rng.integers(14, 22))):
            hour = 7.5 + 13.5 * k / 22 + float(rng.random()) * 0.5
            post("volume_burst", burst_member, burst_platform, day, hour,
                 T.BURST_POSTS[int(rng.integers(len(T.BURST_POSTS)))])  # fmt: skip
    inc.posts.sort(key=lambda p: p.t)
    return inc


def _day_start(demo: Demo, days_ago: int) -> int:
    span_days = (demo.cal.end_us - demo.cal.start_us) // DAY_US
    days_ago = min(days_ago, span_days - 2)
    end_day = demo.cal.end_us - demo.cal.end_us % DAY_US
    return end_day - days_ago * DAY_US


def _target(demo: Demo, platform: int, days_ago: int, topics=None, sentiments=None) -> int:
    """The first original mention on ``platform`` from ``days_ago`` on, matching if possible."""
    from monitoring.demo.plan import TI

    plan = demo.plan
    after = _day_start(demo, days_ago) + 8 * 3600 * 1_000_000
    base = (plan.platform == platform) & (plan.root == np.arange(len(plan.t)))
    wanted = base.copy()
    if topics:
        wanted &= np.isin(plan.topic, [TI[t] for t in topics])
    if sentiments:
        wanted &= np.isin(plan.sentiment, sentiments)
    for mask in (wanted & (plan.t >= after), base & (plan.t >= after), base):
        hits = np.flatnonzero(mask)
        if len(hits):
            return int(hits[0])
    raise ValueError("the demo has no mention to reply to; use more mentions")


def _member(demo: Demo, prefer: str, team: int, platform: int, avoid: int | None = None) -> int:
    roster = demo.roster
    ids = [m.id for _, m in roster.members]
    if prefer in ids:
        i = ids.index(prefer)
        if roster.handle[i][platform] and i != avoid:
            return i
    for i in roster.can[(team, platform)]:
        if not roster.is_brand[i] and i != avoid:
            return i
    raise ValueError(f"org.yaml has no member of {roster.team_ids[team]} on that platform")


def _influencer(demo: Demo) -> tuple[int, ...]:
    """The influencer-relations member (by role), on Instagram and TikTok where they can post."""
    from monitoring.demo.plan import PI

    roster = demo.roster
    marketing = roster.team("marketing")
    candidates = [i for i, (t, _) in enumerate(roster.members) if t == marketing]
    candidates.sort(key=lambda i: "influencer" not in roster.members[i][1].role.lower())
    for i in candidates:
        platforms = [p for p in (PI["instagram"], PI["tiktok"]) if i in roster.can[(marketing, p)]]
        if platforms:
            return (i, *platforms)
    raise ValueError("org.yaml's marketing team has nobody on Instagram or TikTok")


def _off_channel(demo: Demo) -> tuple[int, int]:
    """A member with a handle on a platform whose channel their team is not assigned."""
    roster = demo.roster
    for i, (team, _) in enumerate(roster.members):
        if roster.is_brand[i]:
            continue
        for p, handle in enumerate(roster.handle[i]):
            channel = roster.channel_of[p]
            if handle and channel and channel not in roster.org.teams[team].channels:
                return i, p
    raise ValueError(
        "org.yaml has no member with a handle on a channel outside their team's (needed for "
        "the demo's off-channel incident)"
    )


def _burst_member(demo: Demo) -> tuple[int, int]:
    from monitoring.demo.plan import PI

    marketing = demo.roster.team("marketing")
    return _member(demo, "alessandro.romano", marketing, PI["facebook"]), PI["facebook"]
