"""Small, Streamlit-free helpers that prepare query frames for display.

Post text is untrusted: pages show it through st.dataframe / st.text / st.code only, links only
when their scheme is http(s), and evidence is marked with plain [[brackets]], never HTML.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pandas as pd

from monitoring.i18n import t

MARK_OPEN, MARK_CLOSE = "[[", "]]"  # ASCII: every monospace font has it


def safe_url(value: object) -> str | None:
    """The URL when it is an absolute http(s) link, else None (no javascript:, data:, ...)."""
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return value.strip()
    return None


def with_safe_links(frame: pd.DataFrame, column: str = "url") -> pd.DataFrame:
    if column not in frame.columns:
        return frame
    out = frame.copy()
    out[column] = out[column].map(safe_url)
    return out


def labels(columns: list[str] | pd.Index) -> dict[str, str]:
    """st.dataframe column_config entries: each column's translated header."""
    return {c: t(f"col.{c}") for c in columns}


def highlight(text: str, evidence: list[str]) -> str:
    """``text`` with every evidence phrase wrapped in [[ ]] (case-insensitive, plain text)."""
    phrases = sorted({e.strip() for e in evidence if e and e.strip()}, key=len, reverse=True)
    if not phrases:
        return text
    pattern = re.compile("|".join(re.escape(p) for p in phrases), re.IGNORECASE)
    return pattern.sub(lambda m: f"{MARK_OPEN}{m.group(0)}{MARK_CLOSE}", text)


def split_evidence(value: object) -> list[str]:
    """Hits store evidence as text; several matches are separated by '; ' or ', '."""
    if not isinstance(value, str) or not value.strip():
        return []
    return [part.strip() for part in re.split(r";\s*|\s\|\s", value) if part.strip()]


def competitor_terms(org) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(name, lower-case terms) per competitor, hashable for caching."""
    out = []
    for competitor in org.brand.competitors:
        terms = {competitor.name.lower(), *(a.lower().lstrip("#@") for a in competitor.aliases)}
        out.append((competitor.name, tuple(sorted(t for t in terms if t))))
    return tuple(out)


def rules_table(policy, stats: pd.DataFrame) -> pd.DataFrame:
    """The policy's rules (in policy.yaml order) with their hit counts and review precision.

    :param policy: a ``monitoring.scoring.policy.PolicyConfig``.
    :param stats: ``queries.rule_stats`` for the slice.
    """
    rules = pd.DataFrame(
        [
            {
                "rule_id": r.id,
                "category": r.category,
                "severity": r.severity,
                "weight": r.weight,
                "description": r.description,
            }
            for r in policy.rules
        ]
    )
    counts = stats.drop(columns=["category", "severity"], errors="ignore")
    merged = rules.merge(counts, on="rule_id", how="outer")
    for column in ("hits", "posts", "confirmed", "dismissed", "escalated"):
        merged[column] = merged[column].fillna(0).astype(int)
    order = ["rule_id", "category", "severity", "hits", "posts", "confirmed", "dismissed",
             "escalated", "precision", "weight", "description"]  # fmt: skip
    merged = merged.sort_values(["hits", "rule_id"], ascending=[False, True], kind="stable")
    return merged[order].reset_index(drop=True)


def local(value: object, timezone: str) -> datetime | None:
    """A stored UTC timestamp as naive local time in ``timezone`` (for display)."""
    if value is None or pd.isna(value):
        return None
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.tz_convert(ZoneInfo(timezone)).tz_localize(None).to_pydatetime()
