import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from monitoring import i18n
from monitoring.i18n_messages import MESSAGES

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))] + [
    ROOT / "monitoring" / name for name in ("charts.py", "present.py", "i18n.py", "health.py")
]
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")


def test_every_literal_key_exists_in_both_languages():
    used = {key for path in SOURCES for key in LITERAL_KEY.findall(path.read_text())}
    assert len(used) > 100
    missing = sorted(k for k in used if k not in MESSAGES)
    assert not missing
    for key, entry in MESSAGES.items():
        assert entry.get("it") and entry.get("en"), key


@pytest.mark.parametrize(
    "prefix,values",
    [
        ("sentiment", ["negative", "neutral", "positive", "unscored"]),
        ("governance", ["centralized", "decentralized"]),
        ("status", ["green", "amber", "red"]),
        ("decision", ["confirmed", "dismissed", "escalated"]),
        ("review.action", ["confirmed", "dismissed", "escalated"]),
        ("severity", ["low", "medium", "high"]),
        ("mentions.answered", ["all", "answered", "unanswered"]),
    ],
)
def test_built_keys_exist(prefix, values):
    for value in values:
        assert f"{prefix}.{value}" in MESSAGES


def test_placeholders_match_between_languages():
    field = re.compile(r"{(\w+)}")
    for key, entry in MESSAGES.items():
        assert set(field.findall(entry["it"])) == set(field.findall(entry["en"])), key


def test_language_precedence(monkeypatch):
    monkeypatch.delenv("SENTINELLA_LANG", raising=False)
    assert i18n.resolve_language(None, "it") == "it"
    assert i18n.resolve_language("en", "it") == "en"
    monkeypatch.setenv("SENTINELLA_LANG", "it")
    assert i18n.resolve_language("en", "en") == "it"
    monkeypatch.setenv("SENTINELLA_LANG", "xx")
    assert i18n.resolve_language(None, "en") == "en"


def test_translation_and_formats_follow_the_language():
    i18n.use_language("it")
    assert i18n.t("page.weekly_review") == "Revisione settimanale"
    assert i18n.t("review.progress", reviewed=12, total=40) == "12 di 40 revisionati"
    assert i18n.fmt_int(1234567) == "1.234.567"
    assert i18n.fmt_percent(0.1234, 1) == "12,3%"
    assert i18n.fmt_number(3.14159, 2) == "3,14"
    assert i18n.fmt_date(date(2026, 3, 5)) == "5 mar 2026"
    assert i18n.plotly_separators() == ",."
    i18n.use_language("en")
    assert i18n.t("review.progress", reviewed=12, total=40) == "12 of 40 reviewed"
    assert i18n.fmt_int(1234567) == "1,234,567"
    assert i18n.fmt_percent(0.1234, 1) == "12.3%"
    assert i18n.fmt_minutes(45) == "45 min"
    assert i18n.fmt_minutes(185) == "3h 05m"
    assert i18n.fmt_minutes(3000) == "2d 2h"
    assert i18n.fmt_minutes(None) == "–"
    with pytest.raises(ValueError):
        i18n.use_language("fr")


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT])
def test_missing_figures_show_a_dash(missing):
    # A post without reach (e.g. an RSS item) must not break the page that shows it.
    assert i18n.fmt_int(missing) == "–"
    assert i18n.fmt_number(missing) == "–"
    assert i18n.fmt_percent(missing) == "–"
    assert i18n.fmt_minutes(missing) == "–"
