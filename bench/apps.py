"""Generated apps under load: each starter's production server beside a bare app, in one run.

    uv run python bench/apps.py [--duration 10] [--connections 32] [--workers 1]

For each framework it renders a starter with `fwgen new` (PostgreSQL), builds the production
environment the way the Dockerfile does, migrates with compose's migrate command and starts the
Dockerfile's CMD on 127.0.0.1. Beside it, on the same server and worker count, it starts a
bare "hello JSON" app of the same framework. For both it reports the time to the first 200
on /health, RSS of the whole process tree after start and after load, and requests/s with
p50/p99 latency from a bounded load (wrk when installed, else a bundled asyncio client). The
starter also serves an authenticated GET /api/v1/items of 20 rows from PostgreSQL. Both apps
get the same /health request, back to back in every round; the starter/bare ratio is the
median of the rounds' ratios.

PostgreSQL comes from FWGEN_TEST_DATABASE_URL (a role that may create databases), as for the
tests. Every server, database and file it creates is removed before it exits, Ctrl-C included.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from generator.knowledge import FRAMEWORKS  # noqa: E402
from tests import harness  # noqa: E402


# "Django vs Flask vs FastAPI: Choosing the Right Python Web Framework in 2025" (Cipher
# Projects), the one comparison among the recommender's articles that publishes figures.
@dataclass(frozen=True)
class Claim:
    req_s: int
    start_mb: int
    startup_s: str


CLAIMS = {
    "fastapi": Claim(req_s=20_000, start_mb=45, startup_s="0.8"),
    "flask": Claim(req_s=8_000, start_mb=30, startup_s="0.5"),
    "django": Claim(req_s=5_000, start_mb=70, startup_s="2-3"),
}
ITEMS = 20
ITEMS_PATH = f"/api/v1/items?limit={ITEMS}"
STARTUP_TIMEOUT = 60.0

# The smallest app each framework's own docs start from, answering /health with JSON, and
# the starter's authenticated items list done by hand: the same token check (the JWT the
# starter issued, then its user row, active), the same count and page queries on the starter's
# tables, with the same driver and connection reuse, and the same JSON. What the starter adds
# beyond that (ORM, serializers, middleware, logging) is what the items ratio measures.
BARE_APPS = {
    "django": """
        import os

        import environ
        import jwt
        from django.conf import settings

        database = environ.Env.db_url_config(os.environ["DATABASE_URL"])
        settings.configure(
            DEBUG=False,
            ALLOWED_HOSTS=["*"],
            ROOT_URLCONF=__name__,
            SECRET_KEY=os.environ["SECRET_KEY"],
            DATABASES={"default": {**database, "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}},
        )

        from django.core.wsgi import get_wsgi_application
        from django.db import connection
        from django.http import JsonResponse
        from django.urls import path

        COLUMNS = ("id", "title", "description", "owner_id", "created_at", "updated_at")


        def health(request):
            return JsonResponse({"status": "ok"})


        def items(request):
            token = request.headers.get("Authorization", "").removeprefix("Bearer ")
            try:
                claims = jwt.decode(token, settings.SECRET_KEY, algorithms=["HS256"])
            except jwt.PyJWTError:
                return JsonResponse({"detail": "unauthorized"}, status=401)
            limit = int(request.GET.get("limit", 20))
            offset = int(request.GET.get("offset", 0))
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id FROM users_user WHERE id = %s AND is_active", [claims["user_id"]]
                )
                if cursor.fetchone() is None:
                    return JsonResponse({"detail": "unauthorized"}, status=401)
                owner = claims["user_id"]
                cursor.execute("SELECT count(*) FROM items_item WHERE owner_id = %s", [owner])
                (total,) = cursor.fetchone()
                cursor.execute(
                    f"SELECT {', '.join(COLUMNS)} FROM items_item WHERE owner_id = %s"
                    " ORDER BY id LIMIT %s OFFSET %s",
                    [owner, limit, offset],
                )
                rows = cursor.fetchall()
            page = [
                {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in zip(COLUMNS, row)}
                for row in rows
            ]
            return JsonResponse({"items": page, "total": total, "limit": limit, "offset": offset})


        urlpatterns = [path("health", health), path("api/v1/items", items)]
        app = get_wsgi_application()
    """,
    "flask": """
        import os

        import jwt
        from flask import Flask, request
        from sqlalchemy import create_engine, text

        app = Flask(__name__)
        url = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
        engine = create_engine(url, pool_pre_ping=True)
        COLUMNS = ("id", "title", "description", "owner_id", "created_at", "updated_at")
        PAGE = text(
            f"SELECT {', '.join(COLUMNS)} FROM items WHERE owner_id = :owner"
            " ORDER BY id LIMIT :limit OFFSET :offset"
        )


        @app.get("/health")
        def health():
            return {"status": "ok"}


        @app.get("/api/v1/items")
        def items():
            token = request.headers.get("Authorization", "").removeprefix("Bearer ")
            try:
                claims = jwt.decode(token, os.environ["SECRET_KEY"], algorithms=["HS256"])
            except jwt.PyJWTError:
                return {"detail": "unauthorized"}, 401
            limit = int(request.args.get("limit", 20))
            offset = int(request.args.get("offset", 0))
            owner = int(claims["sub"])
            with engine.connect() as db:
                user = db.execute(
                    text("SELECT id FROM users WHERE id = :id AND is_active"), {"id": owner}
                ).first()
                if user is None:
                    return {"detail": "unauthorized"}, 401
                total = db.execute(
                    text("SELECT count(*) FROM items WHERE owner_id = :owner"), {"owner": owner}
                ).scalar_one()
                rows = db.execute(PAGE, {"owner": owner, "limit": limit, "offset": offset}).all()
            page = [
                {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in zip(COLUMNS, row)}
                for row in rows
            ]
            return {"items": page, "total": total, "limit": limit, "offset": offset}
    """,
    "fastapi": """
        import os

        import jwt
        from fastapi import FastAPI, Header, HTTPException
        from sqlalchemy import text
        from sqlalchemy.ext.asyncio import create_async_engine

        app = FastAPI()
        url = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+asyncpg://", 1)
        engine = create_async_engine(url, pool_pre_ping=True)
        COLUMNS = ("id", "title", "description", "owner_id", "created_at", "updated_at")
        PAGE = text(
            f"SELECT {', '.join(COLUMNS)} FROM items WHERE owner_id = :owner"
            " ORDER BY id LIMIT :limit OFFSET :offset"
        )


        @app.get("/health")
        async def health():
            return {"status": "ok"}


        @app.get("/api/v1/items")
        async def items(authorization: str = Header(""), limit: int = 20, offset: int = 0):
            token = authorization.removeprefix("Bearer ")
            try:
                claims = jwt.decode(token, os.environ["SECRET_KEY"], algorithms=["HS256"])
            except jwt.PyJWTError:
                raise HTTPException(401)
            owner = int(claims["sub"])
            async with engine.connect() as db:
                user = (
                    await db.execute(
                        text("SELECT id FROM users WHERE id = :id AND is_active"), {"id": owner}
                    )
                ).first()
                if user is None:
                    raise HTTPException(401)
                total = (
                    await db.execute(
                        text("SELECT count(*) FROM items WHERE owner_id = :owner"),
                        {"owner": owner},
                    )
                ).scalar_one()
                rows = (
                    await db.execute(PAGE, {"owner": owner, "limit": limit, "offset": offset})
                ).all()
            page = [
                {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in zip(COLUMNS, row)}
                for row in rows
            ]
            return {"items": page, "total": total, "limit": limit, "offset": offset}
    """,
}


@dataclass
class Load:
    req_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


@dataclass
class Result:
    framework: str
    app: str
    command: str
    first_200_s: float
    rss_start_mb: float
    rss_load_mb: float = 0.0
    loads: dict[str, Load] = field(default_factory=dict)
    # The starter's req/s over the bare app's, round by round.
    health_ratios: list[float] = field(default_factory=list)
    items_ratios: list[float] = field(default_factory=list)


# ---- load generators -----------------------------------------------------------------------


def wrk_load(
    url: str, headers: Mapping[str, str], seconds: float, connections: int, wrk: str
) -> Load:
    args = [wrk, "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "5s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*args, url], capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    total = int(_find(r"(\d+) requests in", out))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    return Load(
        req_s=float(_find(r"Requests/sec:\s+([\d.]+)", out)),
        p50_ms=_ms(_find(r"50%\s+([\d.]+\w+)", out)),
        p99_ms=_ms(_find(r"99%\s+([\d.]+\w+)", out)),
        requests=total,
        errors=(int(bad.group(1)) if bad else 0) + (int(timeouts.group(1)) if timeouts else 0),
    )


def _find(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    if not match:
        raise RuntimeError(f"unexpected wrk output (no {pattern!r}):\n{text}")
    return match.group(1)


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def python_load(url: str, headers: Mapping[str, str], seconds: float, connections: int) -> Load:
    """HTTP/1.1 keep-alive over asyncio streams; reconnects when the server closes."""
    parsed = urllib.parse.urlsplit(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    target = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    lines = [f"GET {target} HTTP/1.1", f"Host: {parsed.netloc}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    latencies: list[float] = []
    errors = 0

    async def one_connection(stop: float) -> None:
        nonlocal errors
        writer: asyncio.StreamWriter | None = None
        reader: asyncio.StreamReader | None = None
        while time.perf_counter() < stop:
            if writer is None:
                try:
                    reader, writer = await asyncio.open_connection(host, port)
                except OSError:
                    errors += 1
                    await asyncio.sleep(0.01)
                    continue
            assert reader is not None
            sent = time.perf_counter()
            try:
                writer.write(request)
                status, keep = await asyncio.wait_for(read_response(reader), 5)
            except (OSError, ValueError, asyncio.IncompleteReadError, TimeoutError):
                errors += 1
                writer.close()
                writer = None
                continue
            latencies.append(time.perf_counter() - sent)
            if not 200 <= status < 300:
                errors += 1
            if not keep:
                writer.close()
                writer = None
        if writer is not None:
            writer.close()

    async def main() -> float:
        start = time.perf_counter()
        await asyncio.gather(*(one_connection(start + seconds) for _ in range(connections)))
        return time.perf_counter() - start

    elapsed = asyncio.run(main())
    latencies.sort()
    if not latencies:
        raise RuntimeError(f"no request to {url} was answered")
    return Load(
        req_s=len(latencies) / elapsed,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        requests=len(latencies),
        errors=errors,
    )


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    fields = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip().lower()
    if "content-length" in fields:
        await reader.readexactly(int(fields["content-length"]))
    elif fields.get("transfer-encoding") == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    else:
        await reader.read()
        return status, False
    return status, fields.get("connection") != "close"


# ---- servers -------------------------------------------------------------------------------


def tree_rss_mb(pid: int) -> float:
    """Resident memory of every process in the server's session (master and workers)."""
    total_kb = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) != pid:  # the session id: servers start in their own
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        total_kb += int(match.group(1)) if match else 0
    return total_kb / 1024


@contextmanager
def serving(
    cmd: Sequence[str], cwd: Path, env: dict[str, str], log: Path
) -> Iterator[tuple[harness.Server, float]]:
    """A server from its command; yields it with seconds from exec to the first 200."""
    start = time.monotonic()
    server = harness.Server.start(cmd, cwd, env, log)
    try:
        server.wait_healthy(STARTUP_TIMEOUT)
        yield server, time.monotonic() - start
    finally:
        server.stop()


def gunicorn_server_options(project: Path, venv: Path) -> list[str]:
    """The starter's worker class and threads, so the bare app runs on the same server."""
    read = (
        "import json, runpy; conf = runpy.run_path('gunicorn.conf.py'); "
        "print(json.dumps([str(conf.get('worker_class', 'sync')), conf.get('threads', 1)]))"
    )
    out = subprocess.run(
        [str(venv / "bin/python"), "-c", read],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    worker_class, threads = json.loads(out)
    return [f"--worker-class={worker_class}", f"--threads={threads}"]


def bare_command(framework: str, project: Path, venv: Path, port: int, workers: int) -> list[str]:
    if framework == "fastapi":
        return [
            str(venv / "bin/uvicorn"),
            "bare:app",
            "--host=127.0.0.1",
            f"--port={port}",
            f"--workers={workers}",
            "--no-access-log",
        ]
    return [
        str(venv / "bin/gunicorn"),
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        *gunicorn_server_options(project, venv),
        "bare:app",
    ]


# ---- the run -------------------------------------------------------------------------------


@dataclass
class Options:
    duration: float
    warmup: float
    connections: int
    workers: int
    python: str
    wrk: str | None
    rounds: int


def load(options: Options, url: str, headers: Mapping[str, str], *, warm_up: bool) -> Load:
    def once(seconds: float) -> Load:
        if options.wrk:
            return wrk_load(url, headers, seconds, options.connections, options.wrk)
        return python_load(url, headers, seconds, options.connections)

    if warm_up and options.warmup:
        once(options.warmup)
        wait_until_idle(urllib.parse.urlsplit(url).port or 80)
    result = once(options.duration)
    if result.errors:
        raise RuntimeError(f"{result.errors} of {result.requests} requests to {url} failed")
    return result


# Server-side TCP states of a connection the server still owes work: established, half-open,
# and closed by the client but not yet by the server.
OWED_STATES = frozenset({"01", "03", "08"})


def owed_connections(port: int) -> int | None:
    """Connections to `port` the server has not finished with, or None without /proc (Linux)."""
    owed, found = 0, False
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        try:
            rows = table.read_text().splitlines()[1:]
        except OSError:
            continue
        found = True
        for row in rows:
            fields = row.split()
            if int(fields[1].rpartition(":")[2], 16) == port and fields[3] in OWED_STATES:
                owed += 1
    return owed if found else None


def wait_until_idle(port: int, timeout: float = 60) -> None:
    """Wait until the server has answered or dropped every connection of the previous load.

    When the load generator stops, a server can still owe the requests it had queued or in
    flight: a sync worker takes its queued connections one by one, an async one finishes
    those it started. Measuring the next target then would charge it for that work.
    """
    deadline = time.monotonic() + timeout
    while (owed := owed_connections(port)) and time.monotonic() < deadline:
        time.sleep(0.01)
    if owed:
        raise RuntimeError(f"the server on port {port} still holds {owed} connections")


def render(framework: str, where: Path, python: str) -> Path:
    project = where / f"bench-{framework}"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "new",
            project.name,
            "--yes",
            "--no-git",
            "--framework",
            framework,
            "--data",
            "database=postgresql",
            "--data",
            f"python_version={python}",
            "--output",
            str(project),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    return project


def seed(server: harness.Server) -> dict[str, str]:
    """A user with 20 items; returns the headers of an authenticated request."""
    token = harness.access_token(server)
    if token is None:
        raise RuntimeError("the starter has no register/token endpoints")
    auth = {"Authorization": f"Bearer {token}"}
    for n in range(ITEMS):
        body = json.dumps({"title": f"Item {n}", "description": "x" * 80}).encode()
        request = urllib.request.Request(
            server.base_url + "/api/v1/items",
            body,
            {**auth, "Content-Type": "application/json"},
            method="POST",
        )
        created = harness.http_request(request, timeout=10)
        if created.status != 201:
            raise RuntimeError(f"creating an item answered {created.status}: {created.body!r}")
    listed = harness.http_request(
        urllib.request.Request(server.base_url + ITEMS_PATH, headers=auth), timeout=10
    ).json()
    if not isinstance(listed, dict) or len(listed.get("items", [])) != ITEMS:
        raise RuntimeError(f"GET {ITEMS_PATH} did not list {ITEMS} items: {listed!r:.300}")
    return auth


def same_page(starter_url: str, bare_url: str, auth: Mapping[str, str]) -> None:
    """The bare app lists what the starter lists, for the same token: the same work."""
    pages = []
    for base in (starter_url, bare_url):
        request = urllib.request.Request(base + ITEMS_PATH, headers=dict(auth))
        page = harness.http_request(request, timeout=10).json()
        if not isinstance(page, dict):
            raise RuntimeError(f"{base}{ITEMS_PATH} answered {page!r:.300}")
        pages.append(([item["id"] for item in page["items"]], page["total"]))
    if pages[0] != pages[1]:
        raise RuntimeError(f"the bare app lists {pages[1]}, the starter {pages[0]}")


@dataclass
class Target:
    result: Result
    label: str
    url: str
    headers: Mapping[str, str]
    rounds: list[Load] = field(default_factory=list)


def bench_framework(
    framework: str, options: Options, admin_url: str, scratch: Path
) -> list[Result]:
    """Both servers up side by side, loaded in turns, so drifts in the machine hit both."""
    project = render(framework, scratch, options.python)
    prod = harness.Production.build(project, scratch / f"{framework}-venv", options.python)
    database = harness.fresh_database(admin_url, f"fwgen_bench_{framework}")
    try:
        # Production as `docker compose up` runs it: plain HTTP, the compose environment.
        settings = {
            **harness.compose_environment(project, "app"),
            "DATABASE_URL": database,
            "WEB_CONCURRENCY": str(options.workers),
            "PORT": str(harness.free_port()),
        }
        prod.migrate(settings)
        env = harness.tool_env(prod.env(settings))
        cmd = prod.dockerfile.cmd

        bare_dir = scratch / f"{framework}-bare"
        bare_dir.mkdir()
        (bare_dir / "bare.py").write_text(textwrap.dedent(BARE_APPS[framework]).lstrip())
        port = harness.free_port()
        bare_cmd = bare_command(framework, project, prod.venv, port, options.workers)
        bare_env = harness.tool_env(
            {
                "PORT": str(port),
                "PATH": env["PATH"],
                "DATABASE_URL": database,
                "SECRET_KEY": settings["SECRET_KEY"],
            }
        )

        with (
            serving(cmd, prod.app, env, scratch / f"{framework}.log") as (server, startup),
            serving(bare_cmd, bare_dir, bare_env, scratch / f"{framework}-bare.log") as (
                bare_server,
                bare_startup,
            ),
        ):
            starter = Result(
                framework, "starter", " ".join(cmd), startup, tree_rss_mb(server.process.pid)
            )
            shown = " ".join([Path(bare_cmd[0]).name, *bare_cmd[1:]])
            bare = Result(
                framework, "bare", shown, bare_startup, tree_rss_mb(bare_server.process.pid)
            )
            auth = seed(server)
            same_page(server.base_url, bare_server.base_url, auth)
            # Both get the request an orchestrator's probe sends: straight to the container,
            # no proxy headers. The API call comes through the proxy, over HTTPS.
            targets = [
                Target(starter, "/health", server.base_url + "/health", {}),
                Target(bare, "/health", bare_server.base_url + "/health", {}),
                Target(starter, "items", server.base_url + ITEMS_PATH, auth),
                Target(bare, "items", bare_server.base_url + ITEMS_PATH, auth),
            ]
            ports = {urllib.parse.urlsplit(target.url).port or 80 for target in targets}
            for n in range(options.rounds):
                for target in targets:
                    for port in ports:  # both share the CPUs: neither may still be busy
                        wait_until_idle(port)
                    loaded = load(options, target.url, target.headers, warm_up=n == 0)
                    target.rounds.append(loaded)
            # Each round loads the two /health targets one right after the other.
            starter.health_ratios = [
                ours.req_s / theirs.req_s
                for ours, theirs in zip(targets[0].rounds, targets[1].rounds, strict=True)
            ]
            starter.items_ratios = [
                ours.req_s / theirs.req_s
                for ours, theirs in zip(targets[2].rounds, targets[3].rounds, strict=True)
            ]
            for target in targets:
                # The middle round by throughput, with its own latencies.
                ranked = sorted(target.rounds, key=lambda r: r.req_s)
                target.result.loads[target.label] = ranked[len(ranked) // 2]
            starter.rss_load_mb = tree_rss_mb(server.process.pid)
            bare.rss_load_mb = tree_rss_mb(bare_server.process.pid)
        return [starter, bare]
    finally:
        drop_database(admin_url, database)


def drop_database(admin_url: str, url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rpartition("/")[2]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


# ---- report --------------------------------------------------------------------------------


def report(results: list[Result], options: Options) -> str:
    generator = "wrk" if options.wrk else "bundled asyncio client"
    lines = [
        f"fwgen apps benchmark: {generator}, {options.connections} connections, "
        f"median of {options.rounds} rounds of {options.duration:g} s after a "
        f"{options.warmup:g} s warm-up, "
        f"{options.workers} worker(s), Python {options.python}, {os.cpu_count()} CPUs",
        "",
        f"{'framework':<9} {'app':<8} {'first 200':>9} {'RSS start':>9} {'RSS load':>9} "
        f"{'/health req/s':>13} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'items req/s':>11} {'p50 ms':>7} {'p99 ms':>7}",
        "-" * 107,
    ]
    for r in results:
        health = r.loads["/health"]
        row = (
            f"{r.framework:<9} {r.app:<8} {r.first_200_s:>8.2f}s {r.rss_start_mb:>6.0f} MB "
            f"{r.rss_load_mb:>6.0f} MB {health.req_s:>13,.0f} {health.p50_ms:>7.2f} "
            f"{health.p99_ms:>7.2f}"
        )
        if "items" in r.loads:
            items = r.loads["items"]
            row += f" {items.req_s:>11,.0f} {items.p50_ms:>7.2f} {items.p99_ms:>7.2f}"
        lines.append(row)
    lines += ["", "Servers:"]
    lines += [f"  {r.framework} {r.app}: {r.command}" for r in results]
    lines += [
        "",
        "Starter / bare on /health (goal >= 90%), and beside the published claims:",
        f"{'framework':<9} {'starter/bare':>12} {'req/s claimed':>13} {'measured':>9} "
        f"{'MB claimed':>10} {'measured':>9} {'start claimed':>13} {'measured':>9}",
    ]
    for framework in dict.fromkeys(r.framework for r in results):
        starter, bare = (
            next(r for r in results if r.framework == framework and r.app == app)
            for app in ("starter", "bare")
        )
        ratio = statistics.median(starter.health_ratios)
        claim = CLAIMS[framework]
        lines.append(
            f"{framework:<9} {ratio:>11.0%} {claim.req_s:>13,} "
            f"{bare.loads['/health'].req_s:>9,.0f} {claim.start_mb:>10} "
            f"{bare.rss_start_mb:>9.0f} {claim.startup_s + ' s':>13} "
            f"{bare.first_200_s:>8.2f}s"
        )
    lines.append(
        "(starter/bare: the median of the per-round ratios; measured = the bare app, the "
        "starter's own figures are in the first table)"
    )
    for r in results:
        if r.health_ratios:
            each = ", ".join(f"{x:.0%}" for x in r.health_ratios)
            lines.append(f"{r.framework} /health starter/bare by round: {each}")
    lines += ["", "Starter / bare on the authenticated items list (goal >= 80%):"]
    for r in results:
        if r.items_ratios:
            each = ", ".join(f"{x:.0%}" for x in r.items_ratios)
            lines.append(
                f"{r.framework:<9} {statistics.median(r.items_ratios):>4.0%} (rounds: {each})"
            )
    return "\n".join(lines)


@contextmanager
def scratch_dir(keep: Path | None) -> Iterator[Path]:
    if keep:
        keep.mkdir(parents=True)
        yield keep.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="fwgen-apps-") as tmp:
        yield Path(tmp)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5, help="seconds per load (5)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="loads of each endpoint, in turns; the median counts (5)",
    )
    parser.add_argument(
        "--warmup", type=float, default=2, help="seconds of load before the first round (2)"
    )
    parser.add_argument("--connections", type=int, default=32, help="open connections (32)")
    parser.add_argument("--workers", type=int, default=1, help="server workers (1)")
    parser.add_argument("--python", default="3.12", help="the projects' Python (3.12)")
    parser.add_argument(
        "--framework", action="append", choices=sorted(BARE_APPS), help="repeatable; default all"
    )
    parser.add_argument("--python-client", action="store_true", help="ignore wrk even if found")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--keep", type=Path, help="build in this new directory and keep it (logs, projects)"
    )
    args = parser.parse_args(argv)
    options = Options(
        args.duration,
        args.warmup,
        args.connections,
        args.workers,
        args.python,
        None if args.python_client else shutil.which("wrk"),
        args.rounds,
    )
    admin_url = os.environ.get(harness.PG_URL_VARIABLE)
    if not admin_url:
        print(f"error: set {harness.PG_URL_VARIABLE} to a PostgreSQL admin URL", file=sys.stderr)
        return 2
    if args.keep and args.keep.exists():
        print(f"error: {args.keep} already exists", file=sys.stderr)
        return 2
    results: list[Result] = []
    with scratch_dir(args.keep) as scratch:
        try:
            for framework in args.framework or list(FRAMEWORKS):
                results += bench_framework(framework, options, admin_url, scratch)
        except KeyboardInterrupt:
            print("interrupted; every server stopped", file=sys.stderr)
            return 130
        except Exception as exc:
            if args.debug:
                raise
            print(f"error: {str(exc).strip() or type(exc).__name__}", file=sys.stderr)
            return 1
    print(report(results, options))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
