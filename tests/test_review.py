"""Review decisions: append-only, latest wins, audited, survive rescoring, stored under load."""

import json
import subprocess
import sys
import threading
import time

import pytest

from monitoring import app_db, db, queries, review
from monitoring.filters import Filters


def _rows(path, sql, params=None):
    return db.read(path, lambda c: c.execute(sql, params or []).fetchall())


def test_decisions_append_and_the_latest_wins(known_db):
    s4 = known_db.ids["s4"]
    first = review.record_decision(known_db.path, s4, "escalated", "anna", "to legal")
    second = review.record_decision(known_db.path, s4, "confirmed", "anna", "  leak  ")
    assert second.review_id > first.review_id and second.note == "leak"
    history = db.read(known_db.path, lambda c: review.history(c, s4))
    assert list(history["decision"]) == ["escalated", "confirmed"]
    latest = db.read(known_db.path, lambda c: review.latest_decisions(c, [s4]))
    assert latest["decision"].tolist() == ["confirmed"]
    stored = _rows(known_db.path, "SELECT iso_week, platform, native_id FROM reviews "
                   "WHERE review_id = ?", [second.review_id])  # fmt: skip
    assert stored == [(known_db.week, "x", "s4")]
    audit = _rows(known_db.path, "SELECT actor, action, detail FROM audit_log ORDER BY audit_id")
    assert [a[:2] for a in audit] == [("anna", "review.decision")] * 2
    assert json.loads(audit[-1][2])["decision"] == "confirmed"


@pytest.mark.parametrize(
    ("native", "decision", "note", "message"),
    [
        ("s4", "approve", "", "decision must be one of"),
        ("m1", "confirmed", "", "is not a flagged post"),
        ("s4", "confirmed", "x" * 2001, "the limit is 2000"),
    ],
)
def test_bad_decisions_are_refused_and_nothing_is_stored(known_db, native, decision, note,
                                                         message):  # fmt: skip
    before = _rows(known_db.path, "SELECT count(*) FROM reviews")
    with pytest.raises(review.ReviewError, match=message):
        review.record_decision(known_db.path, known_db.ids[native], decision, "anna", note)
    assert _rows(known_db.path, "SELECT count(*) FROM reviews") == before


def test_progress_counts_decided_items(known_db):
    queue = db.read(known_db.path, lambda c: queries.review_queue(c, Filters(), known_db.week))
    assert review.progress(queue) == review.Progress(1, 3)
    review.record_decision(known_db.path, known_db.ids["s3"], "confirmed", "anna")
    queue = db.read(known_db.path, lambda c: queries.review_queue(c, Filters(), known_db.week))
    done = review.progress(queue)
    assert (done.reviewed, done.total) == (2, 3) and done.share == pytest.approx(2 / 3)


def test_decisions_survive_rescoring(known_db):
    s3 = known_db.ids["s3"]
    review.record_decision(known_db.path, s3, "confirmed", "anna")

    def rescore(conn):  # what a new policy version does: replace scores, update flags
        conn.execute("DELETE FROM scores WHERE item_id = ?", [s3])
        conn.execute(
            "INSERT INTO scores VALUES (?, 'v2', 'it', 0.1, 'positive', [], 20, FALSE, NULL, "
            "now()::TIMESTAMP)",
            [s3],
        )
        conn.execute("UPDATE flags SET active = FALSE, policy_version = 'v2' WHERE item_id = ?",
                     [s3])  # fmt: skip

    db.write(known_db.path, rescore)
    queue = db.read(known_db.path, lambda c: queries.review_queue(c, Filters(), known_db.week))
    row = queue[queue["item_id"] == s3]
    assert row["decision"].tolist() == ["confirmed"]  # kept, even though no longer flagged


HOLD_LOCK = """
import sys, time, duckdb
conn = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.close()
"""


@pytest.mark.slow
def test_decision_waits_for_a_writer_in_another_process(known_db):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(known_db.path), "1.5"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        stored = review.record_decision(known_db.path, known_db.ids["s4"], "confirmed", "anna")
        waited = time.monotonic() - started
    finally:
        holder.wait(10)
    assert waited > 0.5  # it really waited for the lock, then stored
    assert _rows(known_db.path, "SELECT decision FROM reviews WHERE review_id = ?",
                 [stored.review_id]) == [("confirmed",)]  # fmt: skip


def test_reads_and_a_decision_in_one_process_do_not_collide(known_db):
    """DuckDB refuses mixed read-only/read-write connections to one file in one process; the
    dashboard's lock serializes them instead of failing."""
    errors: list[Exception] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                app_db.read(known_db.path, lambda c: c.execute("SELECT count(*) FROM items")
                            .fetchall())  # fmt: skip
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for decision in ("escalated", "confirmed", "dismissed"):
            review.record_decision(known_db.path, known_db.ids["s4"], decision, "anna")
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert errors == []
    assert _rows(known_db.path, "SELECT count(*) FROM reviews") == [(4,)]


@pytest.mark.slow
def test_a_decision_blocked_too_long_is_reported_not_stored(known_db, monkeypatch):
    monkeypatch.setattr(review, "WAIT_SECONDS", 0.3)
    monkeypatch.setattr(review, "ATTEMPTS", 2)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(known_db.path), "3"], stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(review.ReviewError, match="not stored after 2 attempts"):
            review.record_decision(known_db.path, known_db.ids["s4"], "confirmed", "anna")
    finally:
        holder.wait(10)
    assert _rows(known_db.path, "SELECT count(*) FROM reviews") == [(1,)]
