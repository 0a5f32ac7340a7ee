"""CSV that is safe to open in a spreadsheet, in the standard or the Italian-Excel dialect.

Spreadsheets execute a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and tab or
carriage return can smuggle one in), so text cells starting with any of them get a leading
apostrophe, which Excel and LibreOffice show as plain text (OWASP "CSV injection"). Numbers stay
numbers: only text is neutralized, so a negative sentiment score is still ``-0.42``.

The Italian-Excel variant is what Excel with Italian regional settings opens correctly by
double-click: ``;`` as separator, ``,`` as decimal mark and a UTF-8 byte-order mark so accented
letters survive.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import IO, Any

import pandas as pd

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralize(value: Any) -> Any:
    """Prefix a text value that a spreadsheet would read as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def _cell_text(value: Any) -> Any:
    # Lists (topics, hits) and dicts become readable text before neutralization.
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "tolist") and not isinstance(value, str):  # numpy arrays from DuckDB lists
        return ", ".join(str(v) for v in value.tolist())
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        if pd.api.types.is_bool_dtype(series):
            continue
        out[column] = series.map(lambda v: neutralize(_cell_text(v)), na_action="ignore")
    safe_columns = [neutralize(str(c)) for c in out.columns]
    out.columns = safe_columns
    return out


def _write(frame: pd.DataFrame, handle: IO[str], excel_it: bool, header: bool) -> None:
    frame.to_csv(
        handle,
        index=False,
        header=header,
        sep=";" if excel_it else ",",
        decimal="," if excel_it else ".",
        date_format="%Y-%m-%d %H:%M:%S",
        lineterminator="\r\n" if excel_it else "\n",
    )


def to_csv_bytes(frame: pd.DataFrame, excel_it: bool = False) -> bytes:
    """The whole frame as CSV bytes (UTF-8; with a BOM in the Italian-Excel variant)."""
    buffer = io.StringIO()
    if excel_it:
        buffer.write(BOM)
    _write(safe_frame(frame), buffer, excel_it, header=True)
    return buffer.getvalue().encode("utf-8")


def write_csv(chunks: Iterable[pd.DataFrame], handle: IO[str], excel_it: bool = False) -> int:
    """Stream frames (same columns) into an open text file; return the number of data rows.

    The header comes from the first chunk; with no chunk at all nothing is written, so callers
    pass at least one (possibly empty) frame to get a header-only file.
    """
    rows = 0
    first = True
    for chunk in chunks:
        if first and excel_it:
            handle.write(BOM)
        _write(safe_frame(chunk), handle, excel_it, header=first)
        first = False
        rows += len(chunk)
    return rows
