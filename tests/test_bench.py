"""``python -m monitoring bench`` end to end on the smallest size: every step measured beside its
naive way, the JSON written, the temporary work folder removed (or kept with --keep)."""

import json
import os
import subprocess
import sys

import pytest

from monitoring.bench import run_measured
from monitoring.settings import PROJECT_ROOT


def run_bench(tmp_path, *args: str) -> subprocess.CompletedProcess:
    temp = tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "monitoring", "bench", "--mentions", "1000", "--no-pages", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "TMPDIR": str(temp)},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_bench_measures_every_step_beside_the_naive_way_and_cleans_up(tmp_path):
    out = tmp_path / "bench.json"
    done = run_bench(tmp_path, "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Sentinella bench: 1,000 mentions" in done.stdout

    figures = json.loads(out.read_text())
    steps = {step["name"]: step for step in figures["steps"]}
    generated = steps["generate NDJSON export"]["rows"]
    assert generated > 1000  # the mentions and the staff posts in proportion
    for name in ("import (NDJSON, normalized)", "score (all items)"):
        assert steps[name]["rows"] == generated
    incremental = steps["incremental import+score of 1% new"]
    assert incremental["rows"] == 1000  # the generator's smallest year
    for name in ("import (NDJSON, normalized)", "score (all items)", incremental["name"]):
        step = steps[name]
        assert step["seconds"] > 0 and step["naive_seconds"] > 0 and step["peak_rss_mb"] > 0
        assert step["speedup"] == pytest.approx(step["naive_seconds"] / step["seconds"])
    for name in ("import (NDJSON, normalized)", "score (all items)"):
        step = steps[name]
        assert 0 < step["cpu_s"] <= step["seconds"] * os.cpu_count()
        assert "cores)" in step["note"]
    assert not any(name.startswith("page") for name in steps)  # --no-pages
    assert list((tmp_path / "tmp").iterdir()) == []  # the work folder is gone


@pytest.mark.slow
def test_bench_keeps_its_work_folder_when_asked(tmp_path):
    keep = tmp_path / "work"
    done = run_bench(tmp_path, "--out", str(tmp_path / "b.json"), "--keep", str(keep))
    assert done.returncode == 0, done.stderr[-2000:]
    assert {p.name for p in keep.iterdir()} >= {"bench.duckdb", "export.ndjson", "increment.ndjson"}


# A child that waits for a grandchild burning ~0.4 s of CPU, as the score command waits for its
# workers: the grandchild's time must be in the step's CPU seconds.
_BURN = """
import subprocess, sys
subprocess.run([sys.executable, "-c", "import time\\nend = time.process_time() + 0.4\\n"
                "while time.process_time() < end: pass"], check=True)
print("done")
"""


def test_a_measured_step_counts_the_cpu_time_of_its_descendants():
    measured = run_measured([sys.executable, "-c", _BURN])
    assert measured.out.strip() == "done"
    assert measured.cpu_s >= 0.4
    assert measured.cpu_s <= measured.seconds * os.cpu_count()
