"""Sign-in and roles, enforced on the server: pages, actions, names and the network guard."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from monitoring import access, db
from monitoring import state_keys as K
from monitoring.auth import Role, User, add_user
from tests.pages.conftest import APP, frame_with

PAGES_DIR = Path(APP).parent / "pages"

pytestmark = pytest.mark.slow

PASSWORD = "lungo-e-segreto-42"


@pytest.fixture
def accounts(app_env, monkeypatch, tmp_path):
    path = tmp_path / "users.yaml"
    for name, role in (("vera", Role.VIEWER), ("mario", Role.MANAGER), ("ada", Role.ADMIN)):
        add_user(path, name, role, PASSWORD)
    monkeypatch.setenv("SENTINELLA_USERS", str(path))
    return app_env


def _as(role: Role) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[K.USER] = User(name=f"test-{role.value}", role=role)
    at.run()
    assert not at.exception, at.exception
    return at


def _audit_actions(path) -> list[tuple]:
    return db.read(
        path,
        lambda c: c.execute("SELECT actor, action FROM audit_log ORDER BY audit_id").fetchall(),
    )


def test_single_user_local_mode_is_the_local_admin(app_env):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("Single-user local mode" in c.value for c in at.sidebar.caption)
    at.switch_page("pages/audit.py").run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Audit"


def test_single_user_mode_refuses_to_serve_the_network(app_env, monkeypatch):
    monkeypatch.setattr(access, "listening_on_loopback", lambda: False)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert "no sign-in configured" in at.error[0].value
    assert not at.dataframe and not at.metric  # nothing read


def test_accounts_require_sign_in_before_any_data(accounts):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert not at.dataframe and not at.metric
    at.text_input[0].input("vera")
    at.text_input[1].input("wrong password!")
    at.button[0].click().run()
    assert at.error[0].value == "Wrong user name or password."
    assert not at.metric

    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.metric  # the Overview's figures
    assert any("Signed in as vera (viewer)" in c.value for c in at.sidebar.caption)
    assert _audit_actions(accounts.path)[-2:] == [("vera", "sign_in.failed"), ("vera", "sign_in")]


@pytest.mark.parametrize(
    ("role", "denied"),
    [
        (Role.VIEWER, ["weekly_review", "audit"]),
        (Role.ANALYST, ["weekly_review", "audit"]),
        (Role.MANAGER, ["audit"]),
    ],
)
def test_a_direct_request_for_a_page_the_role_lacks_is_refused(accounts, role, denied):
    for page in denied:
        at = _as(role)
        # Not routable: the navigation registers only the pages the role may open...
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"pages/{page}.py")
        # ...and the page script checks the role itself before reading anything.
        direct = AppTest.from_file(str(PAGES_DIR / f"{page}.py"), default_timeout=60)
        direct.session_state[K.USER] = User(name="intruder", role=role)
        direct.run()
        assert "may not open this page" in direct.exception[0].message
        assert not direct.dataframe and not direct.button


def test_a_viewer_cannot_record_a_decision(accounts):
    at = AppTest.from_file(str(PAGES_DIR / "weekly_review.py"), default_timeout=60)
    at.session_state[K.USER] = User(name="vera", role=Role.VIEWER)
    at.run()
    assert at.exception and not at.button
    reviews = db.read(accounts.path, lambda c: c.execute("SELECT count(*) FROM reviews").fetchall())
    assert reviews == [(1,)]  # only the dataset's own decision


def test_a_manager_records_decisions_under_their_name(accounts):
    at = _as(Role.MANAGER)
    at.switch_page("pages/weekly_review.py").run()
    at.button(key="decide_dismissed").click().run()
    assert not at.exception
    last = db.read(
        accounts.path,
        lambda c: c.execute(
            "SELECT reviewer, decision FROM reviews ORDER BY review_id DESC LIMIT 1"
        ).fetchall(),
    )
    assert last == [("test-manager", "dismissed")]


def test_viewers_see_pseudonyms_managers_see_names(accounts):
    def members_table(role, identity):
        at = _as(role)
        at.switch_page("pages/teams.py").run()
        assert not at.exception
        return frame_with(at, identity, "answers", "mean_risk")

    viewer = members_table(Role.VIEWER, "member")
    manager = members_table(Role.MANAGER, "role")
    assert "name" not in viewer.columns and "role" not in viewer.columns
    assert viewer["member"].str.match(r"^Membro [0-9A-F]{4}$").all()
    assert "Giulia Rossi" in set(manager["name"])
    assert len(set(viewer["member"])) == len(manager)  # one distinct label per person


def test_only_analysts_and_admins_get_csv_downloads(accounts):
    def downloads(role):
        at = _as(role)
        at.switch_page("pages/channels.py").run()
        return len(at.get("download_button"))

    assert downloads(Role.VIEWER) == 0
    assert downloads(Role.MANAGER) == 0
    assert downloads(Role.ANALYST) > 0
    assert downloads(Role.ADMIN) > 0
