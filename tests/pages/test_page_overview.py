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
