import pandas as pd
import streamlit as st

from monitoring import cache, charts, health, present
from monitoring import state_keys as K
from monitoring.access import csv_download, members_for, require_page_access
from monitoring.i18n import grid_datetime_format, t
from monitoring.settings import get_settings

user = require_page_access("teams")
settings = get_settings()
db = str(settings.db_path)
org = cache.org_config(settings.org_path)
f = st.session_state[K.FILTERS]


def download(frame: pd.DataFrame, name: str) -> None:
    csv_download(user, frame, name)


st.title(t("page.teams"))
# The drill-down's team is known before its selectbox is drawn: one read serves the page.
team_ids = [team.id for team in org.teams if not f.teams or team.id in f.teams]
if st.session_state.get(K.TEAM_DRILL) not in team_ids:
    st.session_state[K.TEAM_DRILL] = team_ids[0]
team_id = st.session_state[K.TEAM_DRILL]
activity, volume, team_channels, members, flagged = cache.many(
    db,
    (
        ("team_activity", f),
        ("team_volume", f),
        ("team_channels", f, team_id),
        ("team_members", f, team_id),
        ("team_flagged_posts", f, team_id),
    ),
)
# Viewers and analysts see pseudonyms; managers and admins see names (monitoring/privacy.py).
member_names = {m.id: m.name for m in org.members()}
members = members_for(user, db, members, member_names)
flagged = members_for(user, db, flagged, member_names)
if activity.empty or (activity["staff_posts"].sum() == 0 and activity["inbox_mentions"].sum() == 0):
    st.info(t("empty.slice"))
    st.stop()

teams = health.team_health(activity)
st.caption(t("teams.inbox_help"))
with st.popover(t("health.team_how")):
    st.caption(t("health.team_definition"))
    st.dataframe(
        pd.DataFrame(
            {
                "metric": [t(f"col.{m.key}") for m in health.TEAM_METRICS],
                "target": [t(f"col.{m.target}") for m in health.TEAM_METRICS],
                "amber": [f"{m.amber:.0%}" for m in health.TEAM_METRICS],
            }
        ),
        hide_index=True,
        column_config=present.labels(["metric", "target", "amber"]),
        key="team_health_definition",
    )

shown = teams.assign(
    status=teams["status"].map(lambda s: t(f"status.{s}") if s else "–"),
    governance=teams["governance"].map(lambda g: t(f"governance.{g}")),
)
columns = [
    "name", "governance", "status", "health", "staff_posts", "inbox_mentions", "response_rate",
    "target_response_rate", "answers", "median_minutes", "target_minutes", "p90_minutes",
    "post_sentiment", "negative_replies", "negative_share", "target_negative_share",
    "flagged", "flagged_share", "target_flagged_share", "confirmed",
]  # fmt: skip
config = present.labels(columns)
config["health"] = st.column_config.ProgressColumn(
    t("col.health"), min_value=0, max_value=100, format="%.0f"
)
for share in ("response_rate", "target_response_rate", "negative_share", "target_negative_share",
              "flagged_share", "target_flagged_share"):  # fmt: skip
    config[share] = st.column_config.NumberColumn(t(f"col.{share}"), format="percent")
for minutes in ("median_minutes", "target_minutes", "p90_minutes"):
    config[minutes] = st.column_config.NumberColumn(t(f"col.{minutes}"), format="%.0f")
config["post_sentiment"] = st.column_config.NumberColumn(t("col.post_sentiment"), format="%.2f")
status_colors = [charts.STATUS_COLORS.get(s, "") for s in teams["status"]]
styled = shown[columns].style.apply(
    lambda _: [f"background-color: {c}55" if c else "" for c in status_colors], subset=["status"]
)
st.dataframe(styled, hide_index=True, column_config=config, key="team_health_table")
download(teams.drop(columns=[c for c in teams.columns if c.endswith("_status")]), "team-health")

plottable = teams.dropna(subset=["median_minutes", "flagged_share"])
if not plottable.empty:
    st.plotly_chart(
        charts.speed_vs_risk(plottable, health.governance_averages(plottable)),
        key="chart_speed_risk",
    )
    st.caption(t("teams.tradeoff_help"))
if not volume.empty:
    st.plotly_chart(
        charts.stacked(volume, "team", "staff_posts", t("chart.team_volume")),
        key="chart_team_volume",
    )

st.subheader(t("teams.drilldown"))
st.selectbox(
    t("teams.pick"),
    team_ids,
    format_func=lambda tid: org.team(tid).name if org.team(tid) else tid,
    key=K.TEAM_DRILL,
)
left, right = st.columns(2)
with left:
    st.markdown(f"**{t('teams.channels')}**")
    if team_channels.empty:
        st.info(t("empty.table"))
    else:
        st.dataframe(
            team_channels.drop(columns=["channel_id"]),
            hide_index=True,
            column_config=present.labels(team_channels.columns),
            key="team_channels_table",
        )
        unassigned = team_channels[~team_channels["assigned"] & (team_channels["staff_posts"] > 0)]
        if not unassigned.empty:
            st.warning(t("teams.unassigned", count=len(unassigned)))
        download(team_channels, f"team-{team_id}-channels")
with right:
    st.markdown(f"**{t('teams.members')}**")
    members_config = present.labels(members.columns)
    members_config["median_minutes"] = st.column_config.NumberColumn(
        t("col.median_minutes"), format="%.0f"
    )
    members_config["mean_risk"] = st.column_config.NumberColumn(t("col.mean_risk"), format="%.1f")
    st.dataframe(
        members.drop(columns=["member_id"], errors="ignore"),
        hide_index=True,
        column_config=members_config,
        key="team_members_table",
    )
    download(members, f"team-{team_id}-members")

st.markdown(f"**{t('teams.flagged_posts')}**")
if flagged.empty:
    st.info(t("teams.no_flagged"))
else:
    table = present.with_safe_links(flagged.drop(columns=["item_id"]))
    flagged_config = present.labels(table.columns)
    flagged_config["url"] = st.column_config.LinkColumn(t("col.url"), display_text=t("link.open"))
    flagged_config["created_at"] = st.column_config.DatetimeColumn(
        t("col.created_at"), format=grid_datetime_format()
    )
    flagged_config["risk"] = st.column_config.NumberColumn(t("col.risk"), format="%.0f")
    st.dataframe(table, hide_index=True, column_config=flagged_config, key="team_flagged_table")
    download(flagged, f"team-{team_id}-flagged")
