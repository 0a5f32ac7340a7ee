"""The weekly report rendered from a known dataset: its figures, its escaping, HTML and PDF."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner
from spike_data import ORG, add_items, burst, hourly_background, make_db, mention

from monitoring import db, health
from monitoring.cli import cli
from monitoring.queries import iso_week_of
from monitoring.report import (
    ReportError,
    parse_week,
    render_pdf,
    render_report,
)

WEEK = "2026-W39"  # Monday 21 to Sunday 27 September 2026, Europe/Rome (UTC+2)
WEEK_LO, WEEK_HI = datetime(2026, 9, 20, 22), datetime(2026, 9, 27, 22)  # in UTC
CRISIS = datetime(2026, 9, 23, 9)
POSTED = datetime(2026, 9, 24, 10)
HOSTILE = "<script>alert('x')</script> & <b>vergogna</b>"


@pytest.fixture(scope="module")
def report_db(tmp_path_factory):
    path = make_db(tmp_path_factory.mktemp("report"))
    records = hourly_background(datetime(2026, 9, 1), 35, 0.8) + burst(CRISIS, 20, 4, 100_000)
    records += [
        mention(900_000, POSTED, reach=250_000, text=HOSTILE, url="javascript:evil()"),
        mention(900_001, POSTED, label="positive", reach=10),
        # Staff: three posts by customer care (one answers m900000), one by technical support.
        mention(
            900_010,
            POSTED + timedelta(minutes=30),
            label="neutral",
            risk=90.0,
            author_handle="giulia_lumina",
            in_reply_to="m900000",
            text="Il fatturato Q3 è +12%, riservato",
            url="https://x.com/giulia/900010",
        ),
        mention(
            900_011,
            POSTED,
            label="negative",
            risk=75.0,
            author_handle="marco_lumina",
            text="Avrebbe dovuto leggere il contratto!!!",
        ),
        mention(900_012, POSTED, label="positive", risk=5.0, author_handle="sara_lumina"),
        mention(
            900_013,
            POSTED,
            label="neutral",
            risk=65.0,
            author_handle="roberto_guasti",
            text="Guasto risolto <i>forse</i>",
        ),
    ]
    add_items(path, records)

    def flags_and_reviews(conn):
        conn.execute(
            """
            INSERT INTO flags
            SELECT item_id, platform, native_id, '2026-W39', s.risk, 'test-1', true, now()
            FROM items JOIN scores s USING (item_id)
            WHERE native_id IN ('m900010', 'm900011', 'm900013')
            """
        )
        conn.execute(
            "INSERT INTO hits SELECT item_id, 'test-1', 'confidential.figures', 'confidential', "
            "'high', 3, 'fatturato Q3' FROM items WHERE native_id = 'm900010'"
        )
        decisions = [
            (1, "m900010", "confirmed", "leak", "anna", datetime(2026, 9, 28, 9)),
            (
                2,
                "m900010",
                "dismissed",
                "figures were public <ok>",
                "bruno",
                datetime(2026, 9, 28, 10),
            ),
            (3, "m900013", "escalated", None, "anna", datetime(2026, 9, 28, 11)),
        ]
        for review_id, native, decision, note, reviewer, at in decisions:
            conn.execute(
                """
                INSERT INTO reviews SELECT ?, item_id, platform, native_id, '2026-W39', ?, ?, ?, ?
                FROM items WHERE native_id = ?
                """,
                [review_id, decision, note, reviewer, at, native],
            )

    db.write(path, flags_and_reviews)
    return path


@pytest.fixture(scope="module")
def page(report_db):
    return render_report(report_db, WEEK, org=ORG, lang="en")


def section(page: str, name: str) -> str:
    match = re.search(rf'<section id="{name}">(.*?)</section>', page, re.S)
    assert match, f"no section {name}"
    return match.group(1)


def week_counts(path, lo, hi) -> dict[str, float]:
    """The week's totals computed directly in SQL, independently of the report's queries."""

    def work(conn):
        row = conn.execute(
            """
            SELECT count(*) FILTER (WHERE i.kind = 'mention'),
                   count(*) FILTER (WHERE i.kind = 'mention' AND s.label = 'negative'),
                   count(*) FILTER (WHERE i.kind = 'mention' AND s.label = 'positive'),
                   count(*) FILTER (WHERE i.kind = 'mention' AND s.label = 'neutral'),
                   count(r.mention_id) FILTER (WHERE i.kind = 'mention'
                                                AND s.label = 'negative'),
                   count(r.mention_id) FILTER (WHERE r.minutes <= t.response_minutes),
                   count(r.mention_id),
                   count(*) FILTER (WHERE i.kind = 'staff'),
                   count(f.item_id) FILTER (WHERE i.kind = 'staff' AND f.active)
            FROM items i JOIN scores s USING (item_id)
            LEFT JOIN responses r ON r.mention_id = i.item_id
            LEFT JOIN teams t ON t.team_id = r.team_id
            LEFT JOIN flags f ON f.item_id = i.item_id
            WHERE i.created_at >= ? AND i.created_at < ?
            """,
            [lo, hi],
        ).fetchall()[0]
        keys = (
            "mentions",
            "negative",
            "positive",
            "neutral",
            "negative_answered",
            "answered_in_target",
            "answered",
            "staff_posts",
            "flagged",
        )
        return dict(zip(keys, map(float, row), strict=True))

    return db.read(path, work)


def test_brand_health_and_its_change(report_db, page):
    now = week_counts(report_db, WEEK_LO, WEEK_HI)
    before = week_counts(report_db, WEEK_LO - timedelta(days=7), WEEK_LO)
    expected, previous = health.brand_health(now), health.brand_health(before)
    part = section(page, "health")
    shown = re.search(r'id="brand-health">([^<]+)<', part).group(1)
    change = re.search(r'id="brand-health-change">([^<]+)<', part).group(1)
    assert shown == f"{expected:.1f}"
    assert change == f"{expected - previous:+.1f}"
    assert (
        f"<td>Mentions</td><td>{now['mentions']:,.0f}</td><td>{before['mentions']:,.0f}</td>"
        in part
    )
    share = now["negative"] / now["mentions"]
    assert f"<td>Negative share</td><td>{100 * share:.1f}%</td>" in part
    assert "<td>Staff posts</td><td>4</td><td>0</td>" in part
    assert "<td>Flagged</td><td>3</td><td>0</td>" in part
    assert 'src="data:image/png;base64,' in part


def test_the_crisis_week_shows_its_spike(page):
    part = section(page, "crisis")
    assert 'class="spikes"' in part
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td>", part)
    assert len(rows) == 1
    window, peak = rows[0]
    assert window.startswith("22/09/2026") or window.startswith("23/09/2026")
    assert 80 <= int(peak) <= 130  # 80 injected on top of ~19 a day


def test_flagged_posts_with_their_decisions_and_pending(page):
    part = section(page, "flagged")
    assert "2 of 3 reviewed · 0 confirmed · 1 dismissed · 1 escalated · 1 pending" in part
    rows = re.findall(r"<tr>(.*?)</tr>", part, re.S)[1:]
    assert len(rows) == 3
    # Riskiest first; the latest decision wins; notes are escaped text.
    assert "Giulia Rossi" in rows[0] and "dismissed" in rows[0] and "confirmed" not in rows[0]
    assert "figures were public &lt;ok&gt;" in rows[0] and "bruno" in rows[0]
    assert '<a href="https://x.com/giulia/900010">' in rows[0]
    assert "confidential.figures: fatturato Q3" in rows[0]
    assert "Marco Bianchi" in rows[1] and "pending" in rows[1]
    assert "Roberto Fontana" in rows[2] and "escalated" in rows[2]
    assert "Guasto risolto &lt;i&gt;forse&lt;/i&gt;" in rows[2]


def test_teams_against_targets_and_governance(report_db, page):
    part = section(page, "teams")
    care = next(r for r in re.findall(r"<tr>(.*?)</tr>", part, re.S) if "Assistenza clienti" in r)
    cells = re.findall(r"<td>(.*?)</td>", care, re.S)
    assert cells[1] == "decentralized" and cells[2] == "3"
    assert cells[3].startswith("30 min ")  # answered m900000 after 30 minutes, target 60
    assert "target 60 min" in cells[3]
    assert "green" in cells[3]
    gov = section(page, "governance")
    rows = dict(re.findall(r"<tr><td>(centralized|decentralized)</td>(.*?)</tr>", gov, re.S))
    assert set(rows) == {"centralized", "decentralized"}
    # Staff posts per mode: centralized = technical support's 1, decentralized = care's 3.
    assert re.findall(r"<td>(.*?)</td>", rows["centralized"])[1] == "1"
    assert re.findall(r"<td>(.*?)</td>", rows["decentralized"])[1] == "3"


def test_top_negative_mentions_are_escaped(page):
    part = section(page, "negative")
    assert "<script>" not in page and "javascript:" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;vergogna" in part
    first = re.findall(r"<tr>(.*?)</tr>", part, re.S)[1]
    assert "250,000" in first and "yes (30 min)" in first


def test_italian_formats(report_db):
    page = render_report(report_db, WEEK, org=ORG, lang="it")
    assert "report settimanale 2026-W39" in page
    assert "250.000" in section(page, "negative")
    assert "2 di 3 esaminati" in page
    assert "<td>decentralizzato</td>" in section(page, "governance")


def test_one_team(report_db):
    page = render_report(report_db, WEEK, team="technical_support", org=ORG, lang="en")
    flagged = section(page, "flagged")
    assert "1 of 1 reviewed" in flagged and "Roberto Fontana" in flagged
    assert "Giulia" not in flagged
    assert "team Pronto intervento guasti" in page


def test_a_quiet_week(report_db):
    page = render_report(report_db, "2026-W30", org=ORG, lang="en")
    assert "No spike of negative mentions this week." in page
    assert "No staff post was flagged this week." in page
    assert 'id="brand-health">–<' in page


@pytest.mark.parametrize(
    ("week", "message"),
    [("2026-47", "expected YYYY-Www"), ("2026-W54", "no such ISO week"), ("", "expected")],
)
def test_bad_weeks(week, message):
    with pytest.raises(ReportError, match=message):
        parse_week(week)


def test_weeks():
    assert str(parse_week("2026-W47")) == "2026-11-16"
    assert str(parse_week("2026-W53")) == "2026-12-28"
    assert iso_week_of(parse_week("2026-W01")) == "2026-W01"


@pytest.mark.slow
def test_pdf(page):
    pdf = render_pdf(page)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 20_000


def test_cli(report_db, tmp_path):
    runner = CliRunner()
    out = tmp_path / "w39.html"
    result = runner.invoke(
        cli, ["--db", str(report_db), "report", "--week", WEEK, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = runner.invoke(cli, ["--db", str(report_db), "report", "--week", "W39", "--out", str(out)])
    assert bad.exit_code == 2 and "week 'W39': expected YYYY-Www" in bad.output
    bad = runner.invoke(
        cli, ["--db", str(report_db), "report", "--week", WEEK, "--team", "nope", "--out", str(out)]
    )
    assert bad.exit_code == 2 and "team 'nope' is not in org.yaml" in bad.output
    bad = runner.invoke(cli, ["--db", str(report_db), "report", "--week", WEEK, "--out", "r.txt"])
    assert bad.exit_code == 2 and "must end in .html or .pdf" in bad.output
