"""``alerts``: evaluate the alert rules and deliver new alerts to the webhook."""

from __future__ import annotations

from pathlib import Path

import click

from monitoring import db
from monitoring.cli import cli, pass_settings
from monitoring.org import load_org
from monitoring.settings import Settings


@cli.command("alerts")
@click.option("--dry-run", is_flag=True, help="Print what would be sent; store and send nothing.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Alert rules (default: env SENTINELLA_ALERTS, else data/alerts.yaml).",
)
@pass_settings
def alerts_command(settings: Settings, dry_run: bool, config_path: Path | None) -> None:
    """Evaluate the alert rules (crisis spike, high-risk staff post, unanswered large-reach
    mention) and deliver each new alert once to the webhook in SENTINELLA_WEBHOOK_URL
    (Slack- or Teams-compatible JSON). Failed deliveries are retried on the next run; the
    command exits 1 while any delivery of this run failed.

    Example:

        SENTINELLA_WEBHOOK_URL=https://hooks.slack.com/services/... python -m monitoring alerts

        python -m monitoring alerts --dry-run
    """
    from monitoring.alerts import WEBHOOK_ENV, load_alerts_config, run_alerts, summarize

    org = load_org(settings.org_path)
    config = load_alerts_config(config_path)
    if not Path(settings.db_path).exists():
        raise click.ClickException(f"{settings.db_path}: no database; run `init` first")
    db.init(settings.db_path)  # a database from before the alerts table gets it now
    handled = run_alerts(settings.db_path, org, dry_run=dry_run, config=config)
    for alert in handled:
        click.echo(f"{alert.key} [{alert.status}]")
        click.echo(alert.as_text())
        if alert.last_error and alert.status != "pending":
            click.echo(f"  error: {alert.last_error}")
        click.echo("")
    if dry_run:
        click.echo(f"dry run: {len(handled)} alert(s) would be sent; nothing stored or sent")
        return
    click.echo(summarize(handled))
    if any(a.status == "skipped" for a in handled):
        click.echo(f"{WEBHOOK_ENV} is not set: alerts were recorded but not sent")
    failed = [a for a in handled if a.status in ("failed", "gave_up")]
    if failed:
        raise click.ClickException(
            f"{len(failed)} alert(s) could not be delivered: {failed[0].last_error}"
        )
