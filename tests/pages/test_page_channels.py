import pytest

from monitoring import db
from tests.pages.conftest import frame_with

pytestmark = pytest.mark.slow


def test_channel_table_equals_sql_and_gaps(open_page, app_env):
    at = open_page("channels")
    table = frame_with(at, "channel", "mentions", "answered", "staff_posts").set_index("channel")
    expected = db.read(
        app_env.path,
        lambda c: c.execute(
            """
            SELECT c.name, count(i.item_id) FILTER (WHERE i.kind = 'mention'),
                   count(i.item_id) FILTER (WHERE i.kind = 'staff')
            FROM channels c LEFT JOIN items i USING (channel_id) GROUP BY c.name
            """
        ).fetchall(),
    )
    for name, mentions, staff in expected:
        assert table.loc[name, "mentions"] == mentions
        assert table.loc[name, "staff_posts"] == staff
    assert [w.value for w in at.warning] == ["1 channels with mentions that no team answers."]
    gaps = frame_with(at, "channel", "platform", "mentions", "negative", exact=True)
    assert gaps["platform"].tolist() == ["instagram"]
