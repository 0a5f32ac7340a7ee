"""Cached reads for the dashboard: the only monitoring module that imports Streamlit.

Each cached function is keyed by the database path, the ``Filters`` and its own arguments, lives
for ``TTL_SECONDS`` and opens a short-lived read-only connection (``monitoring.app_db.read``) —
never a cached connection, so a scheduled ``ingest``/``score`` can write while the dashboard is
up (decision record 0001). The sidebar's refresh button calls ``clear``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from monitoring import app_db, queries
from monitoring.org import OrgConfig, load_org

TTL_SECONDS = 120


def _run(db_path: str, work: Callable[[Any], Any]) -> Any:
    return app_db.read(db_path, work)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=1000)
def query(db_path: str, name: str, *args: Any) -> Any:
    """``queries.<name>(conn, *args)`` on a fresh read-only connection, cached.

    :param name: a function of ``monitoring.queries`` (a code constant at every call site).
    """
    function = getattr(queries, name)
    return _run(db_path, lambda conn: function(conn, *args))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=200)
def many(db_path: str, calls: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
    """Several ``queries`` calls, ``(name, *args)`` each, on ONE short-lived connection.

    A page that needs four aggregates pays one open instead of four.
    """

    def work(conn: Any) -> tuple[Any, ...]:
        return tuple(getattr(queries, name)(conn, *args) for name, *args in calls)

    return _run(db_path, work)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=20)
def app_state(db_path: str, timezone: str) -> queries.AppState | None:
    """app.py's per-run facts in one read; None when the first run must build the demo."""
    if not Path(db_path).exists():
        return None
    return _run(db_path, lambda conn: queries.app_state(conn, timezone))


def _mtime(path: str | Path) -> float:
    try:
        return Path(path).stat().st_mtime
    except FileNotFoundError:
        return 0.0


# Configuration is cached as a resource (kept by the refresh button, re-read when the file's
# modification time changes): parsing and validating org.yaml costs ~0.1 s.
@st.cache_resource(show_spinner=False, max_entries=20)
def _org(path: str, mtime: float) -> OrgConfig:
    return load_org(path)


def org_config(path: str | Path) -> OrgConfig:
    """org.yaml, re-read when the file changes."""
    return _org(str(path), _mtime(path))


@st.cache_resource(show_spinner=False, max_entries=20)
def _policy(path: str, mtime: float) -> Any:
    from monitoring.scoring.policy import load_policy

    return load_policy(path)


def policy_config(path: str | Path) -> Any:
    """policy.yaml (monitoring.scoring.policy.PolicyConfig), re-read when the file changes."""
    return _policy(str(path), _mtime(path))


def clear() -> None:
    """Forget every cached read (the refresh button, and after a review decision)."""
    st.cache_data.clear()


def fresh(db_path: str, name: str, *args: Any) -> Any:
    """``queries.<name>(conn, *args)`` without the cache: for what a person just changed."""
    function = getattr(queries, name)
    return _run(db_path, lambda conn: function(conn, *args))


def fresh_many(db_path: str, calls: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
    """``many`` without the cache."""
    return _run(
        db_path, lambda conn: tuple(getattr(queries, name)(conn, *args) for name, *args in calls)
    )


def weekly_report_html(db_path: str, week: str, team: str | None, org: OrgConfig, lang: str) -> str:
    """The manager's weekly report (monitoring.report), rendered on demand, never cached.

    Imported here, not at page load: the report pulls in matplotlib (about a second). Its
    read-only connection takes the dashboard's read lock like every other read.
    """
    from monitoring.report import render_report

    with app_db.LOCK.reading():
        return render_report(db_path, week, team=team, org=org, lang=lang)


def weekly_report_pdf(html: str) -> bytes:
    from monitoring.report import render_pdf

    return render_pdf(html)
