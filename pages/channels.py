import pandas as pd
import streamlit as st

from monitoring import cache, charts, present
from monitoring import state_keys as K
from monitoring.access import csv_download, require_page_access
from monitoring.i18n import t
from monitoring.settings import get_settings

user = require_page_access("channels")
settings = get_settings()
db = str(settings.db_path)
f = st.session_state[K.FILTERS]


def download(frame: pd.DataFrame, name: str) -> None:
    csv_download(user, frame, name)


st.title(t("page.channels"))
channels, matrix, volume = cache.many(
    db, (("channel_activity", f), ("channel_team_matrix", f), ("channel_volume", f))
)
if channels.empty or (channels["mentions"].sum() == 0 and channels["staff_posts"].sum() == 0):
    st.info(t("empty.slice"))
    st.stop()

config = present.labels(channels.columns)
for share in ("negative_share", "response_rate"):
    config[share] = st.column_config.NumberColumn(t(f"col.{share}"), format="percent")
config["mean_sentiment"] = st.column_config.NumberColumn(t("col.mean_sentiment"), format="%.2f")
config["median_minutes"] = st.column_config.NumberColumn(t("col.median_minutes"), format="%.0f")
st.dataframe(
    channels.drop(columns=["channel_id"]),
    hide_index=True,
    column_config=config,
    key="channel_table",
)
download(channels, "channel-health")

gaps = channels[(channels["mentions"] > 0) & (channels["answered"] == 0)]
st.subheader(t("channels.gaps"))
if gaps.empty:
    st.success(t("channels.no_gaps"))
else:
    st.warning(t("channels.gaps_found", count=len(gaps)))
    st.dataframe(
        gaps[["channel", "platform", "mentions", "negative"]],
        hide_index=True,
        column_config=present.labels(["channel", "platform", "mentions", "negative"]),
        key="channel_gaps",
    )
    download(gaps, "channel-gaps")

st.subheader(t("channels.coverage"))
st.caption(t("channels.coverage_help"))
if matrix.empty:
    st.info(t("empty.table"))
else:
    st.plotly_chart(charts.coverage_matrix(matrix), key="chart_coverage")
    download(matrix.drop(columns=["channel_position", "team_position"]), "channel-team-matrix")
if not volume.empty:
    st.plotly_chart(
        charts.stacked(volume, "channel", "mentions", t("chart.channel_volume")),
        key="chart_channel_volume",
    )
