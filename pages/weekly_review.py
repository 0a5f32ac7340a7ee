from datetime import datetime

import pandas as pd
import streamlit as st

from monitoring import cache, present, review
from monitoring import state_keys as K
from monitoring.access import csv_download, log, require_page_access
from monitoring.auth import Permission
from monitoring.i18n import fmt_datetime, fmt_int, fmt_number, grid_datetime_format, language, t
from monitoring.queries import last_complete_week
from monitoring.settings import get_settings

user = require_page_access("weekly_review")
settings = get_settings()
db = str(settings.db_path)
org = cache.org_config(settings.org_path)
f = st.session_state[K.FILTERS]

st.title(t("page.weekly_review"))
default_week = last_complete_week(datetime.now(org.zone).date())
weeks = sorted(set(cache.query(db, "flag_weeks")) | {default_week}, reverse=True)
if st.session_state.get(K.REVIEW_WEEK) not in weeks:
    st.session_state[K.REVIEW_WEEK] = default_week
week = st.selectbox(t("review.week"), weeks, key=K.REVIEW_WEEK, help=t("review.week_help"))

# Uncached: a decision must show up in the queue at once.
queue, week_hits = cache.fresh_many(db, (("review_queue", f, week), ("week_hits", week)))
flash = st.session_state.pop(K.REVIEW_FLASH, None)
if flash:
    (st.success if flash[0] == "ok" else st.error)(flash[1])
if queue.empty:
    st.info(t("review.empty", week=week))
    st.stop()

done = review.progress(queue)
st.progress(
    done.share,
    text=t("review.progress", reviewed=fmt_int(done.reviewed), total=fmt_int(done.total)),
)

item_ids = [int(i) for i in queue["item_id"]]
by_id = queue.set_index("item_id")


def next_pending(after: int | None) -> int | None:
    """The pending post after ``after`` in queue order, wrapping round; ``after`` if none."""
    pending = [int(i) for i in queue.loc[queue["decision"].isna(), "item_id"]]
    later = pending[pending.index(after) + 1 :] if after in pending else pending
    others = [i for i in pending if i != after]
    return (later or others or [after])[0]


if st.session_state.get(K.REVIEW_ITEM) not in item_ids:
    st.session_state[K.REVIEW_ITEM] = next_pending(None) or item_ids[0]


def describe(item_id: int) -> str:
    row = by_id.loc[item_id]
    mark = "✓" if pd.notna(row["decision"]) else "•"
    text = " ".join(str(row["text"]).split())
    return f"{mark} {fmt_number(row['risk'], 0)} · {row['author']} · {text[:70]}"


def decide(decision: str) -> None:
    """Button callback: store the decision, say whether it was stored, move to the next post."""
    item_id = st.session_state[K.REVIEW_ITEM]
    note = st.session_state.get(K.REVIEW_NOTE, "")
    try:
        review.record_decision(db, item_id, decision, user.name, note)
    except review.ReviewError as exc:
        st.session_state[K.REVIEW_FLASH] = ("error", t("review.not_stored", reason=str(exc)))
        return
    st.session_state[K.REVIEW_FLASH] = (
        "ok",
        t("review.stored", decision=t(f"decision.{decision}")),
    )
    st.session_state[K.REVIEW_NOTE] = ""
    cache.clear()
    st.session_state[K.REVIEW_ITEM] = next_pending(item_id)


item_id = st.selectbox(t("review.post"), item_ids, format_func=describe, key=K.REVIEW_ITEM)
post = by_id.loc[item_id]
hits = week_hits[week_hits["item_id"] == item_id]
evidence = [e for value in hits["evidence"] for e in present.split_evidence(value)]

st.code(present.highlight(str(post["text"]), evidence), language=None, wrap_lines=True)
facts = st.columns(3)
facts[0].metric(t("col.risk"), fmt_number(post["risk"], 0))
facts[1].metric(
    t("col.compound"), fmt_number(post["compound"], 2) if pd.notna(post["compound"]) else "–"
)
facts[2].metric(t("col.reach"), fmt_int(post["reach"]))
# Names and handles are untrusted text: st.text, never Markdown.
where = [post["author"], post["team"], post["channel"], post["platform"]]
st.text(" · ".join(str(v) for v in where if pd.notna(v)) + f" · {fmt_datetime(post['created_at'])}")
link = present.safe_url(post["url"])
if link:
    st.link_button(t("link.open_post"), link)

if hits.empty:
    st.caption(t("review.no_hits"))
else:
    st.dataframe(
        hits[["rule_id", "category", "severity", "weight", "evidence"]],
        hide_index=True,
        column_config=present.labels(["rule_id", "category", "severity", "weight", "evidence"]),
        key="review_hits",
    )
with st.expander(t("review.why")):
    explanation = post["explain"]
    if isinstance(explanation, str) and explanation:
        st.json(explanation)
    else:
        st.caption(t("review.no_explanation"))

if pd.notna(post["decision"]):
    st.info(
        t(
            "review.current",
            decision=t(f"decision.{post['decision']}"),
            reviewer=post["reviewer"],
            when=fmt_datetime(post["decided_at"]),
        )
    )
st.text_area(t("review.note"), key=K.REVIEW_NOTE, max_chars=review.MAX_NOTE)
actions = st.columns(3)
for column, decision, kind in zip(
    actions, review.DECISIONS, ("primary", "secondary", "secondary"), strict=True
):
    column.button(
        t(f"review.action.{decision}"),
        key=f"decide_{decision}",
        type=kind,
        on_click=decide,
        args=(decision,),
        width="stretch",
    )

st.subheader(t("review.queue"))
table = present.with_safe_links(
    queue.drop(columns=["item_id", "team_id", "author_handle", "note", "reviewer", "explain"])
)
table["decision"] = table["decision"].map(lambda d: t(f"decision.{d}"), na_action="ignore")
config = present.labels(table.columns)
config["url"] = st.column_config.LinkColumn(t("col.url"), display_text=t("link.open"))
config["risk"] = st.column_config.NumberColumn(t("col.risk"), format="%.0f")
for when in ("created_at", "decided_at"):
    config[when] = st.column_config.DatetimeColumn(t(f"col.{when}"), format=grid_datetime_format())
st.dataframe(table, hide_index=True, column_config=config, key="review_queue")
# The week's queue and report are the manager's own working papers: REVIEW is enough.
csv_download(user, queue.drop(columns=["explain"]), f"flags-{week}", permission=Permission.REVIEW)
if user.can(Permission.REVIEW):
    # Issue 8: the manager's weekly report, rendered only when clicked (data as a callable).
    report_team = f.teams[0] if len(f.teams) == 1 else None
    report_lang = language()  # read now: the download runs outside this script's context

    def report_html() -> str:
        return cache.weekly_report_html(db, week, report_team, org, report_lang)

    cols = st.columns(2)
    cols[0].download_button(
        t("review.report_html"),
        lambda: report_html().encode("utf-8"),
        file_name=f"report-{week}.html",
        mime="text/html",
        on_click=lambda: log(db, user.name, "export", file=f"report-{week}.html"),
        key="download_report_html",
    )
    cols[1].download_button(
        t("review.report_pdf"),
        lambda: cache.weekly_report_pdf(report_html()),
        file_name=f"report-{week}.pdf",
        mime="application/pdf",
        on_click=lambda: log(db, user.name, "export", file=f"report-{week}.pdf"),
        key="download_report_pdf",
    )
