"""AppTest helpers: run app.py against the known dataset and open one page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(autouse=True)
def _navigation_like_the_server(monkeypatch):
    """Run app.py (st.navigation) on every AppTest run, as the server does.

    AppTest resets ``PagesManager.uses_pages_directory`` before each run, and because a pages/
    folder exists it then runs the legacy multipage mode: after ``switch_page`` it executes the
    page file alone, skipping app.py (sidebar, filters, banner). A real session does so at
    most for its very first run: app.py's ``st.navigation`` sets the flag to False for good.
    """
    from streamlit.runtime import pages_manager
    from streamlit.runtime.scriptrunner import script_runner

    class NavigationPages(pages_manager.PagesManager):
        uses_pages_directory = False

    monkeypatch.setattr(script_runner, "PagesManager", NavigationPages)


@pytest.fixture
def open_page(app_env):
    """``open_page("overview")`` -> an AppTest that ran app.py and then switched to the page."""

    def run(page: str, timeout: float = 60) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=timeout)
        at.run()
        assert not at.exception, at.exception
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, at.exception
        return at

    return run


def frame_with(at: AppTest, *columns: str, exact: bool = False):
    """The first dataframe shown on the page that has these columns (only these: exact)."""
    for element in at.dataframe:
        shown = set(element.value.columns)
        if set(columns) == shown if exact else set(columns) <= shown:
            return element.value
    raise AssertionError(f"no dataframe with columns {columns}")


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}
