import csv
import io

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitoring.csvsafe import BOM, DANGEROUS_PREFIXES, neutralize, safe_frame, to_csv_bytes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+39 333 1234567", "'+39 333 1234567"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("Bolletta sbagliata = truffa", "Bolletta sbagliata = truffa"),
        ("", ""),
        ("ok", "ok"),
        (-0.42, -0.42),
        (7, 7),
        (None, None),
    ],
)
def test_neutralize(value, expected):
    assert neutralize(value) == expected


@given(st.text())
def test_no_text_cell_starts_like_a_formula(text):
    out = neutralize(text)
    assert not out.startswith(DANGEROUS_PREFIXES)
    assert out.endswith(text)  # nothing is lost, only an apostrophe prepended


def _frame():
    return pd.DataFrame(
        {
            "text": ["=2+5", "caffè, ciao", "-danger", None],
            "compound": [-0.5, 0.25, 1.0, None],
            "mentions": [1200, 3, 0, 7],
            "topics": [["billing", "outages"], [], ["offers"], []],
        }
    )


def test_standard_csv_reads_back_with_numbers_untouched():
    data = to_csv_bytes(_frame())
    assert not data.startswith(BOM.encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert [r["text"] for r in rows] == ["'=2+5", "caffè, ciao", "'-danger", ""]
    assert [r["compound"] for r in rows] == ["-0.5", "0.25", "1.0", ""]
    assert rows[0]["topics"] == "billing, outages"
    assert rows[0]["mentions"] == "1200"


def test_italian_excel_variant_has_bom_semicolons_and_decimal_commas():
    data = to_csv_bytes(_frame(), excel_it=True)
    assert data.startswith(BOM.encode("utf-8"))
    text = data.decode("utf-8").removeprefix(BOM)
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert list(rows[0]) == ["text", "compound", "mentions", "topics"]
    assert [r["compound"] for r in rows] == ["-0,5", "0,25", "1,0", ""]
    assert rows[1]["text"] == "caffè, ciao"
    assert rows[0]["text"] == "'=2+5"


def test_header_cells_are_neutralized_too():
    frame = pd.DataFrame({"=evil": [1]})
    assert list(safe_frame(frame).columns) == ["'=evil"]
