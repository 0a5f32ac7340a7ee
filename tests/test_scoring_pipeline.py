"""Incremental scoring on a real DuckDB file: once per item and policy version, reposts scored
once, flags that survive rescoring, reviews never touched, reactions refreshed, volume bursts."""

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from monitoring import db, store
from monitoring.config import parse_yaml_model
from monitoring.org import load_org
from monitoring.scoring.policy import PolicyConfig, load_policy
from monitoring.scoring_pipeline import score_pending
from monitoring.settings import DATA_DIR

T0 = datetime(2026, 11, 2, 9, 0)  # a Monday, UTC


@pytest.fixture(scope="module")
def org():
    return load_org(DATA_DIR / "org.yaml")


@pytest.fixture(scope="module")
def policy():
    return load_policy(DATA_DIR / "policy.yaml")


def item(native_id, author, text, at=T0, reply_to=None, reach=None, likes=None, platform="x"):
    return {
        "platform": platform, "native_id": native_id, "author_handle": author, "text": text,
        "created_at": at, "in_reply_to": reply_to, "reach": reach, "likes": likes,
    }  # fmt: skip


def load(path: Path, org, records) -> None:
    db.init(path)
    db.write(path, lambda conn: store.sync_org(conn, org))
    db.write(path, lambda conn: store.insert_items(conn, store.items_table(records), "test"))


def rows(path: Path, sql: str, params=None):
    with db.opened(path, read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def item_id(path: Path, native_id: str) -> int:
    return rows(path, "SELECT item_id FROM items WHERE native_id = ?", [native_id])[0][0]


BASE = [
    item("m1", "anna", "Bolletta sbagliata per il terzo mese, siete pessimi", reach=5000),
    item("m2", "bruno", "Bolletta sbagliata per il terzo mese, siete pessimi", reach=10),  # repost
    item("m3", "carla", "Great service from Lumina today, thanks!"),
    item("s1", "giulia_lumina", "È colpa sua, avrebbe dovuto leggere il contratto", reply_to="m1"),
    item("s2", "marco_lumina", "Ci scusiamo per il disagio, verifichiamo subito", reply_to="m1"),
    item("s3", "luca_lumina", "Usa il codice SCONTO20, link in bio"),
]


def test_scores_every_item_once_and_reposts_once(tmp_path, org, policy):
    path = tmp_path / "s.duckdb"
    load(path, org, BASE)
    result = score_pending(path, policy, org, workers=1)
    assert result.scored == 6
    assert result.distinct_texts == 5  # m1 and m2 share their text
    assert rows(path, "SELECT count(*), count(DISTINCT item_id) FROM scores") == [(6, 6)]
    again = score_pending(path, policy, org, workers=1)
    assert (again.scored, again.distinct_texts, again.hits) == (0, 0, 0)


def test_staff_posts_get_hits_and_flags_mentions_do_not(tmp_path, org, policy):
    path = tmp_path / "s.duckdb"
    load(path, org, BASE)
    result = score_pending(path, policy, org, workers=1)
    hits = rows(path, "SELECT i.native_id, h.rule_id, h.evidence, h.policy_version "
                      "FROM hits h JOIN items i USING (item_id) ORDER BY 1, 2")  # fmt: skip
    assert [(n, r) for n, r, _, _ in hits] == [("s1", "tone.blame"), ("s3", "disclosure.missing")]
    assert "colpa sua" in hits[0][2]
    assert {v for *_, v in hits} == {result.policy_version}
    flags = rows(path, "SELECT i.native_id, f.iso_week, f.active FROM flags f "
                       "JOIN items i USING (item_id) ORDER BY 1")  # fmt: skip
    assert flags == [("s1", "2026-W45", True), ("s3", "2026-W45", True)]
    mentions = rows(path, "SELECT s.topics, s.lang, s.label, s.flagged FROM scores s "
                          "JOIN items i USING (item_id) WHERE i.native_id = 'm1'")  # fmt: skip
    assert mentions == [(["billing"], "it", "negative", False)]


def test_new_policy_rescores_keeps_flags_and_never_touches_reviews(tmp_path, org, policy):
    path = tmp_path / "s.duckdb"
    load(path, org, BASE)
    first = score_pending(path, policy, org, workers=1)
    s3 = item_id(path, "s3")
    db.write(path, lambda conn: conn.execute(
        "INSERT INTO reviews VALUES (1, ?, 'x', 's3', '2026-W45', 'confirm', 'ok', 'boss', now())",
        [s3],
    ))  # fmt: skip
    flagged_at = rows(path, "SELECT flagged_at FROM flags WHERE item_id = ?", [s3])[0][0]
    reviews_before = rows(path, "SELECT * FROM reviews")

    # A policy without the disclosure rule: s3 is no longer flagged, its flag row stays.
    text = (DATA_DIR / "policy.yaml").read_text().replace("kind: promo_disclosure", "kind: xx")
    start = text.index("  - id: disclosure.missing")
    end = text.index("  # --- claims")
    relaxed = parse_yaml_model(text[:start] + text[end:], PolicyConfig, "relaxed.yaml")
    second = score_pending(path, relaxed, org, workers=1)

    assert second.policy_version != first.policy_version
    assert second.scored == 6
    assert rows(path, "SELECT count(*) FROM scores") == [(6,)]
    assert rows(path, "SELECT DISTINCT policy_version FROM scores") == [(second.policy_version,)]
    flag = rows(
        path, "SELECT active, policy_version, flagged_at FROM flags WHERE item_id = ?", [s3]
    )
    assert flag == [(False, second.policy_version, flagged_at)]
    assert rows(path, "SELECT count(*) FROM hits WHERE item_id = ?", [s3]) == [(0,)]
    assert rows(path, "SELECT * FROM reviews") == reviews_before

    # Back to the first policy: the same flag row becomes active again.
    score_pending(path, policy, org, workers=1)
    assert rows(path, "SELECT active, flagged_at FROM flags WHERE item_id = ?", [s3]) == [
        (True, flagged_at)
    ]


def test_new_negative_replies_raise_the_risk_of_a_scored_post(tmp_path, org, policy):
    path = tmp_path / "s.duckdb"
    post = item("s9", "luminacare", "Nuova tariffa per la casa: prezzo fisso 24 mesi", reach=200)
    load(path, org, [post])
    score_pending(path, policy, org, workers=1)
    before = rows(path, "SELECT risk FROM scores")[0][0]
    replies = [
        item(f"r{i}", f"user{i}", "Che schifo, tariffa vergognosa, siete dei ladri", reply_to="s9",
             at=T0 + timedelta(minutes=i))
        for i in range(20)
    ]  # fmt: skip
    db.write(path, lambda conn: store.insert_items(conn, store.items_table(replies), "test"))
    result = score_pending(path, policy, org, workers=1)
    assert result.scored == 20
    assert result.reaction_updates >= 1
    after = rows(path, "SELECT s.risk, s.explain->>'negative_replies' FROM scores s "
                       "JOIN items i USING (item_id) WHERE i.native_id = 's9'")  # fmt: skip
    assert after[0][0] > before
    assert after[0][1] == "20"
    assert score_pending(path, policy, org, workers=1).reaction_updates == 0  # settled


def test_new_negative_replies_raise_the_risk_of_a_scored_mention(tmp_path, org, policy):
    from monitoring.scoring.risk import RiskInputs, risk_parts, risk_score

    path = tmp_path / "s.duckdb"
    load(path, org, [item("p1", "anna", "La bolletta è sbagliata di nuovo", reach=900, likes=8)])
    score_pending(path, policy, org, workers=1)
    (before,) = rows(path, "SELECT risk FROM scores")[0]
    replies = [
        item(f"r{i}", f"user{i}", "Vergogna, siete dei ladri", reply_to="p1",
             at=T0 + timedelta(minutes=i))
        for i in range(3)
    ]  # fmt: skip
    db.write(path, lambda conn: store.insert_items(conn, store.items_table(replies), "test"))
    result = score_pending(path, policy, org, workers=1)
    assert (result.scored, result.reaction_updates) == (3, 1)
    ((after, explain, compound, reach, hours),) = rows(
        path,
        "SELECT s.risk, s.explain, s.compound, i.reach, "
        "round(date_diff('second', i.created_at, i.ingested_at) / 3600.0, 2) "
        "FROM scores s JOIN items i USING (item_id) WHERE i.native_id = 'p1'",
    )
    inputs = RiskInputs(
        kind="mention", compound=compound, reach=reach, negative_replies=3, engagement=8,
        hours_observed=hours,
    )  # fmt: skip
    assert explain is None
    assert after > before and after == risk_score(risk_parts(inputs, policy.risk))
    assert score_pending(path, policy, org, workers=1).reaction_updates == 0  # settled


def test_the_reaction_refresh_checks_only_replies_scored_since_the_last_one(tmp_path, org, policy):
    from monitoring.retention import purge

    path = tmp_path / "s.duckdb"
    post = item("s9", "luminacare", "Nuova tariffa per la casa: prezzo fisso 24 mesi", reach=200,
                at=T0 + timedelta(days=2))  # fmt: skip
    replies = [
        item(f"r{i}", f"user{i}", "Che schifo, tariffa vergognosa, siete dei ladri", reply_to="s9",
             at=T0 + timedelta(minutes=i) if i < 5 else T0 + timedelta(days=3))
        for i in range(6)
    ]  # fmt: skip
    load(path, org, [post, *replies])
    score_pending(path, policy, org, workers=1)
    negative = "SELECT s.explain->>'negative_replies' FROM scores s JOIN items USING (item_id) " \
               "WHERE native_id = 's9'"  # fmt: skip
    assert rows(path, negative) == [("6",)]
    (mark,) = rows(path, "SELECT value FROM meta WHERE key = ?", [db.REACTIONS_MARK])[0]
    assert mark == rows(path, "SELECT max(scored_at) FROM scores")[0][0].isoformat()

    # The stored count goes stale behind the mark's back: only a reply scored after the mark
    # makes the refresh look at its parent again, so this one is left alone.
    db.write(path, lambda c: c.execute(
        "UPDATE scores SET explain = json_set(explain, '$.negative_replies', '4'::JSON) "
        "WHERE item_id = (SELECT item_id FROM items WHERE native_id = 's9')"))  # fmt: skip
    assert score_pending(path, policy, org, workers=1).reaction_updates == 0
    assert rows(path, negative) == [("4",)]

    # A purge of five replies (older than the post) forgets the mark: every parent is checked.
    with db.opened(path) as conn:
        purge(conn, T0 + timedelta(days=1), "test")
    assert rows(path, "SELECT count(*) FROM meta WHERE key = ?", [db.REACTIONS_MARK]) == [(0,)]
    assert score_pending(path, policy, org, workers=1).reaction_updates == 1
    assert rows(path, negative) == [("1",)]


def test_volume_burst_against_the_members_own_baseline(tmp_path, org, policy):
    path = tmp_path / "s.duckdb"
    history = [
        item(f"h{d}", "chiara.ricci.smm", f"Buongiorno da Lumina, giorno {d}",
             at=T0 - timedelta(days=d), platform="instagram")
        for d in range(1, 29)
    ]  # fmt: skip
    burst = [
        item(f"b{i}", "chiara.ricci.smm", f"Post numero {i} di oggi", at=T0 + timedelta(minutes=i),
             platform="instagram")
        for i in range(10)
    ]  # fmt: skip
    load(path, org, history + burst)
    score_pending(path, policy, org, workers=1)
    hit_posts = rows(path, "SELECT i.native_id FROM hits h JOIN items i USING (item_id) "
                           "WHERE h.rule_id = 'volume.burst' ORDER BY 1")  # fmt: skip
    assert [n for (n,) in hit_posts] == sorted(f"b{i}" for i in range(10))


@pytest.mark.slow
def test_process_pool_gives_the_same_scores(tmp_path, org, policy, monkeypatch):
    import monitoring.scoring_pipeline as pipeline

    monkeypatch.setattr(pipeline, "INLINE_BELOW", 0)
    monkeypatch.setattr(pipeline, "CHUNK_TEXTS", 2)
    records = BASE + [item(f"x{i}", f"u{i}", f"Post {i % 7} sulla bolletta") for i in range(40)]
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    load(one, org, records)
    load(two, org, records)
    r1 = score_pending(one, policy, org, workers=1, batch=10)
    r2 = score_pending(two, policy, org, workers=2, batch=10)
    assert (r1.scored, r1.distinct_texts, r1.hits, r1.flagged) == (
        r2.scored, r2.distinct_texts, r2.hits, r2.flagged,
    )  # fmt: skip
    sql = "SELECT i.native_id, s.lang, s.compound, s.topics, s.risk, s.flagged FROM scores s " \
          "JOIN items i USING (item_id) ORDER BY 1"  # fmt: skip
    assert rows(one, sql) == rows(two, sql)


def test_sql_mention_risk_matches_the_python_formula(tmp_path, org, policy):
    from monitoring.scoring.risk import RiskInputs, risk_parts, risk_score

    path = tmp_path / "s.duckdb"
    records = [
        item(f"q{i}", f"u{i}", text, reach=reach, likes=likes, reply_to=reply)
        for i, (text, reach, likes, reply) in enumerate(
            [
                ("Servizio pessimo, bolletta sbagliata", 120_000, 40, None),
                ("Che vergogna, siete dei ladri", 0, 0, "q0"),
                ("Terrible service, worst bill ever", 3, 5000, "q0"),
                ("Grazie, tutto risolto!", None, None, None),
                ("Schifo totale", 10, 1, "q3"),
            ]
        )
    ]
    load(path, org, records)
    score_pending(path, policy, org, workers=1)
    # A mention stores no explanation; its inputs are the item's columns and its scored
    # negative replies (q1 and q2 answer q0 in the same batch: the reaction refresh counts them).
    stored = rows(
        path,
        """
        SELECT i.native_id, s.compound, s.risk, s.explain, i.reach,
               coalesce(i.likes, 0) + coalesce(i.shares, 0) + coalesce(i.replies, 0),
               date_diff('second', i.created_at, i.ingested_at) / 3600.0,
               (SELECT count(*) FROM items r JOIN scores rs USING (item_id)
                WHERE r.parent_item_id = i.item_id AND rs.label = 'negative')
        FROM scores s JOIN items i USING (item_id) ORDER BY i.item_id
        """,
    )
    negative = {native: n for native, *_, n in stored}
    assert negative["q0"] == 2 and negative["q3"] == 1
    for _, compound, risk, explain, reach, engagement, hours, n in stored:
        assert explain is None
        parts = risk_parts(
            RiskInputs(
                kind="mention",
                compound=compound,
                reach=reach,
                negative_replies=n,
                engagement=engagement,
                hours_observed=max(hours, 0.0),
            ),
            policy.risk,
        )
        # SQL rounds a tie (e.g. 44.25) away from zero where Python rounds it to even.
        assert risk == pytest.approx(risk_score(parts), abs=0.11)


def test_batches_are_bounded_on_a_fresh_database(tmp_path, org):
    # Regression: DuckDB 2.0.1 ignored the LIMIT of a LEFT JOIN against the empty scores table.
    from monitoring.scoring_pipeline import _Facts, _read_mentions

    path = tmp_path / "s.duckdb"
    load(path, org, [item(f"n{i}", f"u{i}", f"testo {i}") for i in range(30)])
    first, _ = _read_mentions(path, 0, "v1", 10, _Facts(100))
    second, _ = _read_mentions(path, max(first["last"].to_pylist()), "v1", 10, _Facts(100))
    assert (sum(first["n"].to_pylist()), sum(second["n"].to_pylist())) == (10, 10)
    assert first.num_rows == 10 and min(second["last"].to_pylist()) > max(first["last"].to_pylist())


def test_batches_are_the_pending_ids_in_order_however_sparse(tmp_path, org):
    """Each batch is the next ``limit`` pending ids, whether they are dense, one in three, or
    only past many scored ones (the window looked at grows until it holds a batch)."""
    from monitoring.scoring_pipeline import _Facts, _read_mentions

    path = tmp_path / "s.duckdb"
    load(path, org, [item(f"n{i}", f"u{i}", f"testo {i}") for i in range(300)])
    db.write(path, lambda c: c.execute(
        "INSERT INTO scores SELECT item_id, 'v1', 'it', 0, 'neutral', [], 0, false, NULL, "
        "now()::TIMESTAMP FROM items WHERE item_id % 3 <> 0 OR item_id < 200"))  # fmt: skip
    pending = [i for (i,) in rows(path, "SELECT item_id FROM items WHERE item_id % 3 = 0 "
                                        "AND item_id >= 200 ORDER BY 1")]  # fmt: skip
    batches, after = [], 0
    while (read := _read_mentions(path, after, "v1", 10, _Facts(100))) is not None:
        table = read[0]
        ids = [i for (i,) in rows(path, "SELECT item_id FROM items WHERE text IN (SELECT unnest(?))",
                                  [table["text"].to_pylist()])]  # fmt: skip
        batches.append(sorted(ids))
        after = max(table["last"].to_pylist())
    assert batches == [pending[i : i + 10] for i in range(0, len(pending), 10)]


def test_reposts_across_batches_are_scored_once_with_the_same_result(tmp_path, org, policy):
    """A text already scored, or still being scored for the previous batch, is not sent again,
    and its items get the same scores as with one big batch."""
    texts = ["Bolletta sbagliata, vergogna", "Great app, thanks", "Il blackout di ieri 😡"]
    records = [item(f"r{i}", f"u{i}", texts[i % 3] if i % 4 else f"Testo {i}") for i in range(40)]
    records += [item(f"s{i}", "giulia_lumina", texts[i % 2], reply_to=f"r{i}") for i in range(6)]
    small, big = tmp_path / "small.duckdb", tmp_path / "big.duckdb"
    load(small, org, records)
    shutil.copy(small, big)  # the same ingested_at, so the same hours observed
    r_small = score_pending(small, policy, org, workers=1, batch=3)
    r_big = score_pending(big, policy, org, workers=1, batch=1000)
    assert r_small.scored == r_big.scored == 46
    assert r_small.distinct_texts == r_big.distinct_texts == 3 + 10 + 2
    sql = "SELECT i.native_id, s.lang, s.compound, s.label, s.topics, s.risk, s.flagged, " \
          "s.explain FROM scores s JOIN items i USING (item_id) ORDER BY 1"  # fmt: skip
    assert rows(small, sql) == rows(big, sql)


def test_score_command_prints_counts(tmp_path, org, monkeypatch):
    from click.testing import CliRunner

    from monitoring.cli import cli

    path = tmp_path / "s.duckdb"
    load(path, org, BASE)
    result = CliRunner().invoke(cli, ["--db", str(path), "score", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "scored 6 items (5 distinct texts) with policy 2026.11+" in result.stdout
    assert "2 hits, 2 flagged" in result.stdout
    again = CliRunner().invoke(cli, ["--db", str(path), "score"])
    assert again.exit_code == 0 and "scored 0 items" in again.stdout


def test_score_command_batch_default_is_the_pipelines():
    from monitoring.commands.score import BATCH_ITEMS as CLI_DEFAULT
    from monitoring.scoring_pipeline import BATCH_ITEMS

    assert CLI_DEFAULT == BATCH_ITEMS


def test_score_command_rejects_a_bad_policy_before_touching_the_database(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from monitoring.cli import cli

    bad = tmp_path / "policy.yaml"
    bad.write_text("version: '1'\nrules:\n  - id: a\n    kind: channel\n    severity: low\n")
    monkeypatch.setenv("SENTINELLA_POLICY", str(bad))
    path = tmp_path / "s.duckdb"
    result = CliRunner().invoke(cli, ["--db", str(path), "score"])
    assert result.exit_code == 2
    assert f"{bad}:3: rules[0].channel.category: Field required" in result.output
    assert not path.exists()


@pytest.mark.slow
def test_a_worker_that_dies_does_not_lose_the_batch(org, policy, capsys):
    """A worker killed mid-run (the OOM killer, an operator): the texts are scored in-process."""
    import os
    import signal

    import pyarrow as pa

    from monitoring.scoring.policy import PolicyEngine
    from monitoring.scoring_pipeline import _mention_task, _Pool, _serialized, mention_facts

    engine = PolicyEngine(policy, org)
    pool = _Pool(policy, org, engine, workers=2)
    texts = [f"Bolletta {i} sbagliata, che vergogna!" for i in range(60)]
    hints = [None, "it", "en"] * 20
    keys = pa.table({"text": texts, "lang_hint": pa.array(hints, pa.string())})
    args = (keys.schema, _serialized(keys))
    try:
        for process in list(pool._ready()._processes.values()):
            os.kill(process.pid, signal.SIGKILL)
        future = pool.submit(_mention_task, pool.mention_inline, *args)
        result = pool.result(future, pool.mention_inline, *args)
    finally:
        pool.close()
    assert pool.executor is None
    assert result.equals(mention_facts(engine, texts, hints))
    assert "a worker process died" in capsys.readouterr().err
