"""Project names: slugging, validation and a suggested fix for a bad name."""

from __future__ import annotations

import keyword
import re
import sys
from dataclasses import dataclass

from generator.errors import UsageError

# Names the starters already use for their own packages or depend on: a project package with
# one of these names would shadow it on import.
RESERVED = frozenset(
    {
        "alembic",
        "api",
        "app",
        "asyncpg",
        "config",
        "core",
        "django",
        "docs",
        "environ",
        "fastapi",
        "flask",
        "flask_migrate",
        "flask_smorest",
        "flask_sqlalchemy",
        "gunicorn",
        "items",
        "manage",
        "marshmallow",
        "migrations",
        "psycopg",
        "pydantic",
        "pytest",
        "rest_framework",
        "settings",
        "sqlalchemy",
        "starlette",
        "static",
        "templates",
        "test",
        "tests",
        "users",
        "uvicorn",
        "wsgi",
    }
)

MAX_LENGTH = 50


@dataclass(frozen=True)
class ProjectName:
    name: str  # as typed: the directory name and the human title
    slug: str  # the Python package name
    dist: str  # the distribution name in pyproject.toml


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def check_name(name: str) -> ProjectName:
    """Validate a project name; raise UsageError with a suggested name when it cannot be used."""
    shown = name if name.strip() else "(empty)"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_ -]*", name) or len(name) > MAX_LENGTH:
        slug = slugify(name)[:MAX_LENGTH].strip("_")
        raise UsageError(
            f"invalid project name {shown!r}: use letters, digits, spaces, '-' or '_' "
            f"(at most {MAX_LENGTH} characters)" + _suggest(slug)
        )
    slug = slugify(name)
    if slug[0].isdigit():
        raise UsageError(
            f"invalid project name {name!r}: the package name {slug!r} would start with a digit"
            + _suggest(f"project_{slug}")
        )
    if keyword.iskeyword(slug) or keyword.issoftkeyword(slug):
        problem = f"{slug!r} is a Python keyword"
    elif slug in sys.stdlib_module_names:
        problem = f"{slug!r} would shadow the standard-library module of that name"
    elif slug in RESERVED:
        problem = f"{slug!r} clashes with a package the starters use"
    else:
        return ProjectName(name=name, slug=slug, dist=slug.replace("_", "-"))
    raise UsageError(f"invalid project name {name!r}: {problem}" + _suggest(f"{slug}_project"))


def _suggest(candidate: str) -> str:
    if not candidate:
        return ""
    try:
        fixed = check_name(candidate)
    except UsageError:
        return ""
    return f"; try {fixed.name!r}"
