import streamlit as st

from monitoring import app_db, audit, present
from monitoring.access import csv_download, require_page_access
from monitoring.i18n import grid_datetime_format, t
from monitoring.settings import get_settings

user = require_page_access("audit")
settings = get_settings()
db = str(settings.db_path)

st.title(t("page.audit"))
# Never cached: an administrator looking at the trail must see its latest line.
log, reviews = app_db.read(db, lambda conn: (audit.recent(conn), audit.review_log(conn)))

when = {"format": grid_datetime_format()}
st.subheader(t("audit.log"))
if log.empty:
    st.info(t("audit.empty"))
else:
    config = present.labels(log.columns)
    config["logged_at"] = st.column_config.DatetimeColumn(t("col.logged_at"), **when)
    st.dataframe(log, hide_index=True, column_config=config, key="audit_log")
    csv_download(user, log, "audit-log")

st.subheader(t("audit.reviews"))
config = present.labels(reviews.columns)
config["decided_at"] = st.column_config.DatetimeColumn(t("col.decided_at"), **when)
st.dataframe(reviews, hide_index=True, column_config=config, key="audit_reviews")
csv_download(user, reviews, "review-log")

st.subheader(t("audit.config"))
st.caption(t("audit.config_help"))
for name, path in settings.config_files().items():
    with st.expander(f"{name}: {path}"):
        # st.code renders text verbatim: configuration is shown, never interpreted.
        st.code(path.read_text(encoding="utf-8") if path.exists() else "", language="yaml")
