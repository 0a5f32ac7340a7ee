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
    org = load_org(settings.org_path)  # validate before touching the file
    applied = db.init(settings.db_path)
    db.write(settings.db_path, lambda conn: store.sync_org(conn, org))
    if applied:
        click.echo(f"{settings.db_path}: applied migrations {', '.join(map(str, applied))}")
    else:
        click.echo(f"{settings.db_path}: schema up to date (version {db.latest_version()})")
