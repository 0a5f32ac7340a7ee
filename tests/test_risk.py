"""The risk formula: deviation with diminishing returns, log-scaled audience and reaction."""

import pytest

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
