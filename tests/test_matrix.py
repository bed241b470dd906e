"""Every framework x option combination fwgen offers, rendered and proven on the user's path (slow).

For each project, as its users meet it: a `git clone` of its first commit installs with
`uv sync --locked`; its CI workflow runs as written (lint, types, migrations, tests on
PostgreSQL and SQLite); its README's quickstart runs as written and every local address the
README names answers on the development server; production, started with the environment
compose gives the app, serves its pages over plain HTTP and survives fuzzing from its OpenAPI
schema; behind a TLS proxy it sends HSTS (and redirects, where the starter does). Besides:
hadolint, the compose/workflow/Dependabot schemas, settings documented in .env.example, and
secrets kept out of git.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import cli

import contract
import harness
import mail
from starters import STARTERS, Variant, variants

pytestmark = pytest.mark.slow

Recorder = Callable[[str, object], None]


@dataclass
class Built:
    variant: Variant
    # Where `fwgen new` wrote the project: the creator's copy, with the generated .env.
    project: Path
    # A `git clone` of the first commit after `uv sync --locked`: what everyone else has.
    checkout: Path
    scratch: Path
    setup_seconds: float
    prod_build_seconds: float = 0.0

    @property
    def python(self) -> str:
        return self.variant.get("python_version")


@pytest.fixture(scope="session", params=list(variants()), ids=lambda v: v.id)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    variant: Variant = request.param
    scratch = tmp_path_factory.mktemp(variant.id)
    start = time.monotonic()
    project = scratch / variant.project_name
    result = CliRunner().invoke(cli, variant.new_args(project))
    assert result.exit_code == 0, result.output
    checkout = harness.clone(project, scratch / "checkout")
    harness.run([harness.require("uv"), "sync", "--locked"], checkout, what="uv sync --locked")
    return Built(variant, project, checkout, scratch, time.monotonic() - start)


@contextmanager
def timed(record: Recorder, built: Built, check: str) -> Iterator[None]:
    start = time.monotonic()
    try:
        yield
    finally:
        record("fwgen_check", (built.variant.id, check, round(time.monotonic() - start, 2)))


@pytest.fixture(scope="session")
def production(built: Built) -> harness.Production:
    """The image of the committed project, reproduced once; every production check runs it."""
    start = time.monotonic()
    prod = harness.Production.build(built.checkout, built.scratch / "prod-venv", built.python)
    built.prod_build_seconds = time.monotonic() - start
    return prod


@pytest.fixture(scope="session")
def postgres() -> str:
    return harness.postgres_admin_url()


@pytest.fixture(scope="session")
def smtp() -> Iterator[tuple[str, Any]]:
    """A real SMTP server on loopback: EMAIL_URL for it, and the mailbox of what it got."""
    with mail.smtp_server() as running:
        yield running


def test_first_commit_installs_from_its_lock(built: Built, record_property: Recorder) -> None:
    record_property(
        "fwgen_check", (built.variant.id, "new+clone+sync", round(built.setup_seconds, 2))
    )
    harness.run(
        [harness.require("uv"), "lock", "--check", "--offline"], built.checkout, what="uv lock"
    )
    harness.unchanged_by_use(built.checkout, "`uv sync --locked` in a fresh clone")


# The workflow's test job for each database.
TEST_JOBS = {"postgresql": "test", "sqlite": "test-sqlite"}


def _ci_jobs(variant: Variant) -> list[str]:
    """The workflow's jobs run for `variant`: lint, and the tests on the project's own database.

    Each project's workflow tests on both databases. The job for the other one runs for the
    first variant of each framework and database only, a reduction like the matrix's own: the
    suite and the code under it are the same whichever database the project was generated for.
    """
    database = variant.get("database")
    jobs = ["lint", TEST_JOBS[database]]
    first = next(
        v for v in variants() if (v.framework, v.get("database")) == (variant.framework, database)
    )
    if first == variant:
        jobs += [job for db, job in TEST_JOBS.items() if db != database]
    return jobs


def test_ci_workflow_jobs_as_written(built: Built, record_property: Recorder) -> None:
    workflow = harness.Workflow.read(built.project / ".github" / "workflows" / "ci.yml")
    assert {j.id for j in workflow.jobs} == {"lint", *TEST_JOBS.values()}
    for job in _ci_jobs(built.variant):
        checkout = harness.clone(built.project, built.scratch / f"ci-{job}")
        with timed(record_property, built, f"ci-{job}"):
            steps = harness.run_job(workflow, workflow.job(job), checkout)
        assert steps, f"the {job} job has no steps"
        harness.unchanged_by_use(checkout, f"CI job {job!r}")


def test_readme_quickstart_as_written(
    built: Built, postgres: str, record_property: Recorder
) -> None:
    readme = harness.Readme.read(built.project)
    checkout = harness.clone(built.project, built.scratch / "readme")
    dev = harness.makefile_recipe(checkout, "dev")
    assert len(dev) == 1
    with timed(record_property, built, "readme"):
        if built.variant.get("database") == "postgresql":
            harness.drop_role(postgres, built.variant.slug)
            for command in harness.own_postgres_commands(readme, postgres):
                harness.run(["sh", "-c", command], checkout, what="the README's PostgreSQL setup")
        try:
            harness.quickstart(checkout, readme, dev[0], built.scratch / "dev-server.log")
        finally:
            if built.variant.get("database") == "postgresql":
                harness.drop_role(postgres, built.variant.slug)
    harness.unchanged_by_use(checkout, "the README's quickstart")


def test_dockerfile_and_schemas(built: Built, record_property: Recorder) -> None:
    with timed(record_property, built, "hadolint+schemas"):
        harness.hadolint(built.project)
        harness.schemas(built.project)


def test_env_example_lists_what_the_settings_read(built: Built) -> None:
    sources = STARTERS[built.variant.framework].settings_sources(built.project, built.variant.slug)
    read = harness.env_names_read(sources)
    if built.variant.framework == "fastapi":
        # pydantic-settings reads each field of Settings from the upper-cased variable.
        read |= fastapi_settings_fields(built.checkout)
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


@pytest.fixture
def collector() -> Iterator[harness.OtlpReceiver]:
    """Where a deployment's OpenTelemetry collector would take traces: a real OTLP endpoint."""
    with harness.otlp_receiver() as receiver:
        yield receiver


def test_production_as_compose_runs_it(
    built: Built,
    production: harness.Production,
    postgres: str,
    smtp: tuple[str, Any],
    collector: harness.OtlpReceiver,
    record_property: Recorder,
) -> None:
    """The image's command with the app service's environment from compose.yaml (its `.env`
    interpolated as compose does), reached as compose's proxy reaches it: on plain HTTP, from
    the one address it trusts (here this host's, where compose names the proxy's network). What
    differs: the local database and Redis servers, a free port, two workers, so every starter
    runs multi-process, the mail server and site address a deployment sets in `.env`
    (EMAIL_URL, PUBLIC_URL), and what a deployment with Prometheus and an OpenTelemetry
    collector sets (METRICS_PORT, OTEL_EXPORTER_OTLP_ENDPOINT)."""
    port = harness.free_port()
    metrics_port = harness.free_port()
    compose = harness.compose_environment(built.project, "app")
    settings = {
        **compose,
        "DATABASE_URL": harness.fresh_database(postgres, "fwgen_prod"),
        **({"REDIS_URL": harness.redis_url()} if "REDIS_URL" in compose else {}),
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "EMAIL_URL": smtp[0],
        "PUBLIC_URL": f"http://localhost:{port}",
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        # As the Kubernetes manifests set it; compose leaves metrics off.
        "METRICS_PORT": str(metrics_port),
        # Traces to a collector, as a deployment that has one sets it.
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector.url,
    }
    assert "ports" not in harness.compose_service(built.project, "app"), (
        "only the proxy is published"
    )
    record_property(
        "fwgen_check", (built.variant.id, "prod-build", round(built.prod_build_seconds, 2))
    )
    with timed(record_property, built, "migrate"):
        production.migrate(settings)
    starter = STARTERS[built.variant.framework]
    has_admin = built.variant.get("admin") == "true"
    admin_pages = [starter.admin_login] if has_admin else []
    # A developer's .env left in the directory must change nothing (ignores_a_stray_dotenv).
    stray = production.app / ".env"
    stray.write_text("MAX_REQUEST_BYTES=16\nDEBUG=true\n")
    with timed(record_property, built, "boot"):
        server = production.start(settings, built.scratch / "server.log")
        try:
            startup = server.wait_healthy()
        except BaseException:
            server.stop()
            raise
    record_property("fwgen_check", (built.variant.id, "first-200", round(startup, 2)))
    workers: list[harness.Server] = []
    try:
        with timed(record_property, built, "metrics"):
            # First, so the requests it counts are the only ones on the item route.
            queue = (
                built.variant.slug if "worker" in harness.compose_services(built.project) else None
            )
            harness.metrics_add_up(server, f"http://127.0.0.1:{metrics_port}/metrics", queue)
        with timed(record_property, built, "probes"):
            harness.probes(server)
            harness.pages(server, built.variant.pages)
            harness.readme_endpoints_exist(server, harness.Readme.read(built.project))
            harness.request_id_logged(server)
        with timed(record_property, built, "contract"):
            contract.schema_is_the_contract(server)
            contract.docs_load_nothing_from_elsewhere(server)
            contract.errors_are_problems(server)
            admin = (f"admin-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(18))
            command, extra, stdin = starter.superuser(built.variant.slug, *admin)
            production.check(command, {**settings, **extra}, stdin=stdin)
            client = contract.generated_client(server, built.scratch)
            contract.client_scenario(server, client, admin)
        with timed(record_property, built, "admin"):
            harness.admin_site(server, has_admin, starter.admin_login, starter.admin_lists, admin)
        if "worker" in harness.compose_services(built.project):
            with timed(record_property, built, "worker"):
                workers = jobs_done_by_the_worker(built, production, server, settings, smtp[1])
        with timed(record_property, built, "email"):
            mail.password_reset_by_email(server, smtp[1])
            mail.email_verified_by_its_link(server, smtp[1])
        with timed(record_property, built, "attacks"):
            mail.one_reset_winner(server, smtp[1])
            mail.reset_requests_are_throttled(server)
            harness.refuses_oversized_bodies(server)
            harness.one_refresh_winner(server)
            harness.one_account_per_email(server)
            harness.hostile_json_answers_4xx(server)
            harness.ignores_a_stray_dotenv(server)
            harness.forged_forwarding_is_ignored(server.base_url, source=harness.UNTRUSTED_PEER)
            harness.tokens_end_at_logout_and_password_change(server)
            harness.refuses_weak_passwords(server)
            harness.one_account_per_mailbox(server)
            harness.no_credentials_for_strangers(server)
            if starter.login_page:
                harness.page_session_ends_at_logout(server, starter.login_page)
            if starter.event_loop:
                harness.logins_leave_the_loop_serving(server)
            for method, path in harness.Readme.read(built.project).endpoints():
                if method == "WS":
                    harness.socket_takes_its_token_in_the_first_message(server, path)
            # Last: they leave this client's address with failed logins on record.
            harness.throttles_password_guessing(server)
            for form in dict.fromkeys([*starter.login_forms, *admin_pages]):
                harness.login_form_is_throttled(server, form)
        with timed(record_property, built, "traces"):
            service = built.variant.slug.replace("_", "-")
            harness.traces_exported(collector, service, jobs=bool(workers))
        with timed(record_property, built, "schemathesis"):
            harness.schemathesis(server, built.scratch)
    finally:
        stray.unlink()
        with timed(record_property, built, "sigterm"):
            server.stop_cleanly()
            for worker in workers:
                worker.stop_cleanly()


def jobs_done_by_the_worker(
    built: Built,
    production: harness.Production,
    server: harness.Server,
    settings: dict[str, str],
    box: Any,
) -> list[harness.Server]:
    """compose's worker and scheduler, on the same settings as the app: mail the app queued
    waits for the worker and is then delivered by it; the scheduler starts and keeps running."""
    queue = built.variant.slug  # jobs.py's task_default_queue: the project's own
    worker = mail.mail_waits_for_the_worker(
        server,
        box,
        queued=lambda: harness.queued_jobs(settings["REDIS_URL"], queue),
        start_worker=lambda: production.start_service(
            "worker", settings, built.scratch / "worker.log"
        ),
    )
    beat = production.start_service(
        "beat", settings, built.scratch / "beat.log", tmp=built.scratch / "beat-tmp"
    )
    try:
        beat.wait_for_output("beat: Starting", timeout=60)
    except BaseException:
        beat.stop()
        worker.stop()
        raise
    return [worker, beat]


def test_production_behind_a_tls_proxy(
    built: Built, production: harness.Production, record_property: Recorder
) -> None:
    """The image as a platform runs it behind a TLS-terminating proxy: the image's own
    environment plus the settings every deployment sets, and the proxy's header. The
    starter's own deployment checks (Django's `check --deploy`) run with the same settings."""
    settings = {
        "SECRET_KEY": harness.secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{built.scratch}/proxy.sqlite3",
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "PORT": str(harness.free_port()),
        "WEB_CONCURRENCY": "1",
        # Django's deployment checks refuse a production that cannot send mail.
        "EMAIL_URL": "smtps://mail.example.com",
    }
    starter = STARTERS[built.variant.framework]
    with timed(record_property, built, "prod-checks"):
        for command in starter.production_checks:
            production.check(command, settings)
    with timed(record_property, built, "tls-proxy"):
        server = production.start(settings, built.scratch / "proxy.log")
        try:
            server.wait_healthy()
            harness.behind_tls_proxy(server, starter.https_redirect)
        finally:
            server.stop_cleanly()


def test_production_refuses_bad_settings(built: Built, production: harness.Production) -> None:
    settings = {
        "DATABASE_URL": f"sqlite:///{built.scratch}/refuse.sqlite3",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PORT": str(harness.free_port()),
    }
    harness.refuses_placeholder_secret(production, settings, built.scratch / "refuse.log")
    valid = {**settings, "SECRET_KEY": harness.secrets.token_urlsafe(50)}
    harness.refuses_a_bad_metrics_port(production, valid, built.scratch / "refuse-metrics.log")


REALTIME = [v for v in variants() if dict(v.answers).get("kind") == "realtime"]


@pytest.mark.parametrize("built", REALTIME, indirect=True, ids=lambda v: v.id)
def test_websocket_events_cross_processes(
    built: Built,
    production: harness.Production,
    postgres: str,
    record_property: Recorder,
) -> None:
    """Two production servers, as two hosts run them: one database, one Redis (REDIS_URL, as
    .env.example names it), nothing else shared. A WebSocket on one hears what happens
    through the other."""
    assert "REDIS_URL" in harness.env_example_names(built.project)
    base = {
        **harness.compose_environment(built.project, "app"),
        "DATABASE_URL": harness.fresh_database(postgres, "fwgen_ws"),
        "REDIS_URL": harness.redis_url(),
        "WEB_CONCURRENCY": "1",
    }
    production.migrate(base)
    servers = []
    try:
        for name in ("one", "other"):
            settings = {**base, "PORT": str(harness.free_port())}
            servers.append(production.start(settings, built.scratch / f"ws-{name}.log"))
        for server in servers:
            server.wait_healthy()
        with timed(record_property, built, "ws-cross-process"):
            [path] = [p for m, p in harness.Readme.read(built.project).endpoints() if m == "WS"]
            harness.events_cross_processes(servers[0], servers[1], path)
    finally:
        for server in servers:
            server.stop_cleanly()


SERVERLESS = [v for v in variants() if v.get("deploy") == "serverless"]


@pytest.mark.parametrize("built", SERVERLESS, indirect=True, ids=lambda v: v.id)
def test_lambda_package_as_its_docs_build_it(built: Built, record_property: Recorder) -> None:
    """docs/serverless.md's packaging commands, run as written in a clone, make a package
    whose handler answers API Gateway events on the runtime's Python with production settings
    (the function's environment: a real secret, the database, the host it is called on)."""
    checkout = harness.clone(built.project, built.scratch / "lambda")
    docs = harness.Readme((checkout / "docs" / "serverless.md").read_text(encoding="utf-8"))
    [commands] = docs.blocks("Packaging")
    with timed(record_property, built, "lambda-package"):
        harness.run(["sh", "-ec", "\n".join(commands)], checkout, what="the packaging commands")
    handler = {"django": "config.serverless.handler", "fastapi": "app.serverless.handler"}.get(
        built.variant.framework, f"{built.variant.slug}.serverless.handler"
    )
    settings = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{built.scratch}/lambda.sqlite3",
        "ALLOWED_HOSTS": "api.example.com",
        "DEBUG": "false",
    }
    out = harness.run(
        [harness.python_for(built.python), "-c", LAMBDA_INVOKE, handler],
        checkout / "package",
        env={**settings, "PYTHONPATH": "."},
        what="invoking the packaged handler",
    ).stdout
    answers = json.loads(out.splitlines()[-1])
    assert [a["statusCode"] for a in answers] == [200, 200], answers


# Two API Gateway HTTP API events, /health and /ready, through the packaged handler.
LAMBDA_INVOKE = """
import importlib, json, sys
module, _, name = sys.argv[1].rpartition(".")
handler = getattr(importlib.import_module(module), name)
def event(path):
    http = {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.9",
            "userAgent": "lambda-test"}
    context = {"http": http, "requestId": "r", "routeKey": "$default", "stage": "$default",
               "domainName": "api.example.com", "accountId": "1", "apiId": "a",
               "domainPrefix": "api", "time": "03/Dec/2026:10:00:00 +0000", "timeEpoch": 0}
    return {"version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
            "headers": {"host": "api.example.com"}, "requestContext": context,
            "isBase64Encoded": False}
print(json.dumps([handler(event(path), None) for path in ("/health", "/ready")]))
"""
