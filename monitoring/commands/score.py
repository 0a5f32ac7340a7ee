import click

from monitoring.cli import cli, pass_settings
from monitoring.org import load_org
from monitoring.settings import Settings

BATCH_ITEMS = 200_000  # monitoring.scoring_pipeline.BATCH_ITEMS (not imported: CLI start-up)


@cli.command("score")
@click.option(
    "--workers", type=click.IntRange(1, 16), default=2, show_default=True,
    help="Processes for language, sentiment and text rules (1 = this process only).",
)  # fmt: skip
@click.option(
    "--batch", type=click.IntRange(100, 1_000_000), default=BATCH_ITEMS, show_default=True,
    help="Items per read/write transaction (the file is free between batches).",
)  # fmt: skip
@pass_settings
def score_command(settings: Settings, workers: int, batch: int) -> None:
    """Score what is not scored yet, or was scored by an older policy version.

    Language, sentiment, topics, policy hits, risk and flags, per data/policy.yaml and
    data/org.yaml (env SENTINELLA_POLICY / SENTINELLA_ORG). Review decisions are never touched.

    Example:

        python -m monitoring --db data/sentinella.duckdb score
    """
    from monitoring import db
    from monitoring.scoring.policy import load_policy
    from monitoring.scoring_pipeline import score_pending

    org = load_org(settings.org_path)  # both files validated before touching the database
    policy = load_policy(settings.policy_path)
    db.init(settings.db_path)
    result = score_pending(
        settings.db_path, policy, org, workers=workers, batch=batch, progress=True
    )
    click.echo(
        f"scored {result.scored} items ({result.distinct_texts} distinct texts) "
        f"with policy {result.policy_version}: {result.hits} hits, {result.flagged} flagged, "
        f"{result.reaction_updates} risk updates from new replies, in {result.seconds:.1f}s"
    )
    from monitoring.alerts import run_after_pipeline  # issue 8: alerts after each score

    click.echo(run_after_pipeline(settings.db_path, org))
