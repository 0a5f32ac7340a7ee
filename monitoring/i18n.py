"""Every user-facing string of the dashboard, in Italian and English, and locale-aware formats.

``t(key, **kw)`` looks a message up in ``MESSAGES`` for the current language and fills its
``{placeholders}``. The language is, in order: the ``SENTINELLA_LANG`` environment variable (a
deployment's override), the person's choice in the sidebar, the ``locale`` of org.yaml. The
dashboard sets it at the start of every script run with ``use_language``; it lives in a context
variable because Streamlit runs each session's script in its own thread.
"""

from __future__ import annotations

import math
import os
from contextvars import ContextVar
from datetime import date, datetime

import pandas as pd
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from monitoring.i18n_messages import MESSAGES

LANGUAGES = ("it", "en")
BABEL_LOCALES = {"it": "it_IT", "en": "en_GB"}
FALLBACK = "it"

_current: ContextVar[str | None] = ContextVar("sentinella_language", default=None)


def env_language() -> str | None:
    value = os.environ.get("SENTINELLA_LANG", "").strip().lower()
    return value if value in LANGUAGES else None


def resolve_language(choice: str | None, org_locale: str | None) -> str:
    """The language to speak: SENTINELLA_LANG > the person's choice > org.yaml's locale."""
    for candidate in (env_language(), choice, org_locale):
        if candidate in LANGUAGES:
            return candidate
    return FALLBACK


def use_language(lang: str) -> None:
    """Make ``lang`` the current language of this thread's script run."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _current.set(lang)


def language() -> str:
    return _current.get() or env_language() or FALLBACK


def t(key: str, **kw: object) -> str:
    """The message ``key`` in the current language, with ``{name}`` placeholders filled from kw.

    A key missing from the table shows as the key itself (tests/test_i18n.py makes sure every
    key used in the code exists in both languages).
    """
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry.get(language()) or entry.get("en") or key
    return text.format(**kw) if kw else text


def _locale() -> str:
    return BABEL_LOCALES[language()]


def _missing(value: object) -> bool:
    """None, NaN, pandas' NA and NaT: a figure the data does not have (e.g. no reach)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def fmt_int(value: float | int | None) -> str:
    """12345 -> '12.345' (it) / '12,345' (en); missing -> '–'."""
    if _missing(value):
        return "–"
    return format_decimal(round(float(value)), format="#,##0", locale=_locale())


def fmt_number(value: float | None, digits: int = 1) -> str:
    if _missing(value):
        return "–"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=_locale())


def fmt_percent(share: float | None, digits: int = 0) -> str:
    """0.123 -> '12%' ('12,3%' with digits=1)."""
    if _missing(share):
        return "–"
    pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
    return format_percent(share, format=pattern, locale=_locale())


def fmt_date(value: date | datetime | None) -> str:
    if _missing(value):
        return "–"
    return format_date(value, format="medium", locale=_locale())


def fmt_datetime(value: datetime | None) -> str:
    if _missing(value):
        return "–"
    return format_datetime(value, format="short", locale=_locale())


def fmt_minutes(minutes: float | None) -> str:
    """Response times, short enough for a metric tile: '45 min', '3h 05m', '2g 4h' / '2d 4h'."""
    if _missing(minutes):
        return "–"
    total = round(float(minutes))
    if total < 60:
        return f"{total} min"
    hours, mins = divmod(total, 60)
    if hours < 48:
        return f"{hours}h {mins:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}{t('unit.days_short')} {hours}h"


def plotly_separators() -> str:
    """Plotly's ``layout.separators``: decimal mark then thousands separator."""
    return ",." if language() == "it" else ".,"


def grid_datetime_format() -> str:
    """Moment.js pattern for st.column_config.DatetimeColumn."""
    return "DD/MM/YYYY HH:mm" if language() == "it" else "YYYY-MM-DD HH:mm"


def grid_date_format() -> str:
    return "DD/MM/YYYY" if language() == "it" else "YYYY-MM-DD"
