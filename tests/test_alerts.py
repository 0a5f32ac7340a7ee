"""Alerts delivered to a real webhook receiver on loopback (pytest-httpserver)."""

from __future__ import annotations

import json
import socket
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner
from spike_data import ORG, add_items, burst, hourly_background, make_db, mention

from monitoring import db
from monitoring.alerts import (
    Alert,
    AlertsConfig,
    Delivery,
    HighRiskRule,
    SpikeRule,
    UnansweredRule,
    failed_deliveries,
    load_alerts_config,
    payload_format,
    run_alerts,
    slack_payload,
    store_and_claim,
    teams_payload,
    teams_workflow_payload,
)
from monitoring.cli import cli
from monitoring.config import ConfigError
from monitoring.settings import DATA_DIR

START = datetime(2026, 9, 1)
CRISIS = datetime(2026, 9, 20, 9)
NOW = datetime(2026, 9, 30, 12)
FAST = Delivery(tries_per_run=2, backoff_seconds=0, timeout_seconds=2)
ONLY_SPIKES = AlertsConfig(
    high_risk=HighRiskRule(enabled=False), unanswered=UnansweredRule(enabled=False), delivery=FAST
)


@pytest.fixture
def crisis_db(tmp_path):
    path = make_db(tmp_path)
    add_items(path, hourly_background(START, 30, 0.8) + burst(CRISIS, 20, 4, first_id=100_000))
    return path


def posts(httpserver) -> list[dict]:
    return [json.loads(request.get_data()) for request, _ in httpserver.log]


def stored(path) -> list[tuple]:
    return db.read(
        path,
        lambda conn: conn.execute(
            "SELECT alert_key, status, attempts, last_error FROM alerts ORDER BY alert_key"
        ).fetchall(),
    )


def test_injected_crisis_is_sent_once(crisis_db, httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    url = httpserver.url_for("/hook")

    first = run_alerts(crisis_db, ORG, config=ONLY_SPIKES, webhook_url=url, now=NOW)
    assert [(a.kind, a.status, a.attempts) for a in first] == [("spike", "sent", 1)]
    sent = posts(httpserver)
    assert len(sent) == 1
    assert "Picco di menzioni negative" in sent[0]["text"]  # org.yaml's locale is Italian
    assert sent[0]["blocks"][0]["type"] == "header"
    request = httpserver.log[0][0]
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"].startswith("Sentinella/")

    # Re-running, even with more data arriving, sends nothing again.
    assert run_alerts(crisis_db, ORG, config=ONLY_SPIKES, webhook_url=url, now=NOW) == []
    later = NOW + timedelta(hours=6)
    assert run_alerts(crisis_db, ORG, config=ONLY_SPIKES, webhook_url=url, now=later) == []
    assert len(httpserver.log) == 1
    assert [row[1:3] for row in stored(crisis_db)] == [("sent", 1)]


def test_failure_is_recorded_and_retried_on_the_next_run(crisis_db, httpserver):
    httpserver.expect_request("/hook").respond_with_data("upstream down", status=503)
    url = httpserver.url_for("/hook")

    failed = run_alerts(crisis_db, ORG, config=ONLY_SPIKES, webhook_url=url, now=NOW)
    assert [(a.status, a.attempts) for a in failed] == [("failed", 2)]  # retried within the run
    assert failed[0].last_error == "HTTP 503: upstream down"
    assert len(httpserver.log) == 2
    shown = db.read(crisis_db, failed_deliveries)
    assert list(shown.alert_key) == [failed[0].key]
    assert shown.iloc[0].last_error == "HTTP 503: upstream down"

    httpserver.clear_all_handlers()
    httpserver.clear_log()
    httpserver.expect_request("/hook").respond_with_data("ok")
    retried = run_alerts(crisis_db, ORG, config=ONLY_SPIKES, webhook_url=url, now=NOW)
    assert [(a.key, a.status, a.attempts) for a in retried] == [(failed[0].key, "sent", 3)]
    assert len(httpserver.log) == 1
    assert db.read(crisis_db, failed_deliveries).empty

    assert run_alerts(crisis_db, ORG, config=ONLY_SPIKES, webhook_url=url, now=NOW) == []
    assert len(httpserver.log) == 1


def test_client_errors_are_not_hammered_and_give_up_after_max_attempts(crisis_db, httpserver):
    httpserver.expect_request("/hook").respond_with_data("no such hook", status=404)
    url = httpserver.url_for("/hook")
    config = ONLY_SPIKES.model_copy(
        update={"delivery": FAST.model_copy(update={"max_attempts": 2})}
    )
    first = run_alerts(crisis_db, ORG, config=config, webhook_url=url, now=NOW)
    assert [(a.status, a.attempts) for a in first] == [("failed", 1)]  # a 404 is not retried now
    second = run_alerts(crisis_db, ORG, config=config, webhook_url=url, now=NOW)
    assert [(a.status, a.attempts) for a in second] == [("gave_up", 2)]
    assert run_alerts(crisis_db, ORG, config=config, webhook_url=url, now=NOW) == []
    assert len(httpserver.log) == 2
    assert list(db.read(crisis_db, failed_deliveries).status) == ["gave_up"]


def test_rate_limit_waits_for_retry_after(crisis_db, httpserver):
    httpserver.expect_oneshot_request("/hook").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "0"}
    )
    httpserver.expect_request("/hook").respond_with_data("ok")
    url = httpserver.url_for("/hook")
    done = run_alerts(crisis_db, ORG, config=ONLY_SPIKES, webhook_url=url, now=NOW)
    assert [(a.status, a.attempts) for a in done] == [("sent", 2)]


def test_unreachable_webhook_fails_without_leaking_the_url(crisis_db):
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/secret-token"
    done = run_alerts(crisis_db, ORG, config=ONLY_SPIKES, webhook_url=url, now=NOW)
    assert [(a.status, a.attempts) for a in done] == [("failed", 2)]
    assert "could not reach" in done[0].last_error
    assert "secret-token" not in done[0].last_error


def test_without_a_webhook_alerts_are_recorded_not_sent_later(crisis_db, httpserver):
    skipped = run_alerts(crisis_db, ORG, config=ONLY_SPIKES, webhook_url="", now=NOW)
    assert [a.status for a in skipped] == ["skipped"]
    httpserver.expect_request("/hook").respond_with_data("ok")
    url = httpserver.url_for("/hook")
    assert run_alerts(crisis_db, ORG, config=ONLY_SPIKES, webhook_url=url, now=NOW) == []
    assert httpserver.log == []


def test_dry_run_stores_and_sends_nothing(crisis_db, httpserver):
    url = httpserver.url_for("/hook")
    preview = run_alerts(crisis_db, ORG, dry_run=True, config=ONLY_SPIKES, webhook_url=url, now=NOW)
    assert [a.kind for a in preview] == ["spike"]
    assert stored(crisis_db) == []
    assert httpserver.log == []


def test_spike_older_than_the_lookback_is_not_news(crisis_db, httpserver):
    config = ONLY_SPIKES.model_copy(update={"spike": SpikeRule(lookback_days=5)})
    url = httpserver.url_for("/hook")
    assert run_alerts(crisis_db, ORG, config=config, webhook_url=url, now=NOW) == []


@pytest.fixture
def staff_db(tmp_path):
    path = make_db(tmp_path)
    hour = NOW - timedelta(hours=3)
    add_items(
        path,
        [
            # A risky reply by a customer-care operator; its text tries to ping a Slack channel.
            mention(
                1,
                hour,
                label="negative",
                author_handle="giulia_lumina",
                risk=88.0,
                text="<!channel> il fatturato Q3 +12% è riservato",
                url="https://x.com/a/1",
            ),
            mention(2, hour, label="neutral", author_handle="marco_lumina", risk=20.0),
            # Large-reach mentions: one unanswered for 3 h, one answered, one too recent.
            mention(3, hour, label="negative", reach=50_000, url="javascript:alert(1)"),
            mention(4, hour, label="negative", reach=80_000),
            mention(
                5,
                hour,
                label="neutral",
                reach=90_000,
                author_handle="sara_lumina",
                in_reply_to="m4",
            ),
            mention(6, NOW - timedelta(minutes=20), label="negative", reach=70_000),
            mention(7, hour, label="negative", reach=500),  # small reach
            # Reddit: no team watches it, the fastest team target (60 min) applies.
            mention(8, hour, label="negative", reach=20_000, platform="reddit"),
            # A press article: nobody answers articles, so it is excluded by default.
            mention(9, hour, label="negative", reach=900_000, platform="news"),
        ],
    )
    db.write(
        path,
        lambda conn: conn.execute(
            "INSERT INTO hits SELECT item_id, 'test-1', 'confidential.figures', 'confidential', "
            "'high', 3, 'fatturato Q3 +12%' FROM items WHERE native_id = 'm1'"
        ),
    )
    return path


def test_high_risk_post_and_unanswered_mentions(staff_db, httpserver):
    httpserver.expect_request("/hook").respond_with_data("ok")
    config = AlertsConfig(delivery=FAST)
    done = run_alerts(
        staff_db, ORG, config=config, webhook_url=httpserver.url_for("/hook"), now=NOW
    )
    keys = sorted(a.key for a in done)
    assert keys == ["high_risk:x:m1", "unanswered:reddit:m8", "unanswered:x:m3"]
    assert all(a.status == "sent" for a in done)

    risky = next(a for a in done if a.kind == "high_risk")
    assert "Giulia Rossi" in risky.title and "88" in risky.title
    assert dict(risky.facts)["Regole"] == "confidential.figures"
    assert dict(risky.facts)["Team"] == "Assistenza clienti"
    unanswered = next(a for a in done if a.key == "unanswered:x:m3")
    assert unanswered.url is None  # only http(s) links leave the system
    assert "50.000" in unanswered.title  # Italian digit grouping
    reddit = next(a for a in done if a.key == "unanswered:reddit:m8")
    assert dict(reddit.facts)["Team"] == "nessun team presidia questo canale"

    sent = {p["text"].split("\n")[0]: p for p in posts(httpserver)}
    risky_post = next(p for title, p in sent.items() if "rischio" in title)
    assert "<!channel>" not in json.dumps(risky_post)
    assert "&lt;!channel&gt;" in risky_post["text"]

    # The mention that was too recent becomes an alert once its target has passed.
    later = run_alerts(
        staff_db,
        ORG,
        config=config,
        webhook_url=httpserver.url_for("/hook"),
        now=NOW + timedelta(hours=1),
    )
    assert [a.key for a in later] == ["unanswered:x:m6"]


def test_english_when_the_deployment_says_so(staff_db, monkeypatch):
    monkeypatch.setenv("SENTINELLA_LANG", "en")
    preview = run_alerts(staff_db, ORG, dry_run=True, config=AlertsConfig(), now=NOW)
    assert any(a.title.startswith("High-risk staff post") for a in preview)


def test_a_second_run_claims_nothing_already_claimed(crisis_db):
    candidate = Alert(key="high_risk:x:1", kind="high_risk", severity="high", title="t", body="b")
    first = db.write(crisis_db, lambda c: store_and_claim(c, [candidate], 20, NOW))
    second = db.write(crisis_db, lambda c: store_and_claim(c, [candidate], 20, NOW))
    assert [a.key for a in first] == ["high_risk:x:1"] and second == []
    # A claim left by a run that died is taken over after a while.
    later = NOW + timedelta(minutes=30)
    assert len(db.write(crisis_db, lambda c: store_and_claim(c, [], 20, later))) == 1


SAMPLE = Alert(
    key="k",
    kind="high_risk",
    severity="high",
    title="Risky *post*",
    body="<b>hi</b> & _x_",
    facts=(("Team", "care"),),
    url="https://example.org/p/1",
)


def test_payload_shapes():
    slack = slack_payload(SAMPLE, "https://dash.example")
    assert slack["text"].startswith("[HIGH] Risky *post*")
    assert "&lt;b&gt;hi&lt;/b&gt; &amp;" in slack["blocks"][1]["text"]["text"]
    assert slack["blocks"][2]["fields"][0]["text"] == "*Team*\ncare"
    teams = teams_payload(SAMPLE)
    assert teams["@type"] == "MessageCard" and teams["themeColor"] == "C62828"
    assert teams["text"] == "&lt;b&gt;hi&lt;/b&gt; &amp; \\_x\\_"
    assert teams["potentialAction"][0]["targets"][0]["uri"] == "https://example.org/p/1"
    flow = teams_workflow_payload(SAMPLE)
    card = flow["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["body"][2]["facts"] == [{"title": "Team", "value": "care"}]


@pytest.mark.parametrize(
    ("url", "configured", "expected"),
    [
        ("https://hooks.slack.com/services/T/B/X", "auto", "slack"),
        ("https://contoso.webhook.office.com/webhookb2/abc", "auto", "teams"),
        ("https://prod-01.westeurope.logic.azure.com/workflows/abc", "auto", "teams-workflow"),
        ("http://127.0.0.1:9000/hook", "auto", "slack"),
        ("http://127.0.0.1:9000/hook", "teams", "teams"),
    ],
)
def test_payload_format_from_host(url, configured, expected):
    assert payload_format(url, configured) == expected


def test_config_errors_name_file_line_and_field(tmp_path):
    bad = tmp_path / "alerts.yaml"
    bad.write_text("alerts:\n  spike:\n    k: -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"alerts.yaml:3: alerts.spike.k: .*greater than 0"):
        load_alerts_config(bad)
    bad.write_text("alerts:\n  spikes: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"alerts.yaml:2: alerts.spikes: Extra inputs"):
        load_alerts_config(bad)


def test_shipped_config_is_valid():
    config = load_alerts_config()
    assert config.spike.k == 3.0 and config.high_risk.threshold == 70


def test_cli_dry_run_and_delivery(crisis_db, httpserver, tmp_path, monkeypatch):
    config = tmp_path / "alerts.yaml"
    config.write_text(
        "alerts:\n  spike: {lookback_days: 3650}\n  delivery: {tries_per_run: 1}\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    base = ["--db", str(crisis_db), "alerts", "--config", str(config)]
    result = runner.invoke(cli, [*base, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "spike:2026-09-20T" in result.output and "1 alert(s) would be sent" in result.output

    httpserver.expect_request("/hook").respond_with_data("boom", status=500)
    monkeypatch.setenv("SENTINELLA_WEBHOOK_URL", httpserver.url_for("/hook"))
    result = runner.invoke(cli, base)
    assert result.exit_code == 1
    assert "1 alert(s) could not be delivered: HTTP 500: boom" in result.output

    httpserver.clear_all_handlers()
    httpserver.expect_request("/hook").respond_with_data("ok")
    result = runner.invoke(cli, base)
    assert result.exit_code == 0, result.output
    assert "alerts: 1 sent" in result.output

    bad = runner.invoke(cli, [*base[:-2], "--config", str(tmp_path / "missing.yaml")])
    assert bad.exit_code == 2 and "missing.yaml: file not found" in bad.output


@pytest.mark.slow
def test_demo_crisis_end_to_end(tmp_path, httpserver):
    """Issue 8's "done when": the demo's crisis gives exactly one spike alert, a rerun sends
    nothing, and the crisis week's report shows the spike, the flagged posts and their review
    state. Real path: demo generator, scoring pipeline, alert run, review log, report."""
    from monitoring.demo.generator import generate_demo
    from monitoring.queries import iso_week_of
    from monitoring.report import render_report
    from monitoring.review import record_decision
    from monitoring.scoring.policy import load_policy
    from monitoring.scoring_pipeline import score_pending
    from monitoring.settings import DATA_DIR

    path = tmp_path / "demo.duckdb"
    generate_demo(path, mentions=20_000, seed=7, progress=False)
    score_pending(path, load_policy(DATA_DIR / "policy.yaml"), ORG, workers=2)
    httpserver.expect_request("/hook").respond_with_data("ok")
    url = httpserver.url_for("/hook")

    handled = run_alerts(path, ORG, webhook_url=url)
    spikes = [a for a in handled if a.kind == "spike"]
    assert [a.status for a in spikes] == ["sent"]
    crisis = json.loads(db.read(path, lambda c: db.get_meta(c, "demo_incidents")))["crisis_week"]
    start = datetime.fromisoformat(crisis["start"])
    assert start - timedelta(days=1) <= spikes[0].window_end and spikes[0].detected_at < (
        start + timedelta(days=7)
    )
    spike_posts = [p for p in posts(httpserver) if "Picco di menzioni negative" in p["text"]]
    assert len(spike_posts) == 1
    sent_before = len(httpserver.log)
    assert run_alerts(path, ORG, webhook_url=url) == []
    assert len(httpserver.log) == sent_before

    week = iso_week_of(start.date())
    flagged = db.read(
        path,
        lambda c: c.execute(
            "SELECT item_id FROM flags WHERE iso_week = ? AND active ORDER BY risk DESC", [week]
        ).fetchall(),
    )
    assert len(flagged) >= 3
    record_decision(path, flagged[0][0], "confirmed", "manager", "leak of figures")
    record_decision(path, flagged[1][0], "dismissed", "manager")
    page = render_report(path, week, org=ORG, lang="en")
    crisis_part = page.split('<section id="crisis">')[1].split("</section>")[0]
    assert 'class="spikes"' in crisis_part and "high" in crisis_part
    pending = len(flagged) - 2
    assert (
        f"2 of {len(flagged)} reviewed · 1 confirmed · 1 dismissed · 0 escalated · {pending} pending"
        in page
    )
    assert "leak of figures" in page


def test_after_the_pipeline_one_line_never_an_exception(crisis_db, tmp_path, monkeypatch):
    from monitoring.alerts import run_after_pipeline

    monkeypatch.delenv("SENTINELLA_WEBHOOK_URL", raising=False)
    monkeypatch.setenv("SENTINELLA_ALERTS", str(tmp_path / "absent.yaml"))
    assert run_after_pipeline(crisis_db, ORG).startswith("alerts: not evaluated: ")
    assert "absent.yaml: file not found" in run_after_pipeline(crisis_db, ORG)
    monkeypatch.delenv("SENTINELLA_ALERTS")
    assert "not evaluated" in run_after_pipeline(crisis_db, tmp_path / "org.yaml")
    assert run_after_pipeline(crisis_db, DATA_DIR / "org.yaml").startswith("alerts: ")
