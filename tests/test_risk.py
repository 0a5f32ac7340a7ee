"""The risk formula: deviation with diminishing returns, log-scaled audience and reaction."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitoring.scoring.risk import (
    RiskInputs,
    RiskSettings,
    describe_risk_formula,
    deviation,
    risk_parts,
    risk_score,
)

S = RiskSettings()


def risk(**kwargs) -> float:
    return risk_score(risk_parts(RiskInputs(**kwargs), S))


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({}, 0.0),
        ({"severities": (("high", 1.0),)}, 70.0),
        ({"severities": (("medium", 1.0),)}, 42.0),
        ({"severities": (("low", 1.0),)}, 21.0),
        ({"severities": (("medium", 0.5),)}, 21.0),
        ({"severities": (("medium", 1.0), ("medium", 1.0))}, 58.8),  # 70 * (1 - 0.4^2)
        ({"compound": -1.0}, 10.0),
        ({"compound": 0.9}, 0.0),  # positive sentiment adds no risk
        ({"reach": 1_000_000}, 10.0),
        ({"reach": 1_000_000_000}, 10.0),  # capped
        ({"kind": "mention", "compound": -0.5, "reach": 1_000_000}, 50.0),
        ({"kind": "mention", "severities": (("high", 1.0),)}, 0.0),  # no deviation for mentions
    ],
)
def test_risk_table(inputs, expected):
    assert risk(**inputs) == pytest.approx(expected, abs=0.05)


def test_audience_is_log_scaled():
    a = risk(kind="mention", reach=100)
    b = risk(kind="mention", reach=10_000)
    c = risk(kind="mention", reach=1_000_000)
    assert 0 < a < b < c
    assert b - a == pytest.approx(c - b, abs=0.2)  # each factor of 100 adds the same


def test_reaction_grows_with_negative_replies_and_velocity():
    quiet = risk(negative_replies=0, engagement=0)
    angry = risk(negative_replies=20, engagement=0)
    viral = risk(negative_replies=20, engagement=5000, hours_observed=2)
    assert quiet < angry < viral <= 100


def test_velocity_uses_hours_observed():
    fast = risk(engagement=1000, hours_observed=1)
    slow = risk(engagement=1000, hours_observed=100)
    assert fast > slow


def test_deviation_never_exceeds_one():
    assert deviation(tuple([("high", 3.0)] * 5), S) == 1.0


def test_risk_is_clamped_to_100():
    total = risk(
        severities=(("high", 1.0),), compound=-1, reach=10**9, negative_replies=10**6,
        engagement=10**9, hours_observed=1,
    )  # fmt: skip
    assert total == 100.0


def test_parts_explain_the_score():
    parts = risk_parts(RiskInputs(severities=(("medium", 1.0),), compound=-0.5), S)
    assert parts["deviation_points"] == 42.0
    assert parts["sentiment_points"] == 5.0
    assert risk_score(parts) == 47.0


def test_description_names_the_configured_numbers():
    text = describe_risk_formula(RiskSettings(threshold=55))
    assert "≥ 55" in text
    assert "70×deviation" in text


def reference_parts(inputs: RiskInputs, settings: RiskSettings) -> dict[str, float]:
    """The formula as written in the module docstring, term by term, straight from the
    settings (risk_parts reads them once per settings object and must give exactly these
    floats)."""

    def log_share(value: float, full: float) -> float:
        return 0.0 if value <= 0 else min(1.0, math.log10(1 + value) / math.log10(1 + full))

    keep = 1.0
    for severity, weight in inputs.severities:
        keep *= 1.0 - min(1.0, getattr(settings.severity_points, severity) * weight)
    hours = max(1.0, inputs.hours_observed or 1.0)
    velocity = inputs.engagement / hours
    factors = {
        "deviation": 1.0 - keep,
        "sentiment": max(0.0, -(inputs.compound or 0.0)),
        "audience": log_share(inputs.reach or 0, settings.reach_full),
        "reaction": 0.6 * log_share(inputs.negative_replies, settings.negative_replies_full)
        + 0.4 * log_share(velocity, settings.velocity_full),
    }
    weights = settings.mention if inputs.kind == "mention" else settings.staff
    parts = {f"{name}_factor": round(value, 4) for name, value in factors.items()}
    for name, value in factors.items():
        parts[f"{name}_points"] = round(getattr(weights, name, 0.0) * value, 2)
    return parts


@given(
    kind=st.sampled_from(["staff", "mention"]),
    severities=st.lists(
        st.tuples(st.sampled_from(["low", "medium", "high"]), st.floats(0, 3)), max_size=4
    ),
    compound=st.none() | st.floats(-1, 1),
    reach=st.none() | st.integers(0, 10**10),
    negative=st.integers(0, 10**6),
    engagement=st.integers(0, 10**9),
    hours=st.none() | st.floats(0, 10**4),
    threshold=st.floats(0, 100),
    reach_full=st.floats(1, 10**9),
    medium=st.floats(0, 1),
    staff_deviation=st.floats(0, 100),
)
def test_risk_parts_equal_the_formula_term_by_term(
    kind, severities, compound, reach, negative, engagement, hours, threshold, reach_full,
    medium, staff_deviation,
):  # fmt: skip
    settings = RiskSettings(
        threshold=threshold,
        reach_full=reach_full,
        severity_points={"medium": medium},
        staff={"deviation": staff_deviation},
    )
    inputs = RiskInputs(
        kind=kind, severities=tuple(severities), compound=compound, reach=reach,
        negative_replies=negative, engagement=engagement, hours_observed=hours,
    )  # fmt: skip
    expected = reference_parts(inputs, settings)
    assert risk_parts(inputs, settings) == expected
    assert risk_score(expected) == round(min(100.0, max(0.0, sum(
        v for k, v in expected.items() if k.endswith("_points")
    ))), 1)  # fmt: skip
