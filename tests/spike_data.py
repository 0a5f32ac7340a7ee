"""Known datasets for the crisis, alerts and report tests: items through the real store,
scores/flags/reviews by direct INSERTs (the scoring engine is not needed to judge these rules)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from monitoring import db, store
from monitoring.org import load_org
from monitoring.settings import DATA_DIR

ORG = load_org(DATA_DIR / "org.yaml")


def make_db(tmp_path: Path) -> Path:
    """A migrated database with the demo organization loaded."""
    path = tmp_path / "sentinella.duckdb"
    db.init(path)
    db.write(path, lambda conn: store.sync_org(conn, ORG))
    return path


def add_items(path: Path, records: list[dict], policy_version: str = "test-1") -> None:
    """Insert items and one score row each (record keys: item columns + label/compound/risk)."""

    scored = pd.DataFrame(
        [
            {
                "platform": r["platform"],
                "native_id": r["native_id"],
                "compound": r.get("compound", _compound(r.get("label"))),
                "label": r.get("label"),
                "risk": float(r.get("risk", 0.0)),
                "flagged": bool(r.get("flagged", False)),
            }
            for r in records
            if "label" in r
        ],
        columns=["platform", "native_id", "compound", "label", "risk", "flagged"],
    )

    def work(conn):
        store.insert_items(conn, store.items_table(records), "test")
        conn.register("_scored", scored)
        conn.execute(
            """
            INSERT INTO scores
            SELECT i.item_id, ?, 'it', s.compound, s.label, [], s.risk, s.flagged, NULL,
                   now()::TIMESTAMP
            FROM _scored s JOIN items i ON i.platform = s.platform AND i.native_id = s.native_id
            """,
            [policy_version],
        )
        conn.unregister("_scored")

    db.write(path, work)


def _compound(label: str | None) -> float | None:
    return {"negative": -0.6, "neutral": 0.0, "positive": 0.6}.get(label or "")


def mention(n: int, at: datetime, label: str = "negative", **extra) -> dict:
    record = {
        "platform": "x",
        "native_id": f"m{n}",
        "author_handle": f"user{n % 97}",
        "text": f"Mention {n}: bolletta sbagliata",
        "created_at": at,
        "reach": 100,
        "label": label,
    }
    record.update(extra)
    return record


def hourly_background(
    start: datetime, days: int, negatives_per_hour: float, seed: int = 1, first_id: int = 0
) -> list[dict]:
    """Poisson-like negative mentions plus a steady stream of neutral ones, every hour."""
    rng = random.Random(seed)
    records, n = [], first_id
    for hour in range(days * 24):
        at = start + timedelta(hours=hour)
        count = _poisson(rng, negatives_per_hour)
        for j in range(count):
            records.append(mention(n, at + timedelta(minutes=j % 60)))
            n += 1
        records.append(mention(n, at + timedelta(minutes=30), label="neutral"))
        n += 1
    return records


def burst(start: datetime, hours: int, per_hour: int, first_id: int) -> list[dict]:
    """An injected crisis: ``per_hour`` extra negative mentions for ``hours`` hours."""
    return [
        mention(first_id + h * per_hour + j, start + timedelta(hours=h, minutes=j % 60))
        for h in range(hours)
        for j in range(per_hour)
    ]


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method: small lambdas only, deterministic for a seed.
    limit, k, p = pow(2.718281828459045, -lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
