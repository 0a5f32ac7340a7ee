"""``report``: the manager's weekly report as HTML or PDF."""

from __future__ import annotations

from pathlib import Path

import click

from monitoring.cli import BadInput, cli, pass_settings
from monitoring.org import load_org
from monitoring.settings import Settings


@cli.command("report")
@click.option("--week", required=True, help="ISO week, e.g. 2026-W47.")
@click.option("--team", default=None, help="One team id from org.yaml (default: all teams).")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Output file: .html, or .pdf for a PDF.",
)
@click.option(
    "--lang",
    type=click.Choice(["it", "en"]),
    default=None,
    help="Language (default: SENTINELLA_LANG, else org.yaml's locale).",
)
@pass_settings
def report_command(
    settings: Settings, week: str, team: str | None, out: Path, lang: str | None
) -> None:
    """Write the weekly report: brand health and its change on the previous week, teams
    against their targets, centralized vs decentralized, crisis spikes, the flagged posts with
    their review decisions and the pending ones, the top negative mentions, with charts.

    Example:

        python -m monitoring report --week 2026-W47 --out report.html

        python -m monitoring report --week 2026-W47 --team customer_care --out care.pdf
    """
    from monitoring.report import ReportError, parse_week, render_pdf, render_report  # heavy

    if out.suffix.lower() not in (".html", ".htm", ".pdf"):
        raise BadInput(f"--out {out}: the file name must end in .html or .pdf")
    try:
        parse_week(week)
        org = load_org(settings.org_path)
        if not Path(settings.db_path).exists():
            raise click.ClickException(f"{settings.db_path}: no database; run `init` first")
        page = render_report(settings.db_path, week, team=team, org=org, lang=lang)
    except ReportError as exc:
        raise BadInput(str(exc)) from None
    if out.suffix.lower() == ".pdf":
        out.write_bytes(render_pdf(page))
    else:
        out.write_text(page, encoding="utf-8")
    click.echo(f"{out}: weekly report {week}" + (f" for team {team}" if team else ""))
