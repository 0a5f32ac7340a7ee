"""Read side of the dashboard: one function per question a page asks.

Every function takes an open connection and a ``Filters`` and returns a small frame aggregated
inside DuckDB — no function loads a whole table into pandas. Keep every aggregate here: the
scale work (issue 6) can re-point them at rollup tables without touching the pages.

Conventions:
- A score row per item (the scoring pipeline keeps one, for the current policy version); hits
  count only when they belong to that same version.
- Times are stored in UTC and shown in the organization's time zone (``Filters.timezone``).
- The team filter means, for staff posts, "posted by these teams"; for mentions, "answered by
  these teams or posted on a channel assigned to them" (the team's inbox). ``mention_slice``
  implements it once.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from monitoring import rollups
from monitoring.db import scalar
from monitoring.filters import Filters

# Periods longer than this are drawn per ISO week rather than per day.
DAILY_MAX_DAYS = 120


def _marks(values: tuple | list) -> str:
    return ", ".join("?" for _ in values)


def _df(conn: duckdb.DuckDBPyConnection, sql: str, params: list) -> pd.DataFrame:
    return conn.execute(sql, params).df()


def local_time(column: str) -> str:
    """SQL turning a stored UTC timestamp column into the organization's local time.

    Takes one ``?`` parameter: the time zone name.
    """
    return f"timezone(?, {column}::TIMESTAMPTZ)"


def staff_slice(f: Filters, alias: str = "i") -> tuple[str, list]:
    """WHERE conditions selecting the staff posts in the slice."""
    where, params = f.where(alias)
    return f"{alias}.kind = 'staff' AND {where}", params


# --- rollups (monitoring/rollups.py, docs/decisions/0008-rollups.md) -----------------------
# Aggregates read the hourly rollups when they give the same answer as the raw tables: the
# rollups are up to date (``rollups.is_fresh``) and the time zone's offsets are whole hours, so
# that local days are made of whole UTC hours. Otherwise the raw query runs. Tests set
# USE_ROLLUPS = False to compare both ways.
USE_ROLLUPS = True


@functools.lru_cache(maxsize=64)
def whole_hour_zone(timezone: str) -> bool:
    """True when ``timezone``'s UTC offset is a whole number of hours, winter and summer,
    1990-2100 (Europe/Rome: yes; Asia/Kolkata, Australia/Adelaide: no)."""
    zone = ZoneInfo(timezone)
    for year in range(1990, 2101):
        for month in (1, 7):
            offset = datetime(year, month, 1, tzinfo=zone).utcoffset()
            if offset is None or offset.total_seconds() % 3600:
                return False
    return True


def rollups_usable(conn: duckdb.DuckDBPyConnection, f: Filters) -> bool:
    """True when the rollups answer for the slice exactly as the raw tables would."""
    return USE_ROLLUPS and whole_hour_zone(f.timezone) and rollups.is_fresh(conn)


_rolled = rollups_usable


def rollup_where(
    f: Filters, alias: str, kind: str, time_column: str = "hour", team_column: str = "answered_by"
) -> tuple[str, list]:
    """The slice's conditions on a rollup table (``mention_hours``, ``staff_hours``,
    ``answer_facts``, ``competitor_mentions``), meaning what ``mention_slice``/``staff_slice``
    mean on items. For mentions the team is its inbox: answered by it (``team_column``, the
    first answer's team, as ``responses`` holds one answer per mention) or on its channels.
    """
    where, params = replace(f, teams=()).where(alias, time_column=time_column)
    clauses = [where]
    if f.teams:
        marks = _marks(f.teams)
        if kind == "staff":
            clauses.append(f"{alias}.team_id IN ({marks})")
            params.extend(f.teams)
        else:
            clauses.append(
                f"({alias}.{team_column} IN ({marks}) OR {alias}.channel_id IN"
                f" (SELECT unnest(channels) FROM teams WHERE team_id IN ({marks})))"
            )
            params.extend(list(f.teams) * 2)
    return " AND ".join(clauses), params


def mention_slice(f: Filters, alias: str = "i") -> tuple[str, list]:
    """WHERE conditions selecting the mentions in the slice (team = the team's inbox)."""
    where, params = replace(f, teams=()).where(alias)
    sql = f"{alias}.kind = 'mention' AND {where}"
    if f.teams:
        marks = _marks(f.teams)
        sql += (
            f" AND ({alias}.item_id IN (SELECT mention_id FROM responses WHERE team_id IN ({marks}))"
            f" OR {alias}.channel_id IN"
            f" (SELECT unnest(channels) FROM teams WHERE team_id IN ({marks})))"
        )
        params = params + list(f.teams) + list(f.teams)
    return sql, params


def grain(f: Filters) -> str:
    """'day' for short periods, 'week' for long or open ones."""
    if f.start and f.end and (f.end - f.start).days <= DAILY_MAX_DAYS:
        return "day"
    return "week"


def _bucket(f: Filters, column: str = "i.created_at") -> tuple[str, list]:
    # grain() returns one of two code constants, so it may be inlined.
    return f"date_trunc('{grain(f)}', {local_time(column)})::DATE", [f.timezone]


# Every time zone's offset is a multiple of 15 minutes, so 15-minute UTC slots fall wholly
# inside one local day: aggregating per slot first and converting only the slots' starts to
# local time gives the same days as converting every row, several times faster.
SLOT = "time_bucket(INTERVAL 15 MINUTE, i.created_at)"


def _by_local_bucket(f: Filters, inner: str, sums: list[str]) -> tuple[str, list]:
    """Wrap a query grouped by ``slot`` (see SLOT) into one grouped by local day/week."""
    bucket, params = _bucket(f, "slot")
    totals = ", ".join(f"coalesce(sum({c}), 0)::BIGINT AS {c}" for c in sums)
    return (
        f"SELECT {bucket} AS bucket, {totals} FROM ({inner}) GROUP BY ALL ORDER BY bucket",
        params,
    )


# --- sidebar choices ----------------------------------------------------------------------


def data_bounds(conn: duckdb.DuckDBPyConnection, timezone: str) -> pd.DataFrame:
    """First and last item day (local) and the item count: the sidebar's period limits."""
    # Convert the two aggregates, not every row: min/max of the raw column is nearly free.
    sql = f"""
        SELECT {local_time("min(created_at)")}::DATE AS first_day,
               {local_time("max(created_at)")}::DATE AS last_day, count(*) AS items
        FROM items
    """
    return _df(conn, sql, [timezone, timezone])


def platforms(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Platforms that have items or channels, for the sidebar filter."""
    rows = conn.execute(
        "SELECT platform FROM channels UNION SELECT DISTINCT platform FROM items ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


@dataclass(frozen=True)
class AppState:
    """What app.py needs on every run, read in one go."""

    last_day: date | None  # the last day with items (organization's time zone)
    platforms: tuple[str, ...]
    demo: bool  # meta 'demo' = 'true': the data is the generated demo's


def app_state(conn: duckdb.DuckDBPyConnection, timezone: str) -> AppState | None:
    """None when the database has no schema or no item yet (the first run builds the demo)."""
    try:
        bounds = data_bounds(conn, timezone).iloc[0]
    except duckdb.CatalogException:
        return None
    if not bounds["items"]:
        return None
    demo = scalar(conn, "SELECT value FROM meta WHERE key = 'demo'") == "true"
    last = pd.Timestamp(bounds["last_day"]).date()
    return AppState(last_day=last, platforms=tuple(platforms(conn)), demo=demo)


# --- overview -----------------------------------------------------------------------------


def mention_buckets(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per time bucket: mentions by sentiment label, answers, answers within target, reach.

    Columns: bucket, mentions, positive, neutral, negative, unscored, negative_answered,
    answered, answered_in_target, reach. Summing the rows gives the period's totals.
    """
    if _rolled(conn, f):
        return _rolled_mention_buckets(conn, f)
    where, params = mention_slice(f)
    inner = f"""
        SELECT {SLOT} AS slot,
               count(*) AS mentions,
               count(*) FILTER (WHERE s.label = 'positive') AS positive,
               count(*) FILTER (WHERE s.label = 'neutral') AS neutral,
               count(*) FILTER (WHERE s.label = 'negative') AS negative,
               count(*) FILTER (WHERE s.label IS NULL) AS unscored,
               count(r.mention_id) FILTER (WHERE s.label = 'negative') AS negative_answered,
               count(r.mention_id) AS answered,
               count(r.mention_id) FILTER (WHERE r.minutes <= t.response_minutes)
                   AS answered_in_target,
               coalesce(sum(i.reach), 0) AS reach
        FROM items i
        LEFT JOIN scores s ON s.item_id = i.item_id
        LEFT JOIN responses r ON r.mention_id = i.item_id
        LEFT JOIN teams t ON t.team_id = r.team_id
        WHERE {where}
        GROUP BY slot
    """
    columns = ["mentions", "positive", "neutral", "negative", "unscored", "negative_answered",
               "answered", "answered_in_target", "reach"]  # fmt: skip
    sql, bparams = _by_local_bucket(f, inner, columns)
    return _df(conn, sql, bparams + params)  # the bucket's ? comes first in the text


def staff_buckets(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per time bucket: staff posts and how many of them are flagged (active flags)."""
    if _rolled(conn, f):
        return _rolled_staff_buckets(conn, f)
    where, params = staff_slice(f)
    inner = f"""
        SELECT {SLOT} AS slot, count(*) AS staff_posts,
               count(fl.item_id) FILTER (WHERE fl.active) AS flagged
        FROM items i LEFT JOIN flags fl ON fl.item_id = i.item_id
        WHERE {where}
        GROUP BY slot
    """
    sql, bparams = _by_local_bucket(f, inner, ["staff_posts", "flagged"])
    return _df(conn, sql, bparams + params)  # the bucket's ? comes first in the text


def response_times(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Median and 90th percentile of first-answer minutes for the mentions in the slice."""
    if _rolled(conn, f):
        return _rolled_response_times(conn, f)
    where, params = mention_slice(f)
    sql = f"""
        SELECT count(*) AS answers, median(r.minutes) AS median_minutes,
               quantile_cont(r.minutes, 0.9) AS p90_minutes
        FROM items i JOIN responses r ON r.mention_id = i.item_id
        WHERE {where}
    """
    return _df(conn, sql, params)


def share_of_voice(
    conn: duckdb.DuckDBPyConnection, f: Filters, competitors: list[tuple[str, list[str]]]
) -> pd.DataFrame:
    """Mentions of the brand against mentions naming each competitor.

    Every collected mention counts for the brand (the sources query the brand); a competitor
    counts the mentions whose text names it (name or an alias, case-insensitive).

    :param competitors: (display name, lower-case terms) pairs from org.yaml.
    """
    terms = [term for _, names in competitors for term in names if term]
    if _rolled(conn, f) and (
        not terms or rollups.stored_competitors(conn) == rollups.competitors_key(competitors)
    ):
        return _rolled_share_of_voice(conn, f, competitors, bool(terms))
    where, params = mention_slice(f)
    if not terms:
        total = int(scalar(conn, f"SELECT count(*) FROM items i WHERE {where}", params) or 0)
        return pd.DataFrame({"name": ["__brand__"], "mentions": [total]})
    # One case-insensitive regex pass keeps the few mentions naming any competitor; only those
    # are lower-cased and checked per competitor (lower() on every text costs ~4x the regex).
    any_name = "(?i)" + "|".join(re.escape(term) for term in terms)
    parts, term_params = [], []
    for index, (_, names) in enumerate(competitors):
        ors = " OR ".join("contains(t, ?)" for _ in names) or "FALSE"
        parts.append(f"count(*) FILTER (WHERE {ors}) AS c{index}")
        term_params.extend(names)
    sql = f"""
        SELECT {", ".join(parts)}
        FROM (SELECT lower(i.text) AS t FROM items i WHERE {where} AND regexp_matches(i.text, ?))
    """
    counts = conn.execute(sql, term_params + params + [any_name]).fetchall()[0]
    brand = int(scalar(conn, f"SELECT count(*) FROM items i WHERE {where}", params) or 0)
    names = ["__brand__"] + [name for name, _ in competitors]
    return pd.DataFrame({"name": names, "mentions": [brand] + [int(v or 0) for v in counts]})


_MENTION_COLUMNS = """
    i.item_id, {local} AS created_at, i.platform, i.channel_id, c.name AS channel,
    i.author_handle AS author, i.text, i.reach, s.lang, s.compound, s.label, i.url
"""


# Press articles are not answered in a thread: left out of "unanswered" lists, as the alerts
# leave them out of the unanswered rule (monitoring.alerts, exclude_platforms).
NOT_ANSWERABLE = ("news",)


def top_unanswered_negative(
    conn: duckdb.DuckDBPyConnection, f: Filters, limit: int = 15
) -> pd.DataFrame:
    """The most-reached negative mentions nobody answered yet (press articles aside)."""
    where, params = mention_slice(f)
    where += f" AND i.platform NOT IN ({_marks(NOT_ANSWERABLE)})"
    params = params + list(NOT_ANSWERABLE)
    floor = _reach_floor(conn, f, limit) if _rolled(conn, f) else None
    if floor is not None:
        # Only items at least as reached as the limit-th best hour group can be in the top.
        where += " AND i.reach >= ?"
        params.append(floor)
    # Rank on narrow columns first; fetch the texts of the few winners only.
    sql = f"""
        WITH top AS (
            SELECT i.item_id
            FROM items i
            JOIN scores s ON s.item_id = i.item_id AND s.label = 'negative'
            ANTI JOIN responses r ON r.mention_id = i.item_id
            WHERE {where}
            ORDER BY i.reach DESC NULLS LAST, i.created_at DESC, i.item_id
            LIMIT ?
        )
        SELECT {_MENTION_COLUMNS.format(local=local_time("i.created_at"))}
        FROM top
        JOIN items i ON i.item_id = top.item_id
        JOIN scores s ON s.item_id = i.item_id
        LEFT JOIN channels c ON c.channel_id = i.channel_id
        ORDER BY i.reach DESC NULLS LAST, i.created_at DESC, i.item_id
    """
    return _df(conn, sql, params + [limit, f.timezone])


def _reach_floor(conn: duckdb.DuckDBPyConnection, f: Filters, limit: int) -> int | None:
    """A reach every one of the ``limit`` most-reached unanswered negative mentions reaches.

    Each rollup row's ``top_reach`` is the reach of a real mention in the slice; the limit-th
    largest of them is reached by at least ``limit`` distinct mentions, so the top list lies
    above it. None when fewer rows exist (the full scan then decides).
    """
    where, params = _mention_rollup(f)
    sql = f"""
        SELECT m.top_reach FROM mention_hours m
        WHERE {where} AND m.label = 'negative' AND NOT m.answered
          AND m.platform NOT IN ({_marks(NOT_ANSWERABLE)}) AND m.top_reach IS NOT NULL
        ORDER BY m.top_reach DESC LIMIT 1 OFFSET ?
    """
    rows = conn.execute(sql, params + list(NOT_ANSWERABLE) + [max(limit, 1) - 1]).fetchall()
    return int(rows[0][0]) if rows else None


# --- teams --------------------------------------------------------------------------------

_TEAM_HEALTH = """
WITH m AS MATERIALIZED (  -- the slice's mentions, scanned once for the three uses below
    SELECT i.item_id, i.channel_id, i.parent_item_id, s.label,
           r.team_id AS answered_by, r.minutes
    FROM items i
    LEFT JOIN scores s ON s.item_id = i.item_id
    LEFT JOIN responses r ON r.mention_id = i.item_id
    WHERE {mention_where}
),
inbox_by_channel AS (
    SELECT channel_id, count(*) AS mentions,
           count(*) FILTER (WHERE label = 'negative') AS negative,
           count(answered_by) AS answered
    FROM m GROUP BY ALL
),
inbox AS (
    SELECT tc.team_id, sum(b.mentions)::BIGINT AS inbox_mentions,
           sum(b.negative)::BIGINT AS inbox_negative, sum(b.answered)::BIGINT AS inbox_answered
    FROM (SELECT team_id, unnest(channels) AS channel_id FROM teams) tc
    JOIN inbox_by_channel b ON b.channel_id = tc.channel_id
    GROUP BY ALL
),
answers AS (
    SELECT answered_by AS team_id, count(*) AS answers, median(minutes) AS median_minutes,
           quantile_cont(minutes, 0.9) AS p90_minutes
    FROM m WHERE answered_by IS NOT NULL
    GROUP BY ALL
),
posts AS (
    SELECT i.team_id, count(*) AS staff_posts, avg(s.compound) AS post_sentiment,
           count(*) FILTER (WHERE s.label = 'negative') AS negative_posts,
           count(fl.item_id) FILTER (WHERE fl.active) AS flagged,
           count(*) FILTER (WHERE d.decision = 'confirmed') AS confirmed
    FROM items i
    LEFT JOIN scores s ON s.item_id = i.item_id
    LEFT JOIN flags fl ON fl.item_id = i.item_id
    LEFT JOIN (SELECT item_id, arg_max(decision, review_id) AS decision
               FROM reviews GROUP BY item_id) d ON d.item_id = i.item_id
    WHERE {staff_where}
    GROUP BY ALL
),
negative_replies AS (
    SELECT p.team_id, count(*) AS negative_replies
    FROM m JOIN items p ON p.item_id = m.parent_item_id AND p.kind = 'staff'
    WHERE m.label = 'negative'
    GROUP BY ALL
)
SELECT t.team_id, t.name, t.governance, t.response_minutes AS target_minutes,
       t.max_negative_share AS target_negative_share,
       t.max_flagged_share AS target_flagged_share,
       t.min_response_rate AS target_response_rate,
       coalesce(p.staff_posts, 0) AS staff_posts, p.post_sentiment,
       coalesce(p.negative_posts, 0) AS negative_posts,
       coalesce(p.flagged, 0) AS flagged, coalesce(p.confirmed, 0) AS confirmed,
       coalesce(a.answers, 0) AS answers, a.median_minutes, a.p90_minutes,
       coalesce(x.inbox_mentions, 0) AS inbox_mentions,
       coalesce(x.inbox_negative, 0) AS inbox_negative,
       coalesce(x.inbox_answered, 0) AS inbox_answered,
       coalesce(n.negative_replies, 0) AS negative_replies
FROM teams t
LEFT JOIN posts p ON p.team_id = t.team_id
LEFT JOIN answers a ON a.team_id = t.team_id
LEFT JOIN inbox x ON x.team_id = t.team_id
LEFT JOIN negative_replies n ON n.team_id = t.team_id
WHERE {team_where}
ORDER BY t.position
"""


def team_activity(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """One row per team: its posts, answers, inbox and risk figures plus its targets.

    The inbox of a team is the mentions on the channels assigned to it; its response rate is
    the share of its inbox answered by any staff member. Response times are those of the answers
    the team itself gave. The team filter selects rows; period, channel and platform slice data.
    """
    if _rolled(conn, f):
        return _rolled_team_activity(conn, f)
    unteamed = replace(f, teams=())
    mention_where, mention_params = mention_slice(unteamed)
    staff_where, staff_params = staff_slice(unteamed)
    team_where, team_params = "TRUE", []
    if f.teams:
        team_where, team_params = f"t.team_id IN ({_marks(f.teams)})", list(f.teams)
    sql = _TEAM_HEALTH.format(
        mention_where=mention_where,
        staff_where=staff_where,
        team_where=team_where,
    )
    params = mention_params + staff_params + team_params
    return _df(conn, sql, params)


def team_channels(conn: duckdb.DuckDBPyConnection, f: Filters, team_id: str) -> pd.DataFrame:
    """A team's activity per channel: posts, replies, flagged posts, and whether it's assigned."""
    if _rolled(conn, f):
        return _rolled_team_channels(conn, f, team_id)
    where, params = staff_slice(replace(f, teams=(team_id,)))
    sql = f"""
        SELECT c.channel_id, c.name AS channel,
               list_contains((SELECT channels FROM teams WHERE team_id = ?), c.channel_id)
                   AS assigned,
               count(i.item_id) AS staff_posts,
               count(i.parent_item_id) AS replies,
               count(fl.item_id) FILTER (WHERE fl.active) AS flagged
        FROM channels c
        LEFT JOIN items i ON i.channel_id = c.channel_id AND {where}
        LEFT JOIN flags fl ON fl.item_id = i.item_id
        GROUP BY ALL
        HAVING count(i.item_id) > 0 OR assigned
        ORDER BY min(c.position)
    """
    return _df(conn, sql, [team_id] + params)


def team_members(conn: duckdb.DuckDBPyConnection, f: Filters, team_id: str) -> pd.DataFrame:
    """A team's members: posts, answers, median answer minutes, mean risk and flagged posts."""
    if _rolled(conn, f):
        return _rolled_team_members(conn, f, team_id)
    where, params = staff_slice(replace(f, teams=(team_id,)))
    sql = f"""
        WITH posts AS (
            SELECT i.member_id, count(*) AS staff_posts, avg(s.risk) AS mean_risk,
                   count(fl.item_id) FILTER (WHERE fl.active) AS flagged
            FROM items i
            LEFT JOIN scores s ON s.item_id = i.item_id
            LEFT JOIN flags fl ON fl.item_id = i.item_id
            WHERE {where}
            GROUP BY ALL
        ),
        answers AS (
            SELECT r.member_id, count(*) AS answers, median(r.minutes) AS median_minutes
            FROM responses r JOIN items i ON i.item_id = r.reply_id
            WHERE {where}
            GROUP BY ALL
        )
        SELECT m.member_id, m.name, m.role, coalesce(p.staff_posts, 0) AS staff_posts,
               coalesce(a.answers, 0) AS answers, a.median_minutes, p.mean_risk,
               coalesce(p.flagged, 0) AS flagged
        FROM members m
        LEFT JOIN posts p ON p.member_id = m.member_id
        LEFT JOIN answers a ON a.member_id = m.member_id
        WHERE m.team_id = ?
        ORDER BY flagged DESC, staff_posts DESC, m.name
    """
    return _df(conn, sql, params + params + [team_id])


def team_flagged_posts(
    conn: duckdb.DuckDBPyConnection, f: Filters, team_id: str, limit: int = 200
) -> pd.DataFrame:
    """A team's flagged posts in the slice, riskiest first, with the latest decision."""
    where, params, posts = _staff_posts(conn, replace(f, teams=(team_id,)))
    # Rank on narrow columns first; fetch the texts of the few winners only.
    sql = f"""
        WITH top AS (
            SELECT i.item_id, fl.iso_week, fl.risk
            FROM {posts} i
            JOIN flags fl ON fl.item_id = i.item_id AND fl.active
            WHERE {where}
            ORDER BY fl.risk DESC, i.created_at DESC
            LIMIT ?
        )
        SELECT i.item_id, {local_time("i.created_at")} AS created_at, top.iso_week,
               i.member_id, c.name AS channel, i.text, top.risk, d.decision, i.url
        FROM top
        JOIN items i ON i.item_id = top.item_id
        LEFT JOIN channels c ON c.channel_id = i.channel_id
        LEFT JOIN (SELECT item_id, arg_max(decision, review_id) AS decision
                   FROM reviews GROUP BY item_id) d ON d.item_id = i.item_id
        ORDER BY top.risk DESC, i.created_at DESC
    """
    return _df(conn, sql, params + [limit, f.timezone])


def team_volume(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Staff posts per time bucket and team (the Teams page's volume chart)."""
    if _rolled(conn, f):
        return _rolled_team_volume(conn, f)
    where, params = staff_slice(f)
    bucket, bparams = _bucket(f)
    sql = f"""
        SELECT {bucket} AS bucket, t.name AS team, count(*) AS staff_posts
        FROM items i JOIN teams t ON t.team_id = i.team_id
        WHERE {where}
        GROUP BY ALL ORDER BY bucket, team
    """
    return _df(conn, sql, bparams + params)


# --- channels -----------------------------------------------------------------------------


def channel_activity(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per channel: mentions, sentiment, answers, staff posts and flagged posts."""
    if _rolled(conn, f):
        return _rolled_channel_activity(conn, f)
    mention_where, mention_params = mention_slice(f)
    staff_where, staff_params = staff_slice(f)
    sql = f"""
        WITH m AS (
            SELECT i.channel_id, count(*) AS mentions,
                   count(*) FILTER (WHERE s.label = 'negative') AS negative,
                   count(*) FILTER (WHERE s.label = 'positive') AS positive,
                   avg(s.compound) AS mean_sentiment,
                   count(r.mention_id) AS answered, median(r.minutes) AS median_minutes
            FROM items i
            LEFT JOIN scores s ON s.item_id = i.item_id
            LEFT JOIN responses r ON r.mention_id = i.item_id
            WHERE {mention_where}
            GROUP BY ALL
        ),
        p AS (
            SELECT i.channel_id, count(*) AS staff_posts,
                   count(fl.item_id) FILTER (WHERE fl.active) AS flagged
            FROM items i LEFT JOIN flags fl ON fl.item_id = i.item_id
            WHERE {staff_where}
            GROUP BY ALL
        )
        SELECT c.channel_id, c.name AS channel, c.platform,
               coalesce(m.mentions, 0) AS mentions, coalesce(m.negative, 0) AS negative,
               coalesce(m.positive, 0) AS positive, m.mean_sentiment,
               coalesce(m.answered, 0) AS answered,
               m.negative / nullif(m.mentions, 0) AS negative_share,
               m.answered / nullif(m.mentions, 0) AS response_rate, m.median_minutes,
               coalesce(p.staff_posts, 0) AS staff_posts, coalesce(p.flagged, 0) AS flagged
        FROM channels c
        LEFT JOIN m ON m.channel_id = c.channel_id
        LEFT JOIN p ON p.channel_id = c.channel_id
        WHERE {_channel_platform_where(f)}
        ORDER BY c.position
    """
    params = mention_params + staff_params + list(f.channels) + list(f.platforms)
    return _df(conn, sql, params)


def _channel_platform_where(f: Filters) -> str:
    clauses = ["TRUE"]
    if f.channels:
        clauses.append(f"c.channel_id IN ({_marks(f.channels)})")
    if f.platforms:
        clauses.append(f"c.platform IN ({_marks(f.platforms)})")
    return " AND ".join(clauses)


def channel_team_matrix(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Staff posts per (channel, team): who covers what. Long format: channel, team, posts."""
    if _rolled(conn, f):
        return _rolled_channel_team_matrix(conn, f)
    where, params = staff_slice(f)
    sql = f"""
        SELECT c.name AS channel, t.name AS team, count(*) AS staff_posts,
               min(c.position) AS channel_position, min(t.position) AS team_position
        FROM items i
        JOIN channels c ON c.channel_id = i.channel_id
        JOIN teams t ON t.team_id = i.team_id
        WHERE {where}
        GROUP BY ALL ORDER BY channel_position, team_position
    """
    return _df(conn, sql, params)


def channel_volume(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Mentions per time bucket and channel."""
    if _rolled(conn, f):
        return _rolled_channel_volume(conn, f)
    where, params = mention_slice(f)
    bucket, bparams = _bucket(f)
    sql = f"""
        SELECT {bucket} AS bucket, c.name AS channel, count(*) AS mentions
        FROM items i JOIN channels c ON c.channel_id = i.channel_id
        WHERE {where}
        GROUP BY ALL ORDER BY bucket, channel
    """
    return _df(conn, sql, bparams + params)


# --- mentions explorer --------------------------------------------------------------------


@dataclass(frozen=True)
class MentionSearch:
    """The explorer's own criteria on top of the shared filters (hashable for caching)."""

    text: str = ""
    compound_min: float = -1.0
    compound_max: float = 1.0
    labels: tuple[str, ...] = ()  # 'negative' | 'neutral' | 'positive' | 'unscored'
    langs: tuple[str, ...] = ()
    author: str = ""
    answered: str = "all"  # 'all' | 'answered' | 'unanswered'
    since: datetime | None = None  # UTC window (a crisis alert's), inclusive
    until: datetime | None = None  # exclusive


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search_where(f: Filters, q: MentionSearch) -> tuple[str, list]:
    where, params = mention_slice(f)
    clauses = [where]
    if q.text.strip():
        clauses.append("i.text ILIKE ? ESCAPE '\\'")
        params.append(_like_pattern(q.text.strip()))
    if q.compound_min > -1.0 or q.compound_max < 1.0:
        clauses.append("s.compound BETWEEN ? AND ?")
        params.extend([q.compound_min, q.compound_max])
    if q.labels:
        labels = [label for label in q.labels if label != "unscored"]
        ors = []
        if labels:
            ors.append(f"s.label IN ({_marks(labels)})")
            params.extend(labels)
        if "unscored" in q.labels:
            ors.append("s.label IS NULL")
        clauses.append("(" + " OR ".join(ors) + ")")
    if q.langs:
        clauses.append(f"s.lang IN ({_marks(q.langs)})")
        params.extend(q.langs)
    if q.author.strip():
        clauses.append("i.author_handle ILIKE ? ESCAPE '\\'")
        params.append(_like_pattern(q.author.strip().lstrip("@")))
    if q.answered == "answered":
        clauses.append("EXISTS (SELECT 1 FROM responses r WHERE r.mention_id = i.item_id)")
    elif q.answered == "unanswered":
        clauses.append("NOT EXISTS (SELECT 1 FROM responses r WHERE r.mention_id = i.item_id)")
    if q.since is not None:
        clauses.append("i.created_at >= ?")
        params.append(q.since)
    if q.until is not None:
        clauses.append("i.created_at < ?")
        params.append(q.until)
    return " AND ".join(clauses), params


def _rollup_search(q: MentionSearch) -> bool:
    """True when every criterion of ``q`` is a key of ``mention_hours``."""
    return (
        not q.text.strip()
        and not q.author.strip()
        and q.compound_min <= -1.0
        and q.compound_max >= 1.0
        and q.since is None
        and q.until is None
    )


def _rolled_search_where(f: Filters, q: MentionSearch) -> tuple[str, list]:
    where, params = _mention_rollup(f)
    clauses = [where]
    if q.labels:
        labels = [label for label in q.labels if label != "unscored"]
        ors = []
        if labels:
            ors.append(f"m.label IN ({_marks(labels)})")
            params.extend(labels)
        if "unscored" in q.labels:
            ors.append("m.label IS NULL")
        clauses.append("(" + " OR ".join(ors) + ")")
    if q.langs:
        clauses.append(f"m.lang IN ({_marks(q.langs)})")
        params.extend(q.langs)
    if q.answered == "answered":
        clauses.append("m.answered")
    elif q.answered == "unanswered":
        clauses.append("NOT m.answered")
    return " AND ".join(clauses), params


def count_mentions(conn: duckdb.DuckDBPyConnection, f: Filters, q: MentionSearch) -> int:
    if _rollup_search(q) and _rolled(conn, f):
        where, params = _rolled_search_where(f, q)
        sql = f"SELECT sum(m.mentions) FROM mention_hours m WHERE {where}"
        return int(scalar(conn, sql, params) or 0)
    where, params = _search_where(f, q)
    sql = f"""
        SELECT count(*) FROM items i LEFT JOIN scores s ON s.item_id = i.item_id WHERE {where}
    """
    return int(scalar(conn, sql, params) or 0)


def mention_languages(conn: duckdb.DuckDBPyConnection, f: Filters) -> list[str]:
    """Languages detected among the mentions in the slice (for the explorer's picker)."""
    if _rolled(conn, f):
        return _rolled_mention_languages(conn, f)
    where, params = mention_slice(f)
    sql = f"""
        SELECT DISTINCT s.lang FROM items i JOIN scores s ON s.item_id = i.item_id
        WHERE {where} AND s.lang IS NOT NULL ORDER BY 1
    """
    return [r[0] for r in conn.execute(sql, params).fetchall()]


def _newest_hour(
    conn: duckdb.DuckDBPyConnection, f: Filters, q: MentionSearch, rows: int
) -> datetime | None:
    """The latest hour such that the matching mentions from it on number at least ``rows``:
    a page of the newest-first list lies wholly at or after it. None when there are fewer."""
    where, params = _rolled_search_where(f, q)
    sql = f"""
        SELECT hour FROM (
            SELECT m.hour, sum(sum(m.mentions)) OVER (ORDER BY m.hour DESC) AS running
            FROM mention_hours m WHERE {where} GROUP BY m.hour
        ) WHERE running >= ? ORDER BY hour DESC LIMIT 1
    """
    found = conn.execute(sql, params + [rows]).fetchall()
    return found[0][0] if found else None


def _search_select(
    f: Filters, q: MentionSearch, limit: int, offset: int, since: datetime | None = None
) -> tuple[str, list]:
    where, params = _search_where(f, q)
    if since is not None:  # from _newest_hour: lets DuckDB skip the older row groups
        where += " AND i.created_at >= ?"
        params.append(since)
    # Page over narrow columns first (DuckDB's top-N), then fetch the wide ones for that page.
    sql = f"""
        WITH hits AS (
            SELECT i.item_id, i.created_at
            FROM items i LEFT JOIN scores s ON s.item_id = i.item_id
            WHERE {where}
            ORDER BY i.created_at DESC, i.item_id DESC
            LIMIT ? OFFSET ?
        )
        SELECT {_MENTION_COLUMNS.format(local=local_time("i.created_at"))},
               r.team_id AS answered_by, r.minutes AS response_minutes
        FROM hits
        JOIN items i ON i.item_id = hits.item_id
        LEFT JOIN scores s ON s.item_id = i.item_id
        LEFT JOIN channels c ON c.channel_id = i.channel_id
        LEFT JOIN responses r ON r.mention_id = i.item_id
        ORDER BY i.created_at DESC, i.item_id DESC
    """
    return sql, params + [limit, offset, f.timezone]


def search_mentions(
    conn: duckdb.DuckDBPyConnection, f: Filters, q: MentionSearch, page: int, page_size: int = 50
) -> pd.DataFrame:
    """One page (0-based) of the matching mentions, newest first; DuckDB does the paging."""
    offset = max(page, 0) * page_size
    since = None
    if _rollup_search(q) and _rolled(conn, f):
        since = _newest_hour(conn, f, q, offset + page_size)
    sql, params = _search_select(f, q, page_size, offset, since)
    return _df(conn, sql, params)


def export_mentions(
    conn: duckdb.DuckDBPyConnection, f: Filters, q: MentionSearch, limit: int
) -> pd.DataFrame:
    """The first ``limit`` matching mentions (the download; the CLI export has no limit)."""
    since = _newest_hour(conn, f, q, limit) if _rollup_search(q) and _rolled(conn, f) else None
    sql, params = _search_select(f, q, limit, 0, since)
    return _df(conn, sql, params)


# --- weekly review ------------------------------------------------------------------------


def iso_week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def last_complete_week(today: date) -> str:
    return iso_week_of(today - timedelta(days=today.isoweekday()))


def flag_weeks(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """ISO weeks that have flags, newest first."""
    rows = conn.execute("SELECT DISTINCT iso_week FROM flags ORDER BY iso_week DESC").fetchall()
    return [r[0] for r in rows]


_LATEST_DECISION = """
    SELECT item_id, arg_max(decision, review_id) AS decision, arg_max(note, review_id) AS note,
           arg_max(reviewer, review_id) AS reviewer, max(decided_at) AS decided_at
    FROM reviews GROUP BY item_id
"""


def review_queue(conn: duckdb.DuckDBPyConnection, f: Filters, week: str) -> pd.DataFrame:
    """The week's flagged staff posts, riskiest first, with their latest decision.

    The ISO week replaces the period; team, channel and platform filters apply. A flag that a
    newer policy deactivated stays in the queue only if someone already decided on it.
    """
    where, params = staff_slice(replace(f, start=None, end=None))
    sql = f"""
        SELECT fl.item_id, fl.risk, {local_time("i.created_at")} AS created_at,
               i.platform, c.name AS channel, tm.name AS team, i.team_id,
               coalesce(m.name, i.author_handle) AS author, i.author_handle, i.text, i.url,
               s.compound, s.label, i.reach, hs.hits, s.explain::VARCHAR AS explain,
               d.decision, d.note, d.reviewer,
               {local_time("d.decided_at")} AS decided_at
        FROM flags fl
        JOIN items i ON i.item_id = fl.item_id
        LEFT JOIN scores s ON s.item_id = i.item_id
        LEFT JOIN channels c ON c.channel_id = i.channel_id
        LEFT JOIN teams tm ON tm.team_id = i.team_id
        LEFT JOIN members m ON m.member_id = i.member_id
        LEFT JOIN ({_LATEST_DECISION}) d ON d.item_id = fl.item_id
        LEFT JOIN (
            SELECT h.item_id,
                   string_agg(h.rule_id || ': ' || coalesce(h.evidence, ''), '; '
                              ORDER BY h.weight DESC, h.rule_id) AS hits
            FROM hits h
            JOIN scores hsc ON hsc.item_id = h.item_id AND hsc.policy_version = h.policy_version
            WHERE h.item_id IN (SELECT item_id FROM flags WHERE iso_week = ?)
            GROUP BY h.item_id
        ) hs ON hs.item_id = fl.item_id
        WHERE fl.iso_week = ? AND (fl.active OR d.decision IS NOT NULL) AND {where}
        ORDER BY fl.risk DESC, fl.item_id
    """
    return _df(conn, sql, [f.timezone, f.timezone, week, week] + params)


def week_hits(conn: duckdb.DuckDBPyConnection, week: str) -> pd.DataFrame:
    """The current policy hits of every post flagged in ``week`` (the review page's detail)."""
    sql = """
        SELECT h.item_id, h.rule_id, h.category, h.severity, h.weight, h.evidence
        FROM hits h JOIN scores s ON s.item_id = h.item_id AND s.policy_version = h.policy_version
        WHERE h.item_id IN (SELECT item_id FROM flags WHERE iso_week = ?)
        ORDER BY h.item_id, h.weight DESC NULLS LAST, h.rule_id
    """
    return _df(conn, sql, [week])


# --- crisis and alerts (monitoring.crisis / monitoring.alerts, the rules shared with `alerts`) ---


def crisis_spikes(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Crisis episodes in the slice, by the spike rule of monitoring.crisis."""
    from monitoring.crisis import detect_spikes  # crisis imports this module: import late

    return detect_spikes(conn, f)


def failed_alerts(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Alerts whose webhook delivery failed (monitoring.alerts)."""
    from monitoring.alerts import failed_deliveries

    return failed_deliveries(conn)


# --- policy -------------------------------------------------------------------------------


def _staff_posts(conn: duckdb.DuckDBPyConnection, f: Filters) -> tuple[str, list, str]:
    """The slice's staff posts: conditions, parameters and the table (alias i) to join —
    the narrow ``staff_items`` when the rollups are usable, else ``items``."""
    if _rolled(conn, f):
        return (*_staff_items_where(f), "staff_items")
    return (*staff_slice(f), "items")


def rule_stats(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per policy rule: hits and posts hit on staff posts in the slice, and review outcomes.

    precision = confirmed / (confirmed + dismissed) over hit posts with a decision; escalated
    posts count as neither.
    """
    where, params, posts = _staff_posts(conn, f)
    sql = f"""
        WITH h AS (
            SELECT h.rule_id, h.category, h.severity, h.item_id
            FROM hits h
            JOIN scores s ON s.item_id = h.item_id AND s.policy_version = h.policy_version
            JOIN {posts} i ON i.item_id = h.item_id
            WHERE {where}
        )
        SELECT h.rule_id, any_value(h.category) AS category,
               any_value(h.severity) AS severity, count(*) AS hits,
               count(DISTINCT h.item_id) AS posts,
               count(DISTINCT h.item_id) FILTER (WHERE d.decision = 'confirmed') AS confirmed,
               count(DISTINCT h.item_id) FILTER (WHERE d.decision = 'dismissed') AS dismissed,
               count(DISTINCT h.item_id) FILTER (WHERE d.decision = 'escalated') AS escalated
        FROM h
        LEFT JOIN (SELECT item_id, arg_max(decision, review_id) AS decision
                   FROM reviews GROUP BY item_id) d ON d.item_id = h.item_id
        GROUP BY h.rule_id
        ORDER BY hits DESC, h.rule_id
    """
    frame = _df(conn, sql, params)
    decided = frame["confirmed"] + frame["dismissed"]
    frame["precision"] = (frame["confirmed"] / decided).where(decided > 0)
    return frame


def rule_volume(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Policy hits on staff posts per time bucket and category."""
    where, params, posts = _staff_posts(conn, f)
    bucket, bparams = _bucket(f)
    sql = f"""
        SELECT {bucket} AS bucket, h.category, count(*) AS hits
        FROM hits h
        JOIN scores s ON s.item_id = h.item_id AND s.policy_version = h.policy_version
        JOIN {posts} i ON i.item_id = h.item_id
        WHERE {where}
        GROUP BY ALL ORDER BY bucket, h.category
    """
    return _df(conn, sql, bparams + params)


# --- the same questions answered from the rollups (see USE_ROLLUPS) ------------------------
# Each returns what its public function returns from the raw tables, with the same columns and
# types; tests/test_rollups.py compares both ways over demo data. Flags, risk and review
# decisions change without a rollup refresh (reaction refreshes, managers' reviews), so their
# counts stay item-level: ``flags`` (a few % of staff posts) joined to the items in the slice.


def _mention_rollup(f: Filters) -> tuple[str, list]:
    return rollup_where(f, "m", "mention")


def _answer_rollup(f: Filters) -> tuple[str, list]:
    return rollup_where(f, "a", "mention", time_column="mention_at", team_column="team_id")


def _staff_rollup(f: Filters) -> tuple[str, list]:
    return rollup_where(f, "s", "staff")


def _labelled(column: str, condition: str) -> str:
    return f"coalesce(sum({column}) FILTER (WHERE {condition}), 0)"


def _rolled_mention_buckets(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    where, params = _mention_rollup(f)
    answer_where, answer_params = _answer_rollup(f)
    inner = f"""
        SELECT m.hour AS slot, sum(m.mentions) AS mentions,
               {_labelled("m.mentions", "m.label = 'positive'")} AS positive,
               {_labelled("m.mentions", "m.label = 'neutral'")} AS neutral,
               {_labelled("m.mentions", "m.label = 'negative'")} AS negative,
               {_labelled("m.mentions", "m.label IS NULL")} AS unscored,
               {_labelled("m.mentions", "m.label = 'negative' AND m.answered")}
                   AS negative_answered,
               {_labelled("m.mentions", "m.answered")} AS answered,
               0 AS answered_in_target, coalesce(sum(m.reach), 0) AS reach
        FROM mention_hours m WHERE {where} GROUP BY slot
        UNION ALL
        SELECT date_trunc('hour', a.mention_at), 0, 0, 0, 0, 0, 0, 0,
               count(*) FILTER (WHERE a.minutes <= t.response_minutes), 0
        FROM answer_facts a LEFT JOIN teams t ON t.team_id = a.team_id
        WHERE {answer_where} GROUP BY 1
    """
    columns = ["mentions", "positive", "neutral", "negative", "unscored", "negative_answered",
               "answered", "answered_in_target", "reach"]  # fmt: skip
    sql, bparams = _by_local_bucket(f, inner, columns)
    return _df(conn, sql, bparams + params + answer_params)


def _staff_items_where(f: Filters) -> tuple[str, list]:
    """The slice's staff posts as conditions on ``staff_items i`` (staff_slice on items)."""
    return rollup_where(f, "i", "staff", "created_at")


def _flags_in_slice(f: Filters, group: str) -> tuple[str, list]:
    """Active flags of the staff posts in the slice, counted per ``group`` (SQL on
    ``staff_items i``)."""
    where, params = _staff_items_where(f)
    sql = f"""
        SELECT {group} AS grp, count(*) AS flagged
        FROM flags fl JOIN staff_items i ON i.item_id = fl.item_id
        WHERE fl.active AND {where} GROUP BY 1
    """
    return sql, params


def _rolled_staff_buckets(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    where, params = _staff_rollup(f)
    flags_sql, flags_params = _flags_in_slice(f, "date_trunc('hour', i.created_at)")
    inner = f"""
        SELECT s.hour AS slot, sum(s.posts) AS staff_posts, 0 AS flagged
        FROM staff_hours s WHERE {where} GROUP BY slot
        UNION ALL
        SELECT grp, 0, flagged FROM ({flags_sql})
    """
    sql, bparams = _by_local_bucket(f, inner, ["staff_posts", "flagged"])
    return _df(conn, sql, bparams + params + flags_params)


def _rolled_response_times(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    where, params = _answer_rollup(f)
    sql = f"""
        SELECT count(*) AS answers, median(a.minutes) AS median_minutes,
               quantile_cont(a.minutes, 0.9) AS p90_minutes
        FROM answer_facts a WHERE {where}
    """
    return _df(conn, sql, params)


_ROLLED_TEAM_HEALTH = """
WITH inbox_by_channel AS (
    SELECT m.channel_id, sum(m.mentions) AS mentions,
           {negative} AS negative, {answered} AS answered
    FROM mention_hours m WHERE {mention_where} GROUP BY ALL
),
inbox AS (
    SELECT tc.team_id, sum(b.mentions)::BIGINT AS inbox_mentions,
           sum(b.negative)::BIGINT AS inbox_negative, sum(b.answered)::BIGINT AS inbox_answered
    FROM (SELECT team_id, unnest(channels) AS channel_id FROM teams) tc
    JOIN inbox_by_channel b ON b.channel_id = tc.channel_id
    GROUP BY ALL
),
answers AS (
    SELECT a.team_id, count(*) AS answers, median(a.minutes) AS median_minutes,
           quantile_cont(a.minutes, 0.9) AS p90_minutes
    FROM answer_facts a WHERE a.team_id IS NOT NULL AND {answer_where}
    GROUP BY ALL
),
posts AS (
    SELECT s.team_id, sum(s.posts)::BIGINT AS staff_posts,
           sum(s.compound_sum) / nullif(sum(s.compound_n), 0) AS post_sentiment,
           {negative_posts}::BIGINT AS negative_posts
    FROM staff_hours s WHERE {staff_where} GROUP BY ALL
),
flagged AS ({flags}),
confirmed AS (
    SELECT i.team_id, count(*) AS confirmed
    FROM (SELECT item_id, arg_max(decision, review_id) AS decision
          FROM reviews GROUP BY item_id) d
    JOIN staff_items i ON i.item_id = d.item_id
    WHERE d.decision = 'confirmed' AND {staff_items_where}
    GROUP BY ALL
),
negative_replies AS (
    SELECT m.parent_team AS team_id, sum(m.mentions)::BIGINT AS negative_replies
    FROM mention_hours m
    WHERE m.label = 'negative' AND m.parent_team IS NOT NULL AND {mention_where}
    GROUP BY ALL
)
SELECT t.team_id, t.name, t.governance, t.response_minutes AS target_minutes,
       t.max_negative_share AS target_negative_share,
       t.max_flagged_share AS target_flagged_share,
       t.min_response_rate AS target_response_rate,
       coalesce(p.staff_posts, 0) AS staff_posts, p.post_sentiment,
       coalesce(p.negative_posts, 0) AS negative_posts,
       coalesce(fl.flagged, 0) AS flagged, coalesce(c.confirmed, 0) AS confirmed,
       coalesce(a.answers, 0) AS answers, a.median_minutes, a.p90_minutes,
       coalesce(x.inbox_mentions, 0) AS inbox_mentions,
       coalesce(x.inbox_negative, 0) AS inbox_negative,
       coalesce(x.inbox_answered, 0) AS inbox_answered,
       coalesce(n.negative_replies, 0) AS negative_replies
FROM teams t
LEFT JOIN posts p ON p.team_id = t.team_id
LEFT JOIN flagged fl ON fl.grp = t.team_id
LEFT JOIN confirmed c ON c.team_id = t.team_id
LEFT JOIN answers a ON a.team_id = t.team_id
LEFT JOIN inbox x ON x.team_id = t.team_id
LEFT JOIN negative_replies n ON n.team_id = t.team_id
WHERE {team_where}
ORDER BY t.position
"""


def _rolled_team_activity(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    unteamed = replace(f, teams=())
    mention_where, mention_params = _mention_rollup(unteamed)
    answer_where, answer_params = _answer_rollup(unteamed)
    staff_where, staff_params = _staff_rollup(unteamed)
    flags_sql, flags_params = _flags_in_slice(unteamed, "i.team_id")
    items_where, items_params = _staff_items_where(unteamed)
    team_where, team_params = "TRUE", []
    if f.teams:
        team_where, team_params = f"t.team_id IN ({_marks(f.teams)})", list(f.teams)
    sql = _ROLLED_TEAM_HEALTH.format(
        negative=_labelled("m.mentions", "m.label = 'negative'"),
        answered=_labelled("m.mentions", "m.answered"),
        negative_posts=_labelled("s.posts", "s.label = 'negative'"),
        mention_where=mention_where,
        answer_where=answer_where,
        staff_where=staff_where,
        flags=flags_sql,
        staff_items_where=items_where,
        team_where=team_where,
    )
    params = (mention_params + answer_params + staff_params + flags_params + items_params
              + mention_params + team_params)  # fmt: skip
    return _df(conn, sql, params)


def _rolled_team_channels(
    conn: duckdb.DuckDBPyConnection, f: Filters, team_id: str
) -> pd.DataFrame:
    team = replace(f, teams=(team_id,))
    where, params = _staff_rollup(team)
    flags_sql, flags_params = _flags_in_slice(team, "i.channel_id")
    sql = f"""
        SELECT c.channel_id, c.name AS channel,
               list_contains((SELECT channels FROM teams WHERE team_id = ?), c.channel_id)
                   AS assigned,
               coalesce(p.posts, 0)::BIGINT AS staff_posts,
               coalesce(p.replies, 0)::BIGINT AS replies,
               coalesce(fl.flagged, 0)::BIGINT AS flagged
        FROM channels c
        LEFT JOIN (
            SELECT s.channel_id, sum(s.posts) AS posts,
                   sum(s.posts) FILTER (WHERE s.is_reply) AS replies
            FROM staff_hours s WHERE {where} GROUP BY ALL
        ) p ON p.channel_id = c.channel_id
        LEFT JOIN ({flags_sql}) fl ON fl.grp = c.channel_id
        WHERE coalesce(p.posts, 0) > 0 OR assigned
        ORDER BY c.position
    """
    return _df(conn, sql, [team_id] + params + flags_params)


def _rolled_team_volume(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    where, params = _staff_rollup(f)
    bucket, bparams = _bucket(f, "s.hour")
    sql = f"""
        SELECT {bucket} AS bucket, t.name AS team, sum(s.posts)::BIGINT AS staff_posts
        FROM staff_hours s JOIN teams t ON t.team_id = s.team_id
        WHERE {where}
        GROUP BY ALL ORDER BY bucket, team
    """
    return _df(conn, sql, bparams + params)


def _rolled_channel_activity(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    mention_where, mention_params = _mention_rollup(f)
    answer_where, answer_params = _answer_rollup(f)
    staff_where, staff_params = _staff_rollup(f)
    flags_sql, flags_params = _flags_in_slice(f, "i.channel_id")
    sql = f"""
        WITH m AS (
            SELECT m.channel_id, sum(m.mentions)::BIGINT AS mentions,
                   {_labelled("m.mentions", "m.label = 'negative'")}::BIGINT AS negative,
                   {_labelled("m.mentions", "m.label = 'positive'")}::BIGINT AS positive,
                   sum(m.compound_sum) / nullif(sum(m.compound_n), 0) AS mean_sentiment,
                   {_labelled("m.mentions", "m.answered")}::BIGINT AS answered
            FROM mention_hours m WHERE {mention_where} GROUP BY ALL
        ),
        a AS (
            SELECT a.channel_id, median(a.minutes) AS median_minutes
            FROM answer_facts a WHERE {answer_where} GROUP BY ALL
        ),
        p AS (
            SELECT s.channel_id, sum(s.posts)::BIGINT AS staff_posts
            FROM staff_hours s WHERE {staff_where} GROUP BY ALL
        ),
        fl AS ({flags_sql})
        SELECT c.channel_id, c.name AS channel, c.platform,
               coalesce(m.mentions, 0) AS mentions, coalesce(m.negative, 0) AS negative,
               coalesce(m.positive, 0) AS positive, m.mean_sentiment,
               coalesce(m.answered, 0) AS answered,
               m.negative / nullif(m.mentions, 0) AS negative_share,
               m.answered / nullif(m.mentions, 0) AS response_rate, a.median_minutes,
               coalesce(p.staff_posts, 0) AS staff_posts, coalesce(fl.flagged, 0) AS flagged
        FROM channels c
        LEFT JOIN m ON m.channel_id = c.channel_id
        LEFT JOIN a ON a.channel_id = c.channel_id
        LEFT JOIN p ON p.channel_id = c.channel_id
        LEFT JOIN fl ON fl.grp = c.channel_id
        WHERE {_channel_platform_where(f)}
        ORDER BY c.position
    """
    params = (mention_params + answer_params + staff_params + flags_params
              + list(f.channels) + list(f.platforms))  # fmt: skip
    return _df(conn, sql, params)


def _rolled_channel_team_matrix(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    where, params = _staff_rollup(f)
    sql = f"""
        SELECT c.name AS channel, t.name AS team, sum(s.posts)::BIGINT AS staff_posts,
               min(c.position) AS channel_position, min(t.position) AS team_position
        FROM staff_hours s
        JOIN channels c ON c.channel_id = s.channel_id
        JOIN teams t ON t.team_id = s.team_id
        WHERE {where}
        GROUP BY ALL ORDER BY channel_position, team_position
    """
    return _df(conn, sql, params)


def _rolled_channel_volume(conn: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    where, params = _mention_rollup(f)
    bucket, bparams = _bucket(f, "m.hour")
    sql = f"""
        SELECT {bucket} AS bucket, c.name AS channel, sum(m.mentions)::BIGINT AS mentions
        FROM mention_hours m JOIN channels c ON c.channel_id = m.channel_id
        WHERE {where}
        GROUP BY ALL ORDER BY bucket, channel
    """
    return _df(conn, sql, bparams + params)


def _rolled_mention_languages(conn: duckdb.DuckDBPyConnection, f: Filters) -> list[str]:
    where, params = _mention_rollup(f)
    sql = f"""
        SELECT DISTINCT m.lang FROM mention_hours m
        WHERE {where} AND m.lang IS NOT NULL ORDER BY 1
    """
    return [r[0] for r in conn.execute(sql, params).fetchall()]


def _rolled_share_of_voice(
    conn: duckdb.DuckDBPyConnection,
    f: Filters,
    competitors: list[tuple[str, list[str]]],
    any_terms: bool,
) -> pd.DataFrame:
    where, params = _mention_rollup(f)
    brand = int(scalar(conn, f"SELECT sum(m.mentions) FROM mention_hours m WHERE {where}", params)
                or 0)  # fmt: skip
    if not any_terms:
        return pd.DataFrame({"name": ["__brand__"], "mentions": [brand]})
    match_where, match_params = rollup_where(replace(f, teams=()), "c", "mention", "created_at")
    if f.teams:
        marks = _marks(f.teams)
        match_where += (
            f" AND (c.item_id IN (SELECT mention_id FROM answer_facts WHERE team_id IN ({marks}))"
            f" OR c.channel_id IN (SELECT unnest(channels) FROM teams WHERE team_id IN ({marks})))"
        )
        match_params += list(f.teams) * 2
    # Mentions stored after the last match (an import's refresh leaves texts to scoring) are
    # matched here, with the same SQL the refresh uses.
    tail_where, tail_params = mention_slice(f)
    tail_sql, term_params = rollups.competitor_match_sql(
        competitors, f"{tail_where} AND i.item_id > ?"
    )
    sql = f"""
        SELECT competitor, count(*) FROM (
            SELECT c.competitor FROM competitor_mentions c WHERE {match_where}
            UNION ALL
            SELECT competitor FROM ({tail_sql})
        ) GROUP BY 1
    """
    params = match_params + tail_params + [rollups.text_mark(conn)] + term_params
    counts = dict(conn.execute(sql, params).fetchall())
    names = ["__brand__"] + [name for name, _ in competitors]
    values = [brand] + [int(counts.get(name, 0)) for name, _ in competitors]
    return pd.DataFrame({"name": names, "mentions": values})


def _rolled_team_members(conn: duckdb.DuckDBPyConnection, f: Filters, team_id: str) -> pd.DataFrame:
    team = replace(f, teams=(team_id,))
    where, params = _staff_rollup(team)
    items_where, items_params = staff_slice(team)
    flags_sql, flags_params = _flags_in_slice(team, "i.member_id")
    staff_items_where, staff_items_params = _staff_items_where(team)
    # A first answer's row in ``responses`` carries its reply's time (responded_at), team and
    # member, and a reply is on its mention's platform: without a channel filter the answers
    # need no item. With one, the reply's channel comes from items.
    if f.channels:
        answers = f"""
            SELECT r.member_id, count(*) AS answers, median(r.minutes) AS median_minutes
            FROM responses r JOIN items i ON i.item_id = r.reply_id
            WHERE {items_where} GROUP BY ALL
        """
        answer_params = items_params
    else:
        answer_where, answer_params = rollup_where(
            replace(team, platforms=()), "r", "staff", "responded_at"
        )
        if f.platforms:
            answer_where += (
                " AND r.mention_id IN (SELECT mention_id FROM answer_facts"
                f" WHERE platform IN ({_marks(f.platforms)}))"
            )
            answer_params += list(f.platforms)
        answers = f"""
            SELECT r.member_id, count(*) AS answers, median(r.minutes) AS median_minutes
            FROM responses r WHERE {answer_where} GROUP BY ALL
        """
    sql = f"""
        WITH posts AS (
            SELECT s.member_id, sum(s.posts)::BIGINT AS staff_posts
            FROM staff_hours s WHERE {where} GROUP BY ALL
        ),
        risk AS (
            SELECT i.member_id, avg(sc.risk) AS mean_risk
            FROM staff_items i JOIN scores sc ON sc.item_id = i.item_id
            WHERE {staff_items_where} GROUP BY ALL
        ),
        flagged AS ({flags_sql}),
        answers AS ({answers})
        SELECT m.member_id, m.name, m.role, coalesce(p.staff_posts, 0) AS staff_posts,
               coalesce(a.answers, 0) AS answers, a.median_minutes, k.mean_risk,
               coalesce(fl.flagged, 0) AS flagged
        FROM members m
        LEFT JOIN posts p ON p.member_id = m.member_id
        LEFT JOIN risk k ON k.member_id = m.member_id
        LEFT JOIN flagged fl ON fl.grp = m.member_id
        LEFT JOIN answers a ON a.member_id = m.member_id
        WHERE m.team_id = ?
        ORDER BY flagged DESC, staff_posts DESC, m.name
    """
    all_params = params + staff_items_params + flags_params + answer_params + [team_id]
    return _df(conn, sql, all_params)
