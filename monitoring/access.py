"""Who is looking at the dashboard, and may they open this page (roles: monitoring/auth.py).

Every page starts with ``require_page_access(page_id)``. Today Sentinella runs as a single-user
local dashboard (loopback only, see .streamlit/config.toml), so the current user is always the
local administrator. Sign-in replaces ``current_user`` later without touching the pages.
"""

from __future__ import annotations

from monitoring.auth import LOCAL_USER, PAGE_PERMISSIONS, Permission, Role, User

LOCAL_ADMIN = User(name=LOCAL_USER, role=Role.ADMIN)


class AccessDenied(Exception):
    """The current user lacks the permission a page needs."""


def current_user() -> User:
    """The person using the dashboard (single-user local mode: the local administrator)."""
    return LOCAL_ADMIN


def require_page_access(page_id: str) -> User:
    """Return the current user if they may open ``page_id``; raise ``AccessDenied`` otherwise."""
    if page_id not in PAGE_PERMISSIONS:
        raise ValueError(f"unknown page id {page_id!r}")
    user = current_user()
    if not user.can_open(page_id):
        raise AccessDenied(f"{user.name} ({user.role}) may not open {page_id}")
    return user


def may_export(user: User) -> bool:
    """CSV downloads are for analysts (and admins)."""
    return user.can(Permission.EXPORT)
