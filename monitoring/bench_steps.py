"""Child-process steps of ``monitoring.bench`` (each measured on its own by the parent).

python -m monitoring.bench_steps export FILE N SEED START END
python -m monitoring.bench_steps naive-import FILE N
python -m monitoring.bench_steps naive-score DB N
python -m monitoring.bench_steps pages DB
python -m monitoring.bench_steps naive-page DB
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from monitoring import db
from monitoring.settings import PROJECT_ROOT

PAGES = ("overview", "teams", "channels", "weekly_review", "mentions", "policy")


def export(path: str, mentions: str, seed: str, start: str, end: str) -> None:
    """Write a demo year as an NDJSON export (the shape `import` reads), chunk by chunk."""
    from monitoring.demo.generator import generate_items

    out = Path(path)
    parts = Path(tempfile.mkdtemp(dir=out.parent))
    conn = duckdb.connect()
    total = 0
    for i, chunk in enumerate(
        generate_items(
            int(mentions), int(seed), datetime.fromisoformat(start), datetime.fromisoformat(end)
        )
    ):
        conn.register("chunk", chunk)
        conn.execute(
            # ids carry the seed so an increment generated with another seed is new data
            "COPY (SELECT * EXCLUDE (raw, channel_id, native_id, in_reply_to), "
            f"native_id || '.{int(seed)}' AS native_id, in_reply_to || '.{int(seed)}' AS in_reply_to "
            f"FROM chunk) TO '{parts / f'{i:05d}.ndjson'}' (FORMAT json)"
        )
        conn.unregister("chunk")
        total += len(chunk)
    with out.open("wb") as target:
        for part in sorted(parts.iterdir()):
            with part.open("rb") as source:
                shutil.copyfileobj(source, target)
    shutil.rmtree(parts)
    print(total)


def naive_import(path: str, rows: str) -> None:
    """Row-by-row executemany of the first N lines into a fresh items table."""
    from monitoring.store import ITEM_COLUMNS

    records = []
    with open(path, encoding="utf-8") as handle:
        for _, line in zip(range(int(rows)), handle, strict=False):
            obj = json.loads(line)
            records.append([obj.get(c) for c in ITEM_COLUMNS])
    with tempfile.TemporaryDirectory() as work:
        conn = duckdb.connect(str(Path(work) / "naive.duckdb"))
        conn.execute(f"CREATE TABLE items ({', '.join(f'{c} VARCHAR' for c in ITEM_COLUMNS)})")
        values = ", ".join("?" for _ in ITEM_COLUMNS)
        conn.executemany(f"INSERT INTO items VALUES ({values})", records)
        conn.close()
    print(len(records))


def naive_score(db_path: str, rows: str) -> None:
    """VADER's polarity_scores row by row in one process on a uniform sample of N stored texts.

    Prints the process's start-up (imports, the analyzer's lexicons, the read) and the loop's
    seconds apart, as JSON: the parent scales only the loop to all items (a start-up scaled
    with it would inflate the naive figure by ~40% at a 20k sample).
    """
    started = time.perf_counter()
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sample = int(rows)
    texts = db.read(
        db_path,
        lambda c: [
            r[0]
            # The file's first rows are the year's first weeks: a reservoir sample is the mix.
            for r in c.execute(
                f"SELECT text FROM items USING SAMPLE {sample} ROWS (reservoir, 7)"
            ).fetchall()
        ],
    )
    analyzer = SentimentIntensityAnalyzer()
    looped = time.perf_counter()
    for text in texts:
        analyzer.polarity_scores(text)
    done = time.perf_counter()
    print(json.dumps({"texts": len(texts), "startup_s": looped - started, "loop_s": done - looped}))


def naive_page(db_path: str) -> None:
    """The naive Overview: whole tables into pandas, group-by in Python."""
    with db.opened(db_path, read_only=True) as conn:
        items = conn.execute("SELECT * FROM items").df()
        scores = conn.execute("SELECT * FROM scores").df()
    merged = items.merge(scores, on="item_id", how="left")
    merged["day"] = merged["created_at"].dt.date
    by_day = merged[merged["kind"] == "mention"].groupby(["day", "label"]).size()
    by_team = (
        merged[merged["kind"] == "staff"]
        .groupby("team_id")
        .agg(posts=("item_id", "size"), risk=("risk", "mean"))
    )
    print(len(by_day), len(by_team))


def measure_pages(
    db_path: Path, runs: int = 1, days: int | None = None
) -> dict[str, dict[str, float]]:
    """Each page in a new AppTest session with cleared caches (median of ``runs``), then a
    cached rerun; through app.py as the server runs it. ``days``: the sidebar's period."""
    import streamlit as st
    from streamlit.runtime import pages_manager
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    # Run app.py on every run, as the server does (see tests/pages/conftest.py for why).
    class NavigationPages(pages_manager.PagesManager):
        uses_pages_directory = False

    script_runner.PagesManager = NavigationPages
    from monitoring import state_keys as K

    os.environ["SENTINELLA_DB"] = str(db_path)
    app = str(PROJECT_ROOT / "app.py")
    last_day = db.read(db_path, lambda c: db.scalar(c, "SELECT max(created_at)::DATE FROM items"))

    shared: dict[str, object] = {}

    def session(page: str) -> tuple[float, float]:
        st.cache_data.clear()
        at = AppTest.from_file(app, default_timeout=300)
        # A server scans for custom components once at startup; AppTest does it per instance
        # (0.7 s here). Share the first instance's scan so it is not counted as page time.
        if "components" in shared:
            at._bidi_component_manager = shared["components"]
        at.switch_page(f"pages/{page}.py")  # before the first run: land directly on the page
        if days:  # the sidebar's period, as if the person had picked it
            at.session_state[K.PERIOD] = (last_day - timedelta(days=days - 1), last_day)
        started = time.perf_counter()
        at.run()
        first = time.perf_counter() - started
        shared.setdefault("components", at._bidi_component_manager)
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception[0].message}")
        started = time.perf_counter()
        at.run()
        return first, time.perf_counter() - started

    for page in PAGES:  # warm-up: imports, like a server that has served one page
        session(page)
    results = {}
    for page in PAGES:
        firsts, reruns = zip(*(session(page) for _ in range(runs)), strict=True)
        results[page] = {"new_session_s": statistics.median(firsts),
                         "cached_rerun_s": statistics.median(reruns)}  # fmt: skip
    return results


def pages(db_path: str) -> None:
    """Per-page times and the dashboard process's peak memory, as one JSON line."""
    # The period a new session opens with (the app's default), which the targets are about.
    timings = measure_pages(Path(db_path), runs=1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"pages": timings, "peak_rss_mb": peak}))


COMMANDS = {
    "export": export,
    "naive-import": naive_import,
    "naive-score": naive_score,
    "naive-page": naive_page,
    "pages": pages,
}

if __name__ == "__main__":
    COMMANDS[sys.argv[1]](*sys.argv[2:])
