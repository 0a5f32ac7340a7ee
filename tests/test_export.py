"""`python -m monitoring export`: every table, the filters, safe cells, the Italian dialect."""

import csv
import io

import pytest
from click.testing import CliRunner

from monitoring import db
from monitoring.cli import cli
from monitoring.csvsafe import BOM
from monitoring.export import TABLES


def _export(known_db, tmp_path, *args):
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["--db", str(known_db.path), "export", *args, "--out",
                                      str(out)])  # fmt: skip
    return result, out


def _read(path, excel_it=False):
    text = path.read_text(encoding="utf-8")
    if excel_it:
        assert text.startswith(BOM)
        text = text.removeprefix(BOM)
    return list(csv.DictReader(io.StringIO(text), delimiter=";" if excel_it else ","))


def _count(known_db, sql):
    return db.read(known_db.path, lambda c: db.scalar(c, sql))


@pytest.mark.parametrize(
    ("table", "sql"),
    [
        ("mentions", "SELECT count(*) FROM items WHERE kind = 'mention'"),
        ("staff-posts", "SELECT count(*) FROM items WHERE kind = 'staff'"),
        ("flags", "SELECT count(*) FROM flags"),
        ("reviews", "SELECT count(*) FROM reviews"),
        ("team-health", "SELECT count(*) FROM teams"),
        ("channel-health", "SELECT count(*) FROM channels"),
    ],
)
def test_no_filter_exports_everything(known_db, tmp_path, table, sql):
    result, out = _export(known_db, tmp_path, table)
    assert result.exit_code == 0, result.output
    rows = _read(out)
    assert len(rows) == _count(known_db, sql)
    assert result.output.strip() == f"{table}: wrote {len(rows)} rows to {out}"
    if table in ("mentions", "staff-posts", "flags", "reviews"):
        ids = [r["item_id"] for r in rows]
        assert table == "reviews" or len(ids) == len(set(ids))  # one row per item
        assert all(r["platform"] for r in rows)


def test_filters_slice_rows(known_db, tmp_path):
    day = known_db.anchor.date().isoformat()
    result, out = _export(known_db, tmp_path, "mentions", "--from", day, "--to", day)
    assert result.exit_code == 0
    assert {r["native_id"] for r in _read(out)} == {"m1", "m2", "m3", "m4", "m5", "m7"}
    _, out = _export(known_db, tmp_path, "mentions", "--platform", "instagram")
    assert [r["native_id"] for r in _read(out)] == ["m5"]
    _, out = _export(known_db, tmp_path, "staff-posts", "--team", "customer_care")
    assert {r["native_id"] for r in _read(out)} == {"s1", "s4", "s6"}
    _, out = _export(known_db, tmp_path, "mentions", "--team", "marketing")
    assert [r["native_id"] for r in _read(out)] == ["m5"]  # the team's inbox
    _, out = _export(known_db, tmp_path, "flags", "--channel", "instagram")
    assert [r["native_id"] for r in _read(out)] == ["s3"]
    _, out = _export(known_db, tmp_path, "team-health", "--team", "marketing")
    assert [r["team_id"] for r in _read(out)] == ["marketing"]


def test_cells_are_formula_safe_and_decisions_included(known_db, tmp_path):
    _, out = _export(known_db, tmp_path, "mentions", "--platform", "instagram")
    assert _read(out)[0]["text"].startswith("'=HYPERLINK(")
    _, out = _export(known_db, tmp_path, "flags")
    flags = {r["native_id"]: r for r in _read(out)}
    assert flags["s5"]["decision"] == "dismissed" and flags["s4"]["decision"] == ""
    assert "fatturato Q3 +12%" in flags["s4"]["hits"]


def test_italian_excel_dialect(known_db, tmp_path):
    result, out = _export(known_db, tmp_path, "mentions", "--excel-it")
    assert result.exit_code == 0
    rows = {r["native_id"]: r for r in _read(out, excel_it=True)}
    assert rows["m1"]["compound"] == "-0,62"
    assert rows["m1"]["text"] == "La bolletta è sbagliata, vergogna!"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["mentions", "--team", "nope"], "--team 'nope': not in org.yaml"),
        (["mentions", "--channel", "nope"], "--channel 'nope': not in org.yaml"),
        (["mentions", "--from", "2026-02-01", "--to", "2026-01-01"], "is after --to"),
        (["mentions", "--from", "01/02/2026"], "Invalid value for '--from'"),
        (["nonsense"], "Invalid value for 'TABLE'"),
    ],
)
def test_bad_input_exits_2_with_one_line(known_db, tmp_path, args, message):
    result, out = _export(known_db, tmp_path, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_missing_database_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "none.duckdb"), "export", "flags", "--out", "x.csv"]
    )
    assert result.exit_code == 2 and "no database" in result.output


def test_every_table_has_help_with_an_example():
    result = CliRunner().invoke(cli, ["export", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output
    for table in TABLES:
        assert table in result.output


def test_the_cli_offers_exactly_the_exported_tables():
    from monitoring.commands.export import TABLE_NAMES

    assert TABLE_NAMES == TABLES
