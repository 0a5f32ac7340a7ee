"""Plotly figures for the pages, with ONE palette: a sentiment is always the same colour.

Builders take the small frames of ``monitoring.queries`` / ``monitoring.health`` and return
figures; labels go through i18n and numbers use the current language's separators.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from monitoring.i18n import language, plotly_separators, t

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
SENTIMENT_COLORS = {
    "negative": "#D55E00",
    "neutral": "#9E9E9E",
    "positive": "#009E73",
    "unscored": "#DDDDDD",
}
SENTIMENT_ORDER = ("negative", "neutral", "positive", "unscored")
GOVERNANCE_COLORS = {"centralized": "#0072B2", "decentralized": "#E69F00"}
STATUS_COLORS = {"green": "#2E7D32", "amber": "#F9A825", "red": "#C62828"}
# Series (teams, channels, competitors) never reuse a sentiment colour.
SERIES_COLORS = ("#0072B2", "#E69F00", "#56B4E9", "#CC79A7", "#332288", "#F0E442", "#117733",
                 "#882255", "#44AA99", "#AA4499", "#88CCEE", "#DDCC77")  # fmt: skip
HEALTH_COLOR = "#0072B2"


def _layout(fig: go.Figure, title: str | None = None, height: int = 340) -> go.Figure:
    fig.update_layout(
        title=title,
        separators=plotly_separators(),
        height=height,
        margin={"l": 10, "r": 10, "t": 80 if title else 10, "b": 10},
        title_y=0.97,
        title_yanchor="top",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        hovermode="x unified",
    )
    return fig


def _dates(fig: go.Figure) -> go.Figure:
    """Date ticks in the language's order (day first in Italian)."""
    fig.update_xaxes(tickformat="%d/%m/%y" if language() == "it" else "%Y-%m-%d")
    return fig


def sentiment_volume(buckets: pd.DataFrame) -> go.Figure:
    """Mentions per bucket stacked by sentiment (``queries.mention_buckets``)."""
    fig = go.Figure()
    for label in SENTIMENT_ORDER:
        if label == "unscored" and not buckets[label].any():
            continue
        fig.add_bar(
            x=buckets["bucket"],
            y=buckets[label],
            name=t(f"sentiment.{label}"),
            marker_color=SENTIMENT_COLORS[label],
        )
    fig.update_layout(barmode="stack", bargap=0.1)
    return _dates(_layout(fig, t("chart.sentiment_volume")))


def health_trend(trend: pd.DataFrame) -> go.Figure:
    fig = go.Figure(
        go.Scatter(
            x=trend["bucket"],
            y=trend["health"],
            mode="lines+markers",
            name=t("kpi.brand_health"),
            line={"color": HEALTH_COLOR},
        )
    )
    fig.update_yaxes(range=[0, 100])
    return _dates(_layout(fig, t("chart.health_trend"), height=260))


def share_of_voice(sov: pd.DataFrame) -> go.Figure:
    """Horizontal bars, the brand first in the palette's first colour."""
    total = sov["mentions"].sum() or 1
    fig = go.Figure(
        go.Bar(
            x=sov["mentions"] / total,
            y=sov["label"],
            orientation="h",
            marker_color=[SERIES_COLORS[i % len(SERIES_COLORS)] for i in range(len(sov))],
            text=sov["mentions"],
            hovertemplate="%{y}: %{x:.1%}<extra></extra>",
        )
    )
    fig.update_xaxes(tickformat=".0%")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(hovermode="closest")
    return _layout(fig, t("chart.share_of_voice"), height=260)


def stacked(frame: pd.DataFrame, series: str, value: str, title: str) -> go.Figure:
    """Bars per bucket stacked by ``series`` (teams, channels, categories)."""
    fig = go.Figure()
    for index, (name, part) in enumerate(frame.groupby(series, sort=False)):
        fig.add_bar(
            x=part["bucket"],
            y=part[value],
            name=str(name),
            marker_color=SERIES_COLORS[index % len(SERIES_COLORS)],
        )
    fig.update_layout(barmode="stack", bargap=0.1)
    return _dates(_layout(fig, title))


def speed_vs_risk(health: pd.DataFrame, averages: pd.DataFrame) -> go.Figure:
    """Median response time against flagged share per team, coloured by governance mode."""
    fig = go.Figure()
    for mode, part in health.groupby("governance"):
        fig.add_scatter(
            x=part["median_minutes"],
            y=part["flagged_share"],
            mode="markers+text",
            text=part["name"],
            textposition="top center",
            name=t(f"governance.{mode}"),
            marker={"size": 13, "color": GOVERNANCE_COLORS.get(mode, "#999999")},
            hovertemplate="%{text}<br>%{x:.0f} min · %{y:.1%}<extra></extra>",
        )
    for _, row in averages.iterrows():
        fig.add_scatter(
            x=[row["median_minutes"]],
            y=[row["flagged_share"]],
            mode="markers",
            name=t("chart.group_average", mode=t(f"governance.{row['governance']}")),
            marker={
                "size": 18,
                "symbol": "diamond-open",
                "line": {"width": 3},
                "color": GOVERNANCE_COLORS.get(row["governance"], "#999999"),
            },
            hovertemplate="%{x:.0f} min · %{y:.1%}<extra></extra>",
        )
    fig.update_xaxes(type="log", title=t("chart.median_response_minutes_log"))
    fig.update_yaxes(tickformat=".0%", title=t("col.flagged_share"), rangemode="tozero")
    fig.update_layout(hovermode="closest")
    return _layout(fig, t("chart.speed_vs_risk"), height=420)


def coverage_matrix(matrix: pd.DataFrame) -> go.Figure:
    """Channel x team heat map of staff posts (``queries.channel_team_matrix``)."""
    wide = matrix.pivot_table(
        index="channel", columns="team", values="staff_posts", aggfunc="sum", sort=False
    ).fillna(0)
    fig = go.Figure(
        go.Heatmap(
            z=wide.values,
            x=list(wide.columns),
            y=list(wide.index),
            colorscale="Blues",
            text=wide.values.astype(int),
            texttemplate="%{text}",
            hovertemplate="%{y} · %{x}: %{z}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(hovermode="closest")
    return _layout(fig, t("chart.coverage"), height=max(320, 40 * len(wide.index) + 120))
