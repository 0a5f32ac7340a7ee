import math

import streamlit as st

from monitoring import cache, present
from monitoring import state_keys as K
from monitoring.access import csv_download, may_export, require_page_access
from monitoring.i18n import fmt_datetime, fmt_int, grid_datetime_format, t
from monitoring.queries import MentionSearch
from monitoring.settings import get_settings

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000  # the browser download; `python -m monitoring export mentions` has none
LABELS = ("negative", "neutral", "positive", "unscored")
ANSWERED = ("all", "answered", "unanswered")

user = require_page_access("mentions")
settings = get_settings()
db = str(settings.db_path)
f = st.session_state[K.FILTERS]

st.title(t("page.mentions"))
window = st.session_state.get(K.MENTION_WINDOW)
if window:
    cols = st.columns([4, 1])
    cols[0].info(t("mentions.window", start=fmt_datetime(window[0]), end=fmt_datetime(window[1])))
    if cols[1].button(t("mentions.clear_window"), key="clear_window"):
        st.session_state.pop(K.MENTION_WINDOW, None)
        st.rerun()
if K.MENTION_LABELS not in st.session_state:
    st.session_state[K.MENTION_LABELS] = []

top = st.columns([3, 2, 2])
text = top[0].text_input(t("mentions.search"), key="mentions_text", help=t("mentions.search_help"))
author = top[1].text_input(t("col.author"), key="mentions_author")
answered = top[2].radio(
    t("mentions.answered"),
    ANSWERED,
    format_func=lambda v: t(f"mentions.answered.{v}"),
    horizontal=True,
    key="mentions_answered",
)
row = st.columns([3, 2, 2])
labels = row[0].multiselect(
    t("col.label"),
    LABELS,
    format_func=lambda v: t(f"sentiment.{v}"),
    key=K.MENTION_LABELS,
    placeholder=t("filter.all"),
)
langs = row[1].multiselect(
    t("col.lang"),
    cache.query(db, "mention_languages", f),  # cached per slice: usually a hit
    key="mentions_langs",
    placeholder=t("filter.all"),
)
low, high = row[2].slider(
    t("mentions.compound_range"), -1.0, 1.0, (-1.0, 1.0), step=0.05, key="mentions_compound"
)
search = MentionSearch(
    text=text,
    compound_min=low,
    compound_max=high,
    labels=tuple(labels),
    langs=tuple(langs),
    author=author,
    answered=answered,
    since=window[0] if window else None,
    until=window[1] if window else None,
)

# Count and page in one read; the page asked for is clamped afterwards if the count shrank.
requested = int(st.session_state.get(K.MENTION_PAGE, 1))
total, rows = cache.many(
    db,
    (
        ("count_mentions", f, search),
        ("search_mentions", f, search, requested - 1, PAGE_SIZE),
    ),
)
if total == 0:
    st.info(t("mentions.none"))
    st.stop()
pages = max(1, math.ceil(total / PAGE_SIZE))
if requested > pages:
    st.session_state[K.MENTION_PAGE] = requested = 1
    rows = cache.query(db, "search_mentions", f, search, 0, PAGE_SIZE)
nav = st.columns([1, 3])
page = nav[0].number_input(t("mentions.page"), 1, pages, key=K.MENTION_PAGE)
nav[1].caption(t("mentions.found", total=fmt_int(total), page=fmt_int(page), pages=fmt_int(pages)))

table = present.with_safe_links(rows.drop(columns=["item_id", "channel_id"]))
config = present.labels(table.columns)
config["url"] = st.column_config.LinkColumn(t("col.url"), display_text=t("link.open"))
config["created_at"] = st.column_config.DatetimeColumn(
    t("col.created_at"), format=grid_datetime_format()
)
config["compound"] = st.column_config.NumberColumn(t("col.compound"), format="%.2f")
config["response_minutes"] = st.column_config.NumberColumn(t("col.response_minutes"), format="%.0f")
st.dataframe(table, hide_index=True, column_config=config, key="mentions_table")

csv_download(
    user,
    # Built only when clicked: the page never holds the whole result.
    lambda: cache.fresh(db, "export_mentions", f, search, EXPORT_LIMIT),
    "mentions",
    label=t("csv.download_all", count=fmt_int(min(total, EXPORT_LIMIT))),
)
if may_export(user):
    if total > EXPORT_LIMIT:
        st.caption(t("mentions.export_limit", limit=fmt_int(EXPORT_LIMIT)))
