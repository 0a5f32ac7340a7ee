"""Normalization of connector records: text, timestamps, checks that reject."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from monitoring.ingest.normalize import RecordError, finish, html_to_text, to_utc


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>Ciao &amp; grazie</p><p>Seconda riga</p>", "Ciao & grazie\n\nSeconda riga"),
        ("riga uno<br>riga due", "riga uno\nriga due"),
        ('<a href="x"><span class="invisible">https://</span>lumina.it</a>', "https://lumina.it"),
        ("<script>alert(1)</script>visibile", "visibile"),
        ("solo &lt;testo&gt;", "solo <testo>"),
        (None, ""),
    ],
)
def test_html_to_text(markup, text):
    assert html_to_text(markup) == text


@pytest.mark.parametrize(
    ("value", "utc"),
    [
        ("2026-11-20T10:00:00+01:00", datetime(2026, 11, 20, 9, 0)),
        ("2026-11-20T09:00:00.123Z", datetime(2026, 11, 20, 9, 0, 0, 123000)),
        (1795690000, datetime(2026, 11, 26, 10, 46, 40)),
        (1795690000000, datetime(2026, 11, 26, 10, 46, 40)),
        (time.struct_time((2026, 11, 20, 9, 0, 0, 4, 324, 0)), datetime(2026, 11, 20, 9, 0)),
    ],
)
def test_to_utc(value, utc):
    assert to_utc(value) == utc


def _record(**changes):
    base = {
        "platform": "x",
        "native_id": "1",
        "text": "ok",
        "created_at": "2026-11-20T09:00:00Z",
        "author_handle": " @Giulia_Lumina ",
    }
    return {**base, **changes}


def test_finish_normalizes_handles_and_ids():
    done = finish(_record(native_id=42, likes="7"))
    assert (done["native_id"], done["author_handle"], done["likes"]) == ("42", "giulia_lumina", 7)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"created_at": "2999-01-01T00:00:00Z"}, "absurd timestamp 2999-01-01T00:00:00"),
        ({"created_at": 0}, "absurd timestamp 1970-01-01T00:00:00"),
        ({"created_at": "ieri"}, "unparsable timestamp 'ieri'"),
        ({"created_at": None}, "missing timestamp"),
        ({"native_id": ""}, "missing id"),
        ({"text": None}, "missing text"),
        ({"text": "a" * 100_001}, "oversized text (100001 characters > 100000)"),
        ({"text": "bad \udc80"}, "text: invalid UTF-8 (unpaired surrogate)"),
        ({"likes": "tanti"}, "likes: expected a number, got 'tanti'"),
        ({"text": {"nested": 1}}, "text: expected text, got dict"),
    ],
)
def test_finish_rejects_with_a_reason(changes, reason):
    with pytest.raises(RecordError) as error:
        finish(_record(**changes))
    assert str(error.value) == reason
