"""Sentinella's dashboard: navigation, the shared sidebar filters, the demo banner.

Run with ``streamlit run app.py``. Pages live in pages/; logic in monitoring/.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import streamlit as st

from monitoring import access, cache, first_run, i18n
from monitoring import state_keys as K
from monitoring.access import AccessDenied
from monitoring.config import ConfigError
from monitoring.db import DatabaseBusy
from monitoring.filters import Filters
from monitoring.i18n import t
from monitoring.settings import get_settings

DEFAULT_PERIOD_DAYS = 90
# No ":material/..." icons anywhere: Streamlit fetches them from fonts.gstatic.com.
# Each page also checks the role itself (access.require_page_access): a hidden link is not a
# permission. Only the pages the signed-in user may open are listed.
PAGES = ("overview", "teams", "channels", "weekly_review", "mentions", "policy", "audit")

# No page_icon either: Streamlit would fetch it from Google.
st.set_page_config(page_title="Sentinella", layout="wide")
settings = get_settings()
db_path = str(settings.db_path)
try:
    org = cache.org_config(settings.org_path)
except ConfigError as exc:
    st.error(str(exc))
    st.stop()

if K.LANGUAGE not in st.session_state:
    st.session_state[K.LANGUAGE] = i18n.resolve_language(None, org.locale)
i18n.use_language(i18n.resolve_language(st.session_state[K.LANGUAGE], org.locale))

user = access.sign_in_gate(db_path)

try:
    state = cache.app_state(db_path, org.timezone)
except DatabaseBusy:
    st.warning(t("error.busy"))
    st.stop()
if state is None:  # first run on an empty database: build the demo data
    with st.spinner(t("first_run.building")):
        try:
            first_run.build_demo(settings)
        except (ConfigError, DatabaseBusy) as exc:
            st.error(t("first_run.failed", reason=str(exc)))
            st.stop()
    cache.clear()
    state = cache.app_state(db_path, org.timezone)

navigation = st.navigation(
    [st.Page(f"pages/{page}.py", title=t(f"page.{page}")) for page in PAGES if user.can_open(page)],
    position="sidebar",
)


def today_local() -> date:
    return datetime.now(org.zone).date()


with st.sidebar:
    last_day = min(state.last_day, today_local()) if state and state.last_day else today_local()
    if K.PERIOD not in st.session_state:
        st.session_state[K.PERIOD] = (last_day - timedelta(days=DEFAULT_PERIOD_DAYS - 1), last_day)
    period = st.date_input(t("filter.period"), key=K.PERIOD, format="DD/MM/YYYY")
    teams = st.multiselect(
        t("filter.teams"),
        [team.id for team in org.teams],
        format_func=lambda team_id: org.team(team_id).name,
        key=K.TEAMS,
        placeholder=t("filter.all"),
        help=t("filter.teams_help"),
    )
    channels = st.multiselect(
        t("filter.channels"),
        [channel.id for channel in org.channels],
        format_func=lambda channel_id: org.channel(channel_id).name,
        key=K.CHANNELS,
        placeholder=t("filter.all"),
    )
    platforms = st.multiselect(
        t("filter.platforms"),
        state.platforms if state else (),
        key=K.PLATFORMS,
        placeholder=t("filter.all"),
    )
    if isinstance(period, tuple | list) and len(period) == 2:
        start, end = period
        if start > end:
            st.error(t("filter.period_inverted"))
            start, end = end, start
        st.session_state[K.FILTERS] = Filters(
            start=start,
            end=end,
            teams=tuple(teams),
            channels=tuple(channels),
            platforms=tuple(platforms),
            timezone=org.timezone,
        )
    else:
        st.caption(t("filter.period_incomplete"))
    if K.FILTERS not in st.session_state:
        st.session_state[K.FILTERS] = Filters(timezone=org.timezone)
    st.divider()
    if K.CSV_EXCEL_IT not in st.session_state:
        st.session_state[K.CSV_EXCEL_IT] = i18n.language() == "it"
    st.toggle(t("csv.excel_it"), key=K.CSV_EXCEL_IT, help=t("csv.excel_it_help"))
    st.selectbox(
        t("language"),
        i18n.LANGUAGES,
        format_func=lambda code: t(f"language.{code}"),
        key=K.LANGUAGE,
        disabled=i18n.env_language() is not None,
        help=t("language.env_help") if i18n.env_language() else None,
    )
    if st.button(t("refresh"), help=t("refresh_help")):
        cache.clear()
    st.divider()
    if access.single_user_mode():
        st.caption(t("auth.single_user"))
    else:
        st.caption(t("auth.signed_in_as", user=user.name, role=t(f"role.{user.role.value}")))
        st.button(t("auth.sign_out"), on_click=access.sign_out, key="sign_out")

if state and state.demo:
    st.warning(t("banner.demo"))

try:
    navigation.run()
except DatabaseBusy:
    st.warning(t("error.busy"))
except AccessDenied as exc:
    st.error(t("error.access", reason=str(exc)))
