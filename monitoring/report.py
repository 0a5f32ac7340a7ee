"""The manager's weekly report: one self-contained HTML page (and PDF), no network needed.

Figures come from the same functions as the dashboard (monitoring.queries, monitoring.health,
monitoring.crisis), so the report and the Overview/Teams/Weekly review pages agree. Charts are
matplotlib PNGs embedded as data URIs; every piece of untrusted text (posts, names, notes) is
HTML-escaped; the PDF renderer may fetch nothing but those data URIs.
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit: safe in a CLI, a server or a test

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from babel.dates import format_date, format_datetime  # noqa: E402
from babel.numbers import format_decimal, format_percent  # noqa: E402

from monitoring import db, health, queries  # noqa: E402
from monitoring.charts import GOVERNANCE_COLORS, SENTIMENT_COLORS, STATUS_COLORS  # noqa: E402
from monitoring.crisis import describe_rule, detect_spikes  # noqa: E402
from monitoring.filters import Filters  # noqa: E402
from monitoring.org import OrgConfig  # noqa: E402

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")
TOP_NEGATIVE = 10
BABEL = {"it": "it_IT", "en": "en_GB"}


class ReportError(ValueError):
    """A bad week or team; the message is one line."""


def parse_week(week: str) -> date:
    """The Monday of an ISO week written ``YYYY-Www`` (e.g. 2026-W47)."""
    match = WEEK_PATTERN.match(week or "")
    if not match:
        raise ReportError(f"week {week!r}: expected YYYY-Www, e.g. 2026-W47")
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ReportError(f"week {week!r}: no such ISO week") from None


def report_language(org: OrgConfig) -> str:
    """SENTINELLA_LANG overrides org.yaml's locale, as for the dashboard."""
    env = os.environ.get("SENTINELLA_LANG", "").strip().lower()
    return env if env in BABEL else org.locale


# --- data ---------------------------------------------------------------------------------


@dataclass
class ReportData:
    week: str
    monday: date
    team: str | None
    mentions: pd.DataFrame  # daily mention_buckets of the week
    totals: dict[str, float]
    previous_totals: dict[str, float]
    teams: pd.DataFrame  # health.team_health of the week
    governance: pd.DataFrame
    spikes: pd.DataFrame
    hourly: pd.DataFrame  # hour (local), negatives
    flagged: pd.DataFrame  # queries.review_queue of the week
    negatives: pd.DataFrame  # top negative mentions by reach


_TOP_NEGATIVE = """
SELECT {local} AS created_at, i.platform, coalesce(c.name, i.channel_id) AS channel,
       i.author_handle AS author, i.reach, i.text, i.url, s.compound,
       r.mention_id IS NOT NULL AS answered, r.minutes AS response_minutes
FROM items i
JOIN scores s ON s.item_id = i.item_id AND s.label = 'negative'
LEFT JOIN channels c ON c.channel_id = i.channel_id
LEFT JOIN responses r ON r.mention_id = i.item_id
WHERE {where}
ORDER BY i.reach DESC NULLS LAST, i.created_at
LIMIT ?
"""

_HOURLY_NEGATIVE = """
SELECT date_trunc('hour', {local}) AS hour, count(*) AS negatives
FROM items i JOIN scores s ON s.item_id = i.item_id AND s.label = 'negative'
WHERE {where}
GROUP BY 1 ORDER BY 1
"""


def collect(
    conn: duckdb.DuckDBPyConnection, org: OrgConfig, week: str, team: str | None = None
) -> ReportData:
    """Every figure of the report for ``week`` (and one team, or all)."""
    monday = parse_week(week)
    if team is not None and org.team(team) is None:
        known = ", ".join(t.id for t in org.teams)
        raise ReportError(f"team {team!r} is not in org.yaml (teams: {known})")
    teams = (team,) if team else ()
    this = Filters(monday, monday + timedelta(days=6), teams=teams, timezone=org.timezone)
    before = replace(this, start=monday - timedelta(days=7), end=monday - timedelta(days=1))

    mentions = queries.mention_buckets(conn, this)
    totals = health.period_totals(mentions, queries.staff_buckets(conn, this))
    previous = health.period_totals(
        queries.mention_buckets(conn, before), queries.staff_buckets(conn, before)
    )
    team_rows = health.team_health(queries.team_activity(conn, this))
    where, params = queries.mention_slice(this)
    local = queries.local_time("i.created_at")
    hourly = conn.execute(
        _HOURLY_NEGATIVE.format(local=local, where=where), [org.timezone, *params]
    ).df()
    negatives = conn.execute(
        _TOP_NEGATIVE.format(local=local, where=where), [org.timezone, *params, TOP_NEGATIVE]
    ).df()
    return ReportData(
        week=week,
        monday=monday,
        team=team,
        mentions=mentions,
        totals=totals,
        previous_totals=previous,
        teams=team_rows,
        governance=_governance(team_rows),
        spikes=detect_spikes(conn, this),
        hourly=hourly,
        flagged=queries.review_queue(conn, this, week),
        negatives=negatives,
    )


def _governance(teams: pd.DataFrame) -> pd.DataFrame:
    """Centralized vs decentralized: summed volumes and pooled shares per governance mode."""
    if teams.empty:
        return pd.DataFrame(columns=["governance", "teams", "staff_posts", "median_minutes"])
    grouped = teams.groupby("governance", as_index=False).agg(
        teams=("team_id", "count"),
        staff_posts=("staff_posts", "sum"),
        flagged=("flagged", "sum"),
        confirmed=("confirmed", "sum"),
        answers=("answers", "sum"),
        median_minutes=("median_minutes", "mean"),
        health=("health", "mean"),
    )
    grouped["flagged_share"] = (grouped["flagged"] / grouped["staff_posts"]).where(
        grouped["staff_posts"] > 0
    )
    return grouped.sort_values("governance").reset_index(drop=True)


# --- rendering helpers --------------------------------------------------------------------

_TEXTS = {
    "en": {
        "title": "{brand} · weekly report {week}",
        "subtitle": "{start} – {end} · {scope} · generated {now}",
        "all_teams": "all teams",
        "team": "team {name}",
        "brand_health": "Brand health",
        "previous": "previous week",
        "change": "change",
        "mentions": "Mentions",
        "negative": "negative",
        "negative_share": "Negative share",
        "answered_negative": "Negative mentions answered",
        "in_target": "Answers within target",
        "staff_posts": "Staff posts",
        "flagged": "Flagged",
        "component": "Component",
        "this_week": "this week",
        "sentiment": "sentiment",
        "care": "care",
        "timeliness": "timeliness",
        "compliance": "compliance",
        "volume_chart": "Mentions per day by sentiment",
        "crisis": "Crisis spikes",
        "no_spike": "No spike of negative mentions this week.",
        "window": "Window",
        "peak": "Peak (24 h)",
        "baseline": "Usual level",
        "threshold": "Threshold",
        "severity": "Severity",
        "hourly_chart": "Negative mentions per hour (spike windows shaded)",
        "teams": "Teams against their targets",
        "team_col": "Team",
        "governance": "Governance",
        "median_response": "Median response",
        "response_rate": "Response rate",
        "flagged_share": "Flagged share",
        "health": "Health",
        "status": "Status",
        "target": "target",
        "governance_title": "Centralized vs decentralized",
        "teams_n": "Teams",
        "confirmed": "Confirmed violations",
        "tradeoff_chart": "Speed against risk per team",
        "speed_axis": "median response time (minutes)",
        "risk_axis": "flagged share of staff posts",
        "flagged_title": "Flagged staff posts",
        "review_progress": "{reviewed} of {total} reviewed · {confirmed} confirmed · "
        "{dismissed} dismissed · {escalated} escalated · {pending} pending",
        "no_flags": "No staff post was flagged this week.",
        "posted": "Posted",
        "author": "Author",
        "channel": "Channel",
        "risk": "Risk",
        "hits": "Policy hits",
        "decision": "Decision",
        "text": "Text",
        "pending": "pending",
        "top_negative": "Top negative mentions by reach",
        "no_negative": "No negative mention this week.",
        "platform": "Platform",
        "reach": "Reach",
        "answered": "Answered",
        "yes": "yes",
        "no": "no",
        "definitions": "Definitions",
        "health_def": "Brand health (0–100) is the weighted mean of sentiment (40%), care: "
        "negative mentions answered (25%), timeliness: answers within the team's target (20%) "
        "and compliance: 1 − flagged share / 10% (15%); components without data are left out.",
        "team_def": "A team's inbox is the mentions on its channels; response times are those "
        "of its own answers. Status: green meets the target, amber misses it slightly, red "
        "misses it by more.",
        "decisions": {
            "confirmed": "confirmed",
            "dismissed": "dismissed",
            "escalated": "escalated",
        },
        "statuses": {"green": "green", "amber": "amber", "red": "red"},
        "modes": {"centralized": "centralized", "decentralized": "decentralized"},
    },
    "it": {
        "title": "{brand} · report settimanale {week}",
        "subtitle": "{start} – {end} · {scope} · generato il {now}",
        "all_teams": "tutti i team",
        "team": "team {name}",
        "brand_health": "Salute del brand",
        "previous": "settimana precedente",
        "change": "variazione",
        "mentions": "Menzioni",
        "negative": "negative",
        "negative_share": "Quota negative",
        "answered_negative": "Menzioni negative con risposta",
        "in_target": "Risposte entro l'obiettivo",
        "staff_posts": "Post dello staff",
        "flagged": "Segnalati",
        "component": "Componente",
        "this_week": "questa settimana",
        "sentiment": "sentiment",
        "care": "cura",
        "timeliness": "tempestività",
        "compliance": "conformità",
        "volume_chart": "Menzioni al giorno per sentiment",
        "crisis": "Picchi di crisi",
        "no_spike": "Nessun picco di menzioni negative questa settimana.",
        "window": "Finestra",
        "peak": "Picco (24 h)",
        "baseline": "Livello abituale",
        "threshold": "Soglia",
        "severity": "Gravità",
        "hourly_chart": "Menzioni negative all'ora (finestre di picco evidenziate)",
        "teams": "Team rispetto agli obiettivi",
        "team_col": "Team",
        "governance": "Governance",
        "median_response": "Risposta mediana",
        "response_rate": "Tasso di risposta",
        "flagged_share": "Quota segnalati",
        "health": "Salute",
        "status": "Stato",
        "target": "obiettivo",
        "governance_title": "Centralizzati e decentralizzati a confronto",
        "teams_n": "Team",
        "confirmed": "Violazioni confermate",
        "tradeoff_chart": "Velocità e rischio per team",
        "speed_axis": "tempo di risposta mediano (minuti)",
        "risk_axis": "quota di post dello staff segnalati",
        "flagged_title": "Post dello staff segnalati",
        "review_progress": "{reviewed} di {total} esaminati · {confirmed} confermati · "
        "{dismissed} archiviati · {escalated} inoltrati · {pending} in attesa",
        "no_flags": "Nessun post dello staff segnalato questa settimana.",
        "posted": "Pubblicato",
        "author": "Autore",
        "channel": "Canale",
        "risk": "Rischio",
        "hits": "Regole violate",
        "decision": "Decisione",
        "text": "Testo",
        "pending": "in attesa",
        "top_negative": "Menzioni negative con più copertura",
        "no_negative": "Nessuna menzione negativa questa settimana.",
        "platform": "Piattaforma",
        "reach": "Copertura",
        "answered": "Risposta",
        "yes": "sì",
        "no": "no",
        "definitions": "Definizioni",
        "health_def": "La salute del brand (0–100) è la media pesata di sentiment (40%), cura: "
        "menzioni negative con risposta (25%), tempestività: risposte entro l'obiettivo del team "
        "(20%) e conformità: 1 − quota segnalati / 10% (15%); le componenti senza dati sono "
        "escluse.",
        "team_def": "La casella di un team sono le menzioni sui suoi canali; i tempi di risposta "
        "sono quelli delle sue risposte. Stato: verde rispetta l'obiettivo, ambra lo manca di "
        "poco, rosso di più.",
        "decisions": {
            "confirmed": "confermato",
            "dismissed": "archiviato",
            "escalated": "inoltrato",
        },
        "statuses": {"green": "verde", "amber": "ambra", "red": "rosso"},
        "modes": {"centralized": "centralizzato", "decentralized": "decentralizzato"},
    },
}


class _Fmt:
    """Locale-aware formatting and escaping for one report."""

    def __init__(self, lang: str, zone: str):
        self.lang, self.locale, self.zone = lang, BABEL[lang], zone
        self.texts = _TEXTS[lang]

    def t(self, key: str, **kw: object) -> str:
        """The message, HTML-escaped (placeholders are escaped too)."""
        text = self.texts[key]
        return html.escape(text.format(**kw) if kw else text)

    def num(self, value: object, digits: int = 0) -> str:
        if value is None or pd.isna(value):
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(float(value), format=pattern, locale=self.locale)

    def pct(self, share: object, digits: int = 0) -> str:
        if share is None or pd.isna(share):
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return format_percent(float(share), format=pattern, locale=self.locale)

    def signed(self, value: float | None, digits: int = 1) -> str:
        if value is None or pd.isna(value):
            return "–"
        return ("+" if value > 0 else "") + self.num(value, digits)

    def minutes(self, value: object) -> str:
        if value is None or pd.isna(value):
            return "–"
        value = float(value)
        return f"{self.num(value / 60, 1)} h" if value >= 120 else f"{self.num(value)} min"

    def day(self, value: date) -> str:
        return format_date(value, format="medium", locale=self.locale)

    def when(self, value: object) -> str:
        """A local naive timestamp (queries already converted it) as date + time."""
        if value is None or pd.isna(value):
            return "–"
        return format_datetime(pd.Timestamp(value).to_pydatetime(), "short", locale=self.locale)

    def utc_when(self, value: object) -> str:
        """A stored UTC naive timestamp, shown in the organization's time zone."""
        moment = pd.Timestamp(value).tz_localize("UTC").tz_convert(self.zone)
        return self.when(moment.tz_localize(None))


def _e(value: object) -> str:
    return (
        "–"
        if value is None or (not isinstance(value, str) and pd.isna(value))
        else (html.escape(str(value)))
    )


def _table(headers: list[str], rows: list[list[str]], css: str = "") -> str:
    """A table from already-escaped header and cell strings."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _png(fig: plt.Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="" src="data:image/png;base64,{data}">'


def _safe_link(url: object, label: str) -> str:
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        return f'<a href="{html.escape(url, quote=True)}">{label}</a>'
    return label


# --- charts -------------------------------------------------------------------------------


def _volume_chart(data: ReportData, f: _Fmt) -> str:
    days = [data.monday + timedelta(days=i) for i in range(7)]
    frame = data.mentions.copy()
    frame["bucket"] = pd.to_datetime(frame["bucket"]).dt.date
    frame = frame.set_index("bucket").reindex(days, fill_value=0)
    fig, ax = plt.subplots(figsize=(7, 2.6))
    bottom = [0.0] * 7
    labels = [format_date(d, "EEE d", locale=f.locale) for d in days]
    for label in ("negative", "neutral", "positive"):
        values = [float(v) for v in frame[label]]
        ax.bar(labels, values, bottom=bottom, color=SENTIMENT_COLORS[label], label=label)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.legend(loc="upper left", fontsize=7, frameon=False, ncols=3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    return _png(fig)


def _hourly_chart(data: ReportData, f: _Fmt) -> str:
    start = pd.Timestamp(data.monday)
    hours = pd.date_range(start, periods=7 * 24, freq="h")
    counts = data.hourly.set_index("hour")["negatives"].reindex(hours, fill_value=0)
    fig, ax = plt.subplots(figsize=(7, 2.2))
    ax.bar(hours, counts.values, width=1 / 24, color=SENTIMENT_COLORS["negative"])
    for row in data.spikes.itertuples():
        lo = pd.Timestamp(row.window_start).tz_localize("UTC").tz_convert(f.zone)
        hi = pd.Timestamp(row.window_end).tz_localize("UTC").tz_convert(f.zone)
        ax.axvspan(lo.tz_localize(None), hi.tz_localize(None), color="#C62828", alpha=0.12)
    ax.set_xlim(hours[0], hours[-1] + pd.Timedelta(hours=1))
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    fig.autofmt_xdate()
    return _png(fig)


def _tradeoff_chart(data: ReportData, f: _Fmt) -> str:
    fig, ax = plt.subplots(figsize=(5.5, 3))
    teams = data.teams.dropna(subset=["median_minutes", "flagged_share"])
    for mode, group in teams.groupby("governance"):
        ax.scatter(
            group["median_minutes"],
            group["flagged_share"],
            color=GOVERNANCE_COLORS.get(str(mode), "#777777"),
            label=f.texts["modes"].get(str(mode), str(mode)),
            s=40,
        )
        for row in group.itertuples():
            ax.annotate(str(row.name), (row.median_minutes, row.flagged_share), fontsize=6)
    ax.set_xlabel(f.texts["speed_axis"], fontsize=8)
    ax.set_ylabel(f.texts["risk_axis"], fontsize=8)
    ax.tick_params(labelsize=7)
    if not teams.empty:
        ax.legend(fontsize=7, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


# --- sections -----------------------------------------------------------------------------


def _health_section(data: ReportData, f: _Fmt) -> str:
    now, before = data.totals, data.previous_totals
    score, previous = health.brand_health(now), health.brand_health(before)
    change = score - previous if score is not None and previous is not None else None
    parts_now, parts_before = health.brand_components(now), health.brand_components(before)
    components = [
        [f.t(name), f.pct(parts_now[name]), f.pct(parts_before[name])]
        for name in health.BRAND_WEIGHTS
    ]

    def share(part: str, whole: str, totals: dict[str, float]) -> float | None:
        return totals.get(part, 0) / totals[whole] if totals.get(whole) else None

    figures = [
        [f.t("mentions"), f.num(now.get("mentions")), f.num(before.get("mentions"))],
        [
            f.t("negative_share"),
            f.pct(share("negative", "mentions", now), 1),
            f.pct(share("negative", "mentions", before), 1),
        ],
        [
            f.t("answered_negative"),
            f.pct(share("negative_answered", "negative", now)),
            f.pct(share("negative_answered", "negative", before)),
        ],
        [f.t("staff_posts"), f.num(now.get("staff_posts")), f.num(before.get("staff_posts"))],
        [f.t("flagged"), f.num(now.get("flagged")), f.num(before.get("flagged"))],
    ]
    headers = ["", f.t("this_week"), f.t("previous")]
    return (
        f'<section id="health"><h2>{f.t("brand_health")}</h2>'
        f'<p class="kpi"><span class="score" id="brand-health">{f.num(score, 1)}</span> '
        f'<span class="delta" id="brand-health-change">{f.signed(change)}</span> '
        f'<span class="muted">{f.t("change")} · {f.t("previous")}: {f.num(previous, 1)}</span></p>'
        f'<div class="two">{_table(headers, figures, "figures")}'
        f"{_table([f.t('component'), f.t('this_week'), f.t('previous')], components)}</div>"
        f"<h3>{f.t('volume_chart')}</h3>{_volume_chart(data, f)}</section>"
    )


def _crisis_section(data: ReportData, f: _Fmt) -> str:
    if data.spikes.empty:
        body = f'<p class="ok">{f.t("no_spike")}</p>'
    else:
        rows = [
            [
                f"{f.utc_when(s.window_start)} – {f.utc_when(s.window_end)}",
                f.num(s.negatives),
                f"{f.num(s.baseline_mean, 1)} ± {f.num(s.baseline_std, 1)}",
                f.num(s.threshold, 1),
                _e(s.severity),
            ]
            for s in data.spikes.itertuples()
        ]
        headers = [f.t(k) for k in ("window", "peak", "baseline", "threshold", "severity")]
        body = _table(headers, rows, "spikes")
    return (
        f'<section id="crisis"><h2>{f.t("crisis")}</h2>{body}'
        f"<h3>{f.t('hourly_chart')}</h3>{_hourly_chart(data, f)}"
        f'<p class="muted">{_e(describe_rule(lang=f.lang))}</p></section>'
    )


def _status(value: object, f: _Fmt) -> str:
    if not isinstance(value, str):
        return "–"
    label = f.texts["statuses"].get(value, value)
    return (
        f'<span class="status" style="color:{STATUS_COLORS.get(value, "#000")}">{_e(label)}</span>'
    )


def _teams_section(data: ReportData, f: _Fmt) -> str:
    target = f.texts["target"]
    rows = [
        [
            _e(r.name),
            _e(f.texts["modes"].get(r.governance, r.governance)),
            f.num(r.staff_posts),
            f"{f.minutes(r.median_minutes)} {_status(r.median_minutes_status, f)}"
            f'<br><span class="muted">{_e(target)} {f.minutes(r.target_minutes)}</span>',
            f"{f.pct(r.response_rate)} {_status(r.response_rate_status, f)}"
            f'<br><span class="muted">{_e(target)} {f.pct(r.target_response_rate)}</span>',
            f"{f.pct(r.negative_share)} {_status(r.negative_share_status, f)}"
            f'<br><span class="muted">{_e(target)} {f.pct(r.target_negative_share)}</span>',
            f"{f.pct(r.flagged_share, 1)} {_status(r.flagged_share_status, f)}"
            f'<br><span class="muted">{_e(target)} {f.pct(r.target_flagged_share, 1)}</span>',
            f.num(r.health),
            _status(r.status, f),
        ]
        for r in data.teams.itertuples()
    ]
    keys = ("team_col", "governance", "staff_posts", "median_response", "response_rate")
    headers = [f.t(k) for k in keys] + [
        f.t("negative_share"),
        f.t("flagged_share"),
        f.t("health"),
        f.t("status"),
    ]
    governance = [
        [
            _e(f.texts["modes"].get(g.governance, g.governance)),
            f.num(g.teams),
            f.num(g.staff_posts),
            f.minutes(g.median_minutes),
            f.pct(g.flagged_share, 1),
            f.num(g.confirmed),
            f.num(g.health),
        ]
        for g in data.governance.itertuples()
    ]
    gov_headers = [
        f.t(k)
        for k in (
            "governance",
            "teams_n",
            "staff_posts",
            "median_response",
            "flagged_share",
            "confirmed",
            "health",
        )
    ]
    return (
        f'<section id="teams"><h2>{f.t("teams")}</h2>{_table(headers, rows, "teams")}'
        f'<p class="muted">{f.t("team_def")}</p></section>'
        f'<section id="governance"><h2>{f.t("governance_title")}</h2>'
        f"{_table(gov_headers, governance, 'governance')}"
        f"<h3>{f.t('tradeoff_chart')}</h3>{_tradeoff_chart(data, f)}</section>"
    )


def _flagged_section(data: ReportData, f: _Fmt) -> str:
    queue = data.flagged
    if queue.empty:
        return f'<section id="flagged"><h2>{f.t("flagged_title")}</h2><p>{f.t("no_flags")}</p></section>'
    decisions = queue["decision"].value_counts()
    progress = f.t(
        "review_progress",
        reviewed=int(queue["decision"].notna().sum()),
        total=len(queue),
        confirmed=int(decisions.get("confirmed", 0)),
        dismissed=int(decisions.get("dismissed", 0)),
        escalated=int(decisions.get("escalated", 0)),
        pending=int(queue["decision"].isna().sum()),
    )
    rows = []
    for r in queue.itertuples():
        if isinstance(r.decision, str):
            label = f.texts["decisions"].get(r.decision, r.decision)
            decision = f'<span class="decision {_e(r.decision)}">{_e(label)}</span>'
            decision += f'<br><span class="muted">{_e(r.reviewer)} · {f.when(r.decided_at)}</span>'
            if isinstance(r.note, str) and r.note:
                decision += f'<br><span class="note">{_e(r.note)}</span>'
        else:
            decision = f'<span class="decision pending">{f.t("pending")}</span>'
        rows.append(
            [
                f.when(r.created_at),
                _e(r.team),
                _e(r.author),
                _e(r.channel),
                f.num(r.risk),
                _e(r.hits),
                decision,
                _safe_link(r.url, _e(r.text)),
            ]
        )
    keys = ("posted", "team_col", "author", "channel", "risk", "hits", "decision", "text")
    return (
        f'<section id="flagged"><h2>{f.t("flagged_title")}</h2>'
        f'<p class="progress">{progress}</p>'
        f"{_table([f.t(k) for k in keys], rows, 'flagged')}</section>"
    )


def _negative_section(data: ReportData, f: _Fmt) -> str:
    if data.negatives.empty:
        body = f"<p>{f.t('no_negative')}</p>"
    else:
        rows = [
            [
                f.when(r.created_at),
                _e(r.platform),
                _e(r.channel),
                _e(f"@{r.author}" if isinstance(r.author, str) else None),
                f.num(r.reach),
                (f"{f.t('yes')} ({f.minutes(r.response_minutes)})" if r.answered else f.t("no")),
                _safe_link(r.url, _e(r.text)),
            ]
            for r in data.negatives.itertuples()
        ]
        keys = ("posted", "platform", "channel", "author", "reach", "answered", "text")
        body = _table([f.t(k) for k in keys], rows, "negatives")
    return f'<section id="negative"><h2>{f.t("top_negative")}</h2>{body}</section>'


_CSS = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #222; margin: 0 auto;
       max-width: 1000px; padding: 12px; }
h1 { font-size: 17pt; margin: 0 0 2px; } h2 { font-size: 13pt; margin: 22px 0 6px;
     border-bottom: 1px solid #ccc; } h3 { font-size: 10pt; margin: 12px 0 4px; color: #444; }
table { border-collapse: collapse; width: 100%; margin: 4px 0; page-break-inside: auto; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 3px 5px; text-align: left;
         vertical-align: top; font-size: 8.5pt; }
th { background: #f4f4f4; } tr { page-break-inside: avoid; }
td:last-child { overflow-wrap: anywhere; }
.two { display: flex; gap: 16px; } .two table { width: 48%; }
.kpi .score { font-size: 26pt; font-weight: bold; } .kpi .delta { font-size: 14pt; margin: 0 8px; }
.muted { color: #777; font-size: 8pt; } .ok { color: #2E7D32; } .note { font-style: italic; }
.decision.pending { color: #b26a00; font-weight: bold; } .status { font-weight: bold; }
img { max-width: 100%; }
"""


def to_html(data: ReportData, org: OrgConfig, lang: str, generated: datetime) -> str:
    """The report page for collected ``data`` (every untrusted string escaped)."""
    f = _Fmt(lang, org.timezone)
    scope = f.texts["all_teams"]
    if data.team:
        team = org.team(data.team)
        scope = f.texts["team"].format(name=team.name if team else data.team)
    title = f.t("title", brand=org.brand.name, week=data.week)
    subtitle = f.t(
        "subtitle",
        start=f.day(data.monday),
        end=f.day(data.monday + timedelta(days=6)),
        scope=scope,
        now=format_datetime(generated, "short", locale=f.locale),
    )
    sections = "".join(
        section(data, f)
        for section in (
            _health_section,
            _crisis_section,
            _teams_section,
            _flagged_section,
            _negative_section,
        )
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>"
        f'<header><h1>{title}</h1><p class="muted">{subtitle}</p></header>{sections}'
        f'<section id="definitions"><h2>{f.t("definitions")}</h2>'
        f'<p class="muted">{f.t("health_def")}</p></section></body></html>'
    )


def render_report(
    db_path: str | Path,
    week: str,
    team: str | None = None,
    org: OrgConfig | None = None,
    lang: str | None = None,
) -> str:
    """The weekly report of ``week`` ('YYYY-Www') as a self-contained HTML page.

    :param org: the organization (default: loaded from settings' org.yaml).
    :param lang: 'it' or 'en' (default: SENTINELLA_LANG, else org.yaml's locale).
    """
    if org is None:
        from monitoring.org import load_org
        from monitoring.settings import get_settings

        org = load_org(get_settings().org_path)
    parse_week(week)  # a bad week fails before the database is opened
    data = db.read(db_path, lambda conn: collect(conn, org, week, team))
    generated = datetime.now(UTC).astimezone(org.zone).replace(tzinfo=None)
    return to_html(data, org, lang or report_language(org), generated)


def render_pdf(html_text: str) -> bytes:
    """The report as PDF (WeasyPrint). Only data: URIs may be fetched: nothing leaves the host."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html_text, url_fetcher=fetcher).write_pdf()
