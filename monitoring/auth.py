"""Accounts, roles and what each role may do. Pure Python: the Streamlit side is monitoring/access.py.

Local accounts live in ``data/users.yaml`` (git-ignored) with bcrypt hashes; OpenID Connect users
(``st.login``) are mapped to roles by e-mail in the same file. With no users file at all the app is
a single-user local dashboard that only listens on loopback (see ``.streamlit/config.toml``).
"""

from __future__ import annotations

import os
import tempfile
from enum import StrEnum
from pathlib import Path

import bcrypt
import yaml
from pydantic import BaseModel, ConfigDict, Field

from monitoring.config import load_yaml_model


class Role(StrEnum):
    VIEWER = "viewer"  # communications lead: every health page, team-level figures
    MANAGER = "manager"  # + Weekly review actions and member names / drill-downs
    ANALYST = "analyst"  # + exports (CSV downloads, export CLI)
    ADMIN = "admin"  # everything, + configuration and audit views


class Permission(StrEnum):
    VIEW_HEALTH = "view_health"
    REVIEW = "review"
    MEMBER_NAMES = "member_names"
    EXPORT = "export"
    ADMIN = "admin"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({Permission.VIEW_HEALTH}),
    Role.MANAGER: frozenset({Permission.VIEW_HEALTH, Permission.REVIEW, Permission.MEMBER_NAMES}),
    Role.ANALYST: frozenset({Permission.VIEW_HEALTH, Permission.EXPORT}),
    Role.ADMIN: frozenset(Permission),
}

# Which permission each page needs before it reads any data.
PAGE_PERMISSIONS: dict[str, Permission] = {
    "overview": Permission.VIEW_HEALTH,
    "teams": Permission.VIEW_HEALTH,
    "channels": Permission.VIEW_HEALTH,
    "mentions": Permission.VIEW_HEALTH,
    "policy": Permission.VIEW_HEALTH,
    "weekly_review": Permission.REVIEW,
    "audit": Permission.ADMIN,
}

LOCAL_USER = "local-admin"


class User(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def can_open(self, page_id: str) -> bool:
        return self.can(PAGE_PERMISSIONS[page_id])


class Account(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9_.@-]{2,64}$")
    role: Role
    password_hash: str = Field(pattern=r"^\$2[aby]\$\d\d\$.{53}$")


class OidcMapping(BaseModel):
    model_config = ConfigDict(extra="forbid")

    roles: dict[str, Role] = {}  # e-mail -> role; unlisted identities are refused


class UsersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    users: list[Account] = []
    oidc: OidcMapping = OidcMapping()

    def account(self, name: str) -> Account | None:
        return next((a for a in self.users if a.name == name), None)


class AuthError(Exception):
    """A user-management request that cannot be carried out (one line)."""


def load_users(path: Path) -> UsersFile | None:
    """The users file, or ``None`` when none exists (single-user local mode)."""
    if not path.exists():
        return None
    return load_yaml_model(path, UsersFile)


def save_users(path: Path, users: UsersFile) -> None:
    """Write atomically with owner-only permissions: the file holds password hashes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(users.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".users-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def hash_password(password: str) -> str:
    if len(password) < 10:
        raise AuthError("password too short: use at least 10 characters")
    if len(password.encode()) > 72:
        raise AuthError("password too long: bcrypt reads at most 72 bytes")
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def add_user(path: Path, name: str, role: Role, password: str) -> None:
    users = load_users(path) or UsersFile()
    if users.account(name):
        raise AuthError(f"user {name!r} already exists in {path}")
    account = Account(name=name, role=role, password_hash=hash_password(password))
    save_users(path, users.model_copy(update={"users": [*users.users, account]}))


def remove_user(path: Path, name: str) -> None:
    users = load_users(path)
    if users is None or not users.account(name):
        raise AuthError(f"no user {name!r} in {path}")
    remaining = [a for a in users.users if a.name != name]
    save_users(path, users.model_copy(update={"users": remaining}))


def authenticate(users: UsersFile, name: str, password: str) -> User | None:
    """The user when name and password match; ``None`` otherwise (constant work either way)."""
    account = users.account(name)
    candidate = account.password_hash if account else _DUMMY_HASH
    ok = bcrypt.checkpw(password.encode()[:72], candidate.encode())
    return User(name=account.name, role=account.role) if ok and account else None


def oidc_user(users: UsersFile | None, email: str | None) -> User | None:
    if not users or not email:
        return None
    role = users.oidc.roles.get(email.lower()) or users.oidc.roles.get(email)
    return User(name=email, role=role) if role else None


# Compared against when the name is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(rounds=4)).decode()
