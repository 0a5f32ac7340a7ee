"""Administration: local accounts and retention."""

from datetime import UTC, datetime

import click

from monitoring import db
from monitoring.auth import AuthError, Role, add_user, load_users, remove_user
from monitoring.cli import BadInput, cli, pass_settings
from monitoring.settings import Settings


@cli.group("user")
def user_group() -> None:
    """Manage local dashboard accounts (data/users.yaml, bcrypt-hashed passwords)."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option(
    "--password",
    envvar="SENTINELLA_NEW_PASSWORD",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted when omitted (or env SENTINELLA_NEW_PASSWORD for scripts).",
)
@pass_settings
def user_add(settings: Settings, name: str, role: str, password: str) -> None:
    """Create a local account.

    Example:

        python -m monitoring user add giulia --role manager
    """
    try:
        add_user(settings.users_path, name, Role(role), password)
    except AuthError as exc:
        raise BadInput(str(exc)) from None
    _audit(settings, "user.add", name=name, role=role)
    click.echo(f"added {name} ({role}) to {settings.users_path}")


@user_group.command("remove")
@click.argument("name")
@pass_settings
def user_remove(settings: Settings, name: str) -> None:
    """Delete a local account.

    Example:

        python -m monitoring user remove giulia
    """
    try:
        remove_user(settings.users_path, name)
    except AuthError as exc:
        raise BadInput(str(exc)) from None
    _audit(settings, "user.remove", name=name)
    click.echo(f"removed {name}")


@user_group.command("list")
@pass_settings
def user_list(settings: Settings) -> None:
    """List local accounts and OIDC role mappings.

    Example:

        python -m monitoring user list
    """
    users = load_users(settings.users_path)
    if users is None:
        click.echo(f"no {settings.users_path}: single-user local mode (loopback only)")
        return
    for account in users.users:
        click.echo(f"{account.name}\t{account.role.value}")
    for email, role in users.oidc.roles.items():
        click.echo(f"{email}\t{role.value}\t(OpenID Connect)")


@cli.command("purge")
@click.option("--older-than", "older_than", required=True, help="Age such as 90d, 12w, 18m, 2y.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_settings
def purge_command(settings: Settings, older_than: str, yes: bool) -> None:
    """Delete items older than an age, with their scores, hits, flags and responses.

    Review decisions are kept (they reference the post by platform and native id).

    Example:

        python -m monitoring purge --older-than 18m --yes
    """
    from monitoring import retention  # not on every CLI start

    try:
        age = retention.parse_age(older_than)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    cutoff = datetime.now(UTC).replace(tzinfo=None) - age
    if not yes:
        click.confirm(f"Delete everything created before {cutoff:%Y-%m-%d %H:%M} UTC?", abort=True)
    db.init(settings.db_path)
    result = db.write(settings.db_path, lambda c: retention.purge(c, cutoff, actor="cli"))
    click.echo(
        f"removed items created before {cutoff:%Y-%m-%d %H:%M} UTC: {result.items} items, "
        f"{result.scores} scores, {result.hits} policy hits, {result.flags} flags, "
        f"{result.responses} responses, {result.rejects} rejected records; review decisions kept"
    )


def _audit(settings: Settings, action: str, **detail) -> None:
    from monitoring import audit  # pandas: not on every CLI start

    if settings.db_path.exists():
        db.write(settings.db_path, lambda c: audit.record(c, "cli", action, **detail))
