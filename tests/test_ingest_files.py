"""Export files: bulk CSV/JSON/NDJSON import, mappings, bad rows set aside with reasons."""

from __future__ import annotations

import codecs
import json

import pyarrow as pa
import pytest
from click.testing import CliRunner
from ingest_fakes import make_db, rows, sources_yaml

from monitoring.cli import cli
from monitoring.ingest.files import ImportFailed, _regroup, read_file
from monitoring.ingest.runner import import_file, run_sources
from monitoring.ingest.sources import load_sources


@pytest.fixture
def db_path(tmp_path):
    return make_db(tmp_path / "sentinella.duckdb")


def _line(**fields) -> bytes:
    return json.dumps(fields, ensure_ascii=False).encode("utf-8")


GOOD = dict(
    id="p1",
    created_at="2026-11-20T10:00:00+01:00",
    author="@Giulia_Lumina",
    author_name="Giulia",
    text="Ciao! Ti scriviamo in privato.",
    lang="it",
    likes="3",
    in_reply_to="m1",
)


def _ndjson(tmp_path):
    lines = [
        _line(
            **{
                **GOOD,
                "id": "m1",
                "author": "@cliente",
                "text": "Bolletta sbagliata!",
                "created_at": "2026-11-20T08:30:00Z",
                "in_reply_to": None,
            }
        ),
        _line(**GOOD),  # a staff reply (giulia_lumina is in the roster), linked to m1
        b'{"id": "p2", "text": "broken',
        b'{"id": "p3", "created_at": "2026-11-20T10:00:00Z", "text": "caf\xe9 latin-1"}',
        b"",
        b"[1, 2]",
        _line(**{**GOOD, "id": "p4", "created_at": "1970-01-01T00:00:00Z"}),
        _line(**{**GOOD, "id": "p5", "text": "x" * 100_001}),
        _line(**{**GOOD, "id": "p6", "likes": "many"}),
        _line(**{**GOOD, "id": None}),
        _line(**{**GOOD, "id": "p7", "created_at": "yesterday"}),
        _line(**{**GOOD, "id": "p8", "created_at": 1795690000}),  # epoch seconds
        _line(**{**GOOD, "id": "p9", "created_at": "1795690000000"}),  # epoch milliseconds
    ]
    path = tmp_path / "export.ndjson"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_ndjson_import_keeps_good_rows_and_sets_bad_ones_aside(db_path, tmp_path):
    report = import_file(db_path, _ndjson(tmp_path), "x")
    assert (report.status, report.fetched, report.new, report.rejected) == ("ok", 12, 4, 8)
    stored = rows(
        db_path,
        "SELECT native_id, kind, team_id, author_handle, created_at::VARCHAR, likes, "
        "parent_item_id IS NOT NULL FROM items ORDER BY native_id",
    )
    assert stored == [
        ("m1", "mention", None, "cliente", "2026-11-20 08:30:00", 3, False),
        ("p1", "staff", "customer_care", "giulia_lumina", "2026-11-20 09:00:00", 3, True),
        ("p8", "staff", "customer_care", "giulia_lumina", "2026-11-26 10:46:40", 3, True),
        ("p9", "staff", "customer_care", "giulia_lumina", "2026-11-26 10:46:40", 3, True),
    ]
    assert rows(db_path, "SELECT round(minutes) FROM responses") == [(30.0,)]
    rejects = rows(db_path, "SELECT reason, raw FROM rejects ORDER BY reason")
    reasons = [r for r, _ in rejects]
    assert reasons == [
        "absurd timestamp 1970-01-01T00:00:00",
        "likes: expected a number, got many",
        "line 4: invalid UTF-8",
        "malformed JSON",
        "missing id",
        "not a JSON object",
        "oversized text (100001 characters > 100000)",
        "unparsable timestamp yesterday",
    ]
    raw = dict(rejects)
    assert bytes(raw["line 4: invalid UTF-8"]).endswith(b'"caf\xe9 latin-1"}')
    assert bytes(raw["malformed JSON"]) == b'{"id": "p2", "text": "broken'
    again = import_file(db_path, tmp_path / "export.ndjson", "x")
    assert (again.new, again.duplicate, again.rejected) == (0, 4, 8)


def test_csv_with_a_preamble_bad_rows_and_a_mapping(db_path, tmp_path):
    path = tmp_path / "mentions.csv"
    path.write_text(
        "Report: Lumina Energia\nExported: 2026-11-27\n\n"
        "native_id,created_at,author_handle,text,reach\n"
        'c1,2026-11-21 09:00:00,@Mario,"Ottimo servizio, grazie",120\n'
        "c2,2026-11-21 10:00:00,@Anna,troppe colonne,5,extra\n"
        'c3,2026-11-21 11:00:00,@Luca,"testo, con virgola",\n',
        encoding="utf-8",
    )
    report = import_file(db_path, path, "facebook")
    assert (report.new, report.rejected) == (2, 1)
    assert rows(
        db_path, "SELECT native_id, author_handle, text, reach, channel_id FROM items ORDER BY 1"
    ) == [
        ("c1", "mario", "Ottimo servizio, grazie", 120, "facebook"),
        ("c3", "luca", "testo, con virgola", None, "facebook"),
    ]
    reason, raw = rows(db_path, "SELECT reason, raw FROM rejects")[0]
    assert reason.startswith("line 6: Expected Number of Columns: 5 Found: 6")
    assert bytes(raw) == b"c2,2026-11-21 10:00:00,@Anna,troppe colonne,5,extra"
    raw_ok = json.loads(rows(db_path, "SELECT raw FROM items WHERE native_id = 'c1'")[0][0])
    assert raw_ok["text"] == "Ottimo servizio, grazie"


def test_meltwater_export_utf16_tab_separated(db_path, tmp_path):
    header = "Date\tHeadline\tURL\tOpening Text\tHit Sentence\tSource\tInfluencer\tLanguage\t"
    header += "Reach\tEngagement\tTweet Id\tTwitter Screen Name\tTwitter Followers\n"
    row1 = "20-Nov-2026 09:41AM\t\thttps://x.com/pino/status/1859\t\t@LuminaCare ancora senza "
    row1 += "luce!\tX\t@pino\tit\t900\t4\t1859\t@pino\t900\n"
    row2 = "19-Nov-2026 06:10PM\tLumina apre a Bari\thttps://www.bari.example/lumina\tLumina "
    row2 += "Energia apre un negozio\t\tBari Oggi\tBari Oggi\tit\t15000\t\t\t\t\n"
    path = tmp_path / "meltwater.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + (header + row1 + row2).encode("utf-16-le"))
    report = import_file(db_path, path, "x", mapping="meltwater")
    assert (report.status, report.new, report.rejected) == ("ok", 2, 0), report.error
    assert rows(
        db_path,
        "SELECT native_id, created_at::VARCHAR, author_handle, text, reach "
        "FROM items ORDER BY created_at",
    ) == [
        (
            "https://www.bari.example/lumina",
            "2026-11-19 18:10:00",
            "bari oggi",
            "Lumina Energia apre un negozio",
            15000,
        ),
        ("1859", "2026-11-20 09:41:00", "pino", "@LuminaCare ancora senza luce!", 900),
    ]


def test_talkwalker_json_array_with_nested_author(db_path, tmp_path):
    docs = [
        {
            "url": "https://blog.example/a",
            "published": 1795690000000,
            "title": "Lumina",
            "content": "Recensione dell'app Lumina",
            "lang": "it",
            "reach": 3400,
            "extra_author_attributes": {"name": "Blog Casa", "short_name": "blogcasa"},
        },
        {
            "url": "https://forum.example/t/9",
            "published": 1795690100000,
            "title": "Re: Lumina",
            "content": "Concordo",
            "lang": "it",
            "parent_url": "https://blog.example/a",
        },
    ]
    path = tmp_path / "talkwalker.json"
    path.write_text(json.dumps(docs), encoding="utf-8")
    assert import_file(db_path, path, "web", mapping="talkwalker").new == 2
    assert rows(
        db_path,
        "SELECT native_id, author_name, author_handle, reach, in_reply_to, "
        "parent_item_id IS NOT NULL FROM items ORDER BY created_at",
    ) == [
        ("https://blog.example/a", "Blog Casa", "blogcasa", 3400, None, False),
        ("https://forum.example/t/9", None, None, None, "https://blog.example/a", True),
    ]


def test_unmappable_file_fails_with_the_columns_it_has(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"no column for 'native_id' .* columns are: foo, bar"):
        list(read_file(path, "x"))


def test_file_source_reads_again_only_when_the_file_changes(db_path, tmp_path):
    export = _ndjson(tmp_path)
    path = sources_yaml(
        tmp_path,
        "sources:\n  - {name: dump, kind: file, path: export.ndjson, platform: x, "
        "channel: x_care}\n",
    )
    entries = load_sources(path).sources
    first = run_sources(db_path, entries)[0]
    assert (first.new, first.rejected) == (4, 8)
    assert rows(db_path, "SELECT DISTINCT channel_id FROM items") == [("x_care",)]
    assert run_sources(db_path, entries)[0].fetched == 0  # unchanged: not read at all
    export.write_bytes(export.read_bytes() + _line(**{**GOOD, "id": "p10"}) + b"\n")
    third = run_sources(db_path, entries)[0]
    assert (third.fetched, third.new, third.duplicate) == (13, 1, 4)


def test_import_command(tmp_path):
    dbfile = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(
        cli, ["--db", str(dbfile), "import", str(_ndjson(tmp_path)), "--platform", "x"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"{tmp_path / 'export.ndjson'}: 12 read, 4 new, 0 duplicate, 8 rejected in "
    )
    assert result.output.rstrip().endswith("rows/s)")
    missing = CliRunner().invoke(
        cli, ["--db", str(dbfile), "import", str(tmp_path / "nope.csv"), "--platform", "x"]
    )
    assert (missing.exit_code, missing.output.strip()) == (
        2,
        f"Error: {tmp_path / 'nope.csv'}: file not found",
    )
    odd = tmp_path / "data.xlsx"
    odd.write_bytes(b"PK")
    result = CliRunner().invoke(cli, ["--db", str(dbfile), "import", str(odd), "--platform", "x"])
    assert (
        result.output.strip()
        == f"Error: {odd}: cannot tell the format from the name; pass --format"
    )


def test_repeated_ids_within_one_file_are_stored_once(db_path, tmp_path):
    path = tmp_path / "dupes.ndjson"
    path.write_bytes(b"\n".join([_line(**GOOD), _line(**{**GOOD, "text": "again"})]) + b"\n")
    report = import_file(db_path, path, "x")
    assert (report.new, report.duplicate) == (1, 1)
    assert rows(db_path, "SELECT count(*) FROM items") == [(1,)]


def test_batches_stay_bounded_when_duckdb_hands_out_a_huge_one():
    # Unordered parallel reading sometimes yields one record batch of nearly a whole file;
    # every transaction must still hold at most ``batch_rows`` rows, all of them in order.
    sizes = [3, 10, 0, 1, 7]
    start = [sum(sizes[:i]) for i in range(len(sizes))]
    batches = [
        pa.record_batch({"n": list(range(s, s + n))}) for s, n in zip(start, sizes, strict=True)
    ]
    tables = list(_regroup(iter(batches), 4))
    assert [t.num_rows for t in tables] == [4, 4, 4, 4, 4, 1]
    assert [n for t in tables for n in t["n"].to_pylist()] == list(range(21))


def test_ndjson_line_over_the_reader_limit_is_set_aside_whole(tmp_path):
    ok = {"created_at": "2026-11-20T10:00:00Z", "text": "ok"}
    huge = _line(id="big", created_at="2026-11-20T10:00:00Z", text="y" * 2_500_000)
    path = tmp_path / "export.ndjson"
    path.write_bytes(b"\n".join([_line(id="a", **ok), huge, _line(id="c", **ok)]) + b"\n")
    chunks = list(read_file(path, "x", "ndjson"))
    assert [n for c in chunks for n in c.items["native_id"].to_pylist()] == ["a", "c"]
    rejects = [r for c in chunks for r in c.rejects]
    assert [r.raw for r in rejects] == [huge]
    assert rejects[0].reason.startswith("line 2: ")
