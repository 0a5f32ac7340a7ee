import pytest

from monitoring import db
from tests.pages.conftest import frame_with

pytestmark = pytest.mark.slow


def test_rules_with_hit_counts_and_precision(open_page, app_env):
    at = open_page("policy")
    rules = frame_with(at, "rule_id", "hits", "precision")
    counts = dict(
        db.read(
            app_env.path,
            lambda c: c.execute("SELECT rule_id, count(*) FROM hits GROUP BY rule_id").fetchall(),
        )
    )
    shown = rules.set_index("rule_id")
    for rule_id, hits in counts.items():
        assert shown.loc[rule_id, "hits"] == hits
    assert shown.loc["tone.blame", "precision"] == 0.0
    # Every rule of policy.yaml is listed, hit or not.
    assert (shown["hits"] == 0).sum() >= 5


def test_paste_a_post_and_see_hits(open_page):
    at = open_page("policy")
    at.text_area(key="policy_text").input(
        "Solo per oggi usa il codice SCONTO30 sulla nuova offerta luce, link in bio!"
    )
    at.selectbox(key="policy_team").set_value("marketing")
    at.selectbox(key="policy_channel").set_value("instagram")
    at.button[0].click()  # the form's submit button
    at.run()
    assert not at.exception
    hits = frame_with(at, "rule_id", "category", "evidence")
    assert "disclosure" in hits["category"].tolist()
    assert any("SCONTO30" in e for e in hits["evidence"])


def test_a_broken_policy_file_is_named_with_its_line(open_page, app_env, monkeypatch, tmp_path):
    bad = tmp_path / "policy.yaml"
    bad.write_text("version: x\nrules:\n  - id: BAD ID\n")
    monkeypatch.setenv("SENTINELLA_POLICY", str(bad))
    at = open_page("policy")
    assert [e.value.split(":")[1] for e in at.error] == ["3"]
    assert str(bad) in at.error[0].value
