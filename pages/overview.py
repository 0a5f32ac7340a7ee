import pandas as pd
import streamlit as st

from monitoring import cache, charts, health, present
from monitoring import state_keys as K
from monitoring.access import csv_download, require_page_access
from monitoring.i18n import (
    fmt_datetime,
    fmt_int,
    fmt_minutes,
    fmt_number,
    fmt_percent,
    grid_datetime_format,
    t,
)
from monitoring.settings import get_settings

user = require_page_access("overview")
settings = get_settings()
db = str(settings.db_path)
org = cache.org_config(settings.org_path)
f = st.session_state[K.FILTERS]

st.title(t("page.overview"))
mentions, staff, times, sov, unanswered, spikes, failed = cache.many(
    db,
    (
        ("mention_buckets", f),
        ("staff_buckets", f),
        ("response_times", f),
        ("share_of_voice", f, present.competitor_terms(org)),
        ("top_unanswered_negative", f, 15),
        ("crisis_spikes", f),
        ("failed_alerts",),
    ),
)
if mentions.empty and staff.empty:
    st.info(t("empty.slice"))
    st.stop()

totals = health.period_totals(mentions, staff)
components = health.brand_components(totals)
score = health.brand_health(totals)
negative_share = totals["negative"] / totals["mentions"] if totals.get("mentions") else None
answered_share = totals["answered"] / totals["mentions"] if totals.get("mentions") else None
flagged_share = totals["flagged"] / totals["staff_posts"] if totals.get("staff_posts") else None

kpis = st.columns(6)
kpis[0].metric(t("kpi.brand_health"), fmt_number(score, 0))
kpis[1].metric(t("kpi.mentions"), fmt_int(totals.get("mentions")))
kpis[2].metric(t("kpi.negative_share"), fmt_percent(negative_share, 1))
kpis[3].metric(t("kpi.answered_share"), fmt_percent(answered_share, 1))
kpis[4].metric(t("kpi.median_response"), fmt_minutes(times["median_minutes"].iloc[0]))
kpis[5].metric(
    t("kpi.flagged_posts"),
    fmt_int(totals.get("flagged")),
    help=t("kpi.flagged_help", share=fmt_percent(flagged_share, 1)),
)

with st.popover(t("health.how")):
    st.caption(t("health.definition"))
    st.dataframe(
        pd.DataFrame(
            {
                "component": [t(f"health.{k}") for k in health.BRAND_WEIGHTS],
                "definition": [t(f"health.{k}_definition") for k in health.BRAND_WEIGHTS],
                "weight": [fmt_percent(w) for w in health.BRAND_WEIGHTS.values()],
                "value": [fmt_percent(components[k], 1) for k in health.BRAND_WEIGHTS],
            }
        ),
        hide_index=True,
        column_config=present.labels(["component", "definition", "weight", "value"]),
        key="health_definition",
    )

left, right = st.columns([2, 1])
left.plotly_chart(charts.sentiment_volume(mentions), key="chart_sentiment")
right.plotly_chart(
    charts.health_trend(health.brand_health_trend(mentions, staff)), key="chart_health"
)
sov = sov.assign(label=sov["name"].where(sov["name"] != "__brand__", org.brand.name))
right.plotly_chart(charts.share_of_voice(sov), key="chart_sov")

st.subheader(t("overview.crisis"))
st.caption(t("overview.crisis_rule"))
if spikes.empty:
    st.success(t("overview.no_crisis"))
else:
    for index, spike in spikes.iterrows():
        cols = st.columns([4, 1])
        cols[0].error(
            t(
                "overview.spike",
                start=fmt_datetime(present.local(spike["window_start"], org.timezone)),
                end=fmt_datetime(present.local(spike["window_end"], org.timezone)),
                negatives=fmt_int(spike["negatives"]),
                baseline=fmt_number(spike["baseline_mean"], 1),
                threshold=fmt_number(spike["threshold"], 1),
                severity=t(f"severity.{spike['severity']}"),
            )
        )
        if cols[1].button(t("overview.show_mentions"), key=f"spike_{index}"):
            st.session_state[K.MENTION_WINDOW] = (spike["window_start"], spike["window_end"])
            st.session_state[K.MENTION_LABELS] = ("negative",)
            st.switch_page("pages/mentions.py")

if not failed.empty:
    st.warning(t("overview.failed_alerts", count=fmt_int(len(failed))))
    st.dataframe(failed, hide_index=True, key="failed_alerts")

st.subheader(t("overview.unanswered"))
st.caption(t("overview.unanswered_help"))
if unanswered.empty:
    st.info(t("overview.no_unanswered"))
else:
    table = present.with_safe_links(unanswered.drop(columns=["item_id", "channel_id"]))
    config = present.labels(table.columns)
    config["url"] = st.column_config.LinkColumn(t("col.url"), display_text=t("link.open"))
    config["created_at"] = st.column_config.DatetimeColumn(
        t("col.created_at"), format=grid_datetime_format()
    )
    st.dataframe(table, hide_index=True, column_config=config, key="unanswered_table")
    csv_download(user, unanswered, "unanswered-negative-mentions")

st.subheader(t("overview.volume_table"))
volume = mentions.merge(staff, on="bucket", how="outer").fillna(0)
st.dataframe(volume, hide_index=True, column_config=present.labels(volume.columns), key="volume")
csv_download(user, volume, "overview-volume")
