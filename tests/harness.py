"""The verification harness: runs a generated project's own toolchain and its production boot.

Every check is a plain function that raises CheckFailed with the tool's own output, so the
matrix tests report real failures and the harness's own tests can show each check catching a
deliberately broken project.
"""

from __future__ import annotations

import base64
import concurrent.futures
import contextlib
import fcntl
import hashlib
import html
import http.client
import itertools
import json
import os
import re
import secrets
import select
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import makefile

PG_URL_VARIABLE = "FWGEN_TEST_DATABASE_URL"
REDIS_URL_VARIABLE = "FWGEN_TEST_REDIS_URL"


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
    versions = _pyenv_versions()
    if versions and "PYENV_VERSION" not in os.environ:
        env["PYENV_VERSION"] = versions
    env.update(extra or {})
    return env


def python_for(version: str) -> str:
    """The local interpreter of a Python version, as uv finds it (never a download)."""
    found = run([require("uv"), "python", "find", version], Path.cwd(), what="uv python find")
    return found.stdout.strip()


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
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command; raise CheckFailed with its output when it fails."""
    result = subprocess.run(
        list(args),
        cwd=cwd,
        env=tool_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin if stdin is not None else "",
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


def redis_url() -> str:
    """The Redis server CI starts; fails in CI and skips elsewhere when it does not answer."""
    url = os.environ.get(REDIS_URL_VARIABLE)
    if not url:
        missing(f"{REDIS_URL_VARIABLE} is not set: Redis tests need a server")
        raise AssertionError("unreachable")
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=5) as sock:
            sock.sendall(b"PING\r\n")
            answer = sock.recv(64)
    except OSError as exc:
        answer = str(exc).encode()
    if not answer.startswith(b"+PONG"):
        missing(f"Redis at {REDIS_URL_VARIABLE} does not answer PING: {answer!r}")
    return url


def redis_command(url: str, *args: str) -> bytes:
    """One command to the Redis server of `url` (its database selected); the raw reply."""
    parts = urllib.parse.urlsplit(url)
    database = parts.path.strip("/") or "0"

    def encoded(*words: str) -> bytes:
        out = [f"*{len(words)}\r\n".encode()]
        for word in words:
            data = word.encode()
            out.append(b"$%d\r\n%s\r\n" % (len(data), data))
        return b"".join(out)

    with socket.create_connection((parts.hostname, parts.port or 6379), timeout=5) as sock:
        sock.sendall(encoded("SELECT", database) + encoded(*args))
        reply = b""
        while reply.count(b"\r\n") < 2:
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    return reply.split(b"\r\n")[1]


def queued_jobs(url: str, queue: str) -> int:
    """How many jobs wait in a Celery queue on Redis (a Redis list under the queue's name)."""
    reply = redis_command(url, "LLEN", queue)
    if not reply.startswith(b":"):
        raise CheckFailed(f"LLEN {queue} answered {reply!r}")
    return int(reply[1:])


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


def compose_services(project: Path) -> set[str]:
    return set(yaml.safe_load((project / "compose.yaml").read_text())["services"])


COMPOSE_FILES = ("compose.yaml",)
# `make dev-stack`'s files: the development stack is the second laid over the first.
DEV_COMPOSE_FILES = ("compose.yaml", "compose.dev.yaml")


def compose_document(project: Path, files: Sequence[str] = COMPOSE_FILES) -> dict[str, Any]:
    """The project's compose files merged as `docker compose -f ... -f ...` merges them, YAML
    anchors included: a later file's service keys replace the earlier's, except `ports` and
    `volumes`, which add up, and `environment`, merged by name."""
    merged: dict[str, Any] = {"services": {}}
    for name in files:
        document = yaml.safe_load((project / name).read_text())
        for key, value in document.items():
            if key != "services":
                merged[key] = {**merged.get(key, {}), **(value or {})}
        for service, spec in document["services"].items():
            into = merged["services"].setdefault(service, {})
            for key, value in spec.items():
                if key in ("ports", "volumes"):
                    into[key] = [*into.get(key, []), *value]
                elif key == "environment" and isinstance(value, dict):
                    into[key] = {**into.get(key, {}), **value}
                else:
                    into[key] = value
    return merged


def compose_service(
    project: Path, name: str, files: Sequence[str] = COMPOSE_FILES
) -> dict[str, Any]:
    """One service of the project's compose files, merged as compose merges them."""
    service: dict[str, Any] = compose_document(project, files)["services"][name]
    return service


def compose_migrate_command(project: Path) -> list[str]:
    command = compose_service(project, "migrate")["command"]
    return command if isinstance(command, list) else shlex.split(command)


# ---- the user's path -----------------------------------------------------------------------
# A generated project is proven the way its users meet it: from a `git clone` of what was
# committed, with the commands its README and CI workflow write, in the environment its own
# files give. Anything the harness adds beyond that is named here and kept to what the machine
# lacks (a free port, the local PostgreSQL in place of a service container).


def clone(project: Path, dest: Path) -> Path:
    """A `git clone` of the project: what was committed, without the files git ignores."""
    run(["git", "clone", "--quiet", str(project), str(dest)], project.parent, what="git clone")
    return dest


def unchanged_by_use(checkout: Path, what: str) -> None:
    """Following the project's own commands must leave its tracked files as committed."""
    status = run(["git", "status", "--porcelain"], checkout, what="git status").stdout
    if status.strip():
        raise CheckFailed(f"{what} changed or added files git tracks:\n{status}")


@contextlib.contextmanager
def machine_lock(name: str) -> Iterator[None]:
    """One holder at a time, across test processes, of what a machine has once: the
    development server's port 8000, PostgreSQL's role and database named in a workflow, the
    container engine's build cache."""
    directory = Path(tempfile.gettempdir()) / f"fwgen-harness-{os.getuid()}"
    directory.mkdir(exist_ok=True)
    with (directory / f"{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _admin_sql(admin_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def drop_role(admin_url: str, user: str) -> None:
    """Remove a role and every database it owns (connections to them are closed)."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        owned = conn.execute(
            "SELECT datname FROM pg_database d JOIN pg_roles r ON d.datdba = r.oid "
            "WHERE r.rolname = %s",
            [user],
        ).fetchall()
    _admin_sql(
        admin_url,
        *(f"DROP DATABASE IF EXISTS {_ident(name)} WITH (FORCE)" for (name,) in owned),
        f"DROP ROLE IF EXISTS {_ident(user)}",
    )


HARNESS_ROLE = "made by the fwgen harness"


@contextlib.contextmanager
def postgres_role(admin_url: str, user: str, password: str, database: str) -> Iterator[None]:
    """A login role and its database on the local server, removed afterwards.

    Like the official image's POSTGRES_USER, the role is a superuser (tests create databases).
    A role of the same name that the harness did not make is never touched.
    """
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        found = conn.execute(
            "SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = %s", [user]
        ).fetchone()
    if found is not None and found[0] != HARNESS_ROLE:
        raise CheckFailed(
            f"PostgreSQL already has a role {user!r} the harness did not make; "
            "the workflow's service needs it: drop it or run on another server"
        )
    drop_role(admin_url, user)
    _admin_sql(
        admin_url,
        f"CREATE ROLE {_ident(user)} LOGIN SUPERUSER PASSWORD {_literal(password)}",
        f"COMMENT ON ROLE {_ident(user)} IS {_literal(HARNESS_ROLE)}",
        f"CREATE DATABASE {_ident(database)} OWNER {_ident(user)}",
    )
    try:
        yield
    finally:
        drop_role(admin_url, user)


def _local_postgres_5432() -> str:
    """The admin URL, when the local server is where a workflow's `5432:5432` service is."""
    url = postgres_admin_url()
    parts = urllib.parse.urlsplit(url)
    if parts.hostname not in ("localhost", "127.0.0.1") or (parts.port or 5432) != 5432:
        missing(f"{PG_URL_VARIABLE} must name a server on localhost:5432, as the workflow does")
    return url


@dataclass
class Step:
    name: str
    run: str | None
    uses: str | None
    with_: dict[str, str]
    env: dict[str, str]


@dataclass
class Job:
    id: str
    env: dict[str, str]
    services: dict[str, dict[str, Any]]
    steps: list[Step]


def _strings(mapping: object) -> dict[str, str]:
    if not isinstance(mapping, dict):
        return {}
    return {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in mapping.items()}


@dataclass
class Workflow:
    """A GitHub Actions workflow, as far as running it on this machine needs."""

    env: dict[str, str]
    jobs: list[Job]

    @classmethod
    def read(cls, path: Path) -> Workflow:
        data = yaml.safe_load(path.read_text())
        if "${{" in path.read_text():
            raise CheckFailed(f"{path.name} uses ${{{{ }}}} expressions; the harness runs none")
        jobs = []
        for job_id, job in data["jobs"].items():
            steps = [
                Step(
                    name=str(step.get("name") or step.get("run") or step.get("uses")),
                    run=step.get("run"),
                    uses=step.get("uses"),
                    with_=_strings(step.get("with")),
                    env=_strings(step.get("env")),
                )
                for step in job["steps"]
            ]
            jobs.append(Job(job_id, _strings(job.get("env")), job.get("services") or {}, steps))
        return cls(_strings(data.get("env")), jobs)

    def job(self, job_id: str) -> Job:
        for job in self.jobs:
            if job.id == job_id:
                return job
        raise CheckFailed(f"the workflow has no job {job_id!r}")


def _action_provides(step: Step) -> dict[str, str]:
    """What a `uses:` step leaves behind for the steps after it, on this machine."""
    action = (step.uses or "").partition("@")[0]
    if action == "actions/checkout":
        return {}  # the job already runs in a fresh clone
    if action == "astral-sh/setup-uv":
        unknown = set(step.with_) - {"python-version"}
        if unknown:
            raise CheckFailed(f"setup-uv input(s) the harness does not map: {sorted(unknown)}")
        require("uv")
        # setup-uv exports its python-version input as UV_PYTHON.
        python = step.with_.get("python-version")
        return {"UV_PYTHON": python} if python else {}
    raise CheckFailed(f"the harness does not know what {step.uses} provides")


@contextlib.contextmanager
def _services(job: Job) -> Iterator[None]:
    """The job's service containers, as the local servers that stand in for them."""
    with contextlib.ExitStack() as stack:
        for name, service in job.services.items():
            image = str(service.get("image", ""))
            ports = [str(p) for p in service.get("ports", [])]
            if image.startswith("postgres:"):
                if ports != ["5432:5432"]:
                    raise CheckFailed(
                        f"job {job.id}: the PostgreSQL service must publish 5432:5432"
                    )
                env = _strings(service.get("env"))
                user = env.get("POSTGRES_USER", "postgres")
                admin = _local_postgres_5432()
                stack.enter_context(machine_lock("postgres-service"))
                role = postgres_role(
                    admin, user, env["POSTGRES_PASSWORD"], env.get("POSTGRES_DB", user)
                )
                stack.enter_context(role)
            elif image.startswith("redis:"):
                parts = urllib.parse.urlsplit(redis_url())
                if ports != ["6379:6379"] or (parts.hostname, parts.port or 6379) not in (
                    ("localhost", 6379),
                    ("127.0.0.1", 6379),
                ):
                    raise CheckFailed(f"job {job.id}: the Redis service must be on localhost:6379")
            else:
                raise CheckFailed(
                    f"job {job.id}: no local stand-in for the service {name} ({image})"
                )
        yield


def run_job(workflow: Workflow, job: Job, checkout: Path) -> list[tuple[str, float]]:
    """Every step of `job` in order, in `checkout`, with the workflow's, job's and step's env.

    Steps run as GitHub runs them (`bash --noprofile --norc -eo pipefail`). Returns each
    step's seconds; a failing step raises CheckFailed naming the job and the step.
    """
    env = {**workflow.env, **job.env}
    timings = []
    with _services(job):
        for step in job.steps:
            start = time.monotonic()
            if step.uses:
                env.update(_action_provides(step))
            elif step.run:
                run(
                    ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step.run],
                    checkout,
                    env={**env, **step.env},
                    timeout=900,
                    what=f"CI job {job.id!r}, step {step.name!r}",
                )
            timings.append((step.name, time.monotonic() - start))
    return timings


@dataclass
class Readme:
    """The generated README: its shell blocks and the local addresses it sends readers to."""

    text: str

    @classmethod
    def read(cls, project: Path) -> Readme:
        return cls((project / "README.md").read_text(encoding="utf-8"))

    def blocks(self, heading: str) -> list[list[str]]:
        """The ```sh blocks of the section `heading` (a `## ` line), each as its lines."""
        match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", self.text, re.M | re.S)
        if not match:
            return []
        return [
            [line for line in block.splitlines() if line.strip()]
            for block in re.findall(r"^```sh\n(.*?)^```", match.group(1), re.M | re.S)
        ]

    def local_urls(self, port: int = 8000) -> list[str]:
        pattern = rf"http://(?:127\.0\.0\.1|localhost):{port}(/[^\s)`'\"<>,]*)?"
        return sorted({m.group(0).rstrip(".") for m in re.finditer(pattern, self.text)})

    def endpoints(self) -> list[tuple[str, str]]:
        """(method, path) of every row of the endpoints table; method "" for a page."""
        found = []
        for row in re.findall(r"^\| (`.*?) \|", self.text, re.M):
            for cell in re.findall(r"`([^`]+)`", row):
                words = cell.replace(",", " ").split()
                methods = [w for w in words if w.isupper()]
                for path in (w for w in words if w.startswith("/")):
                    found += [(m, path.split("?")[0]) for m in methods or [""]]
        return found


def own_postgres_commands(readme: Readme, admin_url: str) -> list[str]:
    """The README's commands for a PostgreSQL server of one's own, run as its administrator.

    `sudo -u postgres psql` is how the README reaches the server as its superuser; here the
    superuser comes from the admin URL instead.
    """
    commands = [
        line
        for block in readme.blocks("The database")
        for line in block
        if line.startswith("sudo -u postgres psql ")
    ]
    if not commands:
        raise CheckFailed("the README gives no commands for a PostgreSQL server without Docker")
    prefix = "sudo -u postgres psql "
    return [
        f"psql {shlex.quote(admin_url)} -v ON_ERROR_STOP=1 " + line.removeprefix(prefix)
        for line in commands
    ]


def quickstart(
    checkout: Path, readme: Readme, dev_command: str, log: Path, timeout: float = 90
) -> list[tuple[str, int]]:
    """The README's quickstart as written; then every local URL it names, on its server.

    The last line must be the development server (the Makefile's `make dev`); the lines
    before it run in one shell that stops at the first failure. Returns each URL's status.
    """
    blocks = readme.blocks("Quickstart")
    if not blocks:
        raise CheckFailed("the README has no Quickstart shell block")
    *setup, server_line = blocks[0]
    if server_line.partition("#")[0].strip() != dev_command:
        raise CheckFailed(
            f"the quickstart should end by starting the development server ({dev_command!r}), "
            f"not {server_line!r}"
        )
    run(["bash", "-e", "-c", "\n".join(setup)], checkout, what="the README's quickstart")
    urls = readme.local_urls()
    if not urls:
        raise CheckFailed("the README names no local address to open")
    with machine_lock("port-8000"):
        server = Server.start(
            ["bash", "-c", server_line], checkout, tool_env(), log, "http://127.0.0.1:8000"
        )
        try:
            server.wait_healthy(timeout)
            answers = [(url, http_get(url, timeout=30).status) for url in urls]
        finally:
            # The reader of the README stops it with Ctrl-C.
            server.stop(how=signal.SIGINT)
    wrong = [f"{url} answered {status}" for url, status in answers if status != 200]
    if wrong:
        raise CheckFailed("addresses the README names do not answer 200:\n" + "\n".join(wrong))
    return answers


_INTERPOLATION = re.compile(r"\$\$|\$\{([A-Za-z_]\w*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_]\w*)")


def dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines, as compose reads `.env` and env_file (comments and blanks skipped)."""
    found = {}
    if path.is_file():
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                found[key.strip()] = value.strip().strip("'\"")
    return found


def interpolate(value: str, variables: Mapping[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}`, `${VAR:?error}`, `$VAR` and `$$`."""

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        op, arg = match.group(2), match.group(3) or ""
        value = variables.get(name)
        empty = value is None or (value == "" and op and op.startswith(":"))
        if op and op.endswith("-") and empty:
            return arg
        if op and op.endswith("?") and empty:
            raise CheckFailed(f"compose refuses to start: {name}: {arg}")
        return value or ""

    return _INTERPOLATION.sub(one, value)


def compose_environment(
    project: Path, service: str, files: Sequence[str] = COMPOSE_FILES
) -> dict[str, str]:
    """The environment compose gives `service`: its env_file(s), then its `environment`, with
    `${...}` filled from the project's `.env` as compose does (and nothing else)."""
    spec = compose_service(project, service, files)
    variables = dotenv(project / ".env")
    env: dict[str, str] = {}
    files = spec.get("env_file") or []
    for name in [files] if isinstance(files, str) else files:
        env.update(dotenv(project / str(name)))
    declared = spec.get("environment") or {}
    if isinstance(declared, list):
        declared = dict(item.partition("=")[::2] for item in declared)
    for key, value in declared.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        env[str(key)] = interpolate(text, variables)
    return env


def websocket_exists(base_url: str, path: str) -> bool:
    """Whether a WebSocket handshake on `path` reaches a route (anything but a 404)."""
    parts = urllib.parse.urlsplit(base_url)
    key = base64.b64encode(secrets.token_bytes(16)).decode()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    with open_socket(base_url) as sock:
        sock.sendall(request.encode())
        status_line = sock.recv(4096).split(b"\r\n", 1)[0].decode(errors="replace")
    return status_line.split()[1:2] != ["404"]


def readme_endpoints_exist(server: Site, readme: Readme) -> None:
    """Every endpoint the README's table lists is served: in the schema, or answering."""
    schema = server.get("/openapi.json").json()
    documented = set(schema.get("paths", {})) if isinstance(schema, dict) else set()
    absent = []
    for method, path in readme.endpoints():
        if method == "WS":
            found = websocket_exists(server.base_url, path)
        elif path in documented:
            found = True
        else:
            request = urllib.request.Request(server.base_url + path, method=method or "GET")
            found = http_request(request, timeout=10).status not in (404, 405)
        if not found:
            absent.append(f"{method or 'GET'} {path}")
    if absent:
        raise CheckFailed(f"the README lists endpoints the app does not have: {absent}")


# ---- checks --------------------------------------------------------------------------------


def uv_run(project: Path, *args: str, env: Mapping[str, str] | None = None, what: str) -> str:
    return run([require("uv"), "run", "--frozen", *args], project, env=env, what=what).stdout


def hadolint(project: Path) -> None:
    run(
        [require("hadolint"), "--no-color", "--failure-threshold", "info", "Dockerfile"],
        project,
        what="hadolint",
    )


def schemas(project: Path) -> None:
    tool = require("check-jsonschema")
    run(
        [tool, "--builtin-schema", "vendor.compose-spec", "compose.yaml", "compose.dev.yaml"],
        project,
        what="compose schema",
    )
    run(
        [tool, "--builtin-schema", "vendor.github-workflows", ".github/workflows/ci.yml"],
        project,
        what="GitHub workflow schema",
    )
    run(
        [tool, "--builtin-schema", "vendor.dependabot", ".github/dependabot.yml"],
        project,
        what="Dependabot schema",
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


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """Whether anything accepts connections on `port`."""
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex((host, port)) == 0


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


def http_get(url: str, timeout: float = 5, headers: Mapping[str, str] | None = None) -> Response:
    """A plain GET, as a browser on the same machine sends it: no proxy headers."""
    return http_request(urllib.request.Request(url, headers=dict(headers or {})), timeout)


def http_post(url: str, body: bytes, content_type: str, timeout: float = 10) -> Response:
    headers = {"Content-Type": content_type}
    return http_request(urllib.request.Request(url, body, headers, method="POST"), timeout)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# HTTPS requests verify the certificate as a browser does: against the system's authorities and
# those a stack under test made itself (`trust_authority`), never skipping the check.
TLS = ssl.create_default_context()
_FOLLOWING = urllib.request.build_opener(urllib.request.HTTPSHandler(context=TLS))
_NOT_FOLLOWING = urllib.request.build_opener(_NoRedirects, urllib.request.HTTPSHandler(context=TLS))


def trust_authority(pem: str) -> None:
    """Trust certificates signed by this root (a local proxy's own authority), as a developer
    does once by adding it to the system's store."""
    TLS.load_verify_locations(cadata=pem)


def open_socket(base_url: str, timeout: float = 10) -> socket.socket:
    """A connection to the app at `base_url`, over TLS for https://."""
    parts = urllib.parse.urlsplit(base_url)
    secure = parts.scheme == "https"
    address = (parts.hostname or "localhost", parts.port or (443 if secure else 80))
    sock = socket.create_connection(address, timeout)
    return TLS.wrap_socket(sock, server_hostname=address[0]) if secure else sock


def http_request(
    request: urllib.request.Request, timeout: float, *, follow_redirects: bool = True
) -> Response:
    """Send to the app; an HTTP error status is an answer, not an exception."""
    opener = _FOLLOWING.open if follow_redirects else _NOT_FOLLOWING.open
    try:
        with opener(request, timeout=timeout) as answer:
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

    def start_service(
        self, name: str, settings: Mapping[str, str], log: Path, tmp: Path | None = None
    ) -> Server:
        """A compose service of the project that answers no HTTP (a worker), as compose runs it:
        its command in the image's environment with the app's settings. `tmp` stands in for the
        container's own /tmp, where the command names files in it (this machine's /tmp is
        shared by every project the harness runs)."""
        command = compose_service(self.project, name)["command"]
        argv = command if isinstance(command, list) else shlex.split(command)
        if tmp is not None:
            tmp.mkdir(exist_ok=True)
            argv = [
                f"{tmp}/{a.removeprefix('/tmp/')}" if a.startswith("/tmp/") else a for a in argv
            ]
        return Server.start(argv, self.app, tool_env(self.env(settings)), log, base_url="")

    def check(
        self, command: Sequence[str], settings: Mapping[str, str], stdin: str | None = None
    ) -> None:
        """Run one of the starter's own commands in the image's environment."""
        run(list(command), self.app, env=self.env(settings), what=" ".join(command), stdin=stdin)


@dataclass
class Site:
    """An app answering at `base_url`, however it was started."""

    base_url: str

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Response:
        """GET following redirects, as a browser does; an address it cannot reach fails."""
        try:
            return http_get(self.base_url + path, headers=headers)
        except urllib.error.URLError as exc:
            request = urllib.request.Request(self.base_url + path, headers=dict(headers or {}))
            first = http_request(request, timeout=5, follow_redirects=False)
            hop = ""
            if 300 <= first.status < 400:
                hop = f" after a {first.status} to {first.headers.get('location')}"
            raise CheckFailed(f"GET {path} failed{hop}: {exc.reason}") from None


def _as_from_a_terminal() -> None:
    # A suite started as a background job (as a CI runner may start it) ignores SIGINT, and an
    # ignored signal stays ignored across exec: the server would not see the Ctrl-C a terminal
    # gives it. Python, Django's runserver and Flask's reloader then never stop on SIGINT.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass
class Server(Site):
    process: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(
        cls,
        cmd: Sequence[str],
        cwd: Path,
        env: dict[str, str],
        log: Path,
        base_url: str | None = None,
    ) -> Server:
        handle = log.open("wb")
        process = subprocess.Popen(
            list(cmd),
            cwd=cwd,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_as_from_a_terminal,
        )
        return cls(base_url=base_url or f"http://localhost:{env['PORT']}", process=process, log=log)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]

    def wait_for_output(self, text: str, timeout: float = 60) -> float:
        """Poll the log until `text` appears; seconds it took."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if text in self.output():
                return time.monotonic() - start
            if self.process.poll() is not None:
                raise CheckFailed(f"exited with {self.process.returncode}:\n{self.output()}")
            time.sleep(0.05)
        raise CheckFailed(f"{text!r} not logged within {timeout}s:\n{self.output()}")

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

    def stop(self, timeout: float = 30, how: signal.Signals = signal.SIGTERM) -> int:
        """Signal the server's process group (SIGTERM, as a platform stops it; SIGINT, as
        Ctrl-C does in a terminal), then wait; a server that needs SIGKILL fails the check."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, how)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
                raise CheckFailed(
                    f"the server ignored {how.name} for {timeout}s:\n{self.output()}"
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


@dataclass
class OtlpReceiver:
    """A collector's OTLP/HTTP endpoint on loopback, keeping each export posted to it."""

    url: str
    exports: list[tuple[str, str, bytes]] = field(default_factory=list)


@contextlib.contextmanager
def otlp_receiver() -> Iterator[OtlpReceiver]:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    exports: list[tuple[str, str, bytes]] = []

    class Collector(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            exports.append((self.path, self.headers.get("Content-Type", ""), body))
            # An empty ExportTraceServiceResponse: everything accepted.
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield OtlpReceiver(f"http://127.0.0.1:{server.server_port}", exports)
    finally:
        server.shutdown()
        server.server_close()


def traces_exported(
    receiver: OtlpReceiver, service: str, jobs: bool = False, timeout: float = 20
) -> None:
    """The server sent its spans over OTLP: requests and their queries, under its service name,
    and with `jobs`, the worker the jobs it ran (Celery's `run/<task>` spans).

    The body is protobuf, whose strings are plain UTF-8 bytes: the names are found in it as is.
    """
    wanted = [service.encode(), b"http", b"db.statement", *([b"run/"] if jobs else [])]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        bodies = [body for path, kind, body in receiver.exports if path == "/v1/traces"]
        if bodies and all(any(w in body for body in bodies) for w in wanted):
            kinds = {kind for path, kind, _ in receiver.exports}
            if kinds != {"application/x-protobuf"}:
                raise CheckFailed(f"OTLP exports sent as {sorted(kinds)}")
            return
        time.sleep(0.2)
    seen = [(path, len(body)) for path, _, body in receiver.exports]
    raise CheckFailed(f"no spans of {service} with HTTP and database attributes over OTLP: {seen}")


MetricSamples = dict[str, list[tuple[dict[str, str], float]]]
ITEM_ROUTE = "/api/v1/items/{item_id}"


def scrape(url: str) -> MetricSamples:
    """A Prometheus scrape of `url`, parsed by prometheus_client's own parser."""
    from prometheus_client.parser import text_string_to_metric_families

    answer = http_get(url)
    if answer.status != 200:
        raise CheckFailed(f"GET {url} answered {answer.status}: {answer.body[:300]!r}")
    samples: MetricSamples = {}
    for family in text_string_to_metric_families(answer.body.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def _counted(samples: MetricSamples, route: str, status: int) -> float:
    wanted = {"method": "GET", "route": route, "status": str(status)}
    return sum(v for labels, v in samples.get("http_requests_total", []) if labels == wanted)


def metrics_add_up(
    server: Server, metrics_url: str, queue: str | None = None, requests: int = 40
) -> None:
    """The production server's metrics, from their own port: what its worker processes
    answered adds up, under route templates, and the app's own port does not serve them."""
    if (public := server.get("/metrics").status) != 404:
        raise CheckFailed(f"GET /metrics on the app's port answered {public}, not 404")
    before = _counted(scrape(metrics_url), ITEM_ROUTE, 401)
    paths = [f"/api/v1/items/{n}" for n in range(1, requests + 1)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda path: server.get(path).status, paths))
    if set(statuses) != {401}:
        raise CheckFailed(f"unauthenticated item reads answered {sorted(set(statuses))}")
    # An ASGI server can send the answer before the middleware counts it: poll, briefly.
    deadline = time.monotonic() + 5
    while True:
        samples = scrape(metrics_url)
        counted = _counted(samples, ITEM_ROUTE, 401) - before
        if counted == requests or time.monotonic() > deadline:
            break
    if counted != requests:
        raise CheckFailed(f"{requests} requests over the workers, {counted:g} in the metrics")
    routes = {labels["route"] for labels, _ in samples["http_requests_total"]}
    if raw := sorted(route for route in routes if "/items/1" in route):
        raise CheckFailed(f"metrics labelled by raw path: {raw[:3]}")
    if not any(labels.get("state") == "open" for labels, _ in samples.get("db_connections", [])):
        raise CheckFailed("no db_connections figures in the metrics")
    if queue is not None:
        queued = [v for labels, v in samples.get("jobs_queued", []) if labels["queue"] == queue]
        if not queued or samples.get("jobs_broker_up", [({}, 0.0)])[0][1] != 1:
            raise CheckFailed(f"no depth of the job queue {queue!r} in the metrics")


_LOCAL_ASSET = re.compile(r"""(?:href|src)=["'](/[^"'?#]+\.(?:css|js))(?:[?#][^"']*)?["']""")


def pages(server: Site, paths: Iterable[str]) -> None:
    """Each page answers HTML, and the stylesheets and scripts it links are served locally."""
    for path in paths:
        page = server.get(path)
        if page.status != 200 or "text/html" not in page.headers.get("content-type", ""):
            raise CheckFailed(
                f"GET {path} answered {page.status} {page.headers.get('content-type')}"
            )
        html = page.body.decode(errors="replace")
        content_security_policy(path, html, page.headers.get("content-security-policy"))
        for asset in sorted(set(_LOCAL_ASSET.findall(html))):
            answer = server.get(asset)
            if answer.status != 200:
                raise CheckFailed(f"{path} links {asset}, which answered {answer.status}")


_INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL)


def content_security_policy(path: str, html: str, policy: str | None) -> None:
    """The page sends a policy under which only its own scripts run: none from elsewhere, no
    'unsafe-inline' or eval, and each inline script allowed by its hash or nonce."""
    if not policy:
        raise CheckFailed(f"{path} sends no Content-Security-Policy")
    directives = {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }
    scripts = directives.get("script-src", directives.get("default-src"))
    if scripts is None or not all(
        # 'unsafe-hashes' lets hashes also allow event handler attributes: still only those.
        source in ("'self'", "'unsafe-hashes'") or source.startswith(("'sha256-", "'nonce-"))
        for source in scripts
    ):
        raise CheckFailed(f"{path}: scripts are not limited to its own: {policy}")
    for attributes, body in _INLINE_SCRIPT.findall(html):
        if "src=" in attributes:
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        nonce = re.search(r'nonce="([^"]+)"', attributes)
        if f"'sha256-{digest}'" not in scripts and not (nonce and f"'nonce-{nonce[1]}'" in scripts):
            raise CheckFailed(f"{path}: an inline script the policy blocks: {body[:120]!r}")


def request_id_logged(server: Server, timeout: float = 10) -> None:
    """A caller's X-Request-ID comes back on the response and in a JSON access log line."""
    rid = f"harness-{secrets.token_hex(8)}"
    # Not a probe: probes skip the access log.
    request = urllib.request.Request(
        server.base_url + "/openapi.json", headers={"X-Request-ID": rid}
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


def register(server: Server, email: str | None = None) -> tuple[str, str] | None:
    """A fresh account's email and password; None when the app has no shared auth endpoints."""
    schema = server.get("/openapi.json").json()
    paths = schema.get("paths", {}) if isinstance(schema, dict) else {}
    if REGISTER_PATH not in paths or TOKEN_PATH not in paths:
        return None
    email = email or f"harness-{secrets.token_hex(6)}@example.com"
    password = secrets.token_urlsafe(18)
    created = post_json(server, REGISTER_PATH, {"email": email, "password": password})
    if created.status != 201:
        raise CheckFailed(f"registering a user answered {created.status}: {created.body[:300]!r}")
    return email, password


def post_json(server: Server, path: str, payload: object, token: str | None = None) -> Response:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps(payload).encode()
    return http_request(
        urllib.request.Request(server.base_url + path, body, headers, method="POST"), timeout=10
    )


def token_request(server: Server, email: str, password: str) -> Response:
    """The OAuth2 password form, as the docs' Authorize button sends it."""
    form = urllib.parse.urlencode({"username": email, "password": password}).encode()
    return http_post(server.base_url + TOKEN_PATH, form, "application/x-www-form-urlencoded")


def token_pair(server: Server, email: str, password: str) -> dict[str, Any]:
    login = token_request(server, email, password)
    pair = login.json() if login.status == 200 else None
    if not isinstance(pair, dict) or "access_token" not in pair:
        raise CheckFailed(f"logging in answered {login.status}: {login.body[:300]!r}")
    return pair


def log_in(server: Server) -> dict[str, Any] | None:
    """Register a fresh user and log in with the OAuth2 password form (the shared convention);
    the token pair. None when the app has no such endpoints yet."""
    account = register(server)
    return None if account is None else token_pair(server, *account)


def access_token(server: Server) -> str | None:
    """A working access token for a fresh user (see log_in)."""
    pair = log_in(server)
    if pair is None:
        return None
    access = str(pair["access_token"])
    request = urllib.request.Request(
        server.base_url + "/api/v1/users/me",
        headers={"Authorization": f"Bearer {access}"},
    )
    me = http_request(request, timeout=10)
    if me.status != 200:
        raise CheckFailed(f"the new user's token does not work: GET /api/v1/users/me {me.status}")
    return access


def _raw_exchange(server: Server, head: bytes, body: Iterable[bytes], timeout: float = 60) -> int:
    """Send a request byte for byte until the server answers; the answer's status code.

    Sending stops at the first byte of an answer: a server enforcing a limit answers (and may
    close) while the body is still coming.
    """
    url = urllib.parse.urlsplit(server.base_url)
    reply = b""
    with socket.create_connection((url.hostname or "localhost", url.port or 80), 10) as sock:
        sock.sendall(head)
        sock.setblocking(False)
        chunks = iter(body)
        pending = memoryview(next(chunks, b""))
        deadline = time.monotonic() + timeout
        while b"\r\n" not in reply and time.monotonic() < deadline:
            readable, writable, _ = select.select([sock], [sock] if pending else [], [], 1)
            if readable:
                try:
                    data = sock.recv(65_536)
                except OSError:  # reset: whatever was answered is already in `reply`
                    break
                if not data:
                    break
                reply += data
            elif writable:
                try:
                    pending = pending[sock.send(pending) :] or memoryview(next(chunks, b""))
                except OSError:
                    # The server stopped reading, perhaps after answering: stop sending and
                    # read what it said (the answer may already be waiting unread).
                    pending = memoryview(b"")
    match = re.match(rb"HTTP/1\.[01] (\d{3})", reply)
    if not match:
        raise CheckFailed(f"no HTTP answer to an oversized body: {reply[:200]!r}")
    return int(match.group(1))


OVERSIZED = 200_000_000  # bytes: far over any MAX_REQUEST_BYTES a starter ships


def refuses_oversized_bodies(server: Server) -> None:
    """A 200 MB body, declared or chunked, gets a 4xx before it is read (413 when declared),
    from an unauthenticated route, and the server keeps answering."""
    start = (
        f"POST {REGISTER_PATH} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
    ).encode()
    piece = b"x" * 65_536
    declared = _raw_exchange(
        server,
        start + f"Content-Length: {OVERSIZED}\r\n\r\n".encode(),
        itertools.repeat(piece, OVERSIZED // len(piece)),
    )
    if declared != 413:
        raise CheckFailed(f"a body declared as {OVERSIZED} bytes answered {declared}, not 413")
    chunk = b"%x\r\n%s\r\n" % (len(piece), piece)
    streamed = _raw_exchange(
        server,
        start + b"Transfer-Encoding: chunked\r\n\r\n",
        itertools.repeat(chunk, OVERSIZED // len(piece)),
    )
    if not 400 <= streamed < 500:
        raise CheckFailed(f"a {OVERSIZED}-byte chunked body answered {streamed}, not 4xx")
    health = server.get("/health")
    if health.status != 200:
        raise CheckFailed(f"after oversized bodies /health answered {health.status}")


def _race(racers: int, attempt: Callable[[], int]) -> list[int]:
    """Run `attempt` in `racers` threads released at once; the statuses, sorted."""
    barrier = threading.Barrier(racers)

    def go(_: int) -> int:
        barrier.wait()
        return attempt()

    with concurrent.futures.ThreadPoolExecutor(racers) as pool:
        return sorted(pool.map(go, range(racers)))


def one_account_per_email(server: Server, racers: int = 6) -> None:
    """One email registered by several clients at once: one account, the rest 409."""
    email = f"harness-race-{secrets.token_hex(6)}@example.com"
    body = json.dumps({"email": email, "password": secrets.token_urlsafe(18)}).encode()
    statuses = _race(
        racers, lambda: http_post(server.base_url + REGISTER_PATH, body, "application/json").status
    )
    if statuses != [201] + [409] * (racers - 1):
        raise CheckFailed(f"{racers} concurrent registrations of one email answered {statuses}")


HOSTILE_JSON = {
    "deep nesting": b"[" * 50_000 + b"]" * 50_000,
    "a deep object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "a 5,000-digit integer": b'{"email": "h@example.com", "full_name": ' + b"9" * 5_000 + b"}",
    "a lone surrogate": b'{"email": "a\\ud800@example.com", "password": "a long passphrase"}',
    "NaN": b'{"email": "n@example.com", "password": "a long passphrase", "full_name": NaN}',
    "60,000 unknown fields": json.dumps({f"k{i}": i for i in range(60_000)}).encode(),
}


def hostile_json_answers_4xx(server: Server) -> None:
    """JSON built to break parsers gets a 4xx from registration and from an authenticated
    route, never echoes the password, and never costs a response over 64 KiB."""
    token = access_token(server)
    if token is None:
        return
    for path in (REGISTER_PATH, "/api/v1/items"):
        for name, body in HOSTILE_JSON.items():
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
            request = urllib.request.Request(server.base_url + path, body, headers, method="POST")
            answer = http_request(request, timeout=30)
            if not 400 <= answer.status < 500:
                raise CheckFailed(f"POST {path} with {name} answered {answer.status}")
            if b"passphrase" in answer.body or len(answer.body) > 65_536:
                raise CheckFailed(
                    f"POST {path} with {name} answered {len(answer.body)} bytes, "
                    f"echoing the input: {answer.body[:200]!r}"
                )


REFRESH_PATH = "/api/v1/auth/refresh"


def one_refresh_winner(server: Server, racers: int = 6) -> None:
    """One refresh token sent by several clients at once: exactly one gets a new pair."""
    pair = log_in(server)
    if pair is None:
        return
    body = json.dumps({"refresh_token": pair["refresh_token"]}).encode()
    statuses = _race(
        racers, lambda: http_post(server.base_url + REFRESH_PATH, body, "application/json").status
    )
    if statuses != [200] + [401] * (racers - 1):
        raise CheckFailed(f"{racers} concurrent uses of one refresh token answered {statuses}")


LOGOUT_PATH = "/api/v1/auth/logout"
ME_PATH = "/api/v1/users/me"
PASSWORD_PATH = "/api/v1/users/me/password"


def throttles_password_guessing(server: Server, most: int = 30) -> None:
    """Wrong passwords for one account: a 429 with Retry-After within `most` tries, and then
    even the right password waits."""
    account = register(server)
    if account is None:
        return
    email, password = account
    for attempt in range(1, most + 1):
        status = token_request(server, email, "not-" + password).status
        if status == 429:
            break
        if status != 401:
            raise CheckFailed(f"wrong password number {attempt} answered {status}, not 401")
    else:
        raise CheckFailed(f"{most} wrong passwords for one account, and no 429")
    right = token_request(server, email, password)
    if right.status != 429 or not right.headers.get("retry-after", "").isdigit():
        raise CheckFailed(
            f"the right password after {attempt - 1} wrong ones answered {right.status}, "
            f"Retry-After {right.headers.get('retry-after')!r}; expected 429 with seconds"
        )


def tokens_end_at_logout_and_password_change(server: Server) -> None:
    """A logged-out refresh token stops working; a password change ends the access and
    refresh tokens issued before it."""
    account = register(server)
    if account is None:
        return
    email, password = account
    first = token_pair(server, email, password)
    refresh = {"refresh_token": first["refresh_token"]}
    logout = post_json(server, LOGOUT_PATH, refresh)
    if logout.status != 204:
        raise CheckFailed(f"POST {LOGOUT_PATH} answered {logout.status}, not 204")
    if (after := post_json(server, REFRESH_PATH, refresh).status) != 401:
        raise CheckFailed(f"a logged-out refresh token still refreshes: {after}")
    second = token_pair(server, email, password)
    change = {"current_password": password, "new_password": secrets.token_urlsafe(18)}
    changed = post_json(server, PASSWORD_PATH, change, token=second["access_token"])
    if changed.status != 204:
        raise CheckFailed(f"changing the password answered {changed.status}: {changed.body!r}")
    me = http_get(
        server.base_url + ME_PATH, headers={"Authorization": f"Bearer {second['access_token']}"}
    )
    if me.status != 401:
        raise CheckFailed(f"an access token from before a password change answered {me.status}")
    old_refresh = {"refresh_token": second["refresh_token"]}
    if (after := post_json(server, REFRESH_PATH, old_refresh).status) != 401:
        raise CheckFailed(f"a refresh token from before a password change answered {after}")


WEAK_PASSWORDS = ("password", "12345678", "iloveyou1", "qwerty123456")


def refuses_weak_passwords(server: Server) -> None:
    """Common passwords, short ones and the email itself are refused, without being echoed."""
    if register(server) is None:
        return
    email = f"harness-weak-{secrets.token_hex(6)}@example.com"
    for password in (*WEAK_PASSWORDS, email):
        answer = post_json(server, REGISTER_PATH, {"email": email, "password": password})
        if not 400 <= answer.status < 500:
            raise CheckFailed(f"registering with password {password!r} answered {answer.status}")
        # ("password" and the email are also a field's name and value: not evidence.)
        if password not in ("password", email) and password.encode() in answer.body:
            raise CheckFailed(f"the refusal echoes the password: {answer.body[:200]!r}")


def one_account_per_mailbox(server: Server) -> None:
    """An internationalised domain and its punycode spelling are one address."""
    local = f"harness-idn-{secrets.token_hex(4)}"
    if register(server, f"{local}@b\u00fccher.example") is None:
        return
    again = post_json(
        server,
        REGISTER_PATH,
        {"email": f"{local.upper()}@xn--bcher-kva.example", "password": secrets.token_urlsafe(18)},
    )
    if again.status != 409:
        raise CheckFailed(f"the punycode spelling of a registered address answered {again.status}")


def no_credentials_for_strangers(server: Server) -> None:
    """A foreign origin never gets credentialed CORS access (a reflected origin or `*` with
    Access-Control-Allow-Credentials: true)."""
    origin = "https://attacker.example"
    preflight = http_request(
        urllib.request.Request(
            server.base_url + ME_PATH,
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization",
            },
            method="OPTIONS",
        ),
        timeout=10,
    )
    plain = server.get(ME_PATH, headers={"Origin": origin})
    for name, answer in (("preflight", preflight), ("GET", plain)):
        allowed = answer.headers.get("access-control-allow-origin")
        credentials = answer.headers.get("access-control-allow-credentials", "").lower()
        if allowed in (origin, "*") and credentials == "true":
            raise CheckFailed(f"the {name} grants {origin} credentialed access: {answer.headers}")


def page_session_ends_at_logout(server: Server, login_path: str) -> None:
    """A session cookie copied before logging out opens nothing after it."""
    account = register(server)
    if account is None:
        return
    email, password = account
    cookie = ""

    def visit(path: str, form: Mapping[str, str] | None = None, jar: str | None = None) -> Response:
        nonlocal cookie
        headers = {"Cookie": jar if jar is not None else cookie}
        body = None
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(server.base_url + path, body, headers)
        answer = http_request(request, timeout=10, follow_redirects=False)
        if jar is None and (set_cookie := answer.headers.get("set-cookie")):
            cookie = set_cookie.split(";", 1)[0]
        return answer

    def csrf(path: str) -> str:
        found = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', visit(path).body)
        if not found:
            raise CheckFailed(f"{path} has no CSRF token field")
        return found.group(1).decode()

    form = {"csrf_token": csrf(login_path), "email": email, "password": password}
    if visit(login_path, form).status not in (302, 303):
        raise CheckFailed(f"logging in on {login_path} did not redirect")
    if visit("/account").status != 200:
        raise CheckFailed("/account did not open after logging in")
    copied = cookie
    logout = visit("/logout", {"csrf_token": csrf("/")})
    if logout.status not in (302, 303):
        raise CheckFailed(f"POST /logout answered {logout.status}")
    if (status := visit("/account", jar=copied).status) == 200:
        raise CheckFailed(f"a session cookie copied before logout still opens /account ({status})")


class WebSocketClient:
    """Just enough of RFC 6455 for the checks: a handshake, masked text frames out, and the
    opcode and payload of the next frame in."""

    def __init__(self, base_url: str, path: str) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.sock = open_socket(base_url)
        key = base64.b64encode(secrets.token_bytes(16)).decode()
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            data = self.sock.recv(4096)
            if not data:
                break
            head += data
        head, _, self.pending = head.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            raise CheckFailed(f"the WebSocket handshake on {path} answered {head[:60]!r}")

    def send_text(self, text: str) -> None:
        payload = text.encode()
        mask = secrets.token_bytes(4)
        header = bytes([0x81, 0x80 | len(payload)]) if len(payload) < 126 else None
        if header is None:
            header = bytes([0x81, 0x80 | 126]) + len(payload).to_bytes(2, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _read(self, count: int) -> bytes:
        while len(self.pending) < count:
            data = self.sock.recv(65_536)
            if not data:
                raise EOFError
            self.pending += data
        taken, self.pending = self.pending[:count], self.pending[count:]
        return taken

    def receive(self, timeout: float) -> tuple[int, bytes] | None:
        """The next frame's opcode and payload; None if none came within `timeout`; opcode 8
        (close) when the server closed without a close frame."""
        self.sock.settimeout(timeout)
        try:
            first, second = self._read(2)
            size = second & 0x7F
            if size >= 126:
                size = int.from_bytes(self._read(2 if size == 126 else 8), "big")
            return first & 0x0F, self._read(size)
        except TimeoutError:
            return None
        except (EOFError, ConnectionError, ssl.SSLError):
            return 8, b""

    def close(self) -> None:
        self.sock.close()


def socket_takes_its_token_in_the_first_message(server: Server, path: str) -> None:
    """A token in the socket's URL (which access logs record) opens nothing; the same token
    as the first message does."""
    pair = log_in(server)
    if pair is None:
        return
    access = pair["access_token"]
    in_url = WebSocketClient(server.base_url, f"{path}?token={access}")
    try:
        in_url.send_text("{}")
        frame = in_url.receive(timeout=15)
    finally:
        in_url.close()
    if frame is None or frame[0] != 8:
        raise CheckFailed(f"a socket with its token only in the URL stayed open: {frame}")
    if len(frame[1]) >= 2 and (code := int.from_bytes(frame[1][:2], "big")) != 1008:
        raise CheckFailed(f"a socket with its token only in the URL closed with {code}, not 1008")
    in_message = WebSocketClient(server.base_url, path)
    try:
        in_message.send_text(json.dumps({"token": access}))
        frame = in_message.receive(timeout=1)
    finally:
        in_message.close()
    if frame is not None:
        raise CheckFailed(f"a socket with its token in the first message got {frame}")


def events_cross_processes(one: Server, other: Server, path: str) -> None:
    """A socket on `other` hears about an item created through `one`, a separate process with
    its own memory; a new password set through `one` closes it."""
    account = register(one)
    if account is None:
        raise CheckFailed("no account could be registered for the WebSocket check")
    access = token_pair(one, *account)["access_token"]
    socket_ = WebSocketClient(other.base_url, path)
    try:
        socket_.send_text(json.dumps({"token": access}))
        # The socket subscribes once its token is checked; until then events pass it by, so
        # items are created until one is heard (polling, no fixed wait).
        heard, made = None, []
        for attempt in range(40):
            answer = post_json(one, "/api/v1/items", {"title": f"cross {attempt}"}, access)
            if answer.status != 201:
                raise CheckFailed(f"creating an item answered {answer.status}")
            made.append(answer.json())
            if (frame := socket_.receive(timeout=0.25)) is not None:
                heard = frame
                break
        if heard is None:
            raise CheckFailed(
                f"{len(made)} items created through one process; a socket on the other heard "
                "nothing: events do not cross processes"
            )
        opcode, payload = heard
        event = json.loads(payload) if opcode == 1 else None
        if not isinstance(event, dict) or event.get("item") not in made:
            raise CheckFailed(f"the other process's socket got {heard!r}")
        change = {"current_password": account[1], "new_password": secrets.token_urlsafe(16)}
        answer = post_json(one, "/api/v1/users/me/password", change, access)
        if answer.status != 204:
            raise CheckFailed(f"changing the password answered {answer.status}")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            frame = socket_.receive(timeout=1)
            if frame is not None and frame[0] == 8:
                code = int.from_bytes(frame[1][:2], "big") if len(frame[1]) >= 2 else None
                if code not in (1008, None):
                    raise CheckFailed(f"after a new password the socket closed with {code}")
                return
        raise CheckFailed("a new password set through one process left the other's socket open")
    finally:
        socket_.close()


def logins_leave_the_loop_serving(server: Server, logins: int = 8, rounds: int = 5) -> None:
    """An async server hashes passwords off its event loop: with several logins hashing at
    once in every worker, a probe still answers in well under one login's time."""
    account = register(server)
    if account is None:
        return
    started = time.monotonic()
    token_pair(server, *account)
    one_login = time.monotonic() - started
    waits = []
    with concurrent.futures.ThreadPoolExecutor(logins) as pool:
        for _ in range(rounds):
            pending = [pool.submit(token_request, server, *account) for _ in range(logins)]
            # Not polling: the probe must land while the logins are hashing, not before.
            time.sleep(one_login / 4)
            asked = time.monotonic()
            server.get("/health")
            waits.append(time.monotonic() - asked)
            statuses = [future.result().status for future in pending]
            if statuses != [200] * logins:
                raise CheckFailed(f"{logins} concurrent logins answered {statuses}")
    if sum(wait > one_login * 0.75 for wait in waits) > rounds // 2:
        raise CheckFailed(
            f"while {logins} logins hashed, /health waited {[round(w, 3) for w in waits]} s; "
            f"one login takes {one_login:.3f} s: the hashing blocks the event loop"
        )


_INPUT = re.compile(rb"<input\b[^>]*>", re.IGNORECASE)


def _attribute(tag: bytes, name: str) -> str | None:
    found = re.search(rb"\b" + name.encode() + rb'="([^"]*)"', tag)
    return found.group(1).decode() if found else None


def filled_form(page: bytes, by_type: Mapping[str, str]) -> dict[str, str]:
    """A page's form as a person fills it: hidden fields kept, the others by their type."""
    form: dict[str, str] = {}
    for tag in _INPUT.findall(page):
        name, kind = _attribute(tag, "name"), (_attribute(tag, "type") or "text").lower()
        if name is None:
            continue
        if kind == "hidden":
            form[name] = html.unescape(_attribute(tag, "value") or "")
        elif kind in by_type:
            form[name] = by_type[kind]
    return form


class Browser:
    """Just enough of a browser for a form: one cookie jar, redirects followed by hand."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.cookies: dict[str, str] = {}

    def request(self, url: str, form: dict[str, str] | None = None) -> Response:
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # Django's CSRF check wants the page's own origin on an HTTPS-less POST too.
            headers["Origin"] = self.server.base_url
            headers["Referer"] = url
            body = urllib.parse.urlencode(form).encode()
        answer = http_request(
            urllib.request.Request(url, body, headers), timeout=10, follow_redirects=False
        )
        if cookie := answer.headers.get("set-cookie"):
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return answer

    def submit(self, url: str, page: bytes, password: str | None = None) -> Response:
        """Post the page's form back, as a person would: every password field filled with
        `password`, when given."""
        form = filled_form(page, {"password": password} if password else {})
        if password and password not in form.values():
            raise CheckFailed(f"the page {url} has no password field")
        answer = self.request(url, form)
        if answer.status in (302, 303) and (location := answer.headers.get("location")):
            answer = self.request(urllib.parse.urljoin(url, location))
        return answer


def admin_site(
    server: Server, present: bool, login: str, lists: Iterable[str], admin: tuple[str, str]
) -> None:
    """With an admin asked for, its lists send strangers to a login form; the superuser signs
    in through that form as a person does (hidden fields, cookie, the page's origin) and every
    list answers HTML, under a policy that runs only the site's own scripts, the users list
    naming them. Without one, /admin/ does not exist."""
    if not present:
        if (answer := server.get("/admin/")).status != 404:
            raise CheckFailed(f"no admin was asked for, yet /admin/ answered {answer.status}")
        return
    browser = Browser(server)
    for path in lists:
        stranger = browser.request(server.base_url + path)
        if stranger.status not in (302, 303) or login not in stranger.headers.get("location", ""):
            raise CheckFailed(f"a stranger at {path} got {stranger.status}, not sent to {login}")
    email, password = admin
    page = browser.request(server.base_url + login)
    form = filled_form(page.body, {"password": password, "text": email, "email": email})
    signed_in = browser.request(server.base_url + login, form)
    if signed_in.status not in (302, 303):
        raise CheckFailed(f"the superuser's login at {login} answered {signed_in.status}")
    for path in lists:
        answer = browser.request(server.base_url + path)
        if answer.status != 200 or "text/html" not in answer.headers.get("content-type", ""):
            raise CheckFailed(f"the superuser's {path} answered {answer.status}")
        html_text = answer.body.decode(errors="replace")
        content_security_policy(path, html_text, answer.headers.get("content-security-policy"))
    users = browser.request(server.base_url + next(iter(lists))).body.decode(errors="replace")
    if email not in users:
        raise CheckFailed(f"the admin's users list does not show {email}")


def login_form_is_throttled(server: Server, path: str, most: int = 30) -> None:
    """A page's login form, filled as a person fills it (its hidden fields kept, the cookie it
    set sent back), answers 429 with Retry-After within `most` wrong passwords."""
    account = register(server)
    if account is None:
        return
    email, password = account
    for attempt in range(1, most + 1):
        page = http_get(server.base_url + path)
        cookies = "; ".join(
            value.split(";", 1)[0] for name, value in page.headers.items() if name == "set-cookie"
        )
        form = filled_form(
            page.body, {"password": "not-" + password, "text": email, "email": email}
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookies,
            "Origin": server.base_url,  # as a browser sends it with every form post
        }
        request = urllib.request.Request(
            server.base_url + path, urllib.parse.urlencode(form).encode(), headers
        )
        answer = http_request(request, timeout=10, follow_redirects=False)
        if answer.status == 429:
            if not answer.headers.get("retry-after", "").isdigit():
                raise CheckFailed(f"{path} answered 429 without Retry-After seconds")
            return
        if answer.status not in (200, 400):  # the form again, with its error
            raise CheckFailed(f"wrong password number {attempt} on {path} answered {answer.status}")
    raise CheckFailed(f"{most} wrong passwords on {path}, and no 429")


def ignores_a_stray_dotenv(server: Server) -> None:
    """Production ignores a .env lying in its directory (the caller put one there that caps
    bodies at 16 bytes): registering still works."""
    try:
        register(server)
    except CheckFailed as exc:
        raise CheckFailed(f"production read the .env in its directory: {exc}") from None


# Valid by the schema, refused by the rules with 422 there and only there: a password the
# policy refuses (a common one, or the email), a wrong current password, a token that was never
# emailed (no schema can describe a valid one).
SCHEMATHESIS_CONFIG = """\
[[operations]]
include-operation-id = [
    "register", "change_password", "confirm_password_reset", "confirm_email_verification"
]
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422"]
"""


def schemathesis(server: Server, workdir: Path, max_examples: int = 25) -> None:
    """Generated requests against every documented operation, with every check schemathesis
    has: no 5xx, statuses, media types, headers and bodies as declared, valid input accepted,
    invalid input refused, undeclared methods answered 405 with a true Allow, auth enforced.

    Authenticated as a freshly registered user when the app has the shared auth endpoints.
    """
    (workdir / "schemathesis.toml").write_text(SCHEMATHESIS_CONFIG)
    header = []
    token = access_token(server)
    if token:
        header.append(f"Authorization: Bearer {token}")
    args = [
        require("schemathesis"),
        "run",
        server.base_url + "/openapi.json",
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


def behind_tls_proxy(server: Server, redirects: bool) -> None:
    """What the proxy in front sees: HSTS on the HTTPS requests it forwards and, where the
    starter redirects by itself, plain-HTTP requests sent to https://. Probes stay plain."""
    secure = server.get("/docs", headers={"X-Forwarded-Proto": "https"})
    if secure.status != 200 or "max-age=" not in secure.headers.get(
        "strict-transport-security", ""
    ):
        raise CheckFailed(
            f"GET /docs over HTTPS answered {secure.status} without HSTS: {secure.headers}"
        )
    request = urllib.request.Request(
        server.base_url + "/docs", headers={"X-Forwarded-Proto": "http"}
    )
    plain = http_request(request, timeout=10, follow_redirects=False)
    location = plain.headers.get("location", "")
    if redirects and not (plain.status in (301, 308) and location.startswith("https://")):
        raise CheckFailed(f"plain HTTP was not redirected to https://: {plain.status} {location}")
    if not redirects and plain.status != 200:
        raise CheckFailed(f"GET /docs over plain HTTP answered {plain.status}")
    if redirects:
        # From an address that is not the proxy's, the header is the client's word: still HTTP.
        forged = _send_from(
            UNTRUSTED_PEER, "GET", server.base_url + "/docs", {"X-Forwarded-Proto": "https"}
        )
        if forged != 301:
            raise CheckFailed(f"X-Forwarded-Proto from a peer not the proxy answered {forged}")
    for path in ("/health", "/ready"):
        probe = server.get(path, headers={"X-Forwarded-Proto": "http"})
        if probe.status != 200:
            raise CheckFailed(f"the probe {path} answered {probe.status} over plain HTTP")


def through_the_tls_proxy(domain: str) -> None:
    """The production stack as a browser meets it: http:// answered by one redirect to the same
    page on https://, which answers with a certificate the system trusts, and HSTS once."""
    plain = http_request(
        urllib.request.Request(f"http://{domain}/docs"), timeout=10, follow_redirects=False
    )
    location = plain.headers.get("location")
    if plain.status not in (301, 308) or location != f"https://{domain}/docs":
        raise CheckFailed(f"http://{domain}/docs answered {plain.status} to {location}")
    try:
        with _NOT_FOLLOWING.open(f"https://{domain}/docs", timeout=10) as answer:
            status, hsts = answer.status, answer.headers.get_all("Strict-Transport-Security")
    except urllib.error.HTTPError as err:
        raise CheckFailed(f"https://{domain}/docs answered {err.code}, not 200") from None
    if status != 200 or len(hsts or []) != 1 or "max-age=" not in (hsts or [""])[0]:
        raise CheckFailed(f"https://{domain}/docs answered {status} with HSTS {hsts}: once")


PASSWORD_RESET_PATH = "/api/v1/auth/password-reset"
# A loopback address outside the servers' default FORWARDED_ALLOW_IPS (127.0.0.1, ::1).
UNTRUSTED_PEER = "127.0.0.2"
# Reset requests one address may send in the throttle's window (the starters' VERIFICATIONS).
RESETS_PER_ADDRESS = 20


def forged_forwarding_is_ignored(base_url: str, source: str | None = None) -> None:
    """Reset requests for new emails, each naming another client in X-Forwarded-For: from a
    peer that is not the app's proxy (`source`, a local address the app does not trust), or
    through the proxy, which replaces the header, they come from one client and are throttled
    once it has sent its share."""
    statuses: list[int] = []
    for n in range(1, RESETS_PER_ADDRESS + 2):
        body = json.dumps({"email": f"forged-{secrets.token_hex(6)}@example.com"}).encode()
        headers = {"Content-Type": "application/json", "X-Forwarded-For": f"198.51.100.{n}"}
        statuses.append(_send_from(source, "POST", base_url + PASSWORD_RESET_PATH, headers, body))
        if statuses[-1] != 202:
            break
    if statuses[-1] != 429:
        raise CheckFailed(
            f"{len(statuses)} reset requests, each naming another client in X-Forwarded-For, "
            f"answered {statuses}: the app took a client's word for its address"
        )


def _send_from(
    source: str | None, method: str, url: str, headers: dict[str, str], body: bytes | None = None
) -> int:
    """A request from the local address `source` (any, when None), redirects not followed;
    the status."""
    if source is None:
        request = urllib.request.Request(url, body, headers, method=method)
        return http_request(request, timeout=10, follow_redirects=False).status
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname or "localhost", parts.port, timeout=10, source_address=(source, 0)
    )
    try:
        connection.request(method, parts.path, body, headers)
        return connection.getresponse().status
    finally:
        connection.close()


def refuses_to_start(
    prod: Production, settings: Mapping[str, str], log: Path, why: str, bad: str = "a bad"
) -> str:
    """Production must exit non-zero, without serving, naming the setting `why`; its output."""
    server = prod.start(settings, log)
    try:
        code = server.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.stop()
        raise CheckFailed(f"production started with {bad} {why}") from None
    if code == 0:
        raise CheckFailed(f"production exited 0 with {bad} {why}")
    if why not in server.output():
        raise CheckFailed(f"the refusal does not say why:\n{server.output()}")
    return server.output()


def refuses_placeholder_secret(prod: Production, settings: Mapping[str, str], log: Path) -> None:
    placeholder = {**settings, "SECRET_KEY": "change-me"}
    refuses_to_start(prod, placeholder, log, "SECRET_KEY", bad="the placeholder")


def refuses_a_bad_metrics_port(prod: Production, settings: Mapping[str, str], log: Path) -> None:
    """A METRICS_PORT that is not a port number stops the server in one line, no traceback."""
    output = refuses_to_start(prod, {**settings, "METRICS_PORT": "9464x"}, log, "METRICS_PORT")
    if "Traceback" in output:
        raise CheckFailed(f"a bad METRICS_PORT ends in a traceback:\n{output}")
