"""Read-side queries on the known dataset (tests/conftest.py), checked against plain facts."""

from dataclasses import replace
from datetime import timedelta

import pandas as pd
import pytest

from monitoring import db, health, queries, rollups
from monitoring.filters import Filters
from monitoring.queries import MentionSearch


@pytest.fixture(params=["raw", "rollups"])
def run(request, known_db):
    """Each query as the raw SQL answers it, and again from the hourly rollups (refreshed here
    as a writer would; the known dataset is stored without them)."""
    if request.param == "rollups":
        db.write(known_db.path, rollups.refresh)
        assert db.read(known_db.path, rollups.is_fresh)

    def call(name, *args):
        return db.read(known_db.path, lambda conn: getattr(queries, name)(conn, *args))

    return call


ALL = Filters()


def test_mention_buckets_count_mentions_by_sentiment_and_answers(run, known_db):
    totals = run("mention_buckets", ALL).drop(columns="bucket").sum()
    assert totals["mentions"] == 7
    assert (totals["negative"], totals["neutral"], totals["positive"]) == (4, 1, 1)
    assert totals["unscored"] == 1
    assert totals["answered"] == 2  # m1 (customer care, 30 min) and m2 (tech support, 300 min)
    assert totals["negative_answered"] == 2
    assert totals["answered_in_target"] == 1  # 300 min > technical_support's 90 min target
    assert totals["reach"] == 5000 + 20000 + 100 + 800 + 50000 + 300 + 10


def test_period_is_whole_local_days(run, known_db):
    day = known_db.anchor.date()
    only_anchor_day = Filters(start=day, end=day)
    assert run("mention_buckets", only_anchor_day)["mentions"].sum() == 6  # m6 is a week earlier
    # Daily grain for short periods, weekly for long ones.
    assert queries.grain(only_anchor_day) == "day"
    assert queries.grain(Filters(start=day - timedelta(days=200), end=day)) == "week"


def test_team_filter_on_mentions_means_the_team_inbox(run):
    # technical_support: channels x_care + facebook, and it answered m2.
    assert run("mention_buckets", Filters(teams=("technical_support",)))["mentions"].sum() == 6
    # marketing: instagram, facebook, tiktok -> only m5 (instagram).
    assert run("mention_buckets", Filters(teams=("marketing",)))["mentions"].sum() == 1
    # staff posts: posted by the team.
    assert run("staff_buckets", Filters(teams=("customer_care",)))["staff_posts"].sum() == 3


def test_staff_buckets_and_response_times(run):
    staff = run("staff_buckets", ALL)
    assert staff["staff_posts"].sum() == 6
    assert staff["flagged"].sum() == 3
    times = run("response_times", ALL).iloc[0]
    assert times["answers"] == 2
    assert times["median_minutes"] == pytest.approx(165.0)
    assert times["p90_minutes"] == pytest.approx(30 + 0.9 * 270)


def test_share_of_voice_counts_competitor_names(run):
    sov = run("share_of_voice", ALL, (("Voltaris", ("voltaris",)), ("Enerlux", ("enerlux",))))
    assert list(sov["mentions"]) == [7, 1, 0]


def test_top_unanswered_negative_by_reach(run, known_db):
    top = run("top_unanswered_negative", ALL, 10)
    ids = {v: k for k, v in known_db.ids.items()}
    assert [ids[i] for i in top["item_id"]] == ["m5", "m6"]
    # Shown in the organization's time zone (Rome is UTC+1 in winter, +2 in summer).
    shown = top.loc[top["item_id"] == known_db.ids["m6"], "created_at"].iloc[0]
    offset = (pd.Timestamp(shown) - pd.Timestamp(known_db.anchor - timedelta(days=7))).seconds
    assert offset in (3600, 7200)


def test_team_activity_and_health(run):
    teams = health.team_health(run("team_activity", ALL)).set_index("team_id")
    care, tech = teams.loc["customer_care"], teams.loc["technical_support"]
    assert (care["staff_posts"], care["flagged"], care["answers"]) == (3, 1, 1)
    assert care["median_minutes"] == 30
    assert (tech["staff_posts"], tech["flagged"], tech["answers"]) == (2, 1, 1)
    assert tech["median_minutes"] == 300
    # inbox of customer care: x_care (6 mentions, 2 answered) + instagram (1, unanswered).
    assert (care["inbox_mentions"], care["inbox_answered"]) == (7, 2)
    assert care["response_rate"] == pytest.approx(2 / 7)
    assert care["median_minutes_status"] == "green"  # 30 <= 60
    assert tech["median_minutes_status"] == "red"  # 300 > 90 * 1.5
    assert tech["status"] == "red"
    assert 0 <= care["health"] <= 100
    assert len(teams) == 7  # every team has a row, active or not
    only = run("team_activity", Filters(teams=("marketing",)))
    assert list(only["team_id"]) == ["marketing"]


def test_team_drilldown(run):
    channels = run("team_channels", ALL, "marketing").set_index("channel_id")
    assert channels.loc["instagram", "staff_posts"] == 1
    assert channels.loc["instagram", "flagged"] == 1
    assert bool(channels.loc["tiktok", "assigned"]) and channels.loc["tiktok", "staff_posts"] == 0
    members = run("team_members", ALL, "customer_care").set_index("member_id")
    assert members.loc["giulia.rossi", "staff_posts"] == 2
    assert members.loc["giulia.rossi", "answers"] == 1
    assert members.loc["giulia.rossi", "flagged"] == 1
    flagged = run("team_flagged_posts", ALL, "technical_support")
    assert list(flagged["decision"]) == ["dismissed"]


def test_channel_activity_and_gaps(run):
    channels = run("channel_activity", ALL).set_index("channel_id")
    assert channels.loc["x_care", "mentions"] == 6
    assert channels.loc["x_care", "answered"] == 2
    assert channels.loc["x_care", "staff_posts"] == 5
    assert channels.loc["instagram", "mentions"] == 1
    assert channels.loc["instagram", "answered"] == 0  # a gap: nobody answers Instagram
    assert channels.loc["instagram", "negative_share"] == 1.0
    matrix = run("channel_team_matrix", ALL)
    cell = matrix[
        (matrix["channel"].str.startswith("X")) & (matrix["team"] == "Assistenza clienti")
    ]
    assert cell["staff_posts"].iloc[0] == 3
    assert list(run("channel_activity", Filters(platforms=("instagram",)))["channel_id"]) == [
        "instagram"
    ]


def test_review_queue_sorted_by_risk_with_latest_decision(run, known_db):
    queue = run("review_queue", ALL, known_db.week)
    ids = {v: k for k, v in known_db.ids.items()}
    assert [ids[i] for i in queue["item_id"]] == ["s4", "s3", "s5"]
    assert queue["decision"].isna().tolist() == [True, True, False]
    s4 = queue.iloc[0]
    assert "confidential.figures: fatturato Q3 +12%" in s4["hits"]
    assert s4["author"] == "Giulia Rossi" and s4["team"] == "Assistenza clienti"
    # The period filter does not apply (the week does); the team filter does.
    assert len(run("review_queue", Filters(start=known_db.anchor.date()), known_db.week)) == 3
    assert len(run("review_queue", Filters(teams=("marketing",)), known_db.week)) == 1
    assert run("review_queue", ALL, "2001-W01").empty


def test_week_hits_only_current_policy_version(run, known_db):
    s4 = known_db.ids["s4"]
    db.write(
        known_db.path,
        lambda c: c.execute(
            "INSERT INTO hits VALUES (?, 'old-version', 'stale', 'tone', 'low', 1, 'x')", [s4]
        ),
    )
    hits = run("week_hits", known_db.week)
    assert sorted(hits.loc[hits["item_id"] == s4, "rule_id"]) == [
        "confidential.figures",
        "confidential.marker",
    ]
    assert len(hits) == 4  # s3: 1, s4: 2, s5: 1


def test_search_mentions_filters_and_pages(run, known_db):
    ids = {v: k for k, v in known_db.ids.items()}

    def found(search, f=ALL):
        return [ids[i] for i in run("search_mentions", f, search, 0, 50)["item_id"]]

    assert found(MentionSearch(text="BOLLETTA")) == ["m1"]  # staff replies are not mentions
    assert found(MentionSearch(text="%")) == []  # LIKE wildcards are literal
    assert found(MentionSearch(labels=("unscored",))) == ["m7"]
    assert set(found(MentionSearch(answered="answered"))) == {"m1", "m2"}
    assert len(found(MentionSearch(answered="unanswered"))) == 5
    assert found(MentionSearch(langs=("en",))) == ["m5", "m6"]
    assert found(MentionSearch(author="@TROLL")) == ["m5"]
    assert set(found(MentionSearch(compound_min=-0.65, compound_max=-0.5))) == {"m1", "m6"}
    window = MentionSearch(since=known_db.anchor, until=known_db.anchor + timedelta(hours=2))
    assert found(window) == ["m2", "m1"]  # newest first
    assert run("count_mentions", ALL, MentionSearch()) == 7
    first = run("search_mentions", ALL, MentionSearch(), 0, 3)
    third = run("search_mentions", ALL, MentionSearch(), 2, 3)
    assert len(first) == 3 and len(third) == 1
    assert not set(first["item_id"]) & set(third["item_id"])
    assert len(run("export_mentions", ALL, MentionSearch(), 4)) == 4
    assert run("mention_languages", ALL) == ["de", "en", "it"]


def test_rule_stats_precision_from_reviews(run):
    stats = run("rule_stats", ALL).set_index("rule_id")
    assert stats.loc["confidential.figures", "hits"] == 1
    assert stats.loc["tone.blame", "dismissed"] == 1
    assert stats.loc["tone.blame", "precision"] == 0.0
    assert pd.isna(stats.loc["disclosure.missing", "precision"])  # not reviewed yet
    volume = run("rule_volume", ALL)
    assert volume.groupby("category")["hits"].sum().to_dict() == {
        "confidential": 2,
        "disclosure": 1,
        "tone": 1,
    }


def test_sidebar_helpers(run, known_db):
    bounds = run("data_bounds", "Europe/Rome").iloc[0]
    assert bounds["items"] == 13
    assert pd.Timestamp(bounds["last_day"]).date() == known_db.anchor.date()
    assert "instagram" in run("platforms") and "x" in run("platforms")
    assert queries.last_complete_week(known_db.anchor.date() + timedelta(days=7)) == known_db.week


def test_brand_health_formula():
    totals = {
        "positive": 3, "neutral": 1, "negative": 1, "negative_answered": 1,
        "answered": 4, "answered_in_target": 2, "staff_posts": 20, "flagged": 1,
    }  # fmt: skip
    parts = health.brand_components(totals)
    assert parts == {
        "sentiment": pytest.approx((1 + 2 / 5) / 2),
        "care": 1.0,
        "timeliness": 0.5,
        "compliance": pytest.approx(0.5),
    }
    expected = 100 * (0.4 * 0.7 + 0.25 * 1 + 0.2 * 0.5 + 0.15 * 0.5)
    assert health.brand_health(totals) == pytest.approx(expected)
    # Missing components are left out and the weights rescaled.
    assert health.brand_health({"positive": 1}) == pytest.approx(100.0)
    assert health.brand_health({}) is None


def test_filters_are_hashable_for_the_cache():
    f = Filters(teams=("a",))
    assert hash(f) == hash(replace(f)) and hash(MentionSearch(text="x"))


def test_health_trend_is_weekly():
    days = pd.DataFrame(
        {
            "bucket": pd.to_datetime(["2026-11-16", "2026-11-18", "2026-11-23"]).date,
            "positive": [1, 0, 0], "neutral": [0, 0, 0], "negative": [0, 1, 1],
            "negative_answered": [0, 1, 0], "answered": [0, 1, 0], "answered_in_target": [0, 1, 0],
        }
    )  # fmt: skip
    staff = pd.DataFrame({"bucket": days["bucket"], "staff_posts": [0, 0, 0], "flagged": [0, 0, 0]})
    trend = health.brand_health_trend(days, staff)
    assert [str(d) for d in trend["bucket"]] == ["2026-11-16", "2026-11-23"]
    # week 1: net (1-1)/2 = 0 -> 0.5; care 1; timeliness 1 -> (0.4*0.5+0.25+0.2)/0.85
    assert trend["health"].iloc[0] == pytest.approx(100 * 0.65 / 0.85)
    assert trend["health"].iloc[1] == pytest.approx(0.0)


def test_press_articles_are_not_in_the_unanswered_list(run, known_db):
    from monitoring import store

    article = {
        "platform": "news", "native_id": "n1", "text": "Blackout, proteste contro Lumina",
        "created_at": known_db.anchor, "reach": 10**6, "author_handle": "ilgazzettino",
    }  # fmt: skip

    def add(conn):
        store.insert_items(conn, store.items_table([article]), "test")
        conn.execute(
            "INSERT INTO scores SELECT item_id, 'test-1', 'it', -0.8, 'negative', [], 10, FALSE, "
            "NULL, now()::TIMESTAMP FROM items WHERE native_id = 'n1'"
        )

    db.write(known_db.path, add)
    top = run("top_unanswered_negative", ALL, 10)
    assert "ilgazzettino" not in set(top["author"])
    assert run("mention_buckets", ALL)["negative"].sum() == 5  # still counted as a mention
