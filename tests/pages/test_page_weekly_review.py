import pytest

from monitoring import db

pytestmark = pytest.mark.slow


def _reviews(path):
    return db.read(
        path,
        lambda c: c.execute(
            "SELECT native_id, decision, note, reviewer FROM reviews ORDER BY review_id"
        ).fetchall(),
    )


def test_queue_progress_and_a_stored_decision(open_page, app_env):
    at = open_page("weekly_review")
    assert at.selectbox(key="sentinella_review_week").value == app_env.week  # last full week
    assert at.get("progress")[0].proto.text == "1 of 3 reviewed"
    # The riskiest pending post is selected, its evidence marked in plain text.
    assert at.selectbox(key="sentinella_review_item").value == app_env.ids["s4"]
    assert at.code[0].value == "Il [[fatturato Q3 +12%]] è [[riservato]], non ditelo"

    at.text_area(key="sentinella_review_note").input("Leak di dati non pubblici")
    at.button(key="decide_confirmed").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Decision stored: confirmed."]
    assert _reviews(app_env.path)[-1] == ("s4", "confirmed", "Leak di dati non pubblici",
                                          "local-admin")  # fmt: skip
    assert at.get("progress")[0].proto.text == "2 of 3 reviewed"
    # Moved on to the next pending post, with an empty note.
    assert at.selectbox(key="sentinella_review_item").value == app_env.ids["s3"]
    assert at.text_area(key="sentinella_review_note").value == ""

    at.button(key="decide_escalated").click().run()
    assert _reviews(app_env.path)[-1][:2] == ("s3", "escalated")
    assert at.get("progress")[0].proto.text == "3 of 3 reviewed"


def test_a_week_without_flags(open_page, app_env):
    at = open_page("weekly_review")
    weeks = at.selectbox(key="sentinella_review_week").options
    assert app_env.week in weeks
    db.write(app_env.path, lambda c: c.execute("DELETE FROM flags"))
    at.run()
    assert [i.value for i in at.info] == [f"No flagged post in week {app_env.week}."]


def test_the_weekly_report_download_renders(app_env):
    """The page's report buttons call this on click (AppTest cannot read downloads back)."""
    from monitoring import cache
    from monitoring.org import load_org
    from monitoring.settings import DATA_DIR

    html = cache.weekly_report_html(
        str(app_env.path), app_env.week, None, load_org(DATA_DIR / "org.yaml"), "en"
    )
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "fatturato Q3 +12%" in html  # the week's flagged leak is in it
