import click

from monitoring import db, store
from monitoring.cli import cli, pass_settings
from monitoring.org import load_org
from monitoring.settings import Settings


@cli.command("init")
@pass_settings
def init_command(settings: Settings) -> None:
    """Create or migrate the database and load the organization from org.yaml.

    Example:

        python -m monitoring --db data/sentinella.duckdb init
    """
    from monitoring import audit  # pandas: not on every CLI start

    org = load_org(settings.org_path)  # validate before touching the file
    applied = db.init(settings.db_path)

    def load(conn) -> list[str]:
        store.sync_org(conn, org)
        return audit.note_config_files(conn, "cli", settings.config_files())

    changed = db.write(settings.db_path, load)
    if applied:
        click.echo(f"{settings.db_path}: applied migrations {', '.join(map(str, applied))}")
    else:
        click.echo(f"{settings.db_path}: schema up to date (version {db.latest_version()})")
    if changed:
        click.echo(f"configuration recorded in the audit log: {', '.join(changed)}")


def config_files(settings: Settings) -> dict:
    return {
        "org": settings.org_path,
        "policy": settings.policy_path,
        "sources": settings.sources_path,
    }
