"""Every framework x option combination fwgen offers, rendered and proven with real tools (slow).

For each project: its own lint, types and tests (SQLite and PostgreSQL), migrations that match
the models, the Dockerfile and compose/workflow files checked against their schemas, settings
documented in .env.example, secrets kept out of git, and the production command from the
Dockerfile booted against PostgreSQL, probed over HTTP, fuzzed from its OpenAPI schema and
stopped with SIGTERM.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from starters import STARTERS, Variant, variants

from generator.cli import cli

import harness

pytestmark = pytest.mark.slow

Recorder = Callable[[str, object], None]


@dataclass
class Built:
    variant: Variant
    project: Path
    scratch: Path
    setup_seconds: float

    @property
    def python(self) -> str:
        return self.variant.get("python_version")


@pytest.fixture(scope="session", params=list(variants()), ids=lambda v: v.id)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    variant: Variant = request.param
    scratch = tmp_path_factory.mktemp(variant.id)
    start = time.monotonic()
    args = [
        "new",
        "demo",
        "--yes",
        "--framework",
        variant.framework,
        "--output",
        str(scratch / "demo"),
    ]
    for name, value in variant.answers:
        args += ["--data", f"{name}={value}"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    project = scratch / "demo"
    harness.sync(project, variant.get("python_version"))
    return Built(variant, project, scratch, time.monotonic() - start)


@contextmanager
def timed(record: Recorder, built: Built, check: str) -> Iterator[None]:
    start = time.monotonic()
    try:
        yield
    finally:
        record("fwgen_check", (built.variant.id, check, round(time.monotonic() - start, 2)))


@pytest.fixture(scope="session")
def postgres() -> str:
    return harness.postgres_admin_url()


def test_render_and_sync(built: Built, record_property: Recorder) -> None:
    record_property("fwgen_check", (built.variant.id, "render+sync", round(built.setup_seconds, 2)))
    assert (built.project / "uv.lock").is_file()


def test_lint(built: Built, record_property: Recorder) -> None:
    with timed(record_property, built, "lint"):
        harness.lint(built.project)


def test_types(built: Built, record_property: Recorder) -> None:
    with timed(record_property, built, "mypy"):
        harness.types(built.project)


def test_own_tests_on_sqlite(built: Built, record_property: Recorder) -> None:
    with timed(record_property, built, "tests-sqlite"):
        out = harness.project_tests(built.project, f"sqlite:///{built.scratch}/tests.sqlite3")
    assert " passed" in out


def test_own_tests_on_postgres(built: Built, postgres: str, record_property: Recorder) -> None:
    url = harness.fresh_database(postgres, "fwgen_tests")
    with timed(record_property, built, "tests-pg"):
        out = harness.project_tests(built.project, url)
    assert " passed" in out


def test_migrations_match_the_models(built: Built, record_property: Recorder) -> None:
    with timed(record_property, built, "migrations"):
        harness.migrations_match(built.project, f"sqlite:///{built.scratch}/migrations.sqlite3")


def test_dockerfile_and_schemas(built: Built, record_property: Recorder) -> None:
    with timed(record_property, built, "hadolint+schemas"):
        harness.hadolint(built.project)
        harness.schemas(built.project)


def test_env_example_lists_what_the_settings_read(built: Built) -> None:
    slug = "demo"
    sources = STARTERS[built.variant.framework].settings_sources(built.project, slug)
    read = harness.env_names_read(sources)
    if built.variant.framework == "fastapi":
        # pydantic-settings reads each field of Settings from the upper-cased variable.
        read |= fastapi_settings_fields(built.project)
    assert {"SECRET_KEY", "DATABASE_URL", "DEBUG"} <= read
    harness.env_example_covers(built.project, read)


def fastapi_settings_fields(project: Path) -> set[str]:
    out = harness.uv_run(
        project,
        "python",
        "-c",
        "from app.core.config import Settings; print(*(f.upper() for f in Settings.model_fields))",
        what="reading the settings fields",
    )
    return set(out.split())


def test_secrets_stay_out_of_git(built: Built) -> None:
    harness.secrets_stay_private(built.project)


def test_production_boot(built: Built, postgres: str, record_property: Recorder) -> None:
    with timed(record_property, built, "prod-build"):
        prod = harness.Production.build(built.project, built.scratch / "prod-venv", built.python)
    settings = {
        "SECRET_KEY": harness.secrets.token_urlsafe(50),
        "DATABASE_URL": harness.fresh_database(postgres, "fwgen_prod"),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PORT": str(harness.free_port()),
        "WEB_CONCURRENCY": "2",
    }
    with timed(record_property, built, "migrate"):
        prod.migrate(settings)
    starter = STARTERS[built.variant.framework]
    with timed(record_property, built, "prod-checks"):
        for command in starter.production_checks:
            prod.check(command, settings)
    with timed(record_property, built, "boot"):
        server = prod.start(settings, built.scratch / "server.log")
        try:
            startup = server.wait_healthy()
        except BaseException:
            server.stop()
            raise
    record_property("fwgen_check", (built.variant.id, "first-200", round(startup, 2)))
    try:
        with timed(record_property, built, "probes"):
            harness.probes(server)
            harness.pages(server, starter.pages)
            harness.request_id_logged(server)
        with timed(record_property, built, "schemathesis"):
            harness.schemathesis(server, built.scratch)
    finally:
        with timed(record_property, built, "sigterm"):
            server.stop_cleanly()


def test_production_refuses_the_placeholder_secret(built: Built) -> None:
    prod = harness.Production.build(built.project, built.scratch / "prod-venv", built.python)
    settings = {
        "DATABASE_URL": f"sqlite:///{built.scratch}/refuse.sqlite3",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PORT": str(harness.free_port()),
    }
    harness.refuses_placeholder_secret(prod, settings, built.scratch / "refuse.log")
