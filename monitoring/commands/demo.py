"""``demo``: the demo organization and a year of its data."""

from __future__ import annotations

import click

from monitoring.cli import BadInput, cli, pass_settings
from monitoring.settings import Settings


@cli.command("demo")
@click.option(
    "--mentions",
    type=click.IntRange(min=1000),
    default=20000,
    show_default=True,
    help="Mentions over the year (staff posts come on top, about one per four mentions).",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same data.")
@click.option(
    "--force",
    is_flag=True,
    help="Replace a database that already holds items: empties every table except audit_log.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@pass_settings
def demo_command(settings: Settings, mentions: int, seed: int, force: bool, quiet: bool) -> None:
    """Build the demo organization (Lumina Energia, data/org.yaml) and a year of its data.

    Mentions in Italian and English with weekly and daily seasonality, staff posts and replies
    linked to the mentions they answer, and built-in incidents (a crisis week, a leak, a missing
    disclosure, a hostile reply, personal data in a reply, an off-channel post, a posting burst,
    a competitor disparaged) recorded in the meta table under 'demo_incidents'.

    Example:

        python -m monitoring --db /tmp/demo.duckdb demo --mentions 20000 --seed 7
    """
    from monitoring.demo.generator import DemoRefused, generate_demo  # not on every CLI start

    try:
        summary = generate_demo(
            settings.db_path,
            mentions=mentions,
            seed=seed,
            progress=not quiet,
            force=force,
            org_path=settings.org_path,
        )
    except DemoRefused as exc:
        raise click.ClickException(f"{settings.db_path}: {exc}") from None
    except ValueError as exc:
        raise BadInput(f"demo: {exc}") from None
    if summary.wiped:
        click.echo(f"{settings.db_path}: emptied every table except audit_log (--force)")
    rate = (summary.mentions + summary.staff_posts) / max(summary.seconds, 1e-9)
    click.echo(
        f"{settings.db_path}: {summary.mentions} mentions, {summary.staff_posts} staff posts "
        f"({summary.replies} replies, {summary.responses} answered mentions) from "
        f"{summary.start:%Y-%m-%d} to {summary.end:%Y-%m-%d}, seed {seed}"
    )
    click.echo(f"incidents: {', '.join(summary.incidents)}")
    click.echo(
        f"took {summary.seconds:.1f} s ({rate:,.0f} items/s): composing texts "
        f"{summary.compose_seconds:.1f} s, storing {summary.load_seconds:.1f} s"
    )
