"""The verification harness: runs a generated project's own toolchain and its production boot.

Every check is a plain function that raises CheckFailed with the tool's own output, so the
matrix tests report real failures and the harness's own tests can show each check catching a
deliberately broken project.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from generator import makefile

PG_URL_VARIABLE = "FWGEN_TEST_DATABASE_URL"
# Behind a TLS-terminating proxy, as in production: Django's HTTPS redirect stays on.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


class CheckFailed(AssertionError):
    """A check found a problem in the generated project."""


# ---- environment ---------------------------------------------------------------------------


def _pyenv_versions() -> str | None:
    """PYENV_VERSION listing the default and every local 3.12/3.13, so uv can find them."""
    pyenv = shutil.which("pyenv")
    if not pyenv:
        return None
    listed = subprocess.run(
        [pyenv, "versions", "--bare"], capture_output=True, text=True, check=False
    ).stdout.split()
    default = subprocess.run(
        [pyenv, "version-name"], capture_output=True, text=True, check=False
    ).stdout.strip()
    extra = [v for v in listed if v.startswith(("3.12.", "3.13.")) and v != default]
    return ":".join([default, *extra]) if default else None


def tool_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a generated project's tools: no leaks from fwgen's own venv."""
    drop = {"VIRTUAL_ENV", "PYTHONPATH", "DATABASE_URL", "SECRET_KEY", "DEBUG", "PORT"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.setdefault("UV_LINK_MODE", "copy")
    versions = _pyenv_versions()
    if versions and "PYENV_VERSION" not in os.environ:
        env["PYENV_VERSION"] = versions
    env.update(extra or {})
    return env


def require(tool: str) -> str:
    """A tool on PATH; a missing one fails in CI and skips elsewhere."""
    # Tools installed in fwgen's own dev environment sit next to the running interpreter.
    beside = Path(sys.executable).parent / tool
    found = str(beside) if beside.is_file() else shutil.which(tool)
    if found:
        return found
    missing(f"{tool} is required for this test and is not installed")
    raise AssertionError("unreachable")


def missing(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def run(
    args: Sequence[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
    what: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command; raise CheckFailed with its output when it fails."""
    result = subprocess.run(
        list(args), cwd=cwd, env=tool_env(env), capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise CheckFailed(
            f"{what or 'command'} failed: `{shlex.join(args)}` exited {result.returncode}\n"
            f"--- stdout ---\n{result.stdout[-5000:]}\n--- stderr ---\n{result.stderr[-3000:]}"
        )
    return result


# ---- PostgreSQL ----------------------------------------------------------------------------


def postgres_admin_url() -> str:
    """The admin URL CI exports; fails in CI and skips elsewhere when PostgreSQL is absent."""
    url = os.environ.get(PG_URL_VARIABLE)
    if not url:
        missing(f"{PG_URL_VARIABLE} is not set: PostgreSQL tests need a server")
        raise AssertionError("unreachable")
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5):
            pass
    except psycopg.OperationalError as exc:
        missing(f"PostgreSQL at {PG_URL_VARIABLE} is not reachable: {exc}")
    return url


def fresh_database(admin_url: str, prefix: str) -> str:
    """Create an empty database and return its URL."""
    import psycopg
    from psycopg import sql

    name = f"{prefix}_{secrets.token_hex(4)}".lower()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


# ---- the project's own declarations --------------------------------------------------------


@dataclass
class Dockerfile:
    """What the harness needs from a Dockerfile: build steps, runtime ENV, CMD."""

    build_runs: list[str] = field(default_factory=list)
    runtime_env: dict[str, str] = field(default_factory=dict)
    cmd: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> Dockerfile:
        logical: list[str] = []
        current = ""
        for raw in text.splitlines():
            line = raw.rstrip()
            if not current and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.endswith("\\"):
                current += line[:-1] + " "
                continue
            logical.append((current + line).strip())
            current = ""
        stages: list[list[str]] = []
        for line in logical:
            if line.upper().startswith("FROM "):
                stages.append([])
            elif stages:
                stages[-1].append(line)
        if len(stages) < 2:
            raise CheckFailed("the Dockerfile should have a build stage and a runtime stage")
        parsed = cls()
        for line in stages[0]:
            keyword, _, rest = line.partition(" ")
            if keyword.upper() == "RUN":
                words = [w for w in shlex.split(rest) if not w.startswith("--mount=")]
                parsed.build_runs.append(shlex.join(words))
        for line in stages[-1]:
            keyword, _, rest = line.partition(" ")
            if keyword.upper() == "ENV":
                for pair in shlex.split(rest):
                    key, _, value = pair.partition("=")
                    parsed.runtime_env[key] = value
            elif keyword.upper() == "CMD":
                try:
                    parsed.cmd = json.loads(rest)
                except json.JSONDecodeError as exc:
                    raise CheckFailed(f"CMD must use the exec (JSON) form: {rest}") from exc
        if not parsed.cmd:
            raise CheckFailed("the Dockerfile's runtime stage has no CMD")
        return parsed


@dataclass
class DockerIgnore:
    """Docker's .dockerignore rules: patterns are relative to the context root, `**` spans
    directories, a pattern that matches a directory excludes what is in it, and the last
    match wins (`!` lets a path back in)."""

    rules: list[tuple[bool, str, re.Pattern[str]]]

    @classmethod
    def read(cls, project: Path) -> DockerIgnore:
        ignore_file = project / ".dockerignore"
        lines = ignore_file.read_text().splitlines() if ignore_file.is_file() else []
        rules = []
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            keep = line.startswith("!")
            pattern = line.removeprefix("!").strip().strip("/")
            regex = ""
            for part in re.split(r"(\*\*/?|\*|\?)", pattern):
                if part.startswith("**"):
                    regex += "(?:.*/)?" if part.endswith("/") else ".*"
                elif part == "*":
                    regex += "[^/]*"
                elif part == "?":
                    regex += "[^/]"
                else:
                    regex += re.escape(part)
            rules.append((keep, pattern, re.compile(regex + "(?:/.*)?")))
        return cls(rules)

    def ignored(self, path: str) -> bool:
        verdict = False
        for keep, _, rule in self.rules:
            if rule.fullmatch(path):
                verdict = not keep
        return verdict

    def prunes(self, directory: str) -> bool:
        """An ignored directory no `!` rule reaches into is skipped whole (.venv, .git)."""
        return self.ignored(directory) and not any(
            keep and (pattern.startswith(directory + "/") or pattern.startswith("**"))
            for keep, pattern, _ in self.rules
        )


def build_context(project: Path, dest: Path) -> None:
    """Copy what `COPY . /app` would copy: the project minus what .dockerignore excludes."""
    rules = DockerIgnore.read(project)
    for root, dirs, files in os.walk(project):
        here = Path(root).relative_to(project)
        dirs[:] = [d for d in dirs if not rules.prunes((here / d).as_posix())]
        for name in files:
            rel = (here / name).as_posix()
            if not rules.ignored(rel):
                (dest / here).mkdir(parents=True, exist_ok=True)
                shutil.copy2(project / rel, dest / rel)


def makefile_recipe(project: Path, target: str) -> list[str]:
    recipes = makefile.recipes((project / "Makefile").read_text(encoding="utf-8"))
    if target not in recipes:
        raise CheckFailed(f"the Makefile has no {target} target")
    return recipes[target]


def compose_migrate_command(project: Path) -> list[str]:
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    command = compose["services"]["migrate"]["command"]
    return command if isinstance(command, list) else shlex.split(command)


# ---- checks --------------------------------------------------------------------------------


def sync(project: Path, python: str) -> None:
    run([require("uv"), "sync", "--python", python], project, what="uv sync")


def uv_run(project: Path, *args: str, env: Mapping[str, str] | None = None, what: str) -> str:
    return run([require("uv"), "run", "--frozen", *args], project, env=env, what=what).stdout


def lint(project: Path) -> None:
    uv_run(project, "ruff", "check", ".", what="ruff check")
    uv_run(project, "ruff", "format", "--check", ".", what="ruff format --check")


def types(project: Path) -> None:
    uv_run(project, "mypy", what="mypy")


def project_tests(project: Path, database_url: str) -> str:
    return uv_run(
        project,
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        env={"DATABASE_URL": database_url},
        what="the project's tests",
    )


def migrations_match(project: Path, database_url: str) -> None:
    for line in makefile_recipe(project, "check-migrations"):
        run(
            ["sh", "-c", line],
            project,
            env={"DATABASE_URL": database_url},
            what="migrations check",
        )


def hadolint(project: Path) -> None:
    run(
        [require("hadolint"), "--no-color", "--failure-threshold", "info", "Dockerfile"],
        project,
        what="hadolint",
    )


def schemas(project: Path) -> None:
    tool = require("check-jsonschema")
    run(
        [tool, "--builtin-schema", "vendor.compose-spec", "compose.yaml"],
        project,
        what="compose schema",
    )
    run(
        [tool, "--builtin-schema", "vendor.github-workflows", ".github/workflows/ci.yml"],
        project,
        what="GitHub workflow schema",
    )


ENV_READ = re.compile(
    r"""(?:env(?:\.\w+)?|environ\.get|os\.getenv|environ\.get)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
)


def env_names_read(sources: Sequence[Path]) -> set[str]:
    names: set[str] = set()
    for path in sources:
        names |= set(ENV_READ.findall(path.read_text()))
    return names


def env_example_names(project: Path) -> set[str]:
    names = set()
    for line in (project / ".env.example").read_text().splitlines():
        match = re.match(r"#?\s*([A-Z][A-Z0-9_]*)=", line.strip())
        if match:
            names.add(match.group(1))
    return names


def env_example_covers(project: Path, read: set[str]) -> None:
    uncovered = read - env_example_names(project)
    if uncovered:
        raise CheckFailed(f".env.example does not list {sorted(uncovered)}")


def secrets_stay_private(project: Path) -> None:
    env = (project / ".env").read_text()
    match = re.search(r"^SECRET_KEY=(.+)$", env, re.MULTILINE)
    if not match or match.group(1) == "change-me" or len(match.group(1)) < 32:
        raise CheckFailed(".env has no generated SECRET_KEY")
    secret = match.group(1)
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=project, capture_output=True, text=True, check=True
    ).stdout.split()
    if ".env" in tracked:
        raise CheckFailed(".env is tracked by git")
    for name in [*tracked, ".copier-answers.yml"]:
        path = project / name
        if path.is_file() and secret in path.read_text(errors="replace"):
            raise CheckFailed(f"the project secret appears in {name}")


# ---- production ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


def http_get(url: str, timeout: float = 5) -> Response:
    return http_request(urllib.request.Request(url, headers=PROXY_HEADERS), timeout)


def http_post(url: str, body: bytes, content_type: str, timeout: float = 10) -> Response:
    headers = {**PROXY_HEADERS, "Content-Type": content_type}
    return http_request(urllib.request.Request(url, body, headers, method="POST"), timeout)


def http_request(request: urllib.request.Request, timeout: float) -> Response:
    """Send to the app on loopback; an HTTP error status is an answer, not an exception."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Response(answer.status, _lower(answer.headers.items()), answer.read())
    except urllib.error.HTTPError as err:
        return Response(err.code, _lower(err.headers.items()), err.read())


def _lower(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers}


@dataclass
class Production:
    """The project's image, reproduced as a venv: its build steps, runtime ENV and CMD."""

    project: Path
    venv: Path
    dockerfile: Dockerfile
    # The image's /app: the build context, where the build steps and the server run.
    app: Path

    @classmethod
    def build(cls, project: Path, venv: Path, python: str) -> Production:
        """Copy the build context as `COPY . /app` does and install into `venv` as the image does.

        The copy sits beside the venv; everything afterwards runs in it, so a file the
        .dockerignore keeps out of the image (`.env` above all) is out of the run too.
        """
        dockerfile = Dockerfile.parse((project / "Dockerfile").read_text())
        app = venv.with_name(venv.name + "-app")
        shutil.rmtree(app, ignore_errors=True)
        build_context(project, app)
        prod = cls(project, venv, dockerfile, app)
        uv = require("uv")
        for step in dockerfile.build_runs:
            if step.startswith("uv sync"):
                # The image's dependency install, into this venv instead of /app/.venv.
                run(
                    [uv, *shlex.split(step)[1:], "--python", python],
                    app,
                    env=prod.env(),
                    what="production dependency install",
                )
            else:
                run(["sh", "-c", step], app, env=prod.env(), what=f"image build step {step}")
        return prod

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        return {
            **self.dockerfile.runtime_env,
            "UV_PROJECT_ENVIRONMENT": str(self.venv),
            "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
            **(extra or {}),
        }

    def migrate(self, settings: Mapping[str, str]) -> None:
        run(
            compose_migrate_command(self.project),
            self.app,
            env=self.env(settings),
            what="migrations (compose's migrate step)",
        )

    def start(self, settings: Mapping[str, str], log: Path) -> Server:
        return Server.start(self.dockerfile.cmd, self.app, tool_env(self.env(settings)), log)

    def check(self, command: Sequence[str], settings: Mapping[str, str]) -> None:
        """Run one of the starter's own production checks in the image's environment."""
        run(list(command), self.app, env=self.env(settings), what=" ".join(command))


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    @classmethod
    def start(cls, cmd: Sequence[str], cwd: Path, env: dict[str, str], log: Path) -> Server:
        handle = log.open("wb")
        process = subprocess.Popen(
            list(cmd),
            cwd=cwd,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return cls(process, f"http://127.0.0.1:{env['PORT']}", log)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]

    def wait_healthy(self, timeout: float = 60) -> float:
        """Poll /health until it answers 200; return seconds to first 200."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.process.poll() is not None:
                raise CheckFailed(
                    f"the server exited with {self.process.returncode}:\n{self.output()}"
                )
            try:
                if http_get(self.base_url + "/health", timeout=2).status == 200:
                    return time.monotonic() - start
            except OSError:
                pass
            time.sleep(0.05)
        raise CheckFailed(f"/health did not answer 200 within {timeout}s:\n{self.output()}")

    def get(self, path: str) -> Response:
        return http_get(self.base_url + path)

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, then wait; a server that needs SIGKILL fails the check."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
                raise CheckFailed(
                    f"the server ignored SIGTERM for {timeout}s:\n{self.output()}"
                ) from None
        return self.process.returncode

    def stop_cleanly(self) -> None:
        """SIGTERM must end the server promptly, with no traceback on the way out.

        Exit status 0, or death by the SIGTERM itself: a single uvicorn process finishes its
        graceful shutdown and then re-raises the signal, so its parent sees it.
        """
        code = self.stop()
        if code not in (0, -signal.SIGTERM):
            raise CheckFailed(f"exit status {code} after SIGTERM:\n{self.output()}")
        if "Traceback" in self.output():
            raise CheckFailed(f"a traceback during the run or shutdown:\n{self.output()}")


def probes(server: Server) -> None:
    for path in ("/health", "/ready"):
        answer = server.get(path)
        if answer.status != 200:
            raise CheckFailed(f"GET {path} answered {answer.status}: {answer.body[:300]!r}")
    schema = server.get("/openapi.json")
    if schema.status != 200:
        raise CheckFailed(f"GET /openapi.json answered {schema.status}")
    from openapi_spec_validator import validate

    document = schema.json()
    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3."):
        raise CheckFailed("/openapi.json is not an OpenAPI 3 document")
    try:
        validate(document)
    except Exception as exc:  # the validator's own error types vary by version
        raise CheckFailed(f"/openapi.json is not a valid OpenAPI 3 schema: {exc}") from exc
    pages(server, ["/docs"])


_LOCAL_ASSET = re.compile(r"""(?:href|src)=["'](/[^"'?#]+\.(?:css|js))(?:[?#][^"']*)?["']""")


def pages(server: Server, paths: Iterable[str]) -> None:
    """Each page answers HTML, and the stylesheets and scripts it links are served locally."""
    for path in paths:
        page = server.get(path)
        if page.status != 200 or "text/html" not in page.headers.get("content-type", ""):
            raise CheckFailed(
                f"GET {path} answered {page.status} {page.headers.get('content-type')}"
            )
        for asset in sorted(set(_LOCAL_ASSET.findall(page.body.decode(errors="replace")))):
            answer = server.get(asset)
            if answer.status != 200:
                raise CheckFailed(f"{path} links {asset}, which answered {answer.status}")


def request_id_logged(server: Server, timeout: float = 10) -> None:
    """A caller's X-Request-ID comes back on the response and in a JSON access log line."""
    rid = f"harness-{secrets.token_hex(8)}"
    # Not a probe: probes skip the access log.
    request = urllib.request.Request(
        server.base_url + "/openapi.json", headers={**PROXY_HEADERS, "X-Request-ID": rid}
    )
    answer = http_request(request, timeout=10)
    if answer.headers.get("x-request-id") != rid:
        raise CheckFailed(f"X-Request-ID not echoed: {answer.headers.get('x-request-id')!r}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in server.log.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and entry.get("request_id") == rid:
                return
        time.sleep(0.05)
    raise CheckFailed(f"no JSON log line carries request id {rid}:\n{server.output()}")


REGISTER_PATH = "/api/v1/auth/register"
TOKEN_PATH = "/api/v1/auth/token"


def access_token(server: Server) -> str | None:
    """Register a fresh user and log in with the OAuth2 password form (the shared convention).

    None when the app has no such endpoints yet.
    """
    schema = server.get("/openapi.json").json()
    paths = schema.get("paths", {}) if isinstance(schema, dict) else {}
    if REGISTER_PATH not in paths or TOKEN_PATH not in paths:
        return None
    email = f"harness-{secrets.token_hex(6)}@example.com"
    password = secrets.token_urlsafe(18)
    body = json.dumps({"email": email, "password": password}).encode()
    created = http_post(server.base_url + REGISTER_PATH, body, "application/json")
    if created.status != 201:
        raise CheckFailed(f"registering a user answered {created.status}: {created.body[:300]!r}")
    form = urllib.parse.urlencode({"username": email, "password": password}).encode()
    login = http_post(server.base_url + TOKEN_PATH, form, "application/x-www-form-urlencoded")
    token = login.json() if login.status == 200 else None
    if not isinstance(token, dict) or "access_token" not in token:
        raise CheckFailed(f"logging in answered {login.status}: {login.body[:300]!r}")
    access = str(token["access_token"])
    request = urllib.request.Request(
        server.base_url + "/api/v1/users/me",
        headers={**PROXY_HEADERS, "Authorization": f"Bearer {access}"},
    )
    me = http_request(request, timeout=10)
    if me.status != 200:
        raise CheckFailed(f"the new user's token does not work: GET /api/v1/users/me {me.status}")
    return access


def schemathesis(server: Server, workdir: Path, max_examples: int = 25) -> None:
    """Generated requests against every documented operation: no 5xx, responses as declared.

    Authenticated as a freshly registered user when the app has the shared auth endpoints.
    """
    header = [f"{k}: {v}" for k, v in PROXY_HEADERS.items()]
    token = access_token(server)
    if token:
        header.append(f"Authorization: Bearer {token}")
    args = [
        require("schemathesis"),
        "run",
        server.base_url + "/openapi.json",
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(max_examples),
        "--request-timeout",
        "10",
        "--generation-database",
        "none",
        "--seed",
        "1",
        "--no-color",
        "--workers",
        "1",
    ]
    for item in header:
        args += ["-H", item]
    run(args, workdir, timeout=300, what="schemathesis")


def refuses_placeholder_secret(prod: Production, settings: Mapping[str, str], log: Path) -> None:
    """Production must exit non-zero, without serving, when SECRET_KEY is the placeholder."""
    server = prod.start({**settings, "SECRET_KEY": "change-me"}, log)
    try:
        code = server.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.stop()
        raise CheckFailed("production started with the placeholder SECRET_KEY") from None
    if code == 0:
        raise CheckFailed("production exited 0 with the placeholder SECRET_KEY")
    if "SECRET_KEY" not in server.output():
        raise CheckFailed(f"the refusal does not say why:\n{server.output()}")
