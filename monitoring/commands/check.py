import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from monitoring.cli import cli, pass_settings
from monitoring.org import OrgConfig, load_org
from monitoring.settings import Settings

FIELDS = ("text", "team", "channel", "created_at", "in_reply_to", "author")


class BadLine(ValueError):
    """One input line cannot be checked; the message says why."""


@cli.command("check")
@click.option(
    "--org", "org_path", type=click.Path(dir_okay=False, path_type=Path),
    help="org.yaml to use (default: data/org.yaml; env SENTINELLA_ORG).",
)  # fmt: skip
@click.option(
    "--policy", "policy_path", type=click.Path(dir_okay=False, path_type=Path),
    help="policy.yaml to test (default: data/policy.yaml; env SENTINELLA_POLICY).",
)  # fmt: skip
@pass_settings
def check_command(settings: Settings, org_path: Path | None, policy_path: Path | None) -> None:
    """Check posts against the policy, one JSON object a line, without touching the database.

    Input (stdin): {"text": ..., "team": ..., "channel": ...} with optional "created_at"
    (ISO 8601), "in_reply_to" (any id: the post is a reply to the public) and "author".
    Output (stdout), one line per valid input line in order: lang, compound, topics, hits
    (rule, category, severity, evidence), risk (0-100), flagged.

    A bad line (not JSON, missing text/team/channel, unknown team or channel) is set aside:
    "line N: reason" goes to stderr, the other lines are still checked, and the exit code
    is 2. The volume rule needs a member's history, so it never fires here.

    Example:

        echo '{"text": "Usa il codice SCONTO20!", "team": "marketing", "channel": "instagram"}' \\
            | python -m monitoring check
    """
    from monitoring.scoring.policy import PolicyEngine, load_policy

    org = load_org(org_path or settings.org_path)
    policy = load_policy(policy_path or settings.policy_path)
    engine = PolicyEngine(policy, org)
    bad = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            post = parse_line(line, org)
        except BadLine as exc:
            bad += 1
            click.echo(f"line {number}: {exc}", err=True)
            continue
        click.echo(json.dumps(check_post(engine, post), ensure_ascii=False))
    if bad:
        sys.exit(2)


def parse_line(line: str, org: OrgConfig):
    """One input line as a ``Post``; ``BadLine`` names what is wrong."""
    from monitoring.scoring.policy import Post

    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise BadLine("expected a JSON object")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise BadLine(f"unknown field {unknown[0]!r} (expected {', '.join(FIELDS)})")
    for name in ("text", "team", "channel"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise BadLine(f"{name!r} is required and must be a non-empty string")
    if org.team(data["team"]) is None:
        raise BadLine(f"unknown team {data['team']!r} (known: {_ids(org.teams)})")
    if org.channel(data["channel"]) is None:
        raise BadLine(f"unknown channel {data['channel']!r} (known: {_ids(org.channels)})")
    reply = data.get("in_reply_to")
    if reply is not None and not isinstance(reply, str | int):
        raise BadLine("'in_reply_to' must be a string or a number")
    author = data.get("author")
    if author is not None and not isinstance(author, str):
        raise BadLine("'author' must be a string")
    return Post(
        text=data["text"],
        team=data["team"],
        channel=data["channel"],
        in_reply_to=str(reply) if reply is not None else None,
        author=author,
        created_at=_timestamp(data.get("created_at")),
    )


def check_post(engine: Any, post: Any) -> dict[str, Any]:
    """The contract's output object for one post."""
    from monitoring.scoring.sentiment import analyze

    result = engine.evaluate(post, analyze(post.text))
    return {
        "lang": result.lang,
        "compound": round(result.compound, 4) if result.compound is not None else None,
        "topics": list(result.topics),
        "hits": [hit.as_dict() for hit in result.hits],
        "risk": result.risk,
        "flagged": result.flagged,
    }


def _timestamp(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadLine("'created_at' must be an ISO 8601 string")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadLine(f"'created_at' is not an ISO 8601 timestamp: {value!r}") from None


def _ids(things: list) -> str:
    return ", ".join(t.id for t in things)
