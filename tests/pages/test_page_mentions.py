import pandas as pd
import pytest

from tests.pages.conftest import frame_with

pytestmark = pytest.mark.slow


def test_search_and_paging(open_page, app_env):
    at = open_page("mentions")
    table = frame_with(at, "text", "author", "answered_by")
    assert len(table) == 7
    assert table["created_at"].is_monotonic_decreasing
    at.text_input(key="mentions_text").input("bolletta").run()
    table = frame_with(at, "text", "author")
    assert table["text"].tolist() == ["La bolletta è sbagliata, vergogna!"]
    assert table["answered_by"].tolist() == ["customer_care"]

    at.text_input(key="mentions_text").input("").run()
    at.radio(key="mentions_answered").set_value("unanswered").run()
    assert len(frame_with(at, "text", "author")) == 5
    at.multiselect(key="sentinella_mention_labels").select("unscored").run()
    assert frame_with(at, "text", "author")["author"].tolist() == ["tedesco"]


def test_links_only_for_http(open_page, app_env):
    from monitoring import db

    db.write(
        app_env.path,
        lambda c: c.execute("UPDATE items SET url = 'javascript:alert(1)' WHERE native_id = 'm3'"),
    )
    at = open_page("mentions")
    table = frame_with(at, "text", "url").set_index("author")
    assert pd.isna(table.loc["fan_lumina", "url"])
    assert table.loc["troll", "url"] == "https://instagram.example/m5"


def test_crisis_window_from_the_overview(open_page, app_env):
    from datetime import timedelta

    at = open_page("mentions")
    # What the Overview's "Show mentions" button stores before switching page.
    at.session_state["sentinella_mention_window"] = (
        app_env.anchor,
        app_env.anchor + timedelta(hours=2),
    )
    at.session_state["sentinella_mention_labels"] = ["negative"]
    at.run()
    assert len(at.info) == 1 and at.info[0].value.startswith("Only mentions between")
    assert frame_with(at, "text", "author")["author"].tolist() == ["milanese", "cliente_arrabbiato"]
    at.button(key="clear_window").click().run()
    assert len(frame_with(at, "text", "author")) == 4  # every negative mention again
