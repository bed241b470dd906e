"""`flask create-superuser`: the first administrator, from the command line."""

import click
from flask.cli import with_appcontext

from . import accounts
from .passwords import password_problem


@click.command("create-superuser")
@click.option("--email", prompt=True, help="The administrator's email address.")
@click.password_option(help="Asked for twice when not given.")
@with_appcontext
def create_superuser(email: str, password: str) -> None:
    """Create an administrator account."""
    problem = password_problem(password, email)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    try:
        user = accounts.create_user(email, password, is_superuser=True)
    except accounts.EmailTakenError:
        raise click.ClickException(f"{email} is already registered") from None
    click.echo(f"Created administrator {user.email}")
