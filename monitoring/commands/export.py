"""``export``: write a dashboard table as a spreadsheet-safe CSV file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from monitoring.cli import BadInput, cli, pass_settings
from monitoring.filters import Filters
from monitoring.org import load_org
from monitoring.settings import Settings

# monitoring.export's TABLES, named here so that pandas is not loaded on every CLI start
# (tests/test_export.py checks the two agree).
TABLE_NAMES = ("mentions", "staff-posts", "flags", "reviews", "team-health", "channel-health")


def _check_ids(kind: str, given: tuple[str, ...], known: list[str]) -> None:
    unknown = [value for value in given if value not in known]
    if unknown:
        raise BadInput(f"--{kind} {unknown[0]!r}: not in org.yaml (known: {', '.join(known)})")


@cli.command("export")
@click.argument("table", type=click.Choice(TABLE_NAMES), metavar="TABLE")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV file to write.",
)
@click.option(
    "--from",
    "start",
    type=click.DateTime(["%Y-%m-%d"]),
    help="First day (inclusive, organization's time zone).",
)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (inclusive).")
@click.option("--team", "teams", multiple=True, help="Team id (repeatable).")
@click.option("--channel", "channels", multiple=True, help="Channel id (repeatable).")
@click.option("--platform", "platforms", multiple=True, help="Platform (repeatable).")
@click.option(
    "--excel-it",
    is_flag=True,
    help="Italian Excel dialect: ';' separator, decimal comma, UTF-8 BOM.",
)
@pass_settings
def export_command(
    settings: Settings,
    table: str,
    out: Path,
    start: datetime | None,
    end: datetime | None,
    teams: tuple[str, ...],
    channels: tuple[str, ...],
    platforms: tuple[str, ...],
    excel_it: bool,
) -> None:
    """Export TABLE as a spreadsheet-safe CSV file, sliced like the dashboard.

    \b
    TABLE is one of:
      mentions, staff-posts, flags, reviews  (one row per item / decision)
      team-health, channel-health            (the Teams and Channels tables)

    No filter exports everything. Team on mentions means the mentions the team answered or
    that arrived on its channels. Cells a spreadsheet would run as formulas are neutralized.

    Example:

    \b
        python -m monitoring export mentions --out mentions.csv \\
            --from 2026-10-01 --to 2026-10-31 --team customer_care --excel-it
    """
    if start and end and start > end:
        raise BadInput(f"--from {start:%Y-%m-%d} is after --to {end:%Y-%m-%d}")
    if not settings.db_path.exists():
        raise BadInput(f"{settings.db_path}: no database (run `python -m monitoring init` first)")
    org = load_org(settings.org_path)
    _check_ids("team", teams, [t.id for t in org.teams])
    _check_ids("channel", channels, [c.id for c in org.channels])
    if out.parent and not out.parent.exists():
        raise BadInput(f"--out {out}: folder {out.parent} does not exist")
    filters = Filters(
        start=start.date() if start else None,
        end=end.date() if end else None,
        teams=teams,
        channels=channels,
        platforms=tuple(p.lower() for p in platforms),
        timezone=org.timezone,
    )
    from monitoring.export import export_table

    rows = export_table(settings.db_path, table, out, filters, excel_it=excel_it)
    click.echo(f"{table}: wrote {rows} rows to {out}")
