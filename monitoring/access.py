"""Who is looking at the dashboard, and what they may see and do (roles: monitoring/auth.py).

Three ways in, checked on the server at every run before any page reads data:
- OpenID Connect, when ``[auth]`` is configured in ``.streamlit/secrets.toml``: Streamlit's
  ``st.login`` / ``st.user``, with e-mails mapped to roles in ``data/users.yaml``;
- local accounts from ``data/users.yaml`` (``python -m monitoring user add``), signed in with a
  form; the signed-in user lives in this session's state, never in the browser;
- no accounts at all: a single-user local dashboard acting as administrator, allowed only while
  the server listens on loopback (``.streamlit/config.toml``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from monitoring import app_db, audit, db
from monitoring import state_keys as K
from monitoring.auth import (
    LOCAL_USER,
    PAGE_PERMISSIONS,
    Permission,
    Role,
    User,
    authenticate,
    load_users,
    oidc_user,
)
from monitoring.csvsafe import to_csv_bytes
from monitoring.i18n import t
from monitoring.privacy import member_label
from monitoring.settings import get_settings

LOCAL_ADMIN = User(name=LOCAL_USER, role=Role.ADMIN)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class AccessDenied(Exception):
    """The current user lacks the permission a page or an action needs."""


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all: Streamlit raises its own not-found error
        return False


def single_user_mode() -> bool:
    """No accounts and no identity provider: the out-of-the-box local run."""
    return not oidc_configured() and not get_settings().users_path.exists()


def listening_on_loopback() -> bool:
    return str(st.get_option("server.address") or "") in LOOPBACK


def current_user() -> User | None:
    """The signed-in person, or ``None`` when nobody has signed in yet."""
    user = st.session_state.get(K.USER)
    if isinstance(user, User):
        return user
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        return oidc_user(load_users(get_settings().users_path), st.user.get("email"))
    if single_user_mode() and listening_on_loopback():
        return LOCAL_ADMIN
    return None


def require_page_access(page_id: str) -> User:
    """Return the current user if they may open ``page_id``; raise ``AccessDenied`` otherwise."""
    if page_id not in PAGE_PERMISSIONS:
        raise ValueError(f"unknown page id {page_id!r}")
    user = current_user()
    if user is None:
        raise AccessDenied(t("auth.sign_in_first"))
    if not user.can_open(page_id):
        raise AccessDenied(t("auth.denied_page", user=user.name, role=user.role.value))
    return user


def sign_in_gate(db_path: str) -> User:
    """The current user, or the sign-in screen (and ``st.stop``) when there is none."""
    user = current_user()
    if user is not None:
        return user
    st.title("Sentinella")
    if single_user_mode():  # not on loopback, and nothing to sign in with
        st.error(t("auth.network_needs_sign_in"))
    elif oidc_configured():
        if getattr(st.user, "is_logged_in", False):
            st.error(t("auth.oidc_not_mapped", email=str(st.user.get("email"))))
            st.button(t("auth.sign_out"), on_click=st.logout)
        else:
            st.button(t("auth.sign_in_oidc"), on_click=st.login, type="primary")
    else:
        _local_sign_in_form(db_path)
    st.stop()


def _local_sign_in_form(db_path: str) -> None:
    with st.form("sign_in"):
        name = st.text_input(t("auth.user"))
        password = st.text_input(t("auth.password"), type="password")
        submitted = st.form_submit_button(t("auth.sign_in"), type="primary")
    if not submitted:
        return
    user = authenticate(load_users(get_settings().users_path), name.strip(), password)
    log(
        db_path,
        user.name if user else name.strip()[:64] or "?",
        "sign_in" if user else "sign_in.failed",
    )
    if user is None:
        st.error(t("auth.wrong_credentials"))
        return
    st.session_state[K.USER] = user
    st.rerun()


def sign_out() -> None:
    st.session_state.pop(K.USER, None)
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()


def log(db_path: str, actor: str, action: str, **detail: object) -> None:
    """Append to the audit log from the dashboard (one short write, retried on the lock)."""
    if not Path(db_path).exists():  # a sign-in before the first run has built anything
        with app_db.exclusive():
            db.init(db_path)
    app_db.write(db_path, lambda conn: audit.record(conn, actor, action, **detail))


def may_export(user: User) -> bool:
    """CSV downloads are for analysts (and admins)."""
    return user.can(Permission.EXPORT)


def csv_download(
    user: User,
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    name: str,
    *,
    label: str | None = None,
    permission: Permission = Permission.EXPORT,
) -> None:
    """A formula-safe CSV download, shown only to those allowed and written to the audit log.

    :param frame: the table, or a function building it when the button is clicked.
    :param permission: exports are the analyst's; a page may ask for another (the review queue).
    """
    if not user.can(permission):
        return
    excel_it = bool(st.session_state.get(K.CSV_EXCEL_IT, False))
    data = (
        (lambda: to_csv_bytes(frame(), excel_it))
        if callable(frame)
        else to_csv_bytes(frame, excel_it)
    )
    db_path = str(get_settings().db_path)
    st.download_button(
        label or t("csv.download"),
        data,
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"download_{name}",
        on_click=lambda: log(db_path, user.name, "export", file=f"{name}.csv"),
    )


@st.cache_resource(show_spinner=False)
def _pseudonym_secret(db_path: str) -> str:
    """A per-database secret for member pseudonyms, made once and kept in ``meta``."""
    stored = app_db.read(db_path, lambda conn: db.get_meta(conn, "pseudonym_secret"))
    if stored:
        return stored

    def create(conn) -> str:
        existing = db.get_meta(conn, "pseudonym_secret")
        if existing:
            return existing
        value = secrets.token_hex(16)
        db.set_meta(conn, "pseudonym_secret", value)
        return value

    return app_db.write(db_path, create)


def members_for(
    user: User, db_path: str, frame: pd.DataFrame, names: dict[str, str]
) -> pd.DataFrame:
    """``frame`` with its member columns as ``user`` may see them.

    Viewers and analysts get a pseudonym in place of the member id and name, and lose the
    columns that identify a person (role, author handle); managers and admins see everything.
    """
    if user.can(Permission.MEMBER_NAMES) or "member_id" not in frame.columns:
        return frame
    secret = _pseudonym_secret(db_path)
    out = frame.drop(columns=[c for c in ("name", "role", "author", "author_handle") if c in frame])
    out["member_id"] = [
        member_label(user, m, names.get(m), secret) if isinstance(m, str) else m
        for m in out["member_id"]
    ]
    return out.rename(columns={"member_id": "member"})
