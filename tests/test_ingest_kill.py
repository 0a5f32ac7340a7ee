"""kill -9 in the middle of an ingest run, then a rerun: whole batches, no duplicates."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ingest_fakes import load, make_db, rows, serve_algolia, sources_yaml

ROOT = Path(__file__).resolve().parent.parent


def _hits(count: int) -> list[dict]:
    template = load("hn_search_by_date.json")["hits"][3]
    return [
        {
            **template,
            "objectID": str(47000000 + i),
            "created_at_i": 1795000000 + 60 * i,
            "title": f"Lumina Energia story {i}",
        }
        for i in range(count)
    ]


@pytest.mark.slow
@pytest.mark.parametrize("kill_after_requests", [2, 7])
def test_kill_9_mid_run_then_rerun_completes_without_duplicates(
    tmp_path, httpserver, kill_after_requests
):
    db_path = make_db(tmp_path / "sentinella.duckdb")
    calls = serve_algolia(httpserver, _hits(60), per_page=5)  # 12 pages
    original = httpserver.handlers[0].request_handler

    def slow(request):
        time.sleep(0.2)  # time for the batch before to be committed, and for us to strike
        return original(request)

    httpserver.handlers[0].request_handler = slow
    sources = sources_yaml(
        tmp_path,
        f'sources:\n  - {{name: hn, kind: hackernews, base_url: "{httpserver.url_for("/")}", '
        "query: lumina}\n",
    )
    command = [
        sys.executable,
        "-m",
        "monitoring",
        "--db",
        str(db_path),
        "ingest",
        "--sources",
        str(sources),
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(calls.args) < kill_after_requests and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL

    stored_before = rows(db_path, "SELECT count(*) FROM items")[0][0]
    assert 0 < stored_before < 60
    assert stored_before % 5 == 0  # only whole batches (pages of 5) were committed
    cursor_pages = rows(db_path, "SELECT count(*) FROM sources")[0][0]
    assert cursor_pages == 1

    rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert rows(db_path, "SELECT count(*), count(DISTINCT native_id) FROM items") == [(60, 60)]
    assert rows(db_path, "SELECT status FROM ingest_runs ORDER BY run_id") == [
        ("interrupted",),
        ("ok",),
    ]
    final = rerun.stdout.splitlines()[2].split()
    assert final[0] == "hn" and int(final[2]) == 60 - stored_before
