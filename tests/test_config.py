"""Configuration files fail with one line naming file, line and field, and change nothing."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from monitoring import db
from monitoring.cli import cli
from monitoring.config import ConfigError
from monitoring.org import load_org

GOOD_ORG = Path(__file__).resolve().parent.parent / "data" / "org.yaml"


def test_default_org_is_valid():
    org = load_org(GOOD_ORG)
    assert len(org.teams) >= 6
    assert {t.governance for t in org.teams} == {"centralized", "decentralized"}
    assert len(org.channels) >= 8


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "brand: {name: X}\nchannels:\n  - {id: a, name: A, platform: x}\n"
            "teams:\n  - id: t\n    name: T\n    governance: federal\n",
            ":7: teams[0].governance: Input should be 'centralized' or 'decentralized'",
        ),
        (
            "brand: {name: X}\nchannels:\n  - {id: a, name: A, platform: myspace}\n"
            "teams:\n  - {id: t, name: T, governance: centralized}\n",
            ":3: channels[0].platform: Input should be",
        ),
        (
            "brand: {name: X}\nchannels:\n  - {id: a, name: A, platform: x}\n"
            "teams:\n  - {id: t, name: T, governance: centralized, channels: [b]}\n",
            "team 't' names unknown channel 'b'",
        ),
        ("brand: {name: X\nchannels: [", ": invalid YAML"),
        (
            "brand: {name: X}\ntimezone: Mars/Olympus\nchannels:\n  - {id: a, name: A, platform: x}\n"
            "teams:\n  - {id: t, name: T, governance: centralized}\n",
            ":2: timezone: Value error, unknown time zone 'Mars/Olympus'",
        ),
        (
            "brand: {name: X}\nchannels:\n  - {id: a, name: A, platform: x, colour: red}\n"
            "teams:\n  - {id: t, name: T, governance: centralized}\n",
            "channels[0].colour: Extra inputs are not permitted",
        ),
    ],
)
def test_bad_org_names_file_line_and_field(tmp_path, text, expected):
    path = tmp_path / "org.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_org(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="org.yaml: file not found"):
        load_org(tmp_path / "org.yaml")


def _org_rows(path: Path) -> list:
    return db.read(path, lambda c: c.execute("SELECT * FROM teams ORDER BY team_id").fetchall())


def test_malformed_org_exits_2_and_leaves_database_unchanged(tmp_path, monkeypatch):
    database = tmp_path / "x.duckdb"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(database), "init"]).exit_code == 0
    before = _org_rows(database)
    before_bytes = database.read_bytes()
    assert len(before) >= 6

    bad = tmp_path / "org.yaml"
    bad.write_text(
        GOOD_ORG.read_text().replace("governance: centralized", "governance: anarchic", 1)
    )
    monkeypatch.setenv("SENTINELLA_ORG", str(bad))
    result = runner.invoke(cli, ["--db", str(database), "init"])

    assert result.exit_code == 2
    line = result.output.strip()
    assert line.startswith(f"Error: {bad}:")
    assert "governance" in line and len(line.splitlines()) == 1
    assert _org_rows(database) == before
    assert database.read_bytes() == before_bytes
