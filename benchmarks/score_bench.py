"""Benchmarks for issue 4's scoring targets; each prints its figures.

    python benchmarks/score_bench.py speed [--items 1000000] [--reposts 0.3] [--baseline 50000]
    python benchmarks/score_bench.py cases

``speed`` builds a DuckDB file of synthetic bilingual items (about 70% Italian, 10% staff
posts, a share of reposts that repeat earlier texts), measures the single-process,
row-by-row VADER rate on the same texts (the naive baseline), then runs
``score_pending(workers=2)`` on every item and prints both rates and their ratio.
``cases`` runs ``check`` on the held-out policy cases and prints the detection rates.
"""

from __future__ import annotations

import argparse
import multiprocessing.forkserver
import os
import random
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitoring import db, store  # noqa: E402
from monitoring.org import load_org  # noqa: E402
from monitoring.scoring.policy import load_policy  # noqa: E402
from monitoring.settings import DATA_DIR  # noqa: E402

IT_OPEN = ["Ciao", "Buongiorno", "Ragazzi", "Allora", "Scusate", "Ennesima volta:", "Finalmente"]
IT_SUBJ = ["la bolletta di marzo", "il contatore", "l'app di Lumina", "l'offerta luce e gas",
           "il servizio clienti", "il blackout di ieri", "il rimborso", "il negozio di Torino",
           "la nuova tariffa", "l'attivazione del gas"]  # fmt: skip
IT_PRED = ["non funziona da tre giorni", "è davvero ottimo", "mi ha fatto perdere la pazienza",
           "è arrivata con un importo assurdo", "è stato velocissimo, grazie", "è un disastro",
           "funziona bene ma è lento", "non mi convince per niente", "mi piace molto",
           "è peggiorato tantissimo"]  # fmt: skip
IT_CLOSE = ["Qualcuno mi aiuta?", "Complimenti!", "Vergogna.", "😡", "👍", "Grazie mille.",
            "Che schifo.", "Speriamo bene...", "!!!", ""]  # fmt: skip
EN_OPEN = ["Hey", "Honestly", "Update:", "Well", "So", "Again"]
EN_SUBJ = ["my Lumina bill", "the customer service", "the new app", "the outage last night",
           "the refund", "the smart meter", "the green tariff"]  # fmt: skip
EN_PRED = ["is still wrong", "was fixed really fast", "is a total mess", "works great",
           "made me so angry", "is not bad at all", "keeps crashing"]  # fmt: skip
EN_CLOSE = ["Thanks!", "Unbelievable.", ":(", ":)", "Any help?", "Love it!", ""]
STAFF = ["giulia_lumina", "marco_lumina", "sara_lumina", "luca_lumina", "luminacare"]


def synthetic_text(rng: random.Random, serial: int) -> str:
    """A post of social length (two or three clauses, about 150 characters, like the tweets
    VADER was validated on); the serial makes it distinct, as real posts are."""
    if rng.random() < 0.7:
        opening, subj, pred, close, tail = IT_OPEN, IT_SUBJ, IT_PRED, IT_CLOSE, "pratica"
        joiner = rng.choice([" e poi ", ", ma ", ". Inoltre ", ", anche se "])
    else:
        opening, subj, pred, close, tail = EN_OPEN, EN_SUBJ, EN_PRED, EN_CLOSE, "ticket"
        joiner = rng.choice([" and ", ", but ", ". Also ", ", although "])
    first = f"{rng.choice(opening)} {rng.choice(subj)} {rng.choice(pred)}"
    second = f"{rng.choice(subj)} {rng.choice(pred)}"
    extra = f" ({tail} {serial})" if rng.random() < 0.5 else f" #{tail}{serial}"
    return f"{first}{joiner}{second}{extra}. {rng.choice(close)}".strip()


def build(path: Path, items: int, reposts: float, seed: int = 4) -> list[str]:
    """Create the database; return the item texts in order (for the baseline)."""
    rng = random.Random(seed)
    org = load_org(DATA_DIR / "org.yaml")
    db.init(path)
    db.write(path, lambda conn: store.sync_org(conn, org))
    start = datetime(2026, 1, 1)
    texts: list[str] = []
    batch: list[dict] = []
    for i in range(items):
        if texts and rng.random() < reposts:
            text = texts[max(0, len(texts) - rng.randint(1, 5000))]  # reposts follow originals
        else:
            text = synthetic_text(rng, i)
        texts.append(text)
        staff = rng.random() < 0.1
        batch.append(
            {
                "platform": "x",
                "native_id": str(i),
                "author_handle": rng.choice(STAFF) if staff else f"user{rng.randint(1, 200_000)}",
                "text": text,
                "created_at": start + timedelta(seconds=30 * i),
                "reach": rng.randint(0, 100_000),
                "likes": rng.randint(0, 50),
                "in_reply_to": str(rng.randint(0, i - 1)) if staff and i else None,
            }
        )
        if len(batch) == 100_000:
            _insert(path, batch)
            batch = []
    if batch:
        _insert(path, batch)
    return texts


def _insert(path: Path, batch: list[dict]) -> None:
    table = store.items_table(batch)
    db.write(path, lambda conn: store.insert_items(conn, table, "bench"))


def baseline_rate(texts: list[str]) -> tuple[float, float]:
    """(texts per wall second, CPU µs per text) of one process calling VADER row by row."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    started, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        analyzer.polarity_scores(text)
    wall = time.perf_counter() - started
    return len(texts) / wall, (time.process_time() - cpu) / len(texts) * 1e6


def stage_costs(texts: list[str]) -> dict[str, float]:
    """CPU µs per distinct text of each stage a worker runs (load-independent, unlike wall time)."""
    from monitoring.scoring.language import detect_language
    from monitoring.scoring.policy import PolicyEngine
    from monitoring.scoring.sentiment import Sentiment, score

    engine = PolicyEngine(load_policy(DATA_DIR / "policy.yaml"), load_org(DATA_DIR / "org.yaml"))
    score("warm up", "en"), score("scaldiamo il motore", "it"), detect_language("warm up the model")
    costs = {}
    cpu = time.process_time()
    langs = [detect_language(t) for t in texts]
    costs["language detection"] = time.process_time() - cpu
    cpu = time.process_time()
    compounds = [score(t, lang) for t, lang in zip(texts, langs, strict=True)]
    costs["sentiment (it/en)"] = time.process_time() - cpu
    facts = [Sentiment(lang, c) for lang, c in zip(langs, compounds, strict=True)]
    cpu = time.process_time()
    for text in texts:
        engine.topic_ids(text)  # what a mention gets
    costs["topics (mentions)"] = time.process_time() - cpu
    cpu = time.process_time()
    for text, sentiment in zip(texts, facts, strict=True):
        engine.analyze_text(text, sentiment, with_rules=True)
    costs["topics + text rules (staff)"] = time.process_time() - cpu
    return {name: value / len(texts) * 1e6 for name, value in costs.items()}


def speed(args: argparse.Namespace) -> None:
    from monitoring.scoring_pipeline import score_pending

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        texts = build(path, args.items, args.reposts)
        distinct = len(set(texts))
        print(f"built {args.items:,} items ({distinct:,} distinct texts, "
              f"{1 - distinct / args.items:.0%} repeats) in {time.perf_counter() - t0:.1f}s")  # fmt: skip
        sample = texts[: args.baseline]
        base, base_cpu = baseline_rate(sample)
        print(f"baseline: single-process row-by-row VADER: {base:,.0f} texts/s "
              f"({base_cpu:.0f} CPU µs/text, on the first {len(sample):,} items)")  # fmt: skip
        stages = stage_costs(list(dict.fromkeys(sample))[:5000])
        print("worker stages, CPU µs per distinct text: "
              + ", ".join(f"{name} {us:.0f}" for name, us in stages.items()))  # fmt: skip
        del texts, sample
        policy = load_policy(DATA_DIR / "policy.yaml")
        org = load_org(DATA_DIR / "org.yaml")
        cpu_before, main_before = _cpu_seconds(), _cpu_seconds(children=False)
        result = score_pending(path, policy, org, workers=args.workers, progress=True)
        cpu_per_item = (_cpu_seconds() - cpu_before) / result.scored * 1e6
        main_per_item = (_cpu_seconds(children=False) - main_before) / result.scored * 1e6
        rate = result.scored / result.seconds
        print(f"score: {result.scored:,} items ({result.distinct_texts:,} distinct texts) in "
              f"{result.seconds:.1f}s with {args.workers} workers: {rate:,.0f} items/s "
              f"({result.hits:,} hits, {result.flagged:,} flagged); "
              f"{cpu_per_item:.0f} CPU µs/item over all processes (main process "
              f"{main_per_item:.0f}, workers {cpu_per_item - main_per_item:.0f})")  # fmt: skip
        print(f"ratio: {rate / base:.2f}x the baseline (target >= 1.8x); machine load "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip


def _cpu_seconds(children: bool = True) -> float:
    """CPU time of this process (all its threads, DuckDB's included) plus, with ``children``,
    its finished children: the scoring pool's fork server, stopped and waited for at the end of
    the run, brings the workers it forked and reaped. A fork server still running (a Python
    without ``ForkServer._stop``) is counted with psutil."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    if children:
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        total += kids.ru_utime + kids.ru_stime
        server = multiprocessing.forkserver._forkserver._forkserver_pid
        if server is not None:
            times = psutil.Process(server).cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
    return total


def cases(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from test_check_cli import CASE_FILES, held_out_rates

    for path in CASE_FILES:
        caught, clean, misses = held_out_rates(path)
        print(f"{path.name}: violations caught {caught:.1%}, ordinary posts left unflagged "
              f"{clean:.1%} (targets >= 90%)")  # fmt: skip
        for miss in misses:
            print(f"  miss: {miss}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("speed", help="score rate against single-process VADER")
    p.add_argument("--items", type=int, default=1_000_000)
    p.add_argument("--reposts", type=float, default=0.3)
    p.add_argument("--baseline", type=int, default=50_000, help="items timed for the baseline")
    p.add_argument("--workers", type=int, default=2)
    p.set_defaults(run=speed)
    c = sub.add_parser("cases", help="held-out policy cases through `check`")
    c.set_defaults(run=cases)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
