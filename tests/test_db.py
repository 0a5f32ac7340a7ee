"""Migrations, lock handling and the bulk item store, on real DuckDB files."""

import random
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta

import pyarrow as pa
import pytest

from monitoring import db, store
from monitoring.org import load_org
from monitoring.settings import DATA_DIR


def test_init_twice_is_a_noop(tmp_path):
    path = tmp_path / "x.duckdb"
    assert db.init(path) == [m[0] for m in db.MIGRATIONS]
    assert db.init(path) == []
    assert db.read(path, db.schema_version) == db.latest_version()


def test_older_file_is_migrated(tmp_path, monkeypatch):
    path = tmp_path / "x.duckdb"
    monkeypatch.setattr(db, "MIGRATIONS", db.MIGRATIONS[:1])
    db.init(path)
    newer = (2, "test column", "ALTER TABLE items ADD COLUMN test_flag BOOLEAN")
    monkeypatch.setattr(db, "MIGRATIONS", [*db.MIGRATIONS, newer])
    assert db.init(path) == [2]
    columns = db.read(
        path,
        lambda c: c.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'items'"
        ).fetchall(),
    )
    assert ("test_flag",) in columns


def test_failed_migration_changes_nothing(tmp_path, monkeypatch):
    path = tmp_path / "x.duckdb"
    db.init(path)
    broken = (db.latest_version() + 1, "broken", "CREATE TABLE ok_table (a INT); SELEC oops")
    monkeypatch.setattr(db, "MIGRATIONS", [*db.MIGRATIONS, broken])
    with pytest.raises(Exception, match="syntax error"):
        db.init(path)
    tables = db.read(
        path, lambda c: c.execute("SELECT table_name FROM information_schema.tables").fetchall()
    )
    assert ("ok_table",) not in tables
    assert db.read(path, db.schema_version) == broken[0] - 1


def test_writer_waits_for_a_reader_in_another_process(tmp_path):
    path = tmp_path / "x.duckdb"
    db.init(path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import duckdb, time
                c = duckdb.connect({str(path)!r}, read_only=True)
                print("holding", flush=True)
                time.sleep(1.5)
                c.close()
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "holding"
    started = time.monotonic()
    db.write(path, lambda c: db.set_meta(c, "k", "v"))  # retries until the reader lets go
    assert time.monotonic() - started > 0.5
    assert db.read(path, lambda c: db.get_meta(c, "k")) == "v"
    holder.wait(10)


def test_busy_file_gives_up_with_a_clear_message(tmp_path):
    path = tmp_path / "x.duckdb"
    db.init(path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(path)!r}); print('x', flush=True); time.sleep(5)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        holder.stdout.readline()
        with pytest.raises(db.DatabaseBusy, match="in use by another process"):
            db.connect(path, wait=0.3)
    finally:
        holder.kill()
        holder.wait()


def _item(native_id, author, minutes, reply_to=None, platform="x"):
    return {
        "platform": platform,
        "native_id": native_id,
        "author_handle": author,
        "text": f"text {native_id}",
        "created_at": datetime(2026, 3, 2, 9, minutes),
        "in_reply_to": reply_to,
    }


@pytest.fixture
def org_db(tmp_path):
    path = tmp_path / "x.duckdb"
    db.init(path)
    org = load_org(DATA_DIR / "org.yaml")
    db.write(path, lambda c: store.sync_org(c, org))
    return path


def _insert(path, records, source="test"):
    return db.write(path, lambda c: store.insert_items(c, store.items_table(records), source))


def test_insert_is_idempotent_and_classifies_staff(org_db):
    batch = [_item("m1", "cliente_arrabbiato", 0), _item("r1", "@Giulia_Lumina", 25, reply_to="m1")]
    assert _insert(org_db, batch) == store.InsertResult(new=2, duplicate=0)
    assert _insert(org_db, batch) == store.InsertResult(new=0, duplicate=2)
    rows = db.read(
        org_db,
        lambda c: c.execute(
            "SELECT native_id, kind, member_id, team_id, channel_id FROM items ORDER BY native_id"
        ).fetchall(),
    )
    assert rows == [
        ("m1", "mention", None, None, "x_care"),
        ("r1", "staff", "giulia.rossi", "customer_care", "x_care"),
    ]


def test_reply_arriving_before_its_mention_is_linked_later(org_db):
    _insert(org_db, [_item("r9", "marco_lumina", 40, reply_to="m9")])
    _insert(org_db, [_item("m9", "someone", 10)])
    responses = db.read(
        org_db, lambda c: c.execute("SELECT team_id, minutes FROM responses").fetchall()
    )
    assert responses == [("customer_care", 30.0)]


def test_first_answer_wins_whatever_the_arrival_order(org_db):
    _insert(org_db, [_item("m1", "someone", 0), _item("late", "sara_lumina", 50, reply_to="m1")])
    _insert(org_db, [_item("early", "roberto_guasti", 5, reply_to="m1")])
    responses = db.read(
        org_db, lambda c: c.execute("SELECT team_id, minutes FROM responses").fetchall()
    )
    assert responses == [("technical_support", 5.0)]


def test_reply_and_its_mention_in_one_batch_are_linked_in_either_order(org_db):
    _insert(org_db, [_item("r2", "marco_lumina", 40, reply_to="m2"), _item("m2", "someone", 10)])
    _insert(org_db, [_item("m3", "someone", 0), _item("r3", "sara_lumina", 5, reply_to="m3")])
    links = db.read(
        org_db,
        lambda c: c.execute(
            "SELECT r.native_id, p.native_id FROM items r JOIN items p"
            " ON p.item_id = r.parent_item_id ORDER BY r.native_id"
        ).fetchall(),
    )
    assert links == [("r2", "m2"), ("r3", "m3")]
    responses = db.read(
        org_db, lambda c: c.execute("SELECT minutes FROM responses ORDER BY 1").fetchall()
    )
    assert responses == [(5.0,), (30.0,)]


def test_a_repeated_id_in_a_batch_keeps_its_first_copy_and_replies_find_it(org_db):
    first = _item("m4", "someone", 0) | {"text": "first copy"}
    again = _item("m4", "someone", 0) | {"text": "second copy"}
    result = _insert(org_db, [first, _item("r4", "luca_lumina", 7, reply_to="m4"), again])
    assert result == store.InsertResult(new=2, duplicate=1)
    rows = db.read(
        org_db,
        lambda c: c.execute(
            "SELECT p.text, r.parent_item_id = p.item_id FROM items p, items r"
            " WHERE p.native_id = 'm4' AND r.native_id = 'r4'"
        ).fetchall(),
    )
    assert rows == [("first copy", True)]


def test_item_ids_stay_unique_and_grow_across_batches(org_db):
    _insert(org_db, [_item(f"a{i}", "someone", i) for i in range(5)])
    _insert(org_db, [_item("a1", "someone", 1)] + [_item(f"b{i}", "someone", i) for i in range(5)])
    ids = db.read(
        org_db,
        lambda c: c.execute("SELECT native_id, item_id FROM items ORDER BY item_id").fetchall(),
    )
    assert len({i for _, i in ids}) == len(ids) == 10
    assert max(i for n, i in ids if n.startswith("a")) < min(i for n, i in ids if n[0] == "b")


def test_same_id_on_another_platform_is_another_item(org_db):
    assert _insert(org_db, [_item("1", "a", 0), _item("1", "a", 0, platform="mastodon")]).new == 2


# --- time order of stored batches (docs/decisions/0005) --------------------------------------


def _stamped(stamps: list[datetime]) -> pa.Table:
    return store.items_table(
        [
            {"platform": "x", "native_id": f"n{i}", "text": "t", "created_at": t}
            for i, t in enumerate(stamps)
        ]
    )


def _minutes(n: int) -> list[datetime]:
    return [datetime(2026, 1, 1) + timedelta(minutes=i) for i in range(n)]


def _times(stamps: list[datetime]) -> pa.Table:
    return pa.table({"created_at": pa.array(stamps, pa.timestamp("us"))})


def test_time_clustered_accepts_sorted_or_small_batches_and_rejects_shuffled_ones():
    stamps = _minutes(300_000)
    assert store.time_clustered(_times(stamps))
    assert store.time_clustered(_times(stamps[::-1]))  # newest first, as many exports
    shuffled = stamps[:]
    random.Random(1).shuffle(shuffled)
    assert not store.time_clustered(_times(shuffled))
    # One row group or less: order inside a row group does not matter to its zonemaps.
    assert store.time_clustered(_times(shuffled[: store.ROW_GROUP_ROWS]))


@pytest.mark.slow
def test_a_shuffled_batch_is_stored_in_time_order(org_db):
    stamps = _minutes(2 * store.ROW_GROUP_ROWS)
    random.Random(2).shuffle(stamps)
    table = _stamped(stamps)
    db.write(org_db, lambda c: store.insert_items(c, table, "test", unique=True))
    inversions = db.read(
        org_db,
        lambda c: db.scalar(
            c,
            "SELECT count(*) FROM (SELECT created_at < lag(created_at) OVER (ORDER BY rowid)"
            " AS back FROM items) WHERE back",
        ),
    )
    assert inversions == 0


def test_raw_survives_the_zstd_rebuild_of_items(tmp_path, monkeypatch):
    path = tmp_path / "x.duckdb"
    full = db.MIGRATIONS
    monkeypatch.setattr(db, "MIGRATIONS", [m for m in full if m[0] < 3])
    db.init(path)
    _insert(path, [{**_item("m1", "someone", 0), "raw": '{"id": "m1"}'}])
    monkeypatch.setattr(db, "MIGRATIONS", full)
    assert 3 in db.init(path)
    stored = db.read(path, lambda c: c.execute("SELECT native_id, raw FROM items").fetchall())
    assert stored == [("m1", '{"id": "m1"}')]
    _insert(path, [{**_item("m2", "someone", 1), "raw": '{"id": "m2"}'}])
    compression = db.read(
        path,
        lambda c: c.execute(
            "SELECT DISTINCT compression FROM pragma_storage_info('items') "
            "WHERE column_name = 'raw' AND segment_type = 'VARCHAR'"
        ).fetchall(),
    )
    assert compression == [("ZSTD",)]
