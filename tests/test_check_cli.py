"""``python -m monitoring check``: the DESIGN.md contract, bad lines, options, held-out cases."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitoring.cli import cli
from monitoring.settings import DATA_DIR

CASE_FILES = sorted((Path(__file__).parent / "data").glob("policy_cases*.jsonl"))


def run(lines: list[str], *args: str):
    result = CliRunner().invoke(cli, ["check", *args], input="\n".join(lines) + "\n")
    out = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result, out


def test_output_follows_the_contract():
    post = {
        "text": "Usa il codice SCONTO20, link in bio",
        "team": "marketing",
        "channel": "instagram",
    }
    result, out = run([json.dumps(post)])
    assert result.exit_code == 0
    (obj,) = out
    assert list(obj) == ["lang", "compound", "topics", "hits", "risk", "flagged"]
    assert obj["lang"] == "it"
    assert isinstance(obj["compound"], float)
    assert obj["flagged"] is True and 0 <= obj["risk"] <= 100
    (hit,) = obj["hits"]
    assert list(hit) == ["rule", "category", "severity", "evidence"]
    assert hit["category"] == "disclosure" and "link in bio" in hit["evidence"]


def test_reply_fields_and_created_at_are_accepted():
    post = {
        "text": "You should have read the contract",
        "team": "customer_care",
        "channel": "x_care",
        "in_reply_to": 12345,
        "created_at": "2026-11-02T09:00:00Z",
        "author": "giulia_lumina",
    }
    result, out = run([json.dumps(post)])
    assert result.exit_code == 0
    assert [h["rule"] for h in out[0]["hits"]] == ["tone.blame"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "line 2: not JSON (Expecting value at column 1)"),
        ("[1, 2]", "line 2: expected a JSON object"),
        ('{"team": "marketing", "channel": "instagram"}', "line 2: 'text' is required"),
        ('{"text": "ciao", "team": "nobody", "channel": "instagram"}', "line 2: unknown team 'nobody'"),
        ('{"text": "ciao", "team": "marketing", "channel": "fax"}', "line 2: unknown channel 'fax'"),
        ('{"text": "ciao", "team": "marketing", "channel": "instagram", "mood": 1}',
         "line 2: unknown field 'mood'"),
        ('{"text": "ciao", "team": "marketing", "channel": "instagram", "created_at": "ieri"}',
         "line 2: 'created_at' is not an ISO 8601 timestamp"),
    ],
)  # fmt: skip
def test_bad_line_is_set_aside_with_its_number_and_exit_2(line, message):
    good = json.dumps({"text": "Buongiorno!", "team": "marketing", "channel": "instagram"})
    result, out = run([good, line, good])
    assert result.exit_code == 2
    assert len(out) == 2  # the good lines are still checked
    assert result.stderr.strip().startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_blank_lines_are_skipped():
    good = json.dumps({"text": "Buongiorno!", "team": "marketing", "channel": "instagram"})
    result, out = run(["", good, "   "])
    assert result.exit_code == 0 and len(out) == 1


def test_policy_and_org_options(tmp_path):
    policy = (
        (DATA_DIR / "policy.yaml").read_text().replace("any: [Helios,", "any: [Zeffiro, Helios,")
    )
    (tmp_path / "policy.yaml").write_text(policy)
    post = json.dumps({"text": "Zeffiro arriva!", "team": "marketing", "channel": "instagram"})
    _, default = run([post])
    _, custom = run([post], "--policy", str(tmp_path / "policy.yaml"))
    assert default[0]["hits"] == []
    assert custom[0]["hits"][0]["rule"] == "confidential.code_names"

    org = (DATA_DIR / "org.yaml").read_text().replace("channels: [instagram, facebook, tiktok]",
                                                      "channels: [instagram, facebook, tiktok, linkedin]")  # fmt: skip
    (tmp_path / "org.yaml").write_text(org)
    post = json.dumps({"text": "Ciao", "team": "marketing", "channel": "linkedin"})
    _, default = run([post])
    _, custom = run([post], "--org", str(tmp_path / "org.yaml"))
    assert [h["rule"] for h in default[0]["hits"]] == ["channel.unassigned"]
    assert custom[0]["hits"] == []


def test_bad_policy_file_is_one_line_exit_2(tmp_path):
    (tmp_path / "policy.yaml").write_text("version: '1'\nrules:\n  - id: a\n    kind: channel\n")
    result, _ = run(["{}"], "--policy", str(tmp_path / "policy.yaml"))
    assert result.exit_code == 2
    assert "policy.yaml:3: rules[0].channel.category: Field required" in result.output


def held_out_rates(path: Path) -> tuple[float, float, list[str]]:
    """(share of violations flagged with a hit of the expected category, share of ordinary
    posts left unflagged, misses) over one tests/data/policy_cases*.jsonl file."""
    cases = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    lines = [json.dumps({k: v for k, v in c.items() if k != "expect"}) for c in cases]
    result, out = run(lines)
    assert result.exit_code == 0 and len(out) == len(cases)
    caught = ordinary_ok = 0
    misses = []
    for case, obj in zip(cases, out, strict=True):
        categories = {h["category"] for h in obj["hits"]}
        if case["expect"]:
            ok = obj["flagged"] and case["expect"] in categories
            caught += ok
        else:
            ok = not obj["flagged"]
            ordinary_ok += ok
        if not ok:
            misses.append(f"{case['expect']}: {case['text']}")
    violations = sum(1 for c in cases if c["expect"])
    return caught / violations, ordinary_ok / (len(cases) - violations), misses


@pytest.mark.slow
@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.name)
def test_held_out_cases_meet_the_targets(path):
    caught, clean, misses = held_out_rates(path)
    print(f"{path.name}: violations caught {caught:.1%}, ordinary unflagged {clean:.1%}", misses)
    assert caught >= 0.90, misses
    assert clean >= 0.90, misses


@pytest.mark.parametrize(
    ("text", "hostile"),
    [
        # found on the demo data: polite factual replies the Italian model scores below -0.5
        (
            "@mario il doppio addebito è dovuto a un errore tecnico: il rimborso sarà automatico",
            False,
        ),
        ("@mario il doppio addebito è dovuto a un errore tecnico, ci scusiamo", False),
        ("@mario il problema è dovuto a un guasto della rete, i tecnici sono al lavoro", False),
        ("@mario siete voi il problema, non rompete più e arrangiatevi, che schifo di gente", True),
    ],
)
def test_an_explained_error_is_not_a_hostile_reply(text, hostile):
    post = {"text": text, "team": "customer_care", "channel": "x_care", "in_reply_to": "1"}
    result, (obj,) = run([json.dumps(post)])
    assert result.exit_code == 0
    assert obj["compound"] < -0.5  # the sentiment stays as the model reads it
    assert ("tone.hostile" in {h["rule"] for h in obj["hits"]}) is hostile
