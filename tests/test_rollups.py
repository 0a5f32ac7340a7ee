"""Rollups (monitoring/rollups.py): every re-pointed query gives the raw tables' answer.

Each query runs twice on the same database — on the rollups and with ``queries.USE_ROLLUPS``
off (the item-level SQL) — across time zones, periods, teams, channels, platforms and
languages; then again after an incremental import, new replies and a rescoring. The rollup
tables themselves are compared with a rebuild from scratch after each incremental step.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from monitoring import db, present, queries, rollups, store
from monitoring.crisis import detect_spikes
from monitoring.demo.generator import generate_demo
from monitoring.filters import Filters
from monitoring.org import load_org
from monitoring.queries import MentionSearch
from monitoring.scoring.policy import load_policy
from monitoring.scoring_pipeline import score_pending
from monitoring.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

ORG = load_org(PROJECT_ROOT / "data" / "org.yaml")
POLICY = load_policy(PROJECT_ROOT / "data" / "policy.yaml")
END = datetime(2026, 6, 30, 12, 0)
LAST = date(2026, 6, 30)
COMPETITORS = present.competitor_terms(ORG)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rollups") / "demo.duckdb"
    generate_demo(path, mentions=4000, seed=11, progress=False, end=END)
    score_pending(path, POLICY, ORG, workers=1)
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, path)
    return path


def _filters() -> list[Filters]:
    year = Filters(start=LAST - timedelta(days=364), end=LAST)
    quarter = Filters(start=LAST - timedelta(days=89), end=LAST)
    week = Filters(start=LAST - timedelta(days=6), end=LAST)
    return [
        Filters(),
        year,
        quarter,
        week,
        replace(quarter, timezone="America/New_York"),
        replace(week, timezone="Asia/Tokyo"),
        replace(quarter, timezone="Asia/Kolkata"),  # half-hour offset: raw queries answer
        replace(quarter, teams=("customer_care",)),
        replace(year, teams=("technical_support", "marketing")),
        replace(quarter, channels=("x_care", "facebook")),
        replace(quarter, platforms=("instagram",)),
        replace(year, platforms=("x", "facebook"), teams=("customer_care",)),
    ]


SEARCHES = [
    MentionSearch(),
    MentionSearch(labels=("negative",)),
    MentionSearch(labels=("negative", "unscored"), answered="unanswered"),
    MentionSearch(langs=("en",), answered="answered"),
    MentionSearch(text="bolletta"),  # item-level criteria: no rollup, same code both ways
]

CALLS = [
    ("mention_buckets",),
    ("staff_buckets",),
    ("response_times",),
    ("share_of_voice", COMPETITORS),
    ("top_unanswered_negative", 15),
    ("top_unanswered_negative", 1),
    ("team_activity",),
    ("team_channels", "customer_care"),
    ("team_channels", "marketing"),
    ("team_members", "customer_care"),
    ("team_members", "social_hub"),
    ("team_flagged_posts", "customer_care"),
    ("rule_stats",),
    ("rule_volume",),
    ("team_volume",),
    ("channel_activity",),
    ("channel_team_matrix",),
    ("channel_volume",),
    ("mention_languages",),
    ("crisis_spikes",),
] + [("count_mentions", q) for q in SEARCHES]
PAGED = [("search_mentions", q, page) for q in SEARCHES[:4] for page in (0, 3)]
PAGED += [("export_mentions", MentionSearch(labels=("negative",)), 120)]


def _both(path: Path, name: str, f: Filters, *args) -> tuple:
    def run(conn):
        rolled_on = queries.rollups_usable(conn, f)
        function = getattr(queries, name)
        rolled = function(conn, f, *args)
        queries.USE_ROLLUPS = False
        try:
            raw = function(conn, f, *args)
        finally:
            queries.USE_ROLLUPS = True
        return rolled_on, rolled, raw

    return db.read(path, run)


def _same(rolled, raw, label: str) -> None:
    if isinstance(raw, pd.DataFrame):
        assert list(rolled.columns) == list(raw.columns), label
        pd.testing.assert_frame_equal(
            rolled.reset_index(drop=True),
            raw.reset_index(drop=True),
            check_dtype=False,
            rtol=1e-9,
            obj=label,
        )
    else:
        assert rolled == raw, label


def _compare_everything(path: Path, filters: list[Filters] | None = None) -> int:
    """Every call on every filter both ways; returns how many ran on the rollups."""
    used = 0
    for f in filters or _filters():
        for name, *args in CALLS + PAGED:
            rolled_on, rolled, raw = _both(path, name, f, *args)
            used += rolled_on
            _same(rolled, raw, f"{name}{tuple(args)} on {f}")
    return used


def _snapshot(conn) -> dict[str, list]:
    keys = {
        "mention_hours": "hour, platform, channel_id, label, lang, answered, answered_by, "
        "parent_team",
        "staff_hours": "hour, platform, channel_id, team_id, member_id, label, is_reply",
        "answer_facts": "mention_id, mention_at, platform, channel_id, team_id, member_id, minutes",
        "competitor_mentions": "item_id, created_at, platform, channel_id, competitor",
        "staff_items": "item_id, created_at, platform, channel_id, team_id, member_id",
    }
    values = {
        "mention_hours": "sum(mentions), sum(reach), max(top_reach), round(sum(compound_sum), 9),"
        " sum(compound_n)",
        "staff_hours": "sum(posts), round(sum(compound_sum), 9), sum(compound_n)",
        "answer_facts": "count(*)",
        "competitor_mentions": "count(*)",
        "staff_items": "count(*)",
    }
    return {
        table: sorted(
            map(
                repr,
                conn.execute(f"SELECT {k}, {values[table]} FROM {table} GROUP BY ALL").fetchall(),
            )
        )
        for table, k in keys.items()
    }


def _incremental_equals_rebuild(path: Path) -> None:
    with db.opened(path) as conn:
        matched = rollups.text_mark(conn)  # an import's refresh leaves texts for later
        kept = _snapshot(conn)
        conn.execute("BEGIN TRANSACTION")
        rollups.rebuild(conn)
        conn.execute("DELETE FROM competitor_mentions WHERE item_id > ?", [matched])
        rebuilt = _snapshot(conn)
        conn.execute("ROLLBACK")
    assert kept == rebuilt


def test_demo_and_scoring_leave_fresh_rollups_equal_to_a_rebuild(demo_db: Path):
    assert db.read(demo_db, rollups.is_fresh)
    _incremental_equals_rebuild(demo_db)
    counts = db.read(
        demo_db,
        lambda c: c.execute(
            "SELECT (SELECT sum(mentions) FROM mention_hours),"
            " (SELECT count(*) FROM items WHERE kind = 'mention'),"
            " (SELECT sum(posts) FROM staff_hours), (SELECT count(*) FROM items WHERE kind = 'staff'),"
            " (SELECT count(*) FROM answer_facts), (SELECT count(*) FROM responses),"
            " (SELECT count(*) FROM competitor_mentions)"
        ).fetchall()[0],
    )
    assert counts[0] == counts[1] and counts[2] == counts[3] and counts[4] == counts[5]
    assert counts[6] > 0  # the demo names competitors


def test_every_query_on_rollups_equals_the_raw_query(demo_db: Path):
    used = _compare_everything(demo_db)
    assert used > 0.8 * len(_filters()) * len(CALLS + PAGED)  # all but Kolkata ran on rollups


def _late_items(path: Path) -> None:
    """New mentions, new staff replies to OLD mentions, and a reply whose parent comes late."""

    def work(conn):
        old = conn.execute(
            "SELECT i.platform, i.native_id, i.created_at FROM items i"
            " ANTI JOIN responses r ON r.mention_id = i.item_id"
            " WHERE i.kind = 'mention' AND i.platform = 'x' ORDER BY i.created_at LIMIT 5"
        ).fetchall()
        handle = next(iter(ORG.teams[0].members[0].handles.items()))
        records = []
        for n, (platform, native_id, created) in enumerate(old):
            records.append(_record(platform, f"late-reply-{n}", created + timedelta(hours=2),
                                   author=handle[1], in_reply_to=native_id))  # fmt: skip
        for n in range(30):
            records.append(_record("x", f"late-mention-{n}", END - timedelta(hours=n * 7),
                                   text=f"Voltaris meglio? bolletta {n}"))  # fmt: skip
        # A mention replying to a staff post that arrives only in the next batch.
        records.append(_record("x", "orphan", END - timedelta(days=3), in_reply_to="late-parent"))
        store.insert_items(conn, store.items_table(records), "test")
        rollups.refresh(conn, texts=False)  # as an import does: share of voice matches the tail

    db.write(path, work)

    def parent(conn):
        handle = next(iter(ORG.teams[1].members[0].handles.items()))
        record = _record("x", "late-parent", END - timedelta(days=4), author=handle[1])
        store.insert_items(conn, store.items_table([record]), "test")
        rollups.refresh(conn, texts=False)

    db.write(path, parent)


def _record(platform, native_id, created_at, *, author="someone", text="ciao", in_reply_to=None):
    return {
        "platform": platform,
        "native_id": native_id,
        "author_handle": author,
        "text": text,
        "created_at": created_at,
        "reach": 1000 + len(native_id),
        "in_reply_to": in_reply_to,
        "ingested_at": END,
    }


def test_incremental_ingest_and_rescoring_stay_exact(demo_db: Path):
    _late_items(demo_db)
    assert db.read(demo_db, rollups.is_fresh)  # the new items count as unscored until scored
    tail = db.read(demo_db, lambda c: db.scalar(c, "SELECT max(item_id) FROM items"))
    assert db.read(demo_db, rollups.text_mark) < tail  # share of voice matches the tail itself
    _incremental_equals_rebuild(demo_db)
    assert _compare_everything(demo_db, _filters()[:4] + _filters()[-2:]) > 0
    score_pending(demo_db, POLICY, ORG, workers=1)
    assert db.read(demo_db, rollups.is_fresh)
    _incremental_equals_rebuild(demo_db)
    # Re-score everything under another policy version (every hour is touched).
    db.write(demo_db, lambda c: c.execute("UPDATE scores SET label = 'negative', "
                                          "scored_at = now()::TIMESTAMP WHERE item_id % 3 = 0"))  # fmt: skip
    assert not db.read(demo_db, rollups.is_fresh)
    db.write(demo_db, rollups.refresh)
    _incremental_equals_rebuild(demo_db)
    assert _compare_everything(demo_db, _filters()[1:3] + _filters()[-2:]) > 0


def test_a_stale_rollup_is_not_used(demo_db: Path):
    f = Filters(start=LAST - timedelta(days=89), end=LAST)
    before = _both(demo_db, "mention_buckets", f)[2]["mentions"].sum()
    # An item stored without a refresh (a run killed before its end): the raw query answers.
    db.write(demo_db, lambda c: store.insert_items(
        c, store.items_table([_record("x", "unrefreshed", END - timedelta(days=1))]), "test"))  # fmt: skip
    rolled_on, rolled, raw = _both(demo_db, "mention_buckets", f)
    assert not rolled_on
    assert rolled["mentions"].sum() == raw["mentions"].sum() == before + 1


def test_competitor_terms_changes_rematch_every_mention(demo_db: Path):
    other = (("Nuovo", ("bolletta",)),)
    f = Filters()
    db.write(demo_db, lambda c: rollups.use_competitors(c, other))
    rolled_on, rolled, raw = _both(demo_db, "share_of_voice", f, other)
    assert rolled_on
    _same(rolled, raw, "share_of_voice with new terms")
    assert rolled["mentions"].iloc[1] > 0
    # The page asking with terms the rollups were not built with gets the raw count.
    assert db.read(demo_db, lambda c: queries.share_of_voice(c, f, COMPETITORS)).equals(
        _both(demo_db, "share_of_voice", f, COMPETITORS)[2]
    )


def test_migration_builds_rollups_from_existing_data(demo_db: Path):
    with db.opened(demo_db) as conn:
        kept = _snapshot(conn)
        conn.execute("BEGIN TRANSACTION")
        for table in rollups.TABLES:
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DELETE FROM meta WHERE key LIKE 'rollup.%'")
        conn.execute("DELETE FROM schema_version WHERE version = 4")
        conn.execute("COMMIT")
    assert db.init(demo_db) == [4]
    assert db.read(demo_db, rollups.is_fresh)  # built from what is stored
    db.write(demo_db, lambda c: store.sync_org(c, ORG))  # `init` records the competitor terms
    with db.opened(demo_db) as conn:
        assert rollups.is_fresh(conn)
        assert _snapshot(conn) == kept


def test_whole_hour_zones():
    assert queries.whole_hour_zone("Europe/Rome")
    assert queries.whole_hour_zone("UTC")
    assert not queries.whole_hour_zone("Asia/Kolkata")
    assert not queries.whole_hour_zone("Australia/Adelaide")


def test_detect_spikes_is_the_same_on_rollups(demo_db: Path):
    f = Filters(start=LAST - timedelta(days=200), end=LAST)

    def both(conn):
        rolled = detect_spikes(conn, f, min_count=3)
        queries.USE_ROLLUPS = False
        try:
            return rolled, detect_spikes(conn, f, min_count=3)
        finally:
            queries.USE_ROLLUPS = True

    rolled, raw = db.read(demo_db, both)
    assert not raw.empty  # the demo's crisis week
    _same(rolled, raw, "detect_spikes")


def test_a_purge_rebuilds_the_rollups_and_a_stale_state_falls_back_to_raw_sql(demo_db: Path):
    from monitoring.retention import purge

    cutoff = END - timedelta(days=200)
    # Items deleted behind the rollups' back (as a purge does before its rebuild): noticed.
    db.write(
        demo_db,
        lambda c: c.execute(
            "DELETE FROM items WHERE item_id IN (SELECT max(item_id) FROM items WHERE "
            "kind = 'mention' AND item_id NOT IN (SELECT mention_id FROM responses) AND "
            "item_id NOT IN (SELECT parent_item_id FROM items WHERE parent_item_id IS NOT NULL))"
        ),
    )
    assert not db.read(demo_db, rollups.is_fresh)  # fewer items than the rollups hold
    f = Filters()
    rolled_on, rolled, raw = _both(demo_db, "mention_buckets", f)
    assert not rolled_on and rolled.equals(raw)
    db.write(demo_db, lambda c: purge(c, cutoff, "test"))
    assert db.read(demo_db, rollups.is_fresh)
    _incremental_equals_rebuild(demo_db)
    assert _compare_everything(demo_db, [f, _filters()[2]]) > 0
