"""``python -m monitoring bench``: measured figures of the whole pipeline and the dashboard.

Every step runs in its own child process (as users run them), timed wall-clock, with its peak
resident memory sampled from the process tree. Beside each figure stands the naive way measured
in the same run on the same data, and the ratio between the two.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import psutil

from monitoring import db
from monitoring.settings import PROJECT_ROOT

NAIVE_SCORE_SAMPLE = 200_000  # texts the naive scorer runs on (all of them in smaller runs)


@dataclass
class Step:
    name: str
    seconds: float
    peak_rss_mb: float
    rows: int | None = None
    naive_seconds: float | None = None
    naive_peak_rss_mb: float | None = None
    note: str = ""
    cpu_s: float | None = None  # CPU seconds of the step's whole process tree

    @property
    def rate(self) -> float | None:
        return self.rows / self.seconds if self.rows and self.seconds else None

    @property
    def speedup(self) -> float | None:
        return self.naive_seconds / self.seconds if self.naive_seconds and self.seconds else None


@dataclass
class BenchReport:
    mentions: int
    machine: dict
    steps: list[Step] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "mentions": self.mentions,
            "machine": self.machine,
            "steps": [asdict(s) | {"rate": s.rate, "speedup": s.speedup} for s in self.steps],
        }


class Measured(NamedTuple):
    seconds: float
    peak_rss_mb: float  # of the process tree
    out: str  # stdout
    cpu_s: float  # user + system CPU seconds of the process tree


def run_measured(args: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run a child process, timed, its peak memory sampled, its CPU time counted."""
    # A child's CPU time, its own reaped children's included (the scoring workers, through the
    # fork server), reaches this process's RUSAGE_CHILDREN when it is waited for.
    cpu_before = _children_cpu()
    started = time.perf_counter()
    proc = psutil.Popen(
        args,
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                tree = [proc, *proc.children(recursive=True)]
                peak[0] = max(peak[0], sum(p.memory_info().rss for p in tree))
            except psutil.Error:
                pass
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])} failed ({proc.returncode}): {err.strip()[-800:]}")
    return Measured(seconds, peak[0] / 2**20, out, _children_cpu() - cpu_before)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cli(db_path: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "monitoring", "--db", str(db_path), *args]


def _helper(*args: str) -> list[str]:
    return [sys.executable, "-m", "monitoring.bench_steps", *args]


def run_bench(mentions: int, workdir: Path, seed: int = 11, page_runs: bool = True) -> BenchReport:
    """Generate, import, score, rescore incrementally and render pages; naive ways beside."""
    report = BenchReport(
        mentions=mentions,
        machine={
            "cpus": os.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(),
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    db_path = workdir / "bench.duckdb"
    export = workdir / "export.ndjson"
    increment = workdir / "increment.ndjson"
    end = datetime.now(UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0)

    seconds, rss, out, _ = run_measured(
        _helper(
            "export",
            str(export),
            str(mentions),
            str(seed),
            (end - timedelta(days=365)).isoformat(),
            end.isoformat(),
        )
    )
    rows = int(out.split()[0])
    report.steps.append(
        Step(
            "generate NDJSON export",
            seconds,
            rss,
            rows,
            note=f"{export.stat().st_size / 2**20:.0f} MB",
        )
    )

    run_measured(_cli(db_path, "init"))
    imported = run_measured(
        _cli(db_path, "import", str(export), "--platform", "x", "--format", "ndjson")
    )
    naive_s, naive_rss, _, _ = run_measured(
        _helper("naive-import", str(export), str(min(rows, 20_000)))
    )
    report.steps.append(
        Step(
            "import (NDJSON, normalized)",
            imported.seconds,
            imported.peak_rss_mb,
            rows,
            naive_s * rows / min(rows, 20_000),
            naive_rss,
            note=f"{_cores(imported)}; naive: executemany row by row, extrapolated from 20k rows",
            cpu_s=imported.cpu_s,
        )
    )

    scoring = run_measured(_cli(db_path, "score"))
    scored = _count(db_path, "SELECT count(*) FROM scores")
    _, naive_rss, out, _ = run_measured(
        _helper("naive-score", str(db_path), str(min(scored, NAIVE_SCORE_SAMPLE)))
    )
    naive = json.loads(out)
    report.steps.append(
        Step(
            "score (all items)",
            scoring.seconds,
            scoring.peak_rss_mb,
            scored,
            naive["startup_s"] + naive["loop_s"] * scored / naive["texts"],
            naive_rss,
            note=f"{_cores(scoring)}, {scoring.cpu_s / scored * 1e6:.1f} CPU µs an item; "
            f"naive: polarity_scores row by row in one process, "
            f"{naive['loop_s'] / naive['texts'] * 1e6:.1f} µs a text, its loop over a uniform "
            f"sample of {naive['texts']:,} texts scaled to all, plus its start-up once",
            cpu_s=scoring.cpu_s,
        )
    )

    new_rows = max(mentions // 100, 1000)  # the generator's smallest year
    run_measured(
        _helper(
            "export",
            str(increment),
            str(new_rows),
            str(seed + 1),
            # new items over the latest 61 days (the generator's shortest period)
            (end - timedelta(days=61)).isoformat(),
            end.isoformat(),
        )
    )
    seconds, rss, _, _ = run_measured(
        _cli(db_path, "import", str(increment), "--platform", "x", "--format", "ndjson")
    )
    seconds2, rss2, _, _ = run_measured(_cli(db_path, "score"))
    full = (
        next(s for s in report.steps if s.name.startswith("import")).seconds
        + next(s for s in report.steps if s.name.startswith("score")).seconds
    )
    report.steps.append(
        Step(
            "incremental import+score of 1% new",
            seconds + seconds2,
            max(rss, rss2),
            new_rows,
            full,
            None,
            note="naive: redo the full import+score",
        )
    )

    if page_runs:
        seconds, rss, out, _ = run_measured(_helper("pages", str(db_path)))
        pages = json.loads(out.strip().splitlines()[-1])
        naive_note = "naive: whole table into pandas + group-by"
        try:
            naive_s, naive_rss, _, _ = run_measured(_helper("naive-page", str(db_path)))
        except RuntimeError as exc:  # at 10M the naive page can be killed for memory (-9)
            naive_s, naive_rss = None, None
            naive_note = f"naive page did not finish: {str(exc).splitlines()[0][-120:]}"
        for page, timing in pages["pages"].items():
            report.steps.append(
                Step(
                    f"page {page}: new session",
                    timing["new_session_s"],
                    pages["peak_rss_mb"],
                    None,
                    naive_s,
                    naive_rss,
                    note=f"cached rerun {timing['cached_rerun_s']:.3f}s; {naive_note}",
                )
            )
    return report


def _cores(run: Measured) -> str:
    """How many cores a step kept busy on average: a CPU-bound step on all of them reads
    close to the machine's count, so its time can only fall with less work."""
    return f"{run.cpu_s:.1f} CPU s ({run.cpu_s / run.seconds:.2f} cores)"


def _count(db_path: Path, sql: str) -> int:
    return db.read(db_path, lambda c: db.scalar(c, sql))


def format_table(report: BenchReport) -> str:
    head = f"{'step':44} {'seconds':>9} {'rows/s':>11} {'peak MB':>8} {'naive s':>9} {'ratio':>7}  note"
    lines = [
        f"Sentinella bench: {report.mentions:,} mentions on {report.machine['cpus']} cores",
        head,
        "-" * len(head),
    ]
    for s in report.steps:
        lines.append(
            f"{s.name:44} {s.seconds:9.3f} {(f'{s.rate:,.0f}' if s.rate else '-'):>11} {s.peak_rss_mb:8.0f} "
            f"{(f'{s.naive_seconds:.2f}' if s.naive_seconds else '-'):>9} "
            f"{(f'{s.speedup:.1f}x' if s.speedup else '-'):>7}  {s.note}"
        )
    return "\n".join(lines)


def main(mentions: int, out: Path | None, keep: Path | None, page_runs: bool = True) -> BenchReport:
    """Run the bench in ``keep`` (left in place) or in a temporary folder, removed afterwards
    (the export and the database take ~800 MB per million mentions)."""
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="sentinella-bench-") as workdir:
            report = run_bench(mentions, Path(workdir), page_runs=page_runs)
    else:
        keep.mkdir(parents=True, exist_ok=True)
        report = run_bench(mentions, keep, page_runs=page_runs)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report.to_json(), indent=2))
    return report
