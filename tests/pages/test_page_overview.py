import pytest

from monitoring import db, i18n
from tests.pages.conftest import frame_with, metrics

pytestmark = pytest.mark.slow


def _sql(path, sql):
    return db.read(path, lambda c: c.execute(sql).fetchall()[0])


def test_overview_figures_equal_sql(open_page, app_env):
    at = open_page("overview")
    i18n.use_language("en")
    mentions, negative, answered = _sql(
        app_env.path,
        """
        SELECT count(*), count(*) FILTER (WHERE s.label = 'negative'), count(r.mention_id)
        FROM items i LEFT JOIN scores s USING (item_id)
        LEFT JOIN responses r ON r.mention_id = i.item_id WHERE i.kind = 'mention'
        """,
    )
    (median,) = _sql(app_env.path, "SELECT median(minutes) FROM responses")
    (flagged,) = _sql(app_env.path, "SELECT count(*) FROM flags WHERE active")
    shown = metrics(at)
    assert shown["Mentions"] == i18n.fmt_int(mentions) == "7"
    assert shown["Negative share"] == i18n.fmt_percent(negative / mentions, 1)
    assert shown["Mentions answered"] == i18n.fmt_percent(answered / mentions, 1)
    assert shown["Median response time"] == i18n.fmt_minutes(median)
    assert shown["Flagged posts"] == i18n.fmt_int(flagged)
    # Brand health by hand: sentiment (1 + (1-4)/6)/2, care 2/4, timeliness 1/2, compliance 0.
    expected = 100 * (0.40 * 0.25 + 0.25 * 0.5 + 0.20 * 0.5 + 0.15 * 0.0)
    assert shown["Brand health"] == i18n.fmt_number(expected, 0)


def test_overview_lists_unanswered_negatives_as_text(open_page, app_env):
    at = open_page("overview")
    table = frame_with(at, "text", "reach", "url")
    assert list(table["author"]) == ["troll", "english_user"]
    # The formula-looking text is shown as plain text, untouched.
    assert table["text"].iloc[0].startswith("=HYPERLINK(")
    assert not at.markdown or all("HYPERLINK" not in m.value for m in at.markdown)
    assert [s.value for s in at.success] == ["No spike of negative mentions in the period."]


def test_demo_banner_and_italian(open_page, app_env, monkeypatch):
    db.write(app_env.path, lambda c: db.set_meta(c, "demo", "true"))
    monkeypatch.setenv("SENTINELLA_LANG", "it")
    at = open_page("overview")
    assert any("Dati dimostrativi / Demo data" in w.value for w in at.warning)
    assert at.title[0].value == "Panoramica"
    assert metrics(at)["Quota negative"] == "57,1%"


def test_sidebar_filters_slice_and_persist_across_pages(open_page, app_env):
    at = open_page("overview")
    at.sidebar.multiselect(key="sentinella_platforms").select("instagram").run()
    assert metrics(at)["Mentions"] == "1"
    at.switch_page("pages/channels.py").run()
    assert at.session_state["sentinella_platforms"] == ["instagram"]
    channels = frame_with(at, "channel", "mentions")
    assert list(channels["platform"]) == ["instagram"]


def test_language_switch_in_the_sidebar(open_page, app_env, monkeypatch):
    monkeypatch.delenv("SENTINELLA_LANG")
    at = open_page("overview")
    assert at.title[0].value == "Panoramica"  # org.yaml: locale it
    at.sidebar.selectbox(key="sentinella_language").set_value("en").run()
    assert at.title[0].value == "Overview"
    assert "Mentions" in metrics(at)
    at.switch_page("pages/weekly_review.py").run()
    assert at.title[0].value == "Weekly review"  # the choice holds across pages


HOLD_LOCK = """
import sys, time, duckdb
conn = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.close()
"""


def _hold_lock(path, seconds):
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_page_waits_for_a_writer_in_another_process(open_page, app_env):
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import APP

    holder = _hold_lock(app_env.path, 1.5)  # a scheduled ingest writing one batch
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
    finally:
        holder.wait(10)
    assert not at.exception
    assert metrics(at)["Mentions"] == "7"


def test_a_long_writer_gives_a_clear_busy_message(open_page, app_env, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from monitoring import app_db
    from tests.pages.conftest import APP

    at = AppTest.from_file(APP, default_timeout=60).run()  # app.py's own read is cached now
    monkeypatch.setattr(app_db, "READ_WAIT_SECONDS", 0.5)
    holder = _hold_lock(app_env.path, 3)
    try:
        import streamlit as st

        st.cache_data.clear()
        at.run()
    finally:
        holder.wait(10)
    assert not at.exception
    assert any("The database is busy" in w.value for w in at.warning)


@pytest.mark.parametrize(
    "page", ["overview", "teams", "channels", "weekly_review", "mentions", "policy"]
)
def test_an_empty_slice_says_so(open_page, app_env, page):
    at = open_page("overview")
    at.sidebar.multiselect(key="sentinella_platforms").select("youtube").run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    if page != "policy":  # the policy page lists its rules even without hits
        assert len(at.info) >= 1
