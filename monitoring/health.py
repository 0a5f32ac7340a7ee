"""Brand health and team health against targets: the formulas the dashboard shows.

Brand health (0-100) = 100 x weighted mean of four shares, each 0..1 where 1 is best:

==============  ======  =================================================================
component       weight  definition
==============  ======  =================================================================
sentiment       0.40    (1 + net sentiment) / 2; net = (positive - negative) / scored mentions
care            0.25    negative mentions that got a staff answer / negative mentions
timeliness      0.20    answers within the answering team's target time / answers
compliance      0.15    1 - min(1, flagged share of staff posts / 10%)
==============  ======  =================================================================

A component without data (no scored mention, no answer, no staff post) is left out and the
other weights are rescaled, so a quiet week is not punished for what did not happen.

Team health compares four figures with the team's targets in org.yaml. Each figure gets a
status — green when the target is met, amber when it misses by at most the ``AMBER`` margin,
red beyond — and a 0..1 score (target/actual for "at most" targets, actual/target for "at
least" ones, capped at 1). The team's health is 100 x the mean score; its status the worst one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

BRAND_WEIGHTS: dict[str, float] = {
    "sentiment": 0.40,
    "care": 0.25,
    "timeliness": 0.20,
    "compliance": 0.15,
}
FLAGGED_SHARE_FOR_ZERO = 0.10  # a tenth of staff posts flagged scores compliance 0

GREEN, AMBER, RED = "green", "amber", "red"
STATUS_RANK = {GREEN: 0, AMBER: 1, RED: 2}


@dataclass(frozen=True)
class TeamMetric:
    """One team figure checked against a target column of ``queries.team_activity``."""

    key: str  # column computed by team_health
    target: str  # target column
    lower_is_better: bool
    amber: float  # tolerated relative miss for amber (0.5 = up to 50% worse)


TEAM_METRICS = (
    TeamMetric("median_minutes", "target_minutes", True, 0.5),
    TeamMetric("response_rate", "target_response_rate", False, 0.2),
    TeamMetric("negative_share", "target_negative_share", True, 0.25),
    TeamMetric("flagged_share", "target_flagged_share", True, 0.5),
)


def _share(part: float, whole: float) -> float | None:
    return float(part) / float(whole) if whole else None


def brand_components(totals: dict[str, float]) -> dict[str, float | None]:
    """The four 0..1 components from summed ``mention_buckets`` and ``staff_buckets`` columns."""
    scored = totals.get("positive", 0) + totals.get("neutral", 0) + totals.get("negative", 0)
    net = _share(totals.get("positive", 0) - totals.get("negative", 0), scored)
    flagged = _share(totals.get("flagged", 0), totals.get("staff_posts", 0))
    return {
        "sentiment": None if net is None else (1 + net) / 2,
        "care": _share(totals.get("negative_answered", 0), totals.get("negative", 0)),
        "timeliness": _share(totals.get("answered_in_target", 0), totals.get("answered", 0)),
        "compliance": None if flagged is None else 1 - min(1.0, flagged / FLAGGED_SHARE_FOR_ZERO),
    }


def brand_health(totals: dict[str, float]) -> float | None:
    """Brand health 0-100 (None when there is no data at all)."""
    parts = {k: v for k, v in brand_components(totals).items() if v is not None}
    if not parts:
        return None
    weight = sum(BRAND_WEIGHTS[k] for k in parts)
    return 100 * sum(BRAND_WEIGHTS[k] * v for k, v in parts.items()) / weight


def _totals(row: pd.Series) -> dict[str, float]:
    return {k: float(v) for k, v in row.items() if k != "bucket" and pd.notna(v)}


def brand_health_trend(mentions: pd.DataFrame, staff: pd.DataFrame) -> pd.DataFrame:
    """Brand health per ISO week (Monday) from ``mention_buckets`` and ``staff_buckets``.

    Daily buckets are summed into weeks first: a day holds too few mentions for a stable score.
    """
    merged = mentions.merge(staff, on="bucket", how="outer").fillna(0)
    days = pd.to_datetime(merged["bucket"])
    merged["bucket"] = (days - pd.to_timedelta(days.dt.day_of_week, unit="D")).dt.date
    merged = merged.groupby("bucket", as_index=False).sum()
    health = [brand_health(_totals(row)) for _, row in merged.iterrows()]
    return pd.DataFrame({"bucket": merged["bucket"], "health": health})


def period_totals(mentions: pd.DataFrame, staff: pd.DataFrame) -> dict[str, float]:
    """Sum the per-bucket counts into the period's totals."""
    totals = {c: float(mentions[c].sum()) for c in mentions.columns if c != "bucket"}
    totals.update({c: float(staff[c].sum()) for c in staff.columns if c != "bucket"})
    return totals


def status(value: float | None, target: float | None, metric: TeamMetric) -> str | None:
    """green / amber / red for one figure, None when there is no figure or target."""
    if value is None or target is None or pd.isna(value) or pd.isna(target):
        return None
    if metric.lower_is_better:
        if value <= target:
            return GREEN
        return AMBER if value <= target * (1 + metric.amber) else RED
    if value >= target:
        return GREEN
    return AMBER if value >= target * (1 - metric.amber) else RED


def metric_score(value: float | None, target: float | None, metric: TeamMetric) -> float | None:
    if value is None or target is None or pd.isna(value) or pd.isna(target):
        return None
    if metric.lower_is_better:
        return 1.0 if value <= target else float(target) / float(value)
    return 1.0 if value >= target else (float(value) / float(target) if target else 1.0)


def team_health(activity: pd.DataFrame) -> pd.DataFrame:
    """``queries.team_activity`` plus shares, a status per target, health 0-100 and status."""
    out = activity.copy()
    out["response_rate"] = (out["inbox_answered"] / out["inbox_mentions"]).where(
        out["inbox_mentions"] > 0
    )
    out["negative_share"] = (out["inbox_negative"] / out["inbox_mentions"]).where(
        out["inbox_mentions"] > 0
    )
    out["flagged_share"] = (out["flagged"] / out["staff_posts"]).where(out["staff_posts"] > 0)
    scores, worst = [], []
    for metric in TEAM_METRICS:
        out[f"{metric.key}_status"] = [
            status(v, t, metric) for v, t in zip(out[metric.key], out[metric.target], strict=True)
        ]
    for _, row in out.iterrows():
        values = [metric_score(row[m.key], row[m.target], m) for m in TEAM_METRICS]
        values = [v for v in values if v is not None]
        scores.append(100 * sum(values) / len(values) if values else None)
        states = [row[f"{m.key}_status"] for m in TEAM_METRICS]
        states = [s for s in states if isinstance(s, str)]
        worst.append(max(states, key=STATUS_RANK.__getitem__) if states else None)
    out["health"] = scores
    out["status"] = worst
    return out


def governance_averages(health: pd.DataFrame) -> pd.DataFrame:
    """Mean median response time and flagged share per governance mode (the trade-off)."""
    return (
        health.groupby("governance", as_index=False)
        .agg(
            median_minutes=("median_minutes", "mean"),
            flagged_share=("flagged_share", "mean"),
            teams=("team_id", "count"),
        )
        .sort_values("governance")
    )
