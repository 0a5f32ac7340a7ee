"""Accounts, roles, pseudonyms and retention, on real files."""

from datetime import datetime

import pytest
from click.testing import CliRunner

from monitoring import db, store
from monitoring.auth import (
    PAGE_PERMISSIONS,
    Permission,
    Role,
    User,
    add_user,
    authenticate,
    load_users,
    oidc_user,
)
from monitoring.cli import cli
from monitoring.config import ConfigError
from monitoring.privacy import member_label, pseudonym
from monitoring.retention import parse_age


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        (Role.VIEWER, {"overview", "teams", "channels", "mentions", "policy"}),
        (Role.MANAGER, {"overview", "teams", "channels", "mentions", "policy", "weekly_review"}),
        (Role.ANALYST, {"overview", "teams", "channels", "mentions", "policy"}),
        (Role.ADMIN, set(PAGE_PERMISSIONS)),
    ],
)
def test_each_role_opens_only_its_pages(role, pages):
    user = User(name="u", role=role)
    assert {p for p in PAGE_PERMISSIONS if user.can_open(p)} == pages


def test_only_analysts_and_admins_export_and_only_managers_and_admins_see_names():
    can = {r: User(name="u", role=r) for r in Role}
    assert {r for r, u in can.items() if u.can(Permission.EXPORT)} == {Role.ANALYST, Role.ADMIN}
    assert {r for r, u in can.items() if u.can(Permission.MEMBER_NAMES)} == {
        Role.MANAGER,
        Role.ADMIN,
    }


def test_user_add_hashes_with_bcrypt_and_authenticates(tmp_path, monkeypatch):
    users_path = tmp_path / "users.yaml"
    monkeypatch.setenv("SENTINELLA_USERS", str(users_path))
    monkeypatch.setenv("SENTINELLA_NEW_PASSWORD", "correct horse battery")
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "x.duckdb"), "user", "add", "giulia", "--role", "manager"]
    )
    assert result.exit_code == 0, result.output
    text = users_path.read_text()
    assert "correct horse" not in text and "$2b$" in text
    assert oct(users_path.stat().st_mode & 0o777) == "0o600"
    users = load_users(users_path)
    assert authenticate(users, "giulia", "correct horse battery") == User(
        name="giulia", role=Role.MANAGER
    )
    assert authenticate(users, "giulia", "wrong password!!") is None
    assert authenticate(users, "nobody", "correct horse battery") is None
    again = CliRunner().invoke(cli, ["user", "add", "giulia", "--role", "viewer"])
    assert again.exit_code == 2 and "already exists" in again.output


def test_short_password_is_refused(tmp_path):
    with pytest.raises(Exception, match="too short"):
        add_user(tmp_path / "u.yaml", "x1", Role.VIEWER, "short")
    assert not (tmp_path / "u.yaml").exists()


def test_oidc_users_map_by_email_and_strangers_are_refused(tmp_path):
    path = tmp_path / "users.yaml"
    path.write_text("oidc:\n  roles:\n    anna@lumina.example: admin\n")
    users = load_users(path)
    assert oidc_user(users, "anna@lumina.example") == User(
        name="anna@lumina.example", role=Role.ADMIN
    )
    assert oidc_user(users, "mallory@evil.example") is None


def test_bad_users_file_names_the_line(tmp_path):
    path = tmp_path / "users.yaml"
    path.write_text("users:\n  - name: giulia\n    role: overlord\n    password_hash: x\n")
    with pytest.raises(ConfigError, match=r"users.yaml:3: users\[0\].role"):
        load_users(path)


def test_viewers_see_pseudonyms_managers_see_names():
    viewer, manager = User(name="v", role=Role.VIEWER), User(name="m", role=Role.MANAGER)
    label = member_label(viewer, "giulia.rossi", "Giulia Rossi", "s3cret")
    assert label == pseudonym("giulia.rossi", "s3cret") and "Giulia" not in label
    assert label == member_label(viewer, "giulia.rossi", "Giulia Rossi", "s3cret")
    assert label != member_label(viewer, "marco.bianchi", "Marco Bianchi", "s3cret")
    assert member_label(manager, "giulia.rossi", "Giulia Rossi", "s3cret") == "Giulia Rossi"


@pytest.mark.parametrize(("text", "days"), [("90d", 90), ("2w", 14), ("18m", 547), ("1y", 365)])
def test_parse_age(text, days):
    assert parse_age(text).days == days


@pytest.mark.parametrize("text", ["", "18", "m18", "0d", "-3m", "18 months"])
def test_parse_age_rejects_nonsense(text):
    with pytest.raises(ValueError, match="invalid age"):
        parse_age(text)


def test_purge_removes_old_items_and_keeps_review_decisions(tmp_path):
    path = tmp_path / "x.duckdb"
    db.init(path)
    old, new = datetime(2020, 1, 1), datetime.now().replace(microsecond=0)
    records = [
        {"platform": "x", "native_id": "old", "text": "vecchio", "created_at": old},
        {"platform": "x", "native_id": "new", "text": "nuovo", "created_at": new},
    ]

    def seed(conn):
        store.insert_items(conn, store.items_table(records), "test")
        conn.execute(
            "INSERT INTO scores SELECT item_id, 'v1', 'it', -0.5, 'negative', [], 70, true, NULL, now() FROM items"
        )
        conn.execute(
            "INSERT INTO hits SELECT item_id, 'v1', 'r', 'tone', 'high', 1, 'x' FROM items"
        )
        conn.execute(
            "INSERT INTO flags SELECT item_id, platform, native_id, '2020-W01', 70, 'v1', true, now() FROM items"
        )
        conn.execute(
            "INSERT INTO reviews SELECT nextval('review_ids'), item_id, platform, native_id, '2020-W01', 'confirmed', 'ok', 'giulia', now() FROM items"
        )

    db.write(path, seed)
    result = CliRunner().invoke(cli, ["--db", str(path), "purge", "--older-than", "18m", "--yes"])
    assert result.exit_code == 0, result.output
    assert "1 items, 1 scores, 1 policy hits, 1 flags" in result.output

    def counts(conn):
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
            for t in ("items", "scores", "hits", "flags", "reviews")
        }

    assert db.read(path, counts) == {"items": 1, "scores": 1, "hits": 1, "flags": 1, "reviews": 2}
    actions = db.read(path, lambda c: c.execute("SELECT action FROM audit_log").fetchall())
    assert ("purge",) in actions
