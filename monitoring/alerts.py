"""Alerts: rules evaluated after each ingest/score, each alert delivered once to a webhook.

Three rules (configured in ``data/alerts.yaml``, section ``alerts:``):

- ``spike``: a crisis episode of negative mentions (monitoring.crisis, the Overview's rule);
- ``high_risk``: a staff post whose latest risk is at or above a threshold;
- ``unanswered``: a mention with a large reach that no staff member answered within the response
  target of the team watching its channel (org.yaml; the fastest team when several do).

Every alert has a stable key (``spike:<first alerting hour>``, ``high_risk:<platform>:<id>``,
``unanswered:<platform>:<id>``) and one row in the ``alerts`` table with its delivery status.
A run stores new alerts, claims the ones still to deliver (so two overlapping runs never send
the same alert twice), posts them to ``SENTINELLA_WEBHOOK_URL`` without holding the database,
and records the outcome: delivered alerts are never sent again, failed ones are retried on the
next run until ``max_attempts``. docs/decisions/0006-crisis-rule-and-alerts.md says why.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import duckdb
import requests
from babel.numbers import format_decimal
from pydantic import BaseModel, ConfigDict, Field

from monitoring import db
from monitoring.config import ConfigError, load_yaml_model
from monitoring.crisis import detect_spikes
from monitoring.filters import Filters
from monitoring.org import OrgConfig
from monitoring.settings import DATA_DIR

WEBHOOK_ENV = "SENTINELLA_WEBHOOK_URL"
CONFIG_ENV = "SENTINELLA_ALERTS"
DEFAULT_CONFIG_PATH = DATA_DIR / "alerts.yaml"
USER_AGENT = "Sentinella/0.1 (+brand monitoring)"
STALE_CLAIM = timedelta(minutes=10)  # a run that died mid-delivery releases its claim after this
EXCERPT_CHARS = 280

# --- configuration ------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SpikeRule(_Strict):
    enabled: bool = True
    k: float = Field(default=3.0, gt=0)
    min_count: int = Field(default=20, ge=1)
    min_ratio: float = Field(default=3.0, ge=1)
    lookback_days: int = Field(default=60, ge=1, le=3660)


class HighRiskRule(_Strict):
    enabled: bool = True
    threshold: float = Field(default=70, ge=0, le=100)
    lookback_days: int = Field(default=7, ge=1, le=3660)


class UnansweredRule(_Strict):
    enabled: bool = True
    min_reach: int = Field(default=10_000, ge=0)
    lookback_days: int = Field(default=3, ge=1, le=3660)
    max_per_run: int = Field(default=20, ge=1)
    # Articles and blog posts have no thread a team could answer in.
    exclude_platforms: list[str] = ["news"]


class Delivery(_Strict):
    format: Literal["auto", "slack", "teams", "teams-workflow"] = "auto"
    timeout_seconds: float = Field(default=10, gt=0, le=120)
    tries_per_run: int = Field(default=3, ge=1, le=10)
    backoff_seconds: float = Field(default=1.0, ge=0, le=60)
    max_retry_after_seconds: float = Field(default=30, ge=0, le=600)
    max_attempts: int = Field(default=20, ge=1)
    dashboard_url: str | None = None


class AlertsConfig(_Strict):
    spike: SpikeRule = SpikeRule()
    high_risk: HighRiskRule = HighRiskRule()
    unanswered: UnansweredRule = UnansweredRule()
    delivery: Delivery = Delivery()


class AlertsFile(_Strict):
    alerts: AlertsConfig = AlertsConfig()


def load_alerts_config(path: str | Path | None = None) -> AlertsConfig:
    """``alerts:`` of ``path`` (default: env SENTINELLA_ALERTS, else data/alerts.yaml).

    The default file may be absent (built-in defaults apply); a file named explicitly or by the
    environment must exist. Errors are ``ConfigError("file:line: field: message")``.
    """
    if path is None:
        env = os.environ.get(CONFIG_ENV)
        if not env and not DEFAULT_CONFIG_PATH.exists():
            return AlertsConfig()
        path = env or DEFAULT_CONFIG_PATH
    return load_yaml_model(path, AlertsFile).alerts


# --- alerts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alert:
    """One alert. ``status`` is its delivery state after the run that returned it."""

    key: str
    kind: str  # 'spike' | 'high_risk' | 'unanswered'
    severity: str  # 'medium' | 'high'
    title: str
    body: str  # plain text; untrusted post text is escaped per target format when sent
    facts: tuple[tuple[str, str], ...] = ()
    url: str | None = None
    item_id: int | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    detected_at: datetime = field(default_factory=lambda: _utcnow())
    status: str = "new"
    attempts: int = 0
    last_error: str | None = None

    def as_text(self) -> str:
        """Plain-text rendering (the dry run prints this)."""
        lines = [f"[{self.severity.upper()}] {self.title}", self.body]
        lines += [f"  {name}: {value}" for name, value in self.facts]
        if self.url:
            lines.append(f"  {self.url}")
        return "\n".join(line for line in lines if line)


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


_TEXTS = {
    "en": {
        "spike_title": "Negative mentions spike: {n} in 24 hours",
        "spike_body": "Since {start}: {n} negative mentions in 24 hours against a usual {mean} "
        "(threshold {threshold}). Peak window ending {peak}.",
        "risk_title": "High-risk staff post (risk {risk}) by {member}",
        "unanswered_title": "Unanswered mention, reach {reach}, waiting {waited}",
        "window": "Window",
        "baseline": "Usual level (24 h)",
        "severity": "Severity",
        "team": "Team",
        "channel": "Channel",
        "rules": "Rules",
        "posted": "Posted",
        "target": "Response target",
        "author": "Author",
        "no_team": "no team watches this channel",
        "open": "Open",
    },
    "it": {
        "spike_title": "Picco di menzioni negative: {n} in 24 ore",
        "spike_body": "Dalle {start}: {n} menzioni negative in 24 ore contro le solite {mean} "
        "(soglia {threshold}). Finestra di picco fino alle {peak}.",
        "risk_title": "Post dello staff ad alto rischio (rischio {risk}) di {member}",
        "unanswered_title": "Menzione senza risposta, copertura {reach}, in attesa da {waited}",
        "window": "Finestra",
        "baseline": "Livello abituale (24 h)",
        "severity": "Gravità",
        "team": "Team",
        "channel": "Canale",
        "rules": "Regole",
        "posted": "Pubblicato",
        "target": "Obiettivo di risposta",
        "author": "Autore",
        "no_team": "nessun team presidia questo canale",
        "open": "Apri",
    },
}


_BABEL = {"it": "it_IT", "en": "en_GB"}


def alert_language(org: OrgConfig) -> str:
    """SENTINELLA_LANG overrides org.yaml's locale, as for the dashboard."""
    env = os.environ.get("SENTINELLA_LANG", "").strip().lower()
    return env if env in _TEXTS else org.locale


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.replace(tzinfo=UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def _excerpt(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def _waited(minutes: float) -> str:
    return f"{minutes / 60:.0f} h" if minutes >= 120 else f"{minutes:.0f} min"


def _http_url(url: str | None) -> str | None:
    """Only http(s) links leave the system; anything else in a post's URL is dropped."""
    return url if url and urlsplit(url).scheme in ("http", "https") else None


def spike_alerts(
    conn: duckdb.DuckDBPyConnection, org: OrgConfig, rule: SpikeRule, now: datetime
) -> list[Alert]:
    """One alert per spike episode that began within the lookback."""
    zone, texts = org.zone, _TEXTS[alert_language(org)]
    since = now - timedelta(days=rule.lookback_days)
    # Judge from a few days earlier so an episode already running at the lookback's edge is seen
    # whole (and skipped as old) instead of being cut into a "new" one.
    start = (since - timedelta(days=2)).replace(tzinfo=UTC).astimezone(zone).date()
    found = detect_spikes(
        conn,
        Filters(start=start, timezone=org.timezone),
        k=rule.k,
        min_count=rule.min_count,
        min_ratio=rule.min_ratio,
    )
    alerts = []
    for row in found.itertuples():
        first = row.first_alert_at.to_pydatetime()
        if first < since:
            continue
        values = {
            "n": int(row.negatives),
            "start": _local(first, zone),
            "mean": f"{row.baseline_mean:.0f}",
            "threshold": f"{row.threshold:.0f}",
            "peak": _local(row.peak_at.to_pydatetime(), zone),
        }
        window = f"{_local(row.window_start.to_pydatetime(), zone)} → "
        window += _local(row.window_end.to_pydatetime(), zone)
        alerts.append(
            Alert(
                key=f"spike:{first:%Y-%m-%dT%H}",
                kind="spike",
                severity=row.severity,
                title=texts["spike_title"].format(**values),
                body=texts["spike_body"].format(**values),
                facts=(
                    (texts["window"], window),
                    (texts["baseline"], f"{row.baseline_mean:.1f} ± {row.baseline_std:.1f}"),
                    (texts["severity"], row.severity),
                ),
                window_start=row.window_start.to_pydatetime(),
                window_end=row.window_end.to_pydatetime(),
                detected_at=first,
            )
        )
    return alerts


_HIGH_RISK = """
WITH recent AS (
    SELECT item_id FROM items WHERE kind = 'staff' AND created_at >= ?
),
latest AS (
    SELECT s.item_id, arg_max(s.risk, s.scored_at) AS risk,
           arg_max(s.policy_version, s.scored_at) AS policy_version
    FROM scores s WHERE s.item_id IN (SELECT item_id FROM recent)
    GROUP BY s.item_id
)
SELECT i.item_id, i.platform, i.native_id, i.url, i.text, i.created_at, l.risk,
       coalesce(m.name, i.author_handle) AS member, coalesce(t.name, i.team_id) AS team,
       coalesce(c.name, i.channel_id) AS channel,
       (SELECT string_agg(DISTINCT h.rule_id, ', ' ORDER BY h.rule_id) FROM hits h
        WHERE h.item_id = i.item_id AND h.policy_version = l.policy_version) AS rules
FROM latest l JOIN items i ON i.item_id = l.item_id
LEFT JOIN members m ON m.member_id = i.member_id
LEFT JOIN teams t ON t.team_id = i.team_id
LEFT JOIN channels c ON c.channel_id = i.channel_id
WHERE l.risk >= ?
ORDER BY l.risk DESC, i.created_at
"""


def high_risk_alerts(
    conn: duckdb.DuckDBPyConnection, org: OrgConfig, rule: HighRiskRule, now: datetime
) -> list[Alert]:
    """One alert per recent staff post whose latest risk reaches the threshold."""
    zone, texts = org.zone, _TEXTS[alert_language(org)]
    since = now - timedelta(days=rule.lookback_days)
    rows = conn.execute(_HIGH_RISK, [since, rule.threshold]).fetchall()
    alerts = []
    for (
        item_id,
        platform,
        native_id,
        url,
        text,
        created,
        risk,
        member,
        team,
        channel,
        rules,
    ) in rows:
        alerts.append(
            Alert(
                key=f"high_risk:{platform}:{native_id}",
                kind="high_risk",
                severity="high" if risk >= (100 + rule.threshold) / 2 else "medium",
                title=texts["risk_title"].format(risk=f"{risk:.0f}", member=member),
                body=_excerpt(text),
                facts=(
                    (texts["team"], team or "—"),
                    (texts["channel"], channel or platform),
                    (texts["rules"], rules or "—"),
                    (texts["posted"], _local(created, zone)),
                ),
                url=_http_url(url),
                item_id=item_id,
                detected_at=now,
            )
        )
    return alerts


_UNANSWERED = """
WITH watch AS (
    SELECT c.channel_id, min(t.response_minutes) AS minutes,
           arg_min(t.name, t.response_minutes) AS team
    FROM channels c JOIN teams t ON list_contains(t.channels, c.channel_id)
    GROUP BY c.channel_id
)
SELECT i.item_id, i.platform, i.native_id, i.url, i.text, i.created_at, i.reach,
       i.author_handle, coalesce(c.name, i.channel_id) AS channel, w.team,
       coalesce(w.minutes, ?) AS target_minutes
FROM items i
LEFT JOIN watch w ON w.channel_id = i.channel_id
LEFT JOIN channels c ON c.channel_id = i.channel_id
WHERE i.kind = 'mention' AND i.created_at >= ? AND i.reach >= ?
  AND NOT list_contains(?, i.platform)
  AND date_diff('second', i.created_at, ?) >= coalesce(w.minutes, ?) * 60
  AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.mention_id = i.item_id)
ORDER BY i.reach DESC, i.created_at
LIMIT ?
"""


def unanswered_alerts(
    conn: duckdb.DuckDBPyConnection, org: OrgConfig, rule: UnansweredRule, now: datetime
) -> list[Alert]:
    """Large-reach mentions nobody answered within the watching team's response target."""
    zone, texts = org.zone, _TEXTS[alert_language(org)]
    default_minutes = min(t.targets.response_minutes for t in org.teams)
    since = now - timedelta(days=rule.lookback_days)
    excluded = list(rule.exclude_platforms)
    params = [default_minutes, since, rule.min_reach, excluded, now, default_minutes]
    params.append(rule.max_per_run)
    alerts = []
    for row in conn.execute(_UNANSWERED, params).fetchall():
        item_id, platform, native_id, url, text, created, reach, author, channel, team, target = row
        waited = (now - created).total_seconds() / 60
        alerts.append(
            Alert(
                key=f"unanswered:{platform}:{native_id}",
                kind="unanswered",
                severity="high" if waited >= 4 * target else "medium",
                title=texts["unanswered_title"].format(
                    reach=format_decimal(reach, locale=_BABEL[alert_language(org)]),
                    waited=_waited(waited),
                ),
                body=_excerpt(text),
                facts=(
                    (texts["author"], f"@{author}" if author else "—"),
                    (texts["channel"], channel or platform),
                    (texts["team"], team or texts["no_team"]),
                    (texts["target"], _waited(target)),
                    (texts["posted"], _local(created, zone)),
                ),
                url=_http_url(url),
                item_id=item_id,
                detected_at=now,
            )
        )
    return alerts


def evaluate(
    conn: duckdb.DuckDBPyConnection, org: OrgConfig, config: AlertsConfig, now: datetime
) -> list[Alert]:
    """Every alert the enabled rules raise now (known ones included; storing dedupes them)."""
    alerts: list[Alert] = []
    if config.spike.enabled:
        alerts += spike_alerts(conn, org, config.spike, now)
    if config.high_risk.enabled:
        alerts += high_risk_alerts(conn, org, config.high_risk, now)
    if config.unanswered.enabled:
        alerts += unanswered_alerts(conn, org, config.unanswered, now)
    return alerts


# --- storage ------------------------------------------------------------------------------

_ALERT_COLUMNS = (
    "alert_key, kind, severity, title, body, item_id, window_start, window_end, details, "
    "detected_at, status, attempts, last_error"
)


def _known(conn: duckdb.DuckDBPyConnection) -> tuple[set[str], list[tuple[datetime, datetime]]]:
    rows = conn.execute("SELECT alert_key, kind, window_start, window_end FROM alerts").fetchall()
    keys = {r[0] for r in rows}
    spans = [(r[2], r[3]) for r in rows if r[1] == "spike" and r[2] and r[3]]
    return keys, spans


def new_alerts(conn: duckdb.DuckDBPyConnection, candidates: list[Alert]) -> list[Alert]:
    """Candidates not stored yet. A spike overlapping a stored episode is that episode (late
    data can move its first alerting hour), so it is not new either."""
    keys, spans = _known(conn)
    fresh = []
    for alert in candidates:
        if alert.key in keys:
            continue
        if alert.kind == "spike" and any(
            alert.window_start < end and start < alert.window_end for start, end in spans
        ):
            continue
        keys.add(alert.key)
        fresh.append(alert)
    return fresh


def _details(alert: Alert) -> str:
    return json.dumps({"facts": [list(f) for f in alert.facts], "url": alert.url})


def _from_row(row: tuple) -> Alert:
    key, kind, severity, title, body, item_id, ws, we, details, detected, status, attempts, err = (
        row
    )
    extra = json.loads(details) if details else {}
    return Alert(
        key=key,
        kind=kind,
        severity=severity,
        title=title,
        body=body,
        facts=tuple(tuple(f) for f in extra.get("facts", [])),
        url=extra.get("url"),
        item_id=item_id,
        window_start=ws,
        window_end=we,
        detected_at=detected,
        status=status,
        attempts=attempts,
        last_error=err,
    )


def _insert(conn: duckdb.DuckDBPyConnection, alert: Alert) -> None:
    conn.execute(
        f"INSERT INTO alerts ({_ALERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        [
            alert.key,
            alert.kind,
            alert.severity,
            alert.title,
            alert.body,
            alert.item_id,
            alert.window_start,
            alert.window_end,
            _details(alert),
            alert.detected_at,
            alert.status,
            alert.attempts,
            alert.last_error,
        ],
    )


def store_and_claim(
    conn: duckdb.DuckDBPyConnection, fresh: list[Alert], max_attempts: int, now: datetime
) -> list[Alert]:
    """Store ``fresh`` as pending and claim every alert due for delivery (call in a transaction).

    Claiming flips status to 'sending' so a concurrent run skips them; a claim older than
    STALE_CLAIM belongs to a run that died and is taken over.
    """
    for alert in fresh:
        _insert(conn, replace(alert, status="pending"))
    due = conn.execute(
        f"""
        SELECT {_ALERT_COLUMNS} FROM alerts
        WHERE (status IN ('pending', 'failed') AND attempts < ?)
           OR (status = 'sending' AND last_attempt_at < ?)
        ORDER BY detected_at, alert_key
        """,
        [max_attempts, now - STALE_CLAIM],
    ).fetchall()
    keys = [row[0] for row in due]
    if keys:
        conn.execute(
            "UPDATE alerts SET status = 'sending', last_attempt_at = ? WHERE alert_key IN "
            f"({', '.join('?' for _ in keys)})",
            [now, *keys],
        )
    return [_from_row(row) for row in due]


def record_outcomes(
    conn: duckdb.DuckDBPyConnection, outcomes: list[Alert], max_attempts: int, now: datetime
) -> None:
    """Write each delivery's status, attempt count and error (call in a transaction)."""
    for alert in outcomes:
        status = alert.status
        if status == "failed" and alert.attempts >= max_attempts:
            status = "gave_up"
        conn.execute(
            """
            UPDATE alerts SET status = ?, attempts = ?, last_error = ?, last_attempt_at = ?,
                   sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END
            WHERE alert_key = ?
            """,
            [status, alert.attempts, alert.last_error, now, status, now, alert.key],
        )


_FAILED = """
SELECT alert_key, kind, severity, title, status, attempts, last_error, last_attempt_at,
       detected_at
FROM alerts WHERE status IN ('failed', 'gave_up')
ORDER BY last_attempt_at DESC NULLS LAST, alert_key
LIMIT ?
"""


def failed_deliveries(conn: duckdb.DuckDBPyConnection, limit: int = 50):
    """Alerts whose delivery failed (retried next run) or was given up, newest attempt first.

    Returns a pandas DataFrame: alert_key, kind, severity, title, status, attempts, last_error,
    last_attempt_at, detected_at. Empty on a database without the alerts table (older schema).
    """
    exists = db.scalar(
        conn, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'alerts'"
    )
    if not exists:
        return conn.execute(
            "SELECT NULL::VARCHAR AS alert_key, NULL::VARCHAR AS kind, NULL::VARCHAR AS severity,"
            " NULL::VARCHAR AS title, NULL::VARCHAR AS status, NULL::INTEGER AS attempts,"
            " NULL::VARCHAR AS last_error, NULL::TIMESTAMP AS last_attempt_at,"
            " NULL::TIMESTAMP AS detected_at WHERE false"
        ).df()
    return conn.execute(_FAILED, [limit]).df()


# --- delivery -----------------------------------------------------------------------------


def _slack_escape(text: str) -> str:
    # Slack reads & < > as markup: "<!channel>" in a customer's post would page everyone.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _teams_escape(text: str) -> str:
    # Teams cards render a Markdown subset and some HTML: show post text literally.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "\\`*_[]#|":
        text = text.replace(char, "\\" + char)
    return text


_COLOURS = {"high": "C62828", "medium": "EF8A00"}


def slack_payload(alert: Alert, dashboard_url: str | None = None) -> dict:
    """Slack incoming-webhook message: ``text`` (also what Teams' and most chat webhooks read)
    plus Block Kit blocks for Slack."""
    esc = _slack_escape
    fallback = f"[{alert.severity.upper()}] {esc(alert.title)}\n{esc(alert.body)}"
    fields = [{"type": "mrkdwn", "text": f"*{esc(n)}*\n{esc(v)}"} for n, v in alert.facts][:10]
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": alert.title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": esc(alert.body)[:3000] or " "}},
    ]
    if fields:
        blocks.append({"type": "section", "fields": fields})
    links = [u for u in (alert.url, dashboard_url) if u]
    if links:
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"<{esc(u)}>"} for u in links],
            }
        )
    return {"text": fallback, "blocks": blocks}


def teams_payload(alert: Alert, dashboard_url: str | None = None) -> dict:
    """Office 365 connector MessageCard for Teams incoming webhooks (``text`` included)."""
    esc = _teams_escape
    actions = [
        {"@type": "OpenUri", "name": name, "targets": [{"os": "default", "uri": u}]}
        for name, u in (("Post", alert.url), ("Sentinella", dashboard_url))
        if u
    ]
    card = {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": alert.title,
        "themeColor": _COLOURS.get(alert.severity, "0076D7"),
        "title": esc(alert.title),
        "text": esc(alert.body) or " ",
        "sections": [{"facts": [{"name": esc(n), "value": esc(v)} for n, v in alert.facts]}],
    }
    if actions:
        card["potentialAction"] = actions
    return card


def teams_workflow_payload(alert: Alert, dashboard_url: str | None = None) -> dict:
    """Adaptive Card in a message envelope, for Teams "Workflows" (Power Automate) webhooks."""
    body: list[dict] = [
        {
            "type": "TextBlock",
            "text": alert.title,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        },
        {"type": "TextBlock", "text": alert.body or " ", "wrap": True},
        {"type": "FactSet", "facts": [{"title": n, "value": v} for n, v in alert.facts]},
    ]
    actions = [
        {"type": "Action.OpenUrl", "title": name, "url": u}
        for name, u in (("Post", alert.url), ("Sentinella", dashboard_url))
        if u
    ]
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return {
        "type": "message",
        "text": alert.title,
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


PAYLOADS: dict[str, Callable[[Alert, str | None], dict]] = {
    "slack": slack_payload,
    "teams": teams_payload,
    "teams-workflow": teams_workflow_payload,
}


def payload_format(url: str, configured: str = "auto") -> str:
    """The payload shape for ``url``: the configured one, or guessed from the host."""
    if configured != "auto":
        return configured
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith((".webhook.office.com", "outlook.office.com", "outlook.office365.com")):
        return "teams"
    if host.endswith((".logic.azure.com", ".api.powerplatform.com")):
        return "teams-workflow"
    return "slack"  # Slack, Mattermost, Rocket.Chat and generic receivers read text/blocks


def _retry_after(response: requests.Response, cap: float) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return min(max(float(value), 0.0), cap)
    except ValueError:
        return None


def deliver(
    alert: Alert,
    url: str,
    delivery: Delivery,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Alert:
    """POST one alert, retrying connection errors, timeouts, 429 and 5xx within this run.

    Returns the alert with status 'sent' or 'failed', attempts incremented per POST and the
    last error (never the URL: webhook URLs are credentials).
    """
    session = session or requests.Session()
    body = PAYLOADS[payload_format(url, delivery.format)](alert, delivery.dashboard_url)
    headers = {"User-Agent": USER_AGENT, "Content-Type": "application/json"}
    attempts, error, wait = alert.attempts, None, delivery.backoff_seconds
    for try_number in range(delivery.tries_per_run):
        if try_number:
            sleep(wait)
            wait = delivery.backoff_seconds * 2**try_number
        attempts += 1
        try:
            response = session.post(
                url,
                data=json.dumps(body).encode("utf-8"),
                headers=headers,
                timeout=(min(delivery.timeout_seconds, 5), delivery.timeout_seconds),
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: could not reach the webhook"
            continue
        if 200 <= response.status_code < 300:
            return replace(alert, status="sent", attempts=attempts, last_error=None)
        error = f"HTTP {response.status_code}: {' '.join(response.text.split())[:200]}"
        if response.status_code == 429 or response.status_code >= 500:
            wait = _retry_after(response, delivery.max_retry_after_seconds) or wait
            continue
        break  # another 4xx will not heal within seconds; the next run tries again
    return replace(alert, status="failed", attempts=attempts, last_error=error)


# --- the run ------------------------------------------------------------------------------


def run_alerts(
    db_path: str | Path,
    org: OrgConfig,
    dry_run: bool = False,
    config: AlertsConfig | None = None,
    webhook_url: str | None = None,
    now: datetime | None = None,
    session: requests.Session | None = None,
) -> list[Alert]:
    """Evaluate the rules and deliver what is new or still undelivered.

    Returns the alerts this run handled with their outcome: new ones and earlier failures
    retried ('sent' / 'failed' / 'gave_up'), or 'skipped' when no webhook URL is set (stored, so
    they are not sent later as old news). With ``dry_run`` nothing is stored or sent: it returns
    the new alerts plus those awaiting a retry, as they would be sent.

    :param webhook_url: defaults to the SENTINELLA_WEBHOOK_URL environment variable.
    :param now: the evaluation time (naive UTC); tests pin it.
    """
    config = config or load_alerts_config()
    now = now or _utcnow()
    url = webhook_url if webhook_url is not None else os.environ.get(WEBHOOK_ENV, "").strip()
    max_attempts = config.delivery.max_attempts
    if dry_run:
        return db.read(db_path, lambda conn: _preview(conn, org, config, now))

    def store(conn: duckdb.DuckDBPyConnection) -> list[Alert]:
        fresh = new_alerts(conn, evaluate(conn, org, config, now))
        if url:
            return store_and_claim(conn, fresh, max_attempts, now)
        # Without a webhook the alerts are recorded (the Overview lists them) but never sent
        # later: by the time a URL is configured they would be old news.
        skipped = [
            replace(a, status="skipped", last_error=f"{WEBHOOK_ENV} is not set") for a in fresh
        ]
        for alert in skipped:
            _insert(conn, alert)
        return skipped

    claimed = db.write(db_path, store)
    if not url:
        return claimed
    # Delivery happens with the database closed: a slow webhook must not block the pipeline.
    with requests.Session() as own:
        outcomes = [deliver(alert, url, config.delivery, session or own) for alert in claimed]
    if outcomes:
        db.write(db_path, lambda conn: record_outcomes(conn, outcomes, max_attempts, _utcnow()))
    return [
        replace(o, status="gave_up") if o.status == "failed" and o.attempts >= max_attempts else o
        for o in outcomes
    ]


def _preview(
    conn: duckdb.DuckDBPyConnection, org: OrgConfig, config: AlertsConfig, now: datetime
) -> list[Alert]:
    fresh = new_alerts(conn, evaluate(conn, org, config, now))
    retry = conn.execute(
        f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE status IN ('pending', 'failed') "
        "AND attempts < ? ORDER BY detected_at, alert_key",
        [config.delivery.max_attempts],
    ).fetchall()
    return [replace(a, status="pending") for a in fresh] + [_from_row(r) for r in retry]


def summarize(alerts: list[Alert]) -> str:
    """One line for the pipeline's output: how many alerts and what happened to them."""
    if not alerts:
        return "alerts: nothing new"
    counts: dict[str, int] = {}
    for alert in alerts:
        counts[alert.status] = counts.get(alert.status, 0) + 1
    return "alerts: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))


def run_after_pipeline(db_path: str | Path, org: OrgConfig | str | Path) -> str:
    """What ``ingest`` and ``score`` call when they finish: evaluate and deliver alerts, and
    return one line to print. An alert problem never fails the pipeline run that triggered it
    (its data is stored either way); a bad alerts.yaml or org.yaml is reported in the line.

    :param org: the organization, or the path of its org.yaml.
    """
    try:
        if not isinstance(org, OrgConfig):
            from monitoring.org import load_org

            org = load_org(org)
        return summarize(run_alerts(db_path, org))
    except ConfigError as exc:
        return f"alerts: not evaluated: {exc}"
