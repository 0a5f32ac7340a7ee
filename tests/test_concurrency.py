"""Writers side by side and crashes: no decision lost, no lock error shown, a killed score resumes.

Real processes on real DuckDB files (decision record 0001).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from monitoring import app_db, db, queries, review
from monitoring.filters import Filters

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def _ingest_loop(db_path: Path, folder: Path, stop: Path) -> subprocess.Popen:
    """`python -m monitoring import` of fresh NDJSON exports, one after another, until told."""
    script = textwrap.dedent(
        f"""
        import json, subprocess, sys, pathlib
        from datetime import datetime, timedelta
        folder, stop = pathlib.Path({str(folder)!r}), pathlib.Path({str(stop)!r})
        round_no = 0
        while not stop.exists():
            round_no += 1
            path = folder / f"export-{{round_no}}.ndjson"
            start = datetime(2026, 1, 1)
            with path.open("w") as out:
                for i in range(5000):
                    out.write(json.dumps({{
                        "native_id": f"loop-{{round_no}}-{{i}}", "author_handle": f"user{{i % 97}}",
                        "text": f"Bolletta {{i}} del giro {{round_no}}: ancora un errore?",
                        "created_at": (start + timedelta(minutes=i)).isoformat(),
                    }}) + "\\n")
            done = subprocess.run([sys.executable, "-m", "monitoring", "--db", {str(db_path)!r},
                                   "import", str(path), "--platform", "x", "--format", "ndjson"],
                                  capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"import round {{round_no}} exited {{done.returncode}}: "
                         f"{{done.stdout[-2000:]}} {{done.stderr[-2000:]}}")
            print(round_no, flush=True)
        """
    )
    return subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_ingestion_in_a_loop_during_100_review_actions_loses_none(known_db, tmp_path):
    path = known_db.path
    flagged = [known_db.ids[n] for n in ("s3", "s4", "s5")]
    before = db.read(path, lambda c: db.scalar(c, "SELECT count(*) FROM reviews"))
    stop = tmp_path / "stop"
    loop = _ingest_loop(path, tmp_path, stop)
    try:
        assert loop.stdout.readline().strip() == "1"  # the writer is running
        stored, read_errors = [], []
        for n in range(100):
            decision = review.DECISIONS[n % 3]
            stored.append(
                review.record_decision(path, flagged[n % 3], decision, "concurrency-test", f"n{n}")
            )
            if n % 10 == 0:  # and the pages keep reading meanwhile
                try:
                    app_db.read(path, lambda c: queries.rule_stats(c, Filters()))
                except Exception as exc:  # any error here is one a person would have seen
                    read_errors.append(repr(exc))
    finally:
        stop.touch()
        out, err = loop.communicate(timeout=120)
    assert loop.returncode == 0, err
    rounds = int(out.split()[-1]) if out.split() else 1
    assert rounds >= 2, "the ingest loop must actually overlap the review actions"
    assert read_errors == []
    assert len(stored) == 100 and len({d.review_id for d in stored}) == 100
    notes = db.read(
        path,
        lambda c: c.execute(
            "SELECT note FROM reviews WHERE reviewer = 'concurrency-test' ORDER BY review_id"
        ).fetchall(),
    )
    assert [n for (n,) in notes] == [f"n{i}" for i in range(100)]
    assert db.read(path, lambda c: db.scalar(c, "SELECT count(*) FROM reviews")) == before + 100


def _score(db_path: Path) -> subprocess.Popen:
    # Batches of 2,000: the 25,000 demo items then commit in a dozen transactions, so the kill
    # lands between two of them (the default batch holds the whole demo's mentions).
    return subprocess.Popen(
        [sys.executable, "-m", "monitoring", "--db", str(db_path), "score", "--batch", "2000"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # so the kill reaches its worker processes too
    )


def test_kill_9_during_score_leaves_a_database_the_next_run_completes(tmp_path):
    path = tmp_path / "demo.duckdb"
    env = {**os.environ, "SENTINELLA_WEBHOOK_URL": ""}
    subprocess.run(
        [sys.executable, "-m", "monitoring", "--db", str(path), "demo", "--mentions", "20000", "--quiet"],
        cwd=ROOT, check=True, capture_output=True, env=env,
    )  # fmt: skip
    total = db.read(path, lambda c: db.scalar(c, "SELECT count(*) FROM items"))

    first = _score(path)
    deadline = time.monotonic() + 120
    scored = 0
    while time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.3)
        try:
            scored = db.read(path, lambda c: db.scalar(c, "SELECT count(*) FROM scores"), wait=0.2)
        except db.DatabaseBusy:
            continue
        if scored:
            break
    assert first.poll() is None and 0 < scored < total, "kill must land mid-run"
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)

    # What the killed run committed is whole: every stored score has its item, once.
    partial = db.read(
        path, lambda c: c.execute("SELECT count(*), count(DISTINCT item_id) FROM scores").fetchall()
    )
    assert partial[0][0] == partial[0][1] < total

    second = _score(path)
    _, err = second.communicate(timeout=600)
    assert second.returncode == 0, err
    counts = db.read(
        path,
        lambda c: c.execute(
            """
            SELECT (SELECT count(*) FROM scores), (SELECT count(DISTINCT item_id) FROM scores),
                   (SELECT count(*) FROM items i WHERE NOT EXISTS
                        (SELECT 1 FROM scores s WHERE s.item_id = i.item_id)),
                   (SELECT count(*) - count(DISTINCT item_id) FROM flags)
            """
        ).fetchall()[0],
    )
    assert counts == (total, total, 0, 0)
