"""Reputation risk 0-100: policy deviation, negative sentiment, audience and the public's reaction.

The formula (also in docs/decisions/0004-policy-engine-and-risk.md and shown by the UI through
``describe_risk_formula``)::

    staff post:  risk = Pd*D + Ps*S + Pa*A + Pr*R       (default points 70, 10, 10, 10)
    mention:     risk =        Ms*S + Ma*A + Mr*R       (default points 40, 30, 30)

    D = 1 - prod(1 - min(1, severity_points[sev_i] * weight_i))   over the rule hits
    S = max(0, -compound)                                         (0 when sentiment is unknown)
    A = min(1, log10(1 + reach) / log10(1 + reach_full))
    R = 0.6 * min(1, log10(1 + negative_replies) / log10(1 + negative_replies_full))
      + 0.4 * min(1, log10(1 + velocity) / log10(1 + velocity_full))
    velocity = (likes + shares + replies) / max(1, hours between posting and observation)

D grows with every hit but never passes 1 (two medium hits weigh more than one, less than
two highs). Audience and reaction are log-scaled: the step from 100 to 10,000 readers matters
as much as the one from 10,000 to a million. A staff post is flagged when risk reaches the
policy's threshold or any high-severity rule fires.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["low", "medium", "high"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StaffParts(_Strict):
    deviation: float = Field(default=70, ge=0)
    sentiment: float = Field(default=10, ge=0)
    audience: float = Field(default=10, ge=0)
    reaction: float = Field(default=10, ge=0)


class MentionParts(_Strict):
    sentiment: float = Field(default=40, ge=0)
    audience: float = Field(default=30, ge=0)
    reaction: float = Field(default=30, ge=0)


class SeverityPoints(_Strict):
    low: float = Field(default=0.3, ge=0, le=1)
    medium: float = Field(default=0.6, ge=0, le=1)
    high: float = Field(default=1.0, ge=0, le=1)


class RiskSettings(_Strict):
    """The ``risk:`` section of policy.yaml: every number of the formula, named."""

    threshold: float = Field(default=40, ge=0, le=100, description="flag at or above this risk")
    severity_points: SeverityPoints = SeverityPoints()
    staff: StaffParts = StaffParts()
    mention: MentionParts = MentionParts()
    reach_full: float = Field(default=1_000_000, gt=0, description="reach that counts as full")
    negative_replies_full: float = Field(default=50, gt=0)
    velocity_full: float = Field(default=500, gt=0, description="engagements per hour")


@dataclass(frozen=True)
class RiskInputs:
    """What risk depends on besides the text; all optional (``check`` knows none of them)."""

    kind: str = "staff"  # "staff" | "mention"
    severities: tuple[tuple[str, float], ...] = ()  # (severity, weight) per hit
    compound: float | None = None
    reach: int | None = None
    negative_replies: int = 0
    engagement: int = 0  # likes + shares + replies
    hours_observed: float | None = None  # from posting to when engagement was counted


@dataclass(frozen=True)
class _Numbers:
    """A ``RiskSettings``' numbers as plain floats: ``risk_parts`` runs once per staff post,
    and reading nested pydantic models and recomputing the log denominators cost more than
    the arithmetic itself (4.3 -> 2.7 µs)."""

    severity_points: dict[str, float]
    staff: tuple[float, float, float, float]  # deviation, sentiment, audience, reaction
    mention: tuple[float, float, float, float]  # deviation is 0: mentions have no rules
    log_reach_full: float
    log_negative_full: float
    log_velocity_full: float


_NUMBERS: dict[int, tuple[RiskSettings, _Numbers]] = {}


def _numbers(settings: RiskSettings) -> _Numbers:
    cached = _NUMBERS.get(id(settings))
    if cached is not None and cached[0] is settings:
        return cached[1]
    staff, mention = settings.staff, settings.mention
    numbers = _Numbers(
        severity_points=settings.severity_points.model_dump(),
        staff=(staff.deviation, staff.sentiment, staff.audience, staff.reaction),
        mention=(0.0, mention.sentiment, mention.audience, mention.reaction),
        log_reach_full=math.log10(1 + settings.reach_full),
        log_negative_full=math.log10(1 + settings.negative_replies_full),
        log_velocity_full=math.log10(1 + settings.velocity_full),
    )
    if len(_NUMBERS) > 16:
        _NUMBERS.clear()
    _NUMBERS[id(settings)] = (settings, numbers)
    return numbers


def _share(value: float, log_full: float) -> float:
    """log10(1 + value) as a share of ``log_full`` (log10(1 + the value that counts as full))."""
    if value <= 0:
        return 0.0
    return min(1.0, math.log10(1 + value) / log_full)


def _deviation(severities: tuple[tuple[str, float], ...], points: dict[str, float]) -> float:
    keep = 1.0
    for severity, weight in severities:
        keep *= 1.0 - min(1.0, points[severity] * weight)
    return 1.0 - keep


def deviation(severities: tuple[tuple[str, float], ...], settings: RiskSettings) -> float:
    """D in 0..1: each hit removes a share of what is left (``1 - prod(1 - p_i)``)."""
    return _deviation(severities, _numbers(settings).severity_points)


def _reaction(negative_replies: int, velocity: float, n: _Numbers) -> float:
    return 0.6 * _share(negative_replies, n.log_negative_full) + 0.4 * _share(
        velocity, n.log_velocity_full
    )


def reaction(negative_replies: int, velocity: float, settings: RiskSettings) -> float:
    """R in 0..1: negative replies weigh 0.6, engagement velocity 0.4."""
    return _reaction(negative_replies, velocity, _numbers(settings))


def risk_parts(inputs: RiskInputs, settings: RiskSettings) -> dict[str, float]:
    """The factors (each 0..1) and points (summing to the risk) of one post; the explanation."""
    n = _numbers(settings)
    dev = _deviation(inputs.severities, n.severity_points)
    sent = max(0.0, -(inputs.compound or 0.0))
    aud = _share(inputs.reach or 0, n.log_reach_full)
    hours = max(1.0, inputs.hours_observed or 1.0)
    rea = _reaction(inputs.negative_replies, inputs.engagement / hours, n)
    w_dev, w_sent, w_aud, w_rea = n.mention if inputs.kind == "mention" else n.staff
    return {
        "deviation_factor": round(dev, 4),
        "sentiment_factor": round(sent, 4),
        "audience_factor": round(aud, 4),
        "reaction_factor": round(rea, 4),
        "deviation_points": round(w_dev * dev, 2),
        "sentiment_points": round(w_sent * sent, 2),
        "audience_points": round(w_aud * aud, 2),
        "reaction_points": round(w_rea * rea, 2),
    }


def risk_score(parts: dict[str, float]) -> float:
    """Sum of the points in ``parts``, clamped to 0..100."""
    # The four points in their order in ``parts`` (so the same float as summing them in a loop).
    total = (
        parts["deviation_points"]
        + parts["sentiment_points"]
        + parts["audience_points"]
        + parts["reaction_points"]
    )
    return round(min(100.0, max(0.0, total)), 1)


def describe_risk_formula(settings: RiskSettings | None = None) -> str:
    """The formula in words with the configured numbers, for the Policy page."""
    s = settings or RiskSettings()
    p = s.severity_points
    return (
        f"Staff post risk = {s.staff.deviation:g}×deviation + {s.staff.sentiment:g}×negativity"
        f" + {s.staff.audience:g}×audience + {s.staff.reaction:g}×reaction. "
        f"Mention risk = {s.mention.sentiment:g}×negativity + {s.mention.audience:g}×audience"
        f" + {s.mention.reaction:g}×reaction. "
        f"Deviation = 1 − ∏(1 − severity×weight) over the rule hits, with severity low {p.low:g},"
        f" medium {p.medium:g}, high {p.high:g}. Negativity = max(0, −compound sentiment). "
        f"Audience = log10(1+reach) / log10(1+{s.reach_full:,.0f}), at most 1. "
        f"Reaction = 0.6 × negative replies (full at {s.negative_replies_full:g}, log scale)"
        f" + 0.4 × engagements per hour (full at {s.velocity_full:g}, log scale). "
        f"A staff post is flagged when risk ≥ {s.threshold:g} or a high-severity rule fires."
    )
