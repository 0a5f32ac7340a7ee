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

import pandas as pd
import streamlit as st

from monitoring import app_db, db, queries
from monitoring.filters import Filters
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


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=50)
def meta(db_path: str, key: str) -> str | None:
    return _run(db_path, lambda conn: db.get_meta(conn, key))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=100)
def crisis_spikes(db_path: str, filters: Filters) -> pd.DataFrame:
    """Crisis episodes in the slice (monitoring.crisis, the rule shared with alerts)."""
    from monitoring.crisis import detect_spikes

    return _run(db_path, lambda conn: detect_spikes(conn, filters))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=10)
def failed_deliveries(db_path: str) -> pd.DataFrame | None:
    """Alerts whose webhook delivery failed, when the alerts module is installed."""
    try:
        from monitoring.alerts import failed_deliveries as failed
    except ImportError:  # the alerts module arrives with issue 8; the Overview works without
        return None
    return _run(db_path, failed)


def _mtime(path: str | Path) -> float:
    try:
        return Path(path).stat().st_mtime
    except FileNotFoundError:
        return 0.0


@st.cache_data(show_spinner=False, max_entries=20)
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


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=10)
def needs_demo(db_path: str) -> bool:
    """Whether the first run must build the demo data (cached: checked on every script run)."""
    from monitoring.first_run import needs_demo as check

    return check(db_path)


def fresh(db_path: str, name: str, *args: Any) -> Any:
    """``queries.<name>(conn, *args)`` without the cache: for what a person just changed."""
    function = getattr(queries, name)
    return _run(db_path, lambda conn: function(conn, *args))
