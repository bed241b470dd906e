"""The harness catches what it claims to: each check fails on a deliberately broken project."""

from __future__ import annotations

import base64
import hashlib
import itertools
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.knowledge import FRAMEWORKS

import harness
from harness import CheckFailed
from starters import COMMON_OPTIONS, EXCLUDED, STARTERS, _pairwise, matrix

# The fault-injection tests share one generated project: keep them on one xdist worker.
pytestmark = pytest.mark.xdist_group("harness-faults")

# ---- units ---------------------------------------------------------------------------------

DOCKERFILE = """\
# syntax=docker/dockerfile:1
FROM python:3.13-slim AS build
ENV PATH="/app/.venv/bin:$PATH"
RUN --mount=type=cache,target=/root/.cache/uv \\
    uv sync --locked --no-dev
RUN DJANGO_SETTINGS_MODULE=config.settings.prod python manage.py collectstatic --noinput

FROM python:3.13-slim AS runtime
ENV DEBUG=false \\
    PORT=8000
CMD ["gunicorn", "config.wsgi"]
"""


def test_build_context_leaves_out_what_dockerignore_excludes(tmp_path: Path) -> None:
    project = tmp_path / "project"
    files = [
        ".env",
        ".env.example",
        ".env.local",
        ".venv/bin/python",
        "app/__pycache__/main.cpython-313.pyc",
        "app/main.py",
        "app/data/seed.sqlite3",
        "db.sqlite3",
        "docs/index.md",
        "Dockerfile",
    ]
    for name in files:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(name)
    (project / ".dockerignore").write_text(
        "# comment\n.venv\n.env\n.env.*\n!.env.example\n**/__pycache__\n*.sqlite3\ndocs/\n"
    )
    harness.build_context(project, tmp_path / "app")
    app = tmp_path / "app"
    copied = sorted(p.relative_to(app).as_posix() for p in app.rglob("*") if p.is_file())
    # `*.sqlite3` is anchored at the root, as Docker matches it; `**/` reaches any depth.
    assert copied == [
        ".dockerignore",
        ".env.example",
        "Dockerfile",
        "app/data/seed.sqlite3",
        "app/main.py",
    ]


def test_dockerfile_parse_reads_build_steps_runtime_env_and_cmd() -> None:
    parsed = harness.Dockerfile.parse(DOCKERFILE)
    assert parsed.build_runs == [
        "uv sync --locked --no-dev",
        "DJANGO_SETTINGS_MODULE=config.settings.prod python manage.py collectstatic --noinput",
    ]
    assert parsed.runtime_env == {"DEBUG": "false", "PORT": "8000"}
    assert parsed.cmd == ["gunicorn", "config.wsgi"]


def test_dockerfile_shell_form_cmd_is_refused() -> None:
    with pytest.raises(CheckFailed, match="exec"):
        harness.Dockerfile.parse(DOCKERFILE.replace('["gunicorn", "config.wsgi"]', "gunicorn x"))


def test_every_framework_has_a_starter_declaration() -> None:
    assert tuple(STARTERS) == FRAMEWORKS


def test_the_full_matrix_runs_when_it_fits() -> None:
    projects, note = matrix(limit=288)
    assert note is None
    # database x Python x deploy x admin x experience x worker, less the 16 serverless projects
    # with a worker, is 48; the realtime kind doubles each starter's.
    assert len(projects) == 96 + 96 + 96
    assert not any(
        ("deploy", "serverless") in v.answers and ("worker", "celery") in v.answers
        for v in projects
    )


def test_pairwise_reduction_is_printed_and_covers_every_pair() -> None:
    projects, note = matrix(limit=24)
    assert note is not None and "reduced pairwise" in note
    # Seven two-valued options, less the serverless projects with a worker: each starter's 96
    # reduce to 6, the fewest that hold every pair (a greedy cover needs 7).
    assert len(projects) == 6 + 6 + 6
    options = {**COMMON_OPTIONS, "extra": ("a", "b", "c")}
    rows = _pairwise(options)
    for a, b in itertools.combinations(sorted(options), 2):
        for va, vb in itertools.product(options[a], options[b]):
            if {(a, va), (b, vb)} in EXCLUDED:
                assert not any(r[a] == va and r[b] == vb for r in rows)
                continue
            assert any(r[a] == va and r[b] == vb for r in rows)
    assert len(rows) < len(list(itertools.product(*options.values())))


def test_local_assets_are_found_in_pages() -> None:
    html = (
        '<a href="/openapi.json">schema</a><link href="/static/site.css?v=2" rel="stylesheet">'
        "<script src='/static/ui.js'></script><script src=\"https://cdn.example/x.js\"></script>"
    )
    assert harness._LOCAL_ASSET.findall(html) == ["/static/site.css", "/static/ui.js"]


def test_content_security_policy_allows_only_the_pages_own_scripts() -> None:
    inline = "start()"
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    page = f"<script src='/static/ui.js'></script><script>{inline}</script>"
    harness.content_security_policy(
        "/", page, f"default-src 'self'; script-src 'self' 'sha256-{digest}'"
    )
    harness.content_security_policy("/", "<p>no scripts</p>", "default-src 'self'")
    refused = {
        "no header": ("<p>x</p>", None),
        "unsafe-inline": ("<p>x</p>", "script-src 'self' 'unsafe-inline'"),
        "another origin": ("<p>x</p>", "default-src 'self' https://cdn.example"),
        "an unlisted inline script": (page, "default-src 'self'"),
    }
    for what, (html, policy) in refused.items():
        with pytest.raises(CheckFailed):
            harness.content_security_policy("/", html, policy)
            pytest.fail(f"{what} passed")


def test_env_reads_are_found(tmp_path: Path) -> None:
    path = tmp_path / "settings.py"
    path.write_text(
        'A = env.str("SECRET_KEY")\nB = environ.get("LOG_LEVEL", "x")\nC = env("DEBUG")\n'
    )
    assert harness.env_names_read([path]) == {"SECRET_KEY", "LOG_LEVEL", "DEBUG"}


README = """\
# demo

## Quickstart

```sh
uv sync      # install
uv run python manage.py runserver
```

Then open http://127.0.0.1:8000/docs, or http://localhost:8000/admin/.

## Endpoints

| Path | What |
|---|---|
| `GET /` | home |
| `/register`, `POST /logout` | pages |
| `GET, PATCH /api/v1/users/me` | you |
| `WS /api/v1/ws/items?token=...` | feed |

## Docker

```sh
docker compose up --build
```
"""


def test_readme_blocks_urls_and_endpoints_are_read() -> None:
    readme = harness.Readme(README)
    assert readme.blocks("Quickstart") == [
        ["uv sync      # install", "uv run python manage.py runserver"]
    ]
    assert readme.blocks("Docker") == [["docker compose up --build"]]
    assert readme.blocks("Nowhere") == []
    assert readme.local_urls() == ["http://127.0.0.1:8000/docs", "http://localhost:8000/admin/"]
    assert readme.endpoints() == [
        ("GET", "/"),
        ("", "/register"),
        ("POST", "/logout"),
        ("GET", "/api/v1/users/me"),
        ("PATCH", "/api/v1/users/me"),
        ("WS", "/api/v1/ws/items"),
    ]


def test_quickstart_must_end_with_the_development_server(tmp_path: Path) -> None:
    readme = harness.Readme(README.replace("uv run python manage.py runserver", "uv run pytest"))
    with pytest.raises(CheckFailed, match="development server"):
        harness.quickstart(tmp_path, readme, "uv run python manage.py runserver", tmp_path / "l")


def test_ctrl_c_reaches_a_server_started_from_a_background_job(tmp_path: Path) -> None:
    """A CI runner may start the suite as a background job, which ignores SIGINT and passes
    that on; a server the harness starts is stopped by Ctrl-C as in a terminal all the same."""
    port = harness.free_port()
    serve = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        server = harness.Server.start(
            serve,
            tmp_path,
            {"PORT": str(port), "PYTHONUNBUFFERED": "1"},
            tmp_path / "log",
            f"http://127.0.0.1:{port}",
        )
    finally:
        signal.signal(signal.SIGINT, before)
    server.wait_for_output("Serving HTTP", timeout=30)
    server.stop(timeout=10, how=signal.SIGINT)


def test_compose_environment_is_interpolated_from_dotenv_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FROM_SHELL", "leaked")
    (tmp_path / ".env").write_text("# comment\nSECRET_KEY=s3cret\nEMPTY=\n")
    (tmp_path / "app.env").write_text("FROM_FILE=1\nDEBUG=true\n")
    (tmp_path / "compose.yaml").write_text(
        "x-app: &app\n"
        "  env_file: app.env\n"
        "  environment:\n"
        "    SECRET_KEY: ${SECRET_KEY:?set it}\n"
        "    DEBUG: false\n"
        "    NAME: ${MISSING:-fallback}\n"
        "    SHELL_VALUE: ${FROM_SHELL}\n"
        "    PRICE: $$5\n"
        "services:\n"
        "  app:\n"
        "    <<: *app\n"
        "    ports: ['8000:8000']\n"
        "  other:\n"
        "    environment: ['LIST=form', 'NEEDED=${EMPTY:?must be set}']\n"
    )
    assert harness.compose_environment(tmp_path, "app") == {
        "FROM_FILE": "1",
        "DEBUG": "false",
        "SECRET_KEY": "s3cret",
        "NAME": "fallback",
        "SHELL_VALUE": "",
        "PRICE": "$5",
    }
    with pytest.raises(CheckFailed, match="EMPTY: must be set"):
        harness.compose_environment(tmp_path, "other")


def test_compose_files_merge_as_compose_merges_them(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  db:\n"
        "    image: postgres\n"
        "    environment: {A: '1', B: '2'}\n"
        "    volumes: ['data:/var/lib/data']\n"
        "networks:\n"
        "  default: {ipam: {config: [{subnet: 10.9.0.0/24}]}}\n"
    )
    (tmp_path / "compose.dev.yaml").write_text(
        "services:\n"
        "  db:\n"
        "    environment: {B: '3'}\n"
        "    ports: ['127.0.0.1:5432:5432']\n"
        "  dev:\n"
        "    build: {context: ., target: dev}\n"
    )
    merged = harness.compose_document(tmp_path, harness.DEV_COMPOSE_FILES)
    assert merged["services"]["db"] == {
        "image": "postgres",
        "environment": {"A": "1", "B": "3"},
        "volumes": ["data:/var/lib/data"],
        "ports": ["127.0.0.1:5432:5432"],
    }
    assert set(merged["services"]) == {"db", "dev"}
    assert merged["networks"]["default"]["ipam"]["config"] == [{"subnet": "10.9.0.0/24"}]
    assert "ports" not in harness.compose_service(tmp_path, "db")


WORKFLOW = """\
name: CI
on: [push]
env:
  LEVEL: workflow
  KEPT: workflow
jobs:
  first:
    runs-on: ubuntu-latest
    env:
      LEVEL: job
    steps:
      - uses: actions/checkout@v5
      - uses: astral-sh/setup-uv@v7
        with:
          python-version: "3.13"
      - name: Record
        run: echo "$LEVEL $KEPT $UV_PYTHON $STEP" > seen.txt
        env:
          STEP: step
      - run: |
          test -f seen.txt
          false
          touch never.txt
"""


def test_workflow_jobs_run_as_github_runs_them(tmp_path: Path) -> None:
    (tmp_path / "ci.yml").write_text(WORKFLOW)
    workflow = harness.Workflow.read(tmp_path / "ci.yml")
    with pytest.raises(CheckFailed, match=r"CI job 'first', step 'test -f seen\.txt"):
        harness.run_job(workflow, workflow.job("first"), tmp_path)
    assert (tmp_path / "seen.txt").read_text() == "job workflow 3.13 step\n"
    assert not (tmp_path / "never.txt").exists()  # -e: the step stops at its first failure
    with pytest.raises(CheckFailed, match="no job 'second'"):
        workflow.job("second")


@pytest.mark.parametrize(
    ("old", "new", "refusal"),
    [
        ("uses: actions/checkout@v5", "uses: actions/cache@v4", "what actions/cache@v4 provides"),
        ('python-version: "3.13"', 'version: "0.9"', "setup-uv input"),
        ('echo "$LEVEL', 'echo "${{ env.LEVEL }}', "expressions"),
    ],
)
def test_workflow_steps_the_harness_cannot_map_are_refused(
    tmp_path: Path, old: str, new: str, refusal: str
) -> None:
    (tmp_path / "ci.yml").write_text(WORKFLOW.replace(old, new))
    with pytest.raises(CheckFailed, match=refusal):
        workflow = harness.Workflow.read(tmp_path / "ci.yml")
        harness.run_job(workflow, workflow.job("first"), tmp_path)


def test_a_changed_tracked_file_is_caught(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "uv.lock").write_text("a\n")
    subprocess.run(["git", "-C", str(tmp_path), "add", "uv.lock"], check=True)
    identity = ["-c", "user.name=t", "-c", "user.email=t@e.x"]
    subprocess.run(["git", "-C", str(tmp_path), *identity, "commit", "-qm", "x"], check=True)
    harness.unchanged_by_use(tmp_path, "nothing")
    (tmp_path / "uv.lock").write_text("b\n")
    with pytest.raises(CheckFailed, match=r"uv\.lock"):
        harness.unchanged_by_use(tmp_path, "uv sync")


# ---- each check catches its fault ----------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scratch = tmp_path_factory.mktemp("broken")
    result = CliRunner().invoke(
        cli, ["new", "demo", "--yes", "--framework", "fastapi", "--output", str(scratch / "demo")]
    )
    assert result.exit_code == 0, result.output
    harness.run([harness.require("uv"), "sync", "--locked"], scratch / "demo", what="uv sync")
    return scratch / "demo"


@pytest.fixture
def project(rendered: Path) -> Iterator[Path]:
    """The generated project, put back to its committed state after each fault."""
    yield rendered
    subprocess.run(["git", "checkout", "--", "."], cwd=rendered, check=True)
    subprocess.run(["git", "clean", "-fdq", "-e", ".venv", "-e", ".env"], cwd=rendered, check=True)


def prod_settings(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """Production settings for one run on loopback: SQLite, one worker, a real secret."""
    return {
        "SECRET_KEY": "s" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite3",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PORT": str(harness.free_port()),
        "WEB_CONCURRENCY": "1",
        **overrides,
    }


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def ci_job(project: Path, job: str) -> None:
    workflow = harness.Workflow.read(project / ".github" / "workflows" / "ci.yml")
    harness.run_job(workflow, workflow.job(job), project)


# (the CI job, the file to break, what to append, the step the failure names)
APPENDED_FAULTS = [
    pytest.param("lint", "app/db.py", "import os\n", "uv run ruff check", id="lint"),
    pytest.param("lint", "app/db.py", "X = {  'a':1 }\n", "uv run ruff format", id="format"),
    pytest.param(
        "lint", "app/db.py", '\n\ndef f() -> int:\n    return "x"\n', "uv run mypy", id="types"
    ),
    pytest.param(
        "test",
        "tests/test_broken.py",
        "def test_broken() -> None:\n    assert 1 == 2\n",
        "Tests on PostgreSQL",
        id="failing-test",
    ),
    pytest.param(
        "test",
        "app/db.py",
        "\n\nfrom sqlalchemy.orm import Mapped, mapped_column\n\n\n"
        "class Widget(Base):\n    __tablename__ = 'widget'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n",
        "Migrations apply and match the models",
        id="missing-migration",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("job", "target", "text", "step"), APPENDED_FAULTS)
def test_fault_fails_the_ci_job_that_owns_it(
    project: Path, job: str, target: str, text: str, step: str
) -> None:
    path = project / target
    path.write_text((path.read_text() if path.exists() else "") + text)
    with pytest.raises(CheckFailed, match=f"CI job '{job}', step '{step}") as caught:
        ci_job(project, job)
    assert "exited" in str(caught.value)


@pytest.mark.slow
def test_compose_schema_fault_is_caught(project: Path) -> None:
    harness.schemas(project)
    append(project / "compose.yaml", "bad_key: true\n")
    with pytest.raises(CheckFailed, match="compose schema failed"):
        harness.schemas(project)


@pytest.mark.slow
def test_server_error_on_an_endpoint_is_caught(project: Path, tmp_path: Path) -> None:
    append(
        project / "app/api/health.py",
        '\n\n@router.get("/boom")\nasync def boom() -> Health:\n'
        '    raise RuntimeError("broken on purpose")\n',
    )
    prod = harness.Production.build(project, tmp_path / "venv", "3.13")
    settings = prod_settings(tmp_path)
    prod.migrate(settings)
    server = prod.start(settings, tmp_path / "server.log")
    try:
        server.wait_healthy()
        harness.probes(server)  # the probes themselves still pass
        with pytest.raises(CheckFailed, match="schemathesis failed") as caught:
            harness.schemathesis(server, tmp_path, max_examples=5)
        assert "/boom" in str(caught.value)
    finally:
        server.stop()


@pytest.mark.slow
def test_unready_app_is_caught(project: Path, tmp_path: Path) -> None:
    prod = harness.Production.build(project, tmp_path / "venv", "3.13")
    settings = prod_settings(tmp_path, DATABASE_URL="postgresql://nobody:nothing@127.0.0.1:9/none")
    server = prod.start(settings, tmp_path / "server.log")
    try:
        server.wait_healthy()
        with pytest.raises(CheckFailed, match="GET /ready answered 503"):
            harness.probes(server)
    finally:
        server.stop()


@pytest.mark.slow
def test_app_that_accepts_the_placeholder_secret_is_caught(project: Path, tmp_path: Path) -> None:
    # Both guards go: the settings' own and the production command's.
    main = project / "app/__main__.py"
    main.write_text(main.read_text().replace("    if problems:\n", "    if False:\n"))
    config = project / "app/core/config.py"
    guard = "if self.weak_secret and not self.debug:"
    assert guard in config.read_text()
    config.write_text(config.read_text().replace(guard, "if False:"))
    prod = harness.Production.build(project, tmp_path / "venv", "3.13")
    settings = prod_settings(tmp_path)
    with pytest.raises(CheckFailed, match="placeholder SECRET_KEY"):
        harness.refuses_placeholder_secret(prod, settings, tmp_path / "refuse.log")


@pytest.mark.slow
def test_dockerfile_lint_is_caught(project: Path) -> None:
    harness.hadolint(project)
    dockerfile = project / "Dockerfile"
    dockerfile.write_text(
        dockerfile.read_text().replace("USER 10001:10001\n", "RUN apt-get install curl\n")
    )
    with pytest.raises(CheckFailed, match="hadolint failed"):
        harness.hadolint(project)


def test_undocumented_setting_is_caught(tmp_path: Path) -> None:
    (tmp_path / ".env.example").write_text("SECRET_KEY=change-me\n# OPTIONAL=1\n")
    harness.env_example_covers(tmp_path, {"SECRET_KEY", "OPTIONAL"})
    with pytest.raises(CheckFailed, match="LOG_LEVEL"):
        harness.env_example_covers(tmp_path, {"SECRET_KEY", "LOG_LEVEL"})


@pytest.mark.slow
def test_leaked_secret_is_caught(project: Path) -> None:
    harness.secrets_stay_private(project)
    secret = (project / ".env").read_text().split("SECRET_KEY=", 1)[1].splitlines()[0]
    append(project / "README.md", f"\nsecret: {secret}\n")
    with pytest.raises(CheckFailed, match=r"appears in README\.md"):
        harness.secrets_stay_private(project)


@pytest.mark.slow
def test_unlogged_request_id_and_failing_production_check_are_caught(
    project: Path, tmp_path: Path
) -> None:
    log_module = project / "app/core/logging.py"
    log_module.write_text(
        log_module.read_text().replace('"request_id": request_id.get(),', '"request_id": "-",')
    )
    prod = harness.Production.build(project, tmp_path / "venv", "3.13")
    settings = prod_settings(tmp_path)
    prod.check(["python", "-c", "import app"], settings)  # a passing check passes
    with pytest.raises(CheckFailed, match="failed"):
        prod.check(["python", "-c", "raise SystemExit(3)"], settings)
    prod.migrate(settings)
    server = prod.start(settings, tmp_path / "server.log")
    try:
        server.wait_healthy()
        with pytest.raises(CheckFailed, match="no JSON log line carries request id"):
            harness.request_id_logged(server, timeout=1)
    finally:
        server.stop()
