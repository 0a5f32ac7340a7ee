from datetime import datetime

import pytest

from monitoring import present


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://x.com/a/status/1", True),
        ("http://example.org/p?q=1", True),
        ("HTTPS://EXAMPLE.ORG", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//evil.example/x", False),
        ("ftp://example.org/f", False),
        ("https:///nohost", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_url(url, safe):
    assert (present.safe_url(url) is not None) == safe


def test_highlight_marks_evidence_as_plain_text():
    text = "Il fatturato Q3 +12% è RISERVATO, non ditelo <b>"
    marked = present.highlight(text, ["fatturato Q3 +12%", "riservato", ""])
    assert marked == "Il [[fatturato Q3 +12%]] è [[RISERVATO]], non ditelo <b>"
    assert present.highlight(text, []) == text
    assert present.split_evidence("a; b | c") == ["a", "b", "c"]


def test_local_time_follows_daylight_saving():
    assert present.local(datetime(2026, 1, 15, 10), "Europe/Rome") == datetime(2026, 1, 15, 11)
    assert present.local(datetime(2026, 7, 15, 10), "Europe/Rome") == datetime(2026, 7, 15, 12)
    assert present.local(None, "Europe/Rome") is None


def test_competitor_terms_from_org():
    from monitoring.org import load_org
    from monitoring.settings import DATA_DIR

    terms = dict(present.competitor_terms(load_org(DATA_DIR / "org.yaml")))
    assert "voltaris" in terms["Voltaris"] and "voltaris_it" in terms["Voltaris"]
    assert all(term == term.lower() for names in terms.values() for term in names)


def test_one_palette_sentiment_colours_are_reserved():
    from monitoring.charts import SENTIMENT_COLORS, SERIES_COLORS

    assert set(SENTIMENT_COLORS) == {"negative", "neutral", "positive", "unscored"}
    assert not set(SERIES_COLORS) & set(SENTIMENT_COLORS.values())
