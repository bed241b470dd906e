"""What the harness checks, per starter, and the option matrix it checks them over.

A starter plugs in with one declaration: where its settings read environment variables. Its
commands come from the generated project itself (Dockerfile CMD and build steps, compose's
migrate step, the Makefile's check-migrations), so they are never written twice.
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# Options every starter offers, with the values the matrix covers. A new template option joins
# the matrix by being added here (or to one starter's `options`).
COMMON_OPTIONS: dict[str, tuple[str, ...]] = {
    "database": ("sqlite", "postgresql"),
    "python_version": ("3.12", "3.13"),
    # serverless adds the Lambda entry point (and its dependency) to the container's project.
    "deploy": ("container", "serverless"),
    # admin adds the admin site (Flask-Admin, SQLAdmin, or Django's own) or leaves it out.
    "admin": ("false", "true"),
    # beginner makes the lean starter: fewer tests, plain type checking, no coverage gate.
    "experience": ("intermediate", "beginner"),
    # celery adds the worker and the scheduler, with Redis as the queue.
    "worker": ("none", "celery"),
}
# Answers copier.yml never combines: a serverless project has no worker.
EXCLUDED = ({("deploy", "serverless"), ("worker", "celery")},)
# How a variant's id spells an answer ("" leaves a default out); other values as they are.
ID_LABELS = {
    ("admin", "false"): "",
    ("admin", "true"): "admin",
    ("database", "postgresql"): "pg",
    ("deploy", "container"): "",
    ("deploy", "serverless"): "lambda",
    ("experience", "intermediate"): "",
    ("experience", "beginner"): "lean",
    ("worker", "none"): "",
}
# The most projects one CI run checks in full; beyond it the matrix is reduced pairwise.
MAX_PROJECTS = int(os.environ.get("FWGEN_MATRIX_MAX", "24"))


Command = tuple[tuple[str, ...], dict[str, str], str | None]


@dataclass(frozen=True)
class Starter:
    framework: str
    settings_sources: Callable[[Path, str], list[Path]]
    options: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Commands run in the production venv with the production settings; each must exit 0.
    production_checks: tuple[tuple[str, ...], ...] = ()
    # Server-rendered pages, beside the API docs, that production must serve with their assets.
    pages: tuple[str, ...] = ()
    # Whether production itself sends plain-HTTP requests (X-Forwarded-Proto: http) to https.
    https_redirect: bool = False
    # The page form that logs in with a cookie session (email, password, CSRF token), if any.
    login_page: str | None = None
    # Page forms that log in with a password (filled as a person fills them).
    login_forms: tuple[str, ...] = ()
    # Whether requests share an event loop, where one blocking call stalls all of them.
    event_loop: bool = False
    # With admin=true: the form where an administrator logs in to reach the admin site, and
    # the admin's lists (users first) that must then load.
    admin_login: str = "/admin/login"
    admin_lists: tuple[str, ...] = ()
    # The starter's own command creating an administrator, from (slug, email, password):
    # its arguments, extra environment, and standard input.
    superuser: Callable[[str, str, str], Command] = lambda slug, email, password: ((), {}, None)
    # A developer's edit, as (file, from slug; text; its replacement): /health then says
    # "unavailable" (with 200), which a reloading development server serves at once.
    health_edit: tuple[Callable[[str], str], str, str] = (lambda slug: "", "", "")


STARTERS = {
    "django": Starter(
        "django",
        lambda project, slug: [
            *sorted(project.glob("config/settings/*.py")),
            project / "gunicorn.conf.py",
        ],
        # kind=realtime adds the WebSocket feed (Channels, served as ASGI): both are proven.
        options={"kind": ("web-app", "realtime")},
        production_checks=(
            ("python", "manage.py", "check", "--deploy", "--fail-level", "WARNING"),
        ),
        pages=("/", "/docs", "/redoc"),
        https_redirect=True,
        admin_login="/admin/login/",
        admin_lists=("/admin/users/user/", "/admin/items/item/"),
        superuser=lambda slug, email, password: (
            ("python", "manage.py", "createsuperuser", "--noinput", "--email", email),
            {"DJANGO_SUPERUSER_PASSWORD": password},
            None,
        ),
        health_edit=(
            lambda slug: f"{slug}/core/views.py",
            'JsonResponse({"status": "ok"})',
            'JsonResponse({"status": "unavailable"})',
        ),
    ),
    "flask": Starter(
        "flask",
        lambda project, slug: [project / slug / "config.py", project / "gunicorn.conf.py"],
        # kind=realtime adds the WebSocket feed (flask-sock): both variants are proven.
        options={"kind": ("web-app", "realtime")},
        pages=("/", "/login", "/register", "/redoc"),
        login_page="/login",
        login_forms=("/login",),
        admin_login="/login",
        admin_lists=("/admin/user/", "/admin/item/"),
        superuser=lambda slug, email, password: (
            ("flask", "--app", slug, "create-superuser", "--email", email, "--password", password),
            {},
            None,
        ),
        health_edit=(
            lambda slug: f"{slug}/health.py",
            'jsonify(status="ok")',
            'jsonify(status="unavailable")',
        ),
    ),
    "fastapi": Starter(
        "fastapi",
        lambda project, slug: [project / "app" / "core" / "config.py"],
        # kind=realtime adds the WebSocket feed: both variants are proven.
        options={"kind": ("web-app", "realtime")},
        pages=("/", "/docs", "/redoc"),
        event_loop=True,
        admin_lists=("/admin/user/list", "/admin/item/list"),
        superuser=lambda slug, email, password: (
            ("python", "-m", "app.cli", "create-superuser", "--email", email, "--password-stdin"),
            {},
            password + "\n",
        ),
        health_edit=(
            lambda slug: "app/api/health.py",
            'Health(status="ok")',
            'Health(status="unavailable")',
        ),
    ),
}


@dataclass(frozen=True)
class Variant:
    framework: str
    answers: tuple[tuple[str, str], ...]

    @property
    def id(self) -> str:
        """Short enough to name a project (50 characters), a role and an image."""
        labels = (ID_LABELS.get(answer, answer[1].replace(".", "")) for answer in self.answers)
        return "-".join([self.framework, *(label for label in labels if label)])

    def get(self, name: str) -> str:
        return dict(self.answers)[name]

    @property
    def pages(self) -> list[str]:
        """The server-rendered pages this variant's production must serve, admin login too."""
        starter = STARTERS[self.framework]
        admin = [starter.admin_login] if dict(self.answers).get("admin") == "true" else []
        return list(dict.fromkeys([*starter.pages, *admin]))

    @property
    def project_name(self) -> str:
        """One name per variant: its role and database may share one PostgreSQL server."""
        return f"demo-{self.id}"

    @property
    def slug(self) -> str:
        return self.project_name.replace("-", "_")

    def new_args(self, output: Path) -> list[str]:
        """The `fwgen new` arguments that write this variant's project to `output`."""
        args = ["new", self.project_name, "--yes", "--framework", self.framework]
        args += ["--output", str(output)]
        for name, value in self.answers:
            args += ["--data", f"{name}={value}"]
        return args


def _possible(row: dict[str, str]) -> bool:
    return not any(excluded <= set(row.items()) for excluded in EXCLUDED)


def _full(options: dict[str, tuple[str, ...]]) -> list[dict[str, str]]:
    names = sorted(options)
    rows = (
        dict(zip(names, values, strict=True))
        for values in itertools.product(*(options[n] for n in names))
    )
    return [row for row in rows if _possible(row)]


def _pairwise(options: dict[str, tuple[str, ...]]) -> list[dict[str, str]]:
    """The fewest rows in which every pair of option values appears together.

    Each row is a project the suite checks in full, so a row saved is minutes saved: a greedy
    cover takes 7 rows for a starter's seven two-valued options, this search finds 6. It deepens
    one row at a time, each level trying only the rows that hold the first pair still missing.
    A row holds one pair of values for each pair of options, so when one pair of options still
    misses more value pairs than there are rows left to add, that branch is given up. Pairs are
    bits, so a set of them is an int (the three starters' searches take under a second).
    """
    names = sorted(options)
    option_pairs = list(itertools.combinations(names, 2))
    rows = _full(options)
    bit: dict[tuple[str, str, str, str], int] = {}
    for row in rows:
        for a, b in option_pairs:
            bit.setdefault((a, row[a], b, row[b]), 1 << len(bit))
    covers = [sum(bit[a, row[a], b, row[b]] for a, b in option_pairs) for row in rows]
    per_option_pair = [
        sum(mask for (a, _, b, _), mask in bit.items() if (a, b) == pair) for pair in option_pairs
    ]

    def search(missing: int, depth: int) -> list[int] | None:
        if not missing:
            return []
        if any((missing & group).bit_count() > depth for group in per_option_pair):
            return None
        first = missing & -missing  # the lowest pair still missing
        for index, cover in enumerate(covers):
            if cover & first:
                rest = search(missing & ~cover, depth - 1)
                if rest is not None:
                    return [index, *rest]
        return None

    needed = sum(bit.values())
    for depth in itertools.count(1):
        found = search(needed, depth)
        if found is not None:
            return [rows[index] for index in found]
    raise AssertionError("unreachable: the full matrix covers every pair")


@functools.cache
def matrix(limit: int = MAX_PROJECTS) -> tuple[list[Variant], str | None]:
    """Every framework x option combination; pairwise only if that exceeds the limit."""
    full: list[Variant] = []
    per_framework: dict[str, dict[str, tuple[str, ...]]] = {}
    for name, starter in STARTERS.items():
        options = {**COMMON_OPTIONS, **starter.options}
        per_framework[name] = options
        full += [Variant(name, tuple(sorted(row.items()))) for row in _full(options)]
    if len(full) <= limit:
        return full, None
    reduced = [
        Variant(name, tuple(sorted(row.items())))
        for name, options in per_framework.items()
        for row in _pairwise(options)
    ]
    note = (
        f"option matrix reduced pairwise: {len(full)} combinations exceed the limit of "
        f"{limit}; checking {len(reduced)} that cover every pair of option values"
    )
    return reduced, note


def variants() -> Iterator[Variant]:
    yield from matrix()[0]


def container_variants() -> list[Variant]:
    """One image per framework and database. Python alternates (SQLite on 3.12, PostgreSQL on
    3.13), so both base images are built; among a starter's own options the last value is
    taken (FastAPI's realtime kind: the app with the WebSocket), with the admin site, whose
    assets the image must serve; the PostgreSQL ones have the worker, so compose brings up
    its worker and scheduler too."""
    chosen = []
    for name, starter in STARTERS.items():
        for database, python, worker in (
            ("sqlite", "3.12", "none"),
            ("postgresql", "3.13", "celery"),
        ):
            answers = {"database": database, "python_version": python, "admin": "true"}
            answers |= {"worker": worker}
            answers |= {option: values[-1] for option, values in starter.options.items()}
            chosen.append(Variant(name, tuple(sorted(answers.items()))))
    return chosen
