"""Crisis detection: hours where negative mentions climb far above their recent baseline.

The rule (shared by the Overview's crisis alerts and the webhook alerts, issues 5 and 8;
docs/decisions/0006-crisis-rule-and-alerts.md):

1. Count negative mentions per hour (kind 'mention' whose latest score label is 'negative'),
   on a gap-free hourly grid that starts at the first mention in the slice.
2. For every hour h, the *window* is the 24 hours ending with h; its count is the current level.
3. The *baseline* of h is the mean μ and population standard deviation σ of the 24-hour window
   counts ending in each hour of the 7 days before the window (168 windows, none overlapping
   the current one). A window needs that full week of history to be judged.
4. The window alerts when its count exceeds the *threshold* max(μ + k·max(σ, √μ), r·μ) and is
   at least ``min_count``. The √μ floor is the Poisson noise of a count: a baseline that happened
   to be very regular would otherwise turn a handful of extra complaints into a crisis. The
   ratio r (default 3: at least triple the usual level) guards against what a 7-day σ cannot
   see: scanning 168 overlapping windows a week finds statistically "rare" windows in ordinary
   day-to-day swings every few weeks (measured in docs/decisions/0006). ``min_count`` keeps
   quiet brands quiet.
5. Alerting windows whose hours lie within ``merge_gap_hours`` (default: one window, 24 h) of
   each other form one *episode*, reported once with its peak window.

Everything runs in DuckDB (``range`` grid, window functions, gaps-and-islands); no Python loop
touches rows.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import duckdb
import pandas as pd

from monitoring.filters import Filters
from monitoring.queries import mention_slice, rollup_where, rollups_usable

DEFAULT_K = 3.0
DEFAULT_MIN_COUNT = 20
DEFAULT_MIN_RATIO = 3.0
HIGH_FACTOR = 1.5  # a peak this many times its threshold is a 'high' severity episode
WINDOW_HOURS = 24
BASELINE_DAYS = 7

SPIKE_COLUMNS = [
    "window_start",  # start of the first alerting window of the episode (UTC)
    "window_end",  # end of the last alerting window (UTC, exclusive)
    "negatives",  # negative mentions in the peak 24 h window
    "baseline_mean",  # μ of the baseline windows at the peak
    "baseline_std",  # σ of the baseline windows at the peak
    "threshold",  # max(μ + k·max(σ, √μ), r·μ) at the peak
    "severity",  # 'high' when the peak reaches HIGH_FACTOR x the threshold, else 'medium'
    "peak_at",  # end of the peak window (UTC)
    "first_alert_at",  # end of the first alerting window (UTC): the moment it was detectable
    "episode_negatives",  # negative mentions from window_start to window_end
]


def describe_rule(
    k: float = DEFAULT_K,
    min_count: int = DEFAULT_MIN_COUNT,
    min_ratio: float = DEFAULT_MIN_RATIO,
    lang: str = "en",
) -> str:
    """The rule in one paragraph, for the Overview's "how is this computed" and for reports."""
    if lang == "it":
        return (
            f"Un picco è una finestra di 24 ore con almeno {min_count} menzioni negative, più "
            f"della media delle finestre di 24 ore dei 7 giorni precedenti + {k:g}·σ (σ non "
            f"inferiore a √media) e almeno {min_ratio:g} volte quella media. Finestre di allarme "
            f"vicine (entro 24 ore) formano un solo episodio."
        )
    return (
        f"A spike is a 24-hour window with at least {min_count} negative mentions, more than "
        f"the mean of the previous 7 days' 24-hour windows + {k:g}·σ (σ at least √mean) and at "
        f"least {min_ratio:g} times that mean. Alerting windows within 24 hours of each other "
        f"make one episode."
    )


def _slice_where(filters: Filters) -> tuple[str, list]:
    """Conditions for mentions in the slice, without the period (the caller widens it).

    The team filter means the team's inbox, exactly as on the dashboard
    (``queries.mention_slice``): mentions it answered or posted on its channels.
    """
    return mention_slice(dataclasses.replace(filters, start=None, end=None), "i")


# Negative mentions per UTC hour in [?, ?) and the slice: from the items, or from the hourly
# rollups (monitoring/rollups.py) when queries.rollups_usable says they give the same counts.
_NEGATIVE_HOURS_RAW = """
    SELECT date_trunc('hour', created_at) AS hour, count(*) AS n
    FROM (
        SELECT i.item_id, any_value(i.created_at) AS created_at
        FROM items i JOIN scores s ON s.item_id = i.item_id
        WHERE i.created_at >= ? AND i.created_at < ? AND {where}
        GROUP BY i.item_id
        HAVING arg_max(s.label, s.scored_at) = 'negative'
    )
    GROUP BY 1
"""
_NEGATIVE_HOURS_ROLLED = """
    SELECT m.hour, sum(m.mentions) AS n FROM mention_hours m
    WHERE m.hour >= ? AND m.hour < ? AND m.label = 'negative' AND {where}
    GROUP BY 1
"""

_SPIKES = """
WITH negative_hours AS ({negative_hours}),
counts AS (
    SELECT g.range AS hour, coalesce(n.n, 0) AS n
    FROM range(?::TIMESTAMP, ?::TIMESTAMP, INTERVAL 1 HOUR) g
    LEFT JOIN negative_hours n ON n.hour = g.range
),
rolling AS (
    SELECT hour, n, sum(n) OVER (ORDER BY hour ROWS BETWEEN {w1} PRECEDING AND CURRENT ROW)
           AS window_count
    FROM counts
),
judged AS (
    SELECT hour, window_count,
           avg(window_count) OVER b AS mean,
           stddev_pop(window_count) OVER b AS std,
           count(*) OVER b AS samples
    FROM rolling
    WINDOW b AS (ORDER BY hour ROWS BETWEEN {b_far} PRECEDING AND {b_near} PRECEDING)
),
thresholds AS (
    SELECT hour, window_count, mean, std,
           greatest(mean + ? * greatest(std, sqrt(mean)), ? * mean) AS threshold
    FROM judged
    WHERE samples = {samples} AND hour + INTERVAL 1 HOUR > ? AND hour + INTERVAL 1 HOUR <= ?
),
alerting AS (
    SELECT * FROM thresholds WHERE window_count > threshold AND window_count >= ?
),
islands AS (
    SELECT *, sum(CASE WHEN gap IS NULL OR gap > {gap} THEN 1 ELSE 0 END)
              OVER (ORDER BY hour) AS episode
    FROM (SELECT *, date_diff('hour', lag(hour) OVER (ORDER BY hour), hour) AS gap FROM alerting)
),
episodes AS (
    SELECT episode,
           min(hour) - INTERVAL {w1} HOUR AS window_start,
           max(hour) + INTERVAL 1 HOUR AS window_end,
           max(window_count) AS negatives,
           arg_max(mean, window_count) AS baseline_mean,
           arg_max(std, window_count) AS baseline_std,
           arg_max(threshold, window_count) AS threshold,
           max(window_count) >= {high} * arg_max(threshold, window_count) AS high,
           arg_max(hour, window_count) + INTERVAL 1 HOUR AS peak_at,
           min(hour) + INTERVAL 1 HOUR AS first_alert_at
    FROM islands GROUP BY episode
)
SELECT e.window_start, e.window_end, e.negatives::BIGINT AS negatives,
       e.baseline_mean, e.baseline_std, e.threshold,
       CASE WHEN e.high THEN 'high' ELSE 'medium' END AS severity,
       e.peak_at, e.first_alert_at,
       (SELECT coalesce(sum(c.n), 0) FROM counts c
        WHERE c.hour >= e.window_start AND c.hour < e.window_end)::BIGINT AS episode_negatives
FROM episodes e ORDER BY e.window_start
"""


def detect_spikes(
    conn: duckdb.DuckDBPyConnection,
    filters: Filters,
    k: float = DEFAULT_K,
    min_count: int = DEFAULT_MIN_COUNT,
    min_ratio: float = DEFAULT_MIN_RATIO,
    merge_gap_hours: int = WINDOW_HOURS,
) -> pd.DataFrame:
    """Spike episodes of negative mentions in the slice, oldest first (columns: SPIKE_COLUMNS).

    The period of ``filters`` selects the windows judged (those ending inside it); the counts
    behind their baselines reach 8 days further back. Times are naive UTC.

    :param k: how many (floored) standard deviations above the baseline mean alert.
    :param min_count: negatives a 24-hour window needs before it can alert at all.
    :param min_ratio: how many times the baseline mean a window must reach (1 disables it).
    :param merge_gap_hours: alerting hours this close belong to the same episode.
    """
    if k <= 0 or min_count < 1 or min_ratio < 1 or merge_gap_hours < 1:
        raise ValueError("k must be > 0, min_count >= 1, min_ratio >= 1, merge_gap_hours >= 1")
    lo, hi = filters.utc_bounds()
    history = timedelta(hours=WINDOW_HOURS + 24 * BASELINE_DAYS)
    scan_lo = (lo - history) if lo else datetime(1970, 1, 1)
    scan_hi = hi or datetime(9999, 1, 1)
    unbounded = dataclasses.replace(filters, start=None, end=None)
    if rollups_usable(conn, filters):
        # Hours are whole, so the first mention's hour is min(hour) and the scan bounds (whole
        # local days minus whole hours) cut no hour in two.
        where, params = rollup_where(unbounded, "m", "mention")
        negative_hours = _NEGATIVE_HOURS_ROLLED.format(where=where)
        bounds_sql = (
            "SELECT min(m.hour), max(m.hour) FROM mention_hours m "
            f"WHERE m.hour >= ? AND m.hour < ? AND {where}"
        )
    else:
        where, params = _slice_where(filters)
        negative_hours = _NEGATIVE_HOURS_RAW.format(where=where)
        bounds_sql = (
            "SELECT min(i.created_at), max(i.created_at) FROM items i "
            f"WHERE i.created_at >= ? AND i.created_at < ? AND {where}"
        )
    bounds = conn.execute(bounds_sql, [scan_lo, scan_hi, *params]).fetchall()[0]
    if bounds[0] is None:
        return pd.DataFrame(columns=SPIKE_COLUMNS)
    # The grid starts where monitoring of this slice starts: hours before the first mention
    # are unknown, not quiet, so they must not lower the baseline.
    grid_lo = _floor_hour(bounds[0])
    grid_hi = min(scan_hi, _floor_hour(bounds[1]) + timedelta(hours=1))
    sql = _SPIKES.format(
        negative_hours=negative_hours,
        w1=WINDOW_HOURS - 1,
        b_far=WINDOW_HOURS + 24 * BASELINE_DAYS - 1,
        b_near=WINDOW_HOURS,
        samples=24 * BASELINE_DAYS,
        gap=int(merge_gap_hours),
        high=HIGH_FACTOR,
    )
    judged = [lo or datetime(1970, 1, 1), hi or datetime(9999, 1, 1)]
    k, r = float(k), float(min_ratio)
    return conn.execute(
        sql, [scan_lo, scan_hi, *params, grid_lo, grid_hi, k, r, *judged, int(min_count)]
    ).df()


def _floor_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)
