"""Management commands: `python -m app.cli create-superuser`."""

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import async_sessionmaker

from app.core.config import get_settings
from app.db import create_engine
from app.schemas import UserCreate
from app.services import users


async def create_superuser(email: str, password: str) -> str:
    data = UserCreate(email=email, password=password)
    engine = create_engine(get_settings().async_database_url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            user = await users.create(session, data, superuser=True)
            return user.email
    finally:
        await engine.dispose()


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        raise SystemExit("error: the passwords do not match")
    return first


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-superuser", help="create an administrator account")
    create.add_argument("--email", help="the administrator's email (asked when omitted)")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    args = parser.parse_args(argv)

    email = args.email or input("Email: ")
    password = _read_password(args.password_stdin)
    try:
        created = asyncio.run(create_superuser(email, password))
    except ValidationError as exc:
        problems = "; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in exc.errors())
        print(f"error: {problems}", file=sys.stderr)
        return 2
    except users.EmailTakenError:
        print(f"error: {email} is already registered", file=sys.stderr)
        return 1
    print(f"created administrator {created}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
