import pytest

from monitoring import db
from tests.pages.conftest import frame_with

pytestmark = pytest.mark.slow


def test_team_table_equals_sql(open_page, app_env):
    at = open_page("teams")
    table = frame_with(at, "name", "staff_posts", "median_minutes").set_index("name")
    expected = db.read(
        app_env.path,
        lambda c: c.execute(
            """
            SELECT t.name, count(i.item_id) AS posts,
                   count(f.item_id) FILTER (WHERE f.active) AS flagged
            FROM teams t LEFT JOIN items i ON i.team_id = t.team_id AND i.kind = 'staff'
            LEFT JOIN flags f ON f.item_id = i.item_id GROUP BY t.name
            """
        ).fetchall(),
    )
    for name, posts, flagged in expected:
        assert table.loc[name, "staff_posts"] == posts
        assert table.loc[name, "flagged"] == flagged
    medians = dict(
        db.read(
            app_env.path,
            lambda c: c.execute(
                "SELECT t.name, median(r.minutes) FROM responses r "
                "JOIN teams t USING (team_id) GROUP BY t.name"
            ).fetchall(),
        )
    )
    assert (
        table.loc["Pronto intervento guasti", "median_minutes"]
        == medians["Pronto intervento guasti"]
    )
    assert table.loc["Pronto intervento guasti", "status"] == "off target"
    assert len(at.get("plotly_chart")) == 2  # speed vs risk, volume


def test_team_drilldown(open_page):
    at = open_page("teams")
    at.selectbox(key="sentinella_team_drill").set_value("marketing").run()
    assert not at.exception
    flagged = frame_with(at, "iso_week", "risk", "text")
    assert flagged["text"].tolist() == ["Usa il codice SCONTO20 per la nuova offerta!"]
    members = frame_with(at, "role", "staff_posts", "answers")
    assert members.set_index("name").loc["Francesca Greco", "staff_posts"] == 1
