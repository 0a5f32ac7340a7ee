"""Shared fixtures: a small known dataset in a real DuckDB file, and clean Streamlit caches.

The dataset (``known_db``) goes through the real store (``insert_items``: staff classification
from org.yaml handles, reply linking, responses) and adds scores, hits, flags and one review by
direct INSERTs, so page and query tests can compare what they show with plain SQL.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from monitoring import db, store
from monitoring.org import load_org
from monitoring.settings import DATA_DIR

POLICY_VERSION = "test-1"


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    """Streamlit caches are process-wide: clear them around every test."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@dataclass(frozen=True)
class KnownData:
    path: Path
    anchor: datetime  # Wednesday 10:00 UTC of the last complete ISO week
    week: str  # that ISO week, 'YYYY-Www'
    ids: dict[str, int]  # native_id -> item_id


def last_complete_week_wednesday(today: date | None = None) -> datetime:
    today = today or datetime.now().date()
    monday = today - timedelta(days=today.isoweekday() - 1) - timedelta(days=7)
    return datetime.combine(monday + timedelta(days=2), datetime.min.time()) + timedelta(hours=10)


def _item(platform, native_id, author, text, at, reach=100, reply_to=None, channel=None):
    return {
        "platform": platform,
        "native_id": native_id,
        "url": f"https://{platform}.example/{native_id}",
        "author_handle": author,
        "author_name": author,
        "text": text,
        "created_at": at,
        "reach": reach,
        "likes": 1,
        "shares": 0,
        "replies": 0,
        "in_reply_to": reply_to,
        "channel_id": channel,
    }


# native_id -> (lang, compound, label, risk, flagged, topics)
SCORES = {
    "m1": ("it", -0.62, "negative", 10, False, ["billing"]),
    "m2": ("it", -0.71, "negative", 12, False, ["outages"]),
    "m3": ("it", 0.80, "positive", 2, False, []),
    "m4": ("it", 0.00, "neutral", 5, False, ["offers"]),
    "m5": ("en", -0.30, "negative", 20, False, []),
    "m6": ("en", -0.55, "negative", 8, False, ["outages"]),
    "m7": ("de", None, None, 0, False, []),
    "s1": ("it", 0.40, "positive", 5, False, ["billing"]),
    "s2": ("it", 0.10, "positive", 6, False, ["outages"]),
    "s3": ("it", 0.50, "positive", 80, True, ["offers"]),
    "s4": ("it", 0.00, "neutral", 95, True, ["corporate"]),
    "s5": ("it", -0.60, "negative", 60, True, ["billing"]),
    "s6": ("it", 0.30, "positive", 1, False, []),
}
# native_id -> [(rule_id, category, severity, weight, evidence)]
HITS = {
    "s3": [("disclosure.missing", "disclosure", "high", 3.0, "SCONTO20")],
    "s4": [
        ("confidential.figures", "confidential", "high", 4.0, "fatturato Q3 +12%"),
        ("confidential.marker", "confidential", "medium", 2.0, "riservato"),
    ],
    "s5": [("tone.blame", "tone", "medium", 2.0, "è colpa sua")],
}


def build_known_db(path: Path, anchor: datetime | None = None) -> KnownData:
    anchor = anchor or last_complete_week_wednesday()
    a = anchor
    org = load_org(DATA_DIR / "org.yaml")
    records = [
        _item("x", "m1", "cliente_arrabbiato", "La bolletta è sbagliata, vergogna!", a, 5000),
        _item(
            "x",
            "m2",
            "milanese",
            "Blackout a Milano da ore, Lumina dove siete?",
            a + timedelta(hours=1),
            20000,
        ),
        _item("x", "m3", "fan_lumina", "Grazie Lumina, servizio top", a + timedelta(hours=2), 100),
        _item("x", "m4", "curioso", "Voltaris costa meno di Lumina?", a + timedelta(hours=3), 800),
        _item(
            "instagram",
            "m5",
            "troll",
            '=HYPERLINK("http://evil.example","click")',
            a + timedelta(hours=4),
            50000,
        ),
        _item(
            "x",
            "m6",
            "english_user",
            "Terrible service, still no power",
            a - timedelta(days=7),
            300,
        ),
        _item("x", "m7", "tedesco", "Schlechter Service", a + timedelta(hours=5), 10),
        _item(
            "x",
            "s1",
            "giulia_lumina",
            "Ci scusiamo, correggiamo subito la bolletta",
            a + timedelta(minutes=30),
            1000,
            reply_to="m1",
        ),
        _item(
            "x",
            "s2",
            "roberto_guasti",
            "Squadre al lavoro a Milano",
            a + timedelta(hours=1, minutes=300),
            1000,
            reply_to="m2",
        ),
        _item(
            "instagram",
            "s3",
            "fra.greco.mkt",
            "Usa il codice SCONTO20 per la nuova offerta!",
            a + timedelta(hours=6),
            9000,
        ),
        _item(
            "x",
            "s4",
            "giulia_lumina",
            "Il fatturato Q3 +12% è riservato, non ditelo",
            a + timedelta(hours=7),
            1000,
        ),
        _item(
            "x",
            "s5",
            "roberto_guasti",
            "Ma è colpa sua se non legge le bollette",
            a + timedelta(hours=8),
            1000,
        ),
        _item("x", "s6", "marco_lumina", "Buongiorno a tutti!", a + timedelta(hours=9), 1000),
    ]
    db.init(path)

    def load(conn):
        store.sync_org(conn, org)
        store.insert_items(conn, store.items_table(records), "test")

    db.write(path, load)
    year, week_no, _ = anchor.date().isocalendar()
    week = f"{year}-W{week_no:02d}"

    def annotate(conn):
        ids = dict(conn.execute("SELECT native_id, item_id FROM items").fetchall())
        for native, (lang, compound, label, risk, flagged, topics) in SCORES.items():
            conn.execute(
                "INSERT INTO scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP)",
                [
                    ids[native],
                    POLICY_VERSION,
                    lang,
                    compound,
                    label,
                    topics,
                    risk,
                    flagged,
                    json.dumps({"risk": risk}),
                ],
            )
        for native, hits in HITS.items():
            for rule, category, severity, weight, evidence in hits:
                conn.execute(
                    "INSERT INTO hits VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [ids[native], POLICY_VERSION, rule, category, severity, weight, evidence],
                )
            platform = "instagram" if native == "s3" else "x"
            conn.execute(
                "INSERT INTO flags VALUES (?, ?, ?, ?, ?, ?, TRUE, now()::TIMESTAMP)",
                [ids[native], platform, native, week, SCORES[native][3], POLICY_VERSION],
            )
        # One decision already taken: s5 dismissed as a false positive.
        conn.execute(
            "INSERT INTO reviews VALUES (nextval('review_ids'), ?, 'x', 's5', ?, 'dismissed', "
            "'ironia, non ostile', 'manager.test', now()::TIMESTAMP)",
            [ids["s5"], week],
        )
        return ids

    ids = db.write(path, annotate)
    return KnownData(path=path, anchor=anchor, week=week, ids=ids)


@pytest.fixture(scope="session")
def _known_template(tmp_path_factory) -> KnownData:
    return build_known_db(tmp_path_factory.mktemp("known") / "known.duckdb")


@pytest.fixture
def known_db(_known_template: KnownData, tmp_path: Path) -> KnownData:
    """The small known dataset in a fresh database file (a copy of one built per session)."""
    path = tmp_path / "known.duckdb"
    shutil.copyfile(_known_template.path, path)
    wal = _known_template.path.with_name(_known_template.path.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, path.with_name(path.name + ".wal"))
    return replace(_known_template, path=path)


@pytest.fixture
def app_env(known_db: KnownData, monkeypatch: pytest.MonkeyPatch) -> KnownData:
    """Point the dashboard at the known dataset, in English."""
    monkeypatch.setenv("SENTINELLA_DB", str(known_db.path))
    monkeypatch.setenv("SENTINELLA_LANG", "en")
    # No accounts: the single-user local mode, whatever a developer keeps in data/users.yaml.
    monkeypatch.setenv("SENTINELLA_USERS", str(known_db.path.parent / "no-users.yaml"))
    return known_db
