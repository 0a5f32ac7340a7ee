"""An Overview crisis alert links to the mentions behind it."""

from datetime import datetime, timedelta

import pytest

from tests.pages.conftest import APP, frame_with
from tests.spike_data import add_items, burst, hourly_background, make_db

pytestmark = pytest.mark.slow


def test_a_spike_opens_its_negative_mentions(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    now = datetime.now().replace(minute=0, second=0, microsecond=0)
    path = make_db(tmp_path)
    add_items(path, hourly_background(now - timedelta(days=20), 18, 0.3, seed=3))
    add_items(path, burst(now - timedelta(days=3), hours=6, per_hour=15, first_id=100_000))
    monkeypatch.setenv("SENTINELLA_DB", str(path))
    monkeypatch.setenv("SENTINELLA_LANG", "en")

    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    alerts = [e.value for e in at.error if "spike" in e.value]
    assert len(alerts) == 1 and "negative mentions in 24 h" in alerts[0]
    at.button(key="spike_0").click().run()
    assert not at.exception
    assert at.title[0].value == "Mentions"
    assert at.info[0].value.startswith("Only mentions between")
    shown = frame_with(at, "text", "label")
    assert set(shown["label"]) == {"negative"}
    # The episode's window holds the whole burst (90 mentions, ids from 100000) and the few
    # background negatives of the same hours.
    assert shown["text"].str.startswith("Mention 100").sum() >= 40
    found = [c.value for c in at.caption if "mentions · page" in c.value][0]
    assert 90 <= int(found.split()[0].replace(",", "")) < 120
