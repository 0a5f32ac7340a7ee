"""The demo year: deterministic, varied, with findable incidents, linked replies and the org."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pyarrow as pa
import pytest
from click.testing import CliRunner

from monitoring import audit, db
from monitoring.cli import cli
from monitoring.demo.generator import generate_demo, generate_items
from monitoring.org import load_org
from monitoring.settings import DATA_DIR

END = datetime(2026, 11, 27, 21, 30, 15)
START = END - timedelta(days=365)
INCIDENTS = (
    "crisis_week",
    "leak",
    "undisclosed_promo",
    "hostile_reply",
    "personal_data",
    "off_channel",
    "volume_burst",
    "competitor_disparaged",
)


def rows(path, sql, params=None):
    return db.read(path, lambda c: c.execute(sql, params or []).fetchall())


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    summary = generate_demo(path, mentions=20000, seed=7, progress=False, end=END)
    return path, summary


def test_same_seed_gives_identical_items_and_another_seed_does_not():
    first = pa.concat_tables(generate_items(3000, 11, START, END))
    again = pa.concat_tables(generate_items(3000, 11, START, END))
    other = pa.concat_tables(generate_items(3000, 12, START, END))
    assert first.equals(again)
    assert not first.column("text").equals(other.column("text"))


def test_items_cover_the_year_up_to_the_end():
    table = pa.concat_tables(generate_items(3000, 3, START, END))
    created = table.column("created_at").to_pylist()
    assert min(created) >= START and max(created) <= END
    assert max(created) > END - timedelta(days=1)
    assert min(created) < START + timedelta(days=2)


def test_fifty_consecutive_mentions_never_repeat_a_text_yet_reposts_exist(demo_db):
    path, _ = demo_db
    texts = [
        r[0]
        for r in rows(
            path, "SELECT text FROM items WHERE kind = 'mention' ORDER BY created_at, item_id"
        )
    ]
    last_seen: dict[str, int] = {}
    for position, text in enumerate(texts):
        if text in last_seen:
            assert position - last_seen[text] >= 50, text
        last_seen[text] = position
    repeated = len(texts) - len(last_seen)
    assert 0.10 <= repeated / len(texts) <= 0.30


def test_a_reader_scrolling_fifty_mentions_never_meets_the_same_sentence_twice(demo_db):
    path, _ = demo_db
    texts = rows(path, "SELECT text FROM items WHERE kind = 'mention' ORDER BY created_at, item_id")
    last_seen: dict[str, int] = {}
    for position, (text,) in enumerate(texts):
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            # how the brand is addressed ("@LuminaCare", "Lumina Energia") is not a sentence
            sentence = re.sub(r"[@#]\S+\s*|lumina energia\s*", "", sentence.lower()).strip()
            if len(sentence) < 20:  # "Grazie in anticipo.", "Basta!" may recur
                continue
            if sentence in last_seen:
                assert position - last_seen[sentence] >= 50, sentence
            last_seen[sentence] = position


def test_first_fifty_mentions_are_fifty_different_sentences(demo_db):
    path, _ = demo_db
    texts = rows(path, "SELECT text FROM items WHERE kind = 'mention' ORDER BY created_at LIMIT 50")
    assert len({t[0] for t in texts}) == 50


def test_mentions_are_bilingual_and_spread_over_the_org_channels(demo_db):
    path, _ = demo_db
    langs = dict(
        rows(path, "SELECT lang_hint, count(*) FROM items WHERE lang_hint IS NOT NULL GROUP BY 1")
    )
    assert 0.08 <= langs["en"] / (langs["en"] + langs["it"]) <= 0.35
    channels = {r[0] for r in rows(path, "SELECT DISTINCT channel_id FROM items")}
    assert channels == {r[0] for r in rows(path, "SELECT channel_id FROM channels")}
    weekdays = dict(
        rows(
            path, "SELECT isodow(created_at), count(*) FROM items WHERE kind = 'mention' GROUP BY 1"
        )
    )
    assert weekdays[1] > 1.3 * weekdays[7]  # Mondays busier than Sundays


def test_org_tables_loaded_and_staff_classified(demo_db):
    path, summary = demo_db
    org = load_org(DATA_DIR / "org.yaml")
    assert rows(path, "SELECT count(*) FROM teams")[0][0] == len(org.teams)
    assert rows(path, "SELECT count(*) FROM channels")[0][0] == len(org.channels)
    assert rows(path, "SELECT count(*) FROM members")[0][0] == len(org.members())
    staff, unattributed = rows(
        path,
        "SELECT count(*), count(*) FILTER (WHERE member_id IS NULL OR team_id IS NULL) "
        "FROM items WHERE kind = 'staff'",
    )[0]
    assert unattributed == 0
    assert staff == summary.staff_posts
    assert 0.18 <= staff / summary.mentions <= 0.35
    assert rows(path, "SELECT count(DISTINCT member_id) FROM items")[0][0] >= 15


def test_replies_are_linked_and_the_central_repair_team_is_far_slower(demo_db):
    path, summary = demo_db
    assert summary.responses > 0.1 * summary.mentions
    medians = dict(rows(path, "SELECT team_id, median(minutes) FROM responses GROUP BY 1"))
    assert medians["customer_care"] < 60
    assert medians["technical_support"] > 10 * medians["customer_care"]
    linked = rows(
        path,
        "SELECT count(*) FROM items r JOIN items m ON m.item_id = r.parent_item_id "
        "WHERE r.kind = 'staff' AND m.kind = 'mention' AND m.platform = r.platform "
        "AND m.native_id = r.in_reply_to AND r.created_at > m.created_at",
    )[0][0]
    assert linked == summary.replies
    # not everything is answered
    assert rows(path, "SELECT count(*) FROM responses")[0][0] < 0.5 * summary.mentions


def test_meta_marks_the_demo_and_records_every_incident(demo_db):
    path, _ = demo_db
    meta = dict(rows(path, "SELECT key, value FROM meta"))
    assert meta["demo"] == "true" and meta["demo_seed"] == "7"
    incidents = json.loads(meta["demo_incidents"])
    assert set(INCIDENTS) <= set(incidents)
    expected = sorted(
        (item["item_id"], item["native_id"], item["member_id"], item["channel_id"])
        for kind in INCIDENTS[1:]
        for item in incidents[kind]["items"]
    )
    ids = [e[0] for e in expected]
    stored = rows(
        path,
        "SELECT item_id, native_id, member_id, channel_id FROM items "
        "WHERE kind = 'staff' AND list_contains(?, item_id) ORDER BY item_id",
        [ids],
    )
    assert len(expected) >= 8 and stored == expected


def incident_texts(path, kind):
    incidents = json.loads(rows(path, "SELECT value FROM meta WHERE key = 'demo_incidents'")[0][0])
    ids = [i["item_id"] for i in incidents[kind]["items"]]
    return [
        r[0] for r in rows(path, "SELECT text FROM items WHERE list_contains(?, item_id)", [ids])
    ]


def test_the_leak_and_the_undisclosed_promotion_read_as_such(demo_db):
    path, _ = demo_db
    leak = incident_texts(path, "leak")
    assert any("Progetto Aurora" in t and "Q3 +12%" in t for t in leak)
    promo = incident_texts(path, "undisclosed_promo")
    assert promo and all("VALE30" in t and "#adv" not in t for t in promo)
    hostile = incident_texts(path, "hostile_reply")
    assert "colpa sua" in hostile[0]
    assert "@gmail.com" in incident_texts(path, "personal_data")[0]
    # ordinary marketing promotions do carry the disclosure
    promos = rows(
        path,
        "SELECT text FROM items WHERE team_id = 'marketing' AND in_reply_to IS NULL "
        "AND text LIKE '%Codice %'",
    )
    assert promos and all("#adv" in r[0] for r in promos)


def test_off_channel_posts_are_on_a_channel_the_team_is_not_assigned(demo_db):
    path, _ = demo_db
    incidents = json.loads(rows(path, "SELECT value FROM meta WHERE key = 'demo_incidents'")[0][0])
    for item in incidents["off_channel"]["items"]:
        assigned = rows(path, "SELECT channels FROM teams WHERE team_id = ?", [item["team_id"]])
        assert item["channel_id"] not in assigned[0][0]


def test_the_burst_member_posts_far_above_their_baseline(demo_db):
    path, _ = demo_db
    incidents = json.loads(rows(path, "SELECT value FROM meta WHERE key = 'demo_incidents'")[0][0])
    member = incidents["volume_burst"]["items"][0]["member_id"]
    days = {r[0] for r in rows(path, "SELECT DISTINCT created_at::DATE FROM items")}
    per_day = dict(
        rows(
            path,
            "SELECT created_at::DATE, count(*) FROM items WHERE member_id = ? GROUP BY 1",
            [member],
        )
    )
    burst_days = sorted({item["created_at"][:10] for item in incidents["volume_burst"]["items"]})
    baseline = sum(per_day.values()) / len(days)
    for day in burst_days:
        assert per_day[datetime.fromisoformat(day).date()] >= 10 * baseline


def test_the_crisis_week_spikes(demo_db):
    path, _ = demo_db
    crisis = json.loads(rows(path, "SELECT value FROM meta WHERE key = 'demo_incidents'")[0][0])[
        "crisis_week"
    ]
    # negative mentions against a median week, as planned (the scorer is tested elsewhere)
    assert 5 <= crisis["negative_ratio"] <= 8
    start = datetime.fromisoformat(crisis["start"])
    assert timedelta(days=28) <= END - start <= timedelta(days=42)
    weekly = rows(
        path,
        "SELECT date_trunc('week', created_at) AS week, count(*) FROM items "
        "WHERE kind = 'mention' GROUP BY 1 ORDER BY 1",
    )
    counts = {w: n for w, n in weekly[1:-1]}
    median = sorted(counts.values())[len(counts) // 2]
    assert counts[start] >= 2.5 * median
    assert (
        rows(
            path,
            "SELECT count(*) FROM items WHERE kind = 'mention' AND created_at >= ? "
            "AND created_at < ? AND (text ILIKE '%blackout%' OR text ILIKE '%addebit%')",
            [start, start + timedelta(days=7)],
        )[0][0]
        > 0.3 * counts[start]
    )


@pytest.mark.slow
def test_cli_refuses_a_non_empty_database_unless_forced_and_keeps_the_audit_log(tmp_path):
    path = tmp_path / "cli.duckdb"
    runner = CliRunner()
    first = runner.invoke(cli, ["--db", str(path), "demo", "--mentions", "2000", "--quiet"])
    assert first.exit_code == 0, first.output
    assert "2000 mentions" in first.output and "took" in first.output
    db.write(path, lambda c: audit.record(c, "alice", "export", table="mentions"))
    again = runner.invoke(cli, ["--db", str(path), "demo", "--mentions", "2000", "--quiet"])
    assert again.exit_code == 1
    assert "already holds" in again.output and "--force" in again.output
    forced = runner.invoke(
        cli, ["--db", str(path), "demo", "--mentions", "3000", "--seed", "2", "--force", "--quiet"]
    )
    assert forced.exit_code == 0, forced.output
    assert "except audit_log" in forced.output
    assert rows(path, "SELECT count(*) FROM items WHERE kind = 'mention'")[0][0] == 3000
    assert rows(path, "SELECT value FROM meta WHERE key = 'demo_seed'")[0][0] == "2"
    actions = [r[0] for r in rows(path, "SELECT action FROM audit_log ORDER BY audit_id")]
    assert actions == ["export", "demo.reset"]


def test_an_organization_without_the_demo_teams_is_a_one_line_error(tmp_path, monkeypatch):
    org = tmp_path / "org.yaml"
    org.write_text(
        "brand: {name: Acme}\n"
        "channels: [{id: x_main, name: X, platform: x}]\n"
        "teams: [{id: care, name: Care, governance: decentralized, channels: [x_main]}]\n"
    )
    monkeypatch.setenv("SENTINELLA_ORG", str(org))
    path = tmp_path / "other.duckdb"
    result = CliRunner().invoke(cli, ["--db", str(path), "demo", "--quiet"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: demo: the demo needs the demo organization's teams; "
        "org.yaml has no team 'customer_care'"
    ]
    assert not path.exists()
