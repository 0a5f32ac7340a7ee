import pandas as pd
import streamlit as st

from monitoring import cache, charts, present
from monitoring import state_keys as K
from monitoring.access import csv_download, require_page_access
from monitoring.config import ConfigError
from monitoring.i18n import fmt_number, t
from monitoring.settings import get_settings

user = require_page_access("policy")
settings = get_settings()
db = str(settings.db_path)
org = cache.org_config(settings.org_path)
try:
    policy = cache.policy_config(settings.policy_path)
except ConfigError as exc:  # a broken policy.yaml: say where, show nothing half-read
    st.error(str(exc))
    st.stop()
f = st.session_state[K.FILTERS]

st.title(t("page.policy"))
stats, volume = cache.many(db, (("rule_stats", f), ("rule_volume", f)))
rules = present.rules_table(policy, stats)
st.caption(t("policy.precision_help"))
config = present.labels(rules.columns)
config["precision"] = st.column_config.ProgressColumn(
    t("col.precision"), min_value=0.0, max_value=1.0, format="percent"
)
st.dataframe(rules, hide_index=True, column_config=config, key="rules_table")
csv_download(user, rules, "policy-rules")
if not volume.empty:
    st.plotly_chart(
        charts.stacked(volume, "category", "hits", t("chart.rule_volume")), key="chart_rules"
    )
with st.popover(t("policy.risk_how")):
    from monitoring.scoring.risk import describe_risk_formula

    st.text(describe_risk_formula(policy.risk))

st.subheader(t("policy.try"))
with st.form("policy_check"):
    text = st.text_area(t("policy.text"), key="policy_text", max_chars=5000)
    cols = st.columns(3)
    team = cols[0].selectbox(
        t("col.team"),
        [team.id for team in org.teams],
        format_func=lambda tid: org.team(tid).name,
        key="policy_team",
    )
    channel = cols[1].selectbox(
        t("col.channel"),
        [channel.id for channel in org.channels],
        format_func=lambda cid: org.channel(cid).name,
        key="policy_channel",
    )
    is_reply = cols[2].checkbox(t("policy.is_reply"), key="policy_reply")
    submitted = st.form_submit_button(t("policy.check"))

if submitted and not text.strip():
    st.error(t("policy.empty_text"))
elif submitted:
    from monitoring.scoring.policy import Post, evaluate
    from monitoring.scoring.sentiment import analyze

    post = Post(text=text, team=team, channel=channel, in_reply_to="public" if is_reply else None)
    result = evaluate(post, policy, org, analyze(text))
    cols = st.columns(4)
    cols[0].metric(t("col.risk"), fmt_number(result.risk, 0))
    cols[1].metric(t("policy.flagged"), t("yes") if result.flagged else t("no"))
    cols[2].metric(t("col.lang"), result.lang or "–")
    cols[3].metric(
        t("col.compound"), fmt_number(result.compound, 2) if result.compound is not None else "–"
    )
    st.caption(t("policy.topics", topics=", ".join(result.topics) or "–"))
    if result.hits:
        hits = pd.DataFrame(
            [
                {
                    "rule_id": h.rule,
                    "category": h.category,
                    "severity": h.severity,
                    "weight": h.weight,
                    "evidence": "; ".join(h.evidence),
                }
                for h in result.hits
            ]
        )
        st.dataframe(
            hits, hide_index=True, column_config=present.labels(hits.columns), key="check_hits"
        )
        st.code(
            present.highlight(text, [e for h in result.hits for e in h.evidence]),
            language=None,
            wrap_lines=True,
        )
    else:
        st.success(t("policy.no_hits"))
    with st.expander(t("review.why")):
        st.json(result.explanation)
