"""The generated Dockerfile and compose.yaml, built and run for real (slow).

One image per framework and database (starters.container_variants): every image runs alone on
a SQLite file in a volume, as a small deployment runs it; the PostgreSQL variants also bring
compose.yaml up as written (db, migrate, app). The images are built from the directory
`fwgen new` wrote, with its own Dockerfile and .dockerignore, as `docker compose up --build`
right after `fwgen new` builds them.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from containers import Engine, Stack, answers_200, stand_in, wait_for

from generator.cli import cli

import harness
from pods import Manifests, Pod, shell_wait_check
from starters import STARTERS, Variant, container_variants

pytestmark = pytest.mark.slow

Recorder = Callable[[str, object], None]
STOP_GRACE = 30  # seconds: what compose and Kubernetes give a container after SIGTERM
_ERROR_LINE = re.compile(r'"level": "(ERROR|CRITICAL)"|Traceback|\bERROR\b')


@pytest.fixture(scope="session")
def engine() -> Engine:
    found = Engine.find()
    if found is None:
        message = (
            "no container engine answers (docker or podman, with base images it can use): "
            "the container stage did not run"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@dataclass
class Imaged:
    variant: Variant
    project: Path
    tag: str
    scratch: Path
    build_seconds: float
    size: int


@pytest.fixture(scope="session")
def images(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Callable[[Variant], Imaged]:
    """Each variant's project, generated and its image built once, when a check first needs it."""
    made: dict[Variant, Imaged] = {}

    def image(variant: Variant) -> Imaged:
        if variant not in made:
            scratch = tmp_path_factory.mktemp(f"image-{variant.id}")
            project = scratch / variant.project_name
            result = CliRunner().invoke(cli, variant.new_args(project))
            assert result.exit_code == 0, result.output
            tag = f"localhost/{variant.project_name}:latest"
            seconds = engine.build(project, tag, scratch / "build.log")
            made[variant] = Imaged(variant, project, tag, scratch, seconds, engine.image_size(tag))
        return made[variant]

    return image


@contextmanager
def data_volume(engine: Engine, container: str) -> Iterator[str]:
    """A new, empty volume for the container of that name to mount on /data; the container
    and the volume are gone afterwards, whatever happened."""
    volume = f"{container}-data"
    engine.remove(container)
    engine("volume", "rm", "--force", volume, check=False)
    engine("volume", "create", volume)
    try:
        yield volume
    finally:
        engine.remove(container)
        engine("volume", "rm", "--force", volume, check=False)


VARIANTS = container_variants()
# Every project's stack, production or development, takes the same fixed address range (and
# ports 80, 443 or 8000) on the host: one at a time, as on a developer's machine.
STACKS = "compose-stacks"
ON_POSTGRESQL = [v for v in VARIANTS if v.get("database") == "postgresql"]


def record(record_property: Recorder, imaged: Imaged, check: str, seconds: float) -> None:
    record_property("fwgen_check", (imaged.variant.id, check, round(seconds, 2)))


def env_args(env: dict[str, str]) -> list[str]:
    return [arg for key, value in env.items() for arg in ("--env", f"{key}={value}")]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_image_runs_as_built(
    engine: Engine,
    images: Callable[[Variant], Imaged],
    variant: Variant,
    record_property: Recorder,
) -> None:
    """The image alone, on SQLite in a volume: migrations in a one-off container, then the
    app as an unprivileged user that cannot change its code, healthy by its own HEALTHCHECK,
    serving its pages, logging no error, and gone within the grace period after SIGTERM."""
    imaged = images(variant)
    record(record_property, imaged, "image-build", imaged.build_seconds)
    record_property("fwgen_figure", (imaged.variant.id, "image", f"{imaged.size / 1e6:.0f} MB"))
    name = f"fwgen-run-{imaged.variant.id}"
    # The environment compose gives the app (SECRET_KEY from the project's .env), with the
    # database a single container keeps: a SQLite file in a volume on /data.
    env = {
        **harness.compose_environment(imaged.project, "app"),
        "DATABASE_URL": "sqlite:////data/app.sqlite3",
    }
    port = harness.free_port()
    with data_volume(engine, name) as volume:
        migrate = harness.compose_migrate_command(imaged.project)
        start = time.monotonic()
        engine("run", "--rm", "--volume", f"{volume}:/data", *env_args(env), imaged.tag, *migrate)
        record(record_property, imaged, "image-migrate", time.monotonic() - start)
        start = time.monotonic()
        engine(
            "run", "--detach", "--name", name, "--publish", f"127.0.0.1:{port}:8000",
            "--volume", f"{volume}:/data", *env_args(env), imaged.tag,
        )  # fmt: skip
        # As a browser on this host asks: localhost is compose's ALLOWED_HOSTS (its DOMAIN).
        base = f"http://localhost:{port}"
        first = wait_for(
            "the container's /health answering 200", lambda: answers_200(base + "/health"), 90
        )
        record(record_property, imaged, "image-first-200", time.monotonic() - start)
        del first
        if not answers_200(base + "/ready"):
            raise harness.CheckFailed("/ready did not answer 200 in the container")
        uid = engine("exec", name, "id", "-u").strip()
        if uid != "10001":
            raise harness.CheckFailed(f"the app runs as uid {uid}, not 10001")
        # Podman hands a new volume to the container's user; Docker copies the image's owner.
        owner = engine("run", "--rm", "--entrypoint", "stat", imaged.tag, "-c", "%u", "/data")
        if owner.strip() != "10001":
            raise harness.CheckFailed(f"/data in the image belongs to uid {owner.strip()}")
        for attempt in (
            "open('/app/pyproject.toml', 'a')",
            "open('/app/planted.py', 'w')",
        ):
            if engine.returncode("exec", name, "python", "-c", attempt) == 0:
                raise harness.CheckFailed(f"the app's user can change its code: {attempt}")
        test = engine.healthcheck_test(imaged.tag)
        if (code := engine.run_check(name, test)) != 0:
            raise harness.CheckFailed(f"the image's HEALTHCHECK {test} exited {code}")
        site = harness.Site(base)
        harness.pages(site, imaged.variant.pages)
        harness.readme_endpoints_exist(site, harness.Readme.read(imaged.project))
        logs = engine.logs(name)
        if errors := [line for line in logs.splitlines() if _ERROR_LINE.search(line)]:
            raise harness.CheckFailed("a clean start logged errors:\n" + "\n".join(errors[:10]))
        start = time.monotonic()
        engine("stop", "--time", str(STOP_GRACE), name, timeout=STOP_GRACE + 30)
        stopped = time.monotonic() - start
        record(record_property, imaged, "image-sigterm", stopped)
        code = engine("inspect", "--format", "{{.State.ExitCode}}", name).strip()
        if stopped >= STOP_GRACE or code not in ("0", "143"):
            raise harness.CheckFailed(f"SIGTERM: stopped after {stopped:.1f}s with exit {code}")
        if "Traceback" in engine.logs(name):
            raise harness.CheckFailed(f"a traceback on the way out:\n{engine.logs(name)}")


@pytest.mark.parametrize("variant", ON_POSTGRESQL, ids=lambda v: v.id)
def test_compose_stack_as_written(
    engine: Engine,
    images: Callable[[Variant], Imaged],
    variant: Variant,
    record_property: Recorder,
) -> None:
    """`docker compose up` right after `fwgen new`: the database, the migrations once, then the
    app behind its TLS proxy on https://localhost with the pages a user opens, the proxy's
    certificate trusted as docs/operations.md says. http:// is redirected once, HSTS sent once,
    the app's own port is not published, and a client cannot choose its address through the
    proxy. A second `up` runs the migrations
    again without losing data; `down -v` leaves nothing behind. This machine's own PostgreSQL
    holds 5432, as a developer's may: the stack must not need it."""
    imaged = images(variant)
    stack = Stack(engine, imaged.project, image=imaged.tag)
    python = f"python:{variant.get('python_version')}-slim"
    for service in ("redis", "proxy"):
        if service in stack.services:
            stand_in(engine, stack.services[service].spec["image"], python, imaged.scratch)
    domain = harness.dotenv(imaged.project / ".env").get("DOMAIN", "localhost")
    base = f"https://{domain}"
    with harness.machine_lock(STACKS):
        stack.down()
        try:
            start = time.monotonic()
            timings = stack.up()
            proxy = stack.container("proxy")

            def authority_made() -> bool:
                return engine.returncode("exec", proxy, "test", "-s", CADDY_ROOT) == 0

            wait_for("the proxy's certificate authority", authority_made, 60)
            harness.trust_authority(engine("exec", proxy, "cat", CADDY_ROOT))
            wait_for(f"the app answering on {base}", lambda: answers_200(base + "/health"), 90)
            record(record_property, imaged, "compose-first-200", time.monotonic() - start)
            harness.through_the_tls_proxy(domain)
            if harness.port_open(8000):
                raise harness.CheckFailed("something answers on :8000: the app is published")
            harness.forged_forwarding_is_ignored(base)
            record(record_property, imaged, "compose-migrate", timings["migrate"])
            site = harness.Site(base)
            harness.pages(site, variant.pages)
            harness.readme_endpoints_exist(site, harness.Readme.read(imaged.project))
            account = harness.register(site)
            assert account is not None
            start = time.monotonic()
            stack.up()
            record(record_property, imaged, "compose-second-up", time.monotonic() - start)
            harness.token_pair(site, *account)
            sockets = [p for m, p in harness.Readme.read(imaged.project).endpoints() if m == "WS"]
            for path in sockets:
                harness.events_cross_processes(site, site, path)
            unreached = ("REDIS_URL is not set", "cannot reach Redis", "to Redis (")
            if "redis" in stack.services and any(s in stack.logs("app") for s in unreached):
                raise harness.CheckFailed(
                    f"compose's app runs without its Redis:\n{stack.logs('app')}"
                )
            if "worker" in stack.services:
                # The registration queued its mail; .env sets no EMAIL_URL, so the worker's job
                # logs that it sent nothing, and succeeds.
                def mailed() -> bool:
                    log = engine.logs(stack.container("worker"))
                    return re.search(r"Task email\.send\[[^]]+\] succeeded", log) is not None

                try:
                    wait_for("compose's worker doing the registration's mail job", mailed, 60)
                except harness.CheckFailed as failed:
                    raise harness.CheckFailed(f"{failed}:\n{stack.logs('worker')}") from None
                wait_for("compose's scheduler", lambda: "beat: Starting" in stack.logs("beat"), 60)
        finally:
            stack.down()
        if leftovers := stack.leftovers():
            raise harness.CheckFailed(f"`down -v` left {leftovers}")


# Where Caddy keeps the root of its own authority, which signs the certificate for localhost.
CADDY_ROOT = "/data/caddy/pki/authorities/local/root.crt"


@pytest.mark.parametrize("variant", ON_POSTGRESQL, ids=lambda v: v.id)
def test_a_code_change_rebuilds_from_the_cache(
    engine: Engine,
    images: Callable[[Variant], Imaged],
    variant: Variant,
    record_property: Recorder,
) -> None:
    """Changing code, not dependencies, reuses the dependency layer: no package is installed."""
    imaged = images(variant)
    changed = imaged.scratch / "changed" / imaged.project.name
    shutil.copytree(imaged.project, changed, symlinks=True)
    readme = changed / "README.md"
    readme.write_text(readme.read_text() + "\nA code-only change.\n")
    log = imaged.scratch / "rebuild.log"
    seconds = engine.build(changed, imaged.tag + "-rebuilt", log)
    record(record_property, imaged, "image-rebuild", seconds)
    installs = re.findall(r"Installed (\d+) packages?", log.read_text())
    if any(int(count) > 1 for count in installs):
        raise harness.CheckFailed(
            f"a code-only change reinstalled dependencies ({installs}):\n{log.read_text()[-2000:]}"
        )
    # Untag, not remove: removing deletes the image's cached layers, and another worker's build
    # looking them up at that moment fails with "layer not known".
    # (Docker's BuildKit keeps its cache apart from images, so there removing is safe.)
    engine(
        "image", "untag" if engine.name == "podman" else "rm", imaged.tag + "-rebuilt", check=False
    )


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_image_runs_as_its_kubernetes_pod(
    engine: Engine,
    images: Callable[[Variant], Imaged],
    variant: Variant,
    record_property: Recorder,
) -> None:
    """The image under the pod spec of deploy/kubernetes: its user, read-only root filesystem,
    dropped capabilities and scratch /tmp, its ConfigMap and a Secret with the example's keys.
    The new version's wait for the schema holds before the migration Job and lets go after it;
    the probes answer with the pod's address as Host, pages with the Ingress's headers.
    A SQLite file in a volume stands in for the Secret's PostgreSQL."""
    imaged = images(variant)
    manifests = Manifests.render(imaged.project)
    secrets = {
        "SECRET_KEY": harness.dotenv(imaged.project / ".env")["SECRET_KEY"],
        "DATABASE_URL": "sqlite:////data/app.sqlite3",
        "EMAIL_URL": "",
    }
    if "REDIS_URL" in manifests.secret_example()["stringData"]:
        secrets["REDIS_URL"] = ""  # one pod, no Redis beside it: events stay in the pod
    env = manifests.environment(secrets)
    deployment, job = (
        Pod.of(manifests.one("Deployment", imaged.project.name)),
        Pod.of(manifests.one("Job")),
    )
    name = f"fwgen-pod-{imaged.variant.id}"

    def in_pod(
        pod: Pod, container: str, *extra: str, command: list[str] | None = None
    ) -> list[str]:
        spec = pod.container(container)
        flags = [*pod.engine_flags(spec, engine.name), "--volume", f"{volume}:/data"]
        run = spec.get("command", []) if command is None else command
        return [*flags, *env_args(env), *extra, imaged.tag, *run]

    with data_volume(engine, name) as volume:
        wait = deployment.container("wait-for-migrations")
        check = shell_wait_check(wait["command"])
        before = engine.returncode(
            "run", "--rm", *in_pod(deployment, "wait-for-migrations", command=check)
        )
        if before == 0:
            raise harness.CheckFailed(f"{check} passes before any migration: nothing would wait")
        start = time.monotonic()
        engine("run", "--rm", *in_pod(job, "migrate"), timeout=300)
        record(record_property, imaged, "pod-migrate", time.monotonic() - start)
        engine("run", "--rm", *in_pod(deployment, "wait-for-migrations"), timeout=60)
        port = harness.free_port()
        engine("run", "--detach", "--name", name,
               *in_pod(deployment, "web", "--publish", f"127.0.0.1:{port}:8000"))  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        pod_address = {"Host": f"10.1.2.3:{port}"}
        start = time.monotonic()
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            url = base + deployment.container("web")[probe]["httpGet"]["path"]
            wait_for(f"the pod's {probe} ({url})", lambda u=url: answers_200(u, pod_address), 90)
        record(record_property, imaged, "pod-ready", time.monotonic() - start)
        host = env["ALLOWED_HOSTS"].split(",")[0]
        ingress = {"Host": host, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
        for path in imaged.variant.pages:
            page = harness.http_get(base + path, headers=ingress)
            if page.status != 200:
                raise harness.CheckFailed(f"GET {path} through the Ingress answered {page.status}")
        if errors := [line for line in engine.logs(name).splitlines() if _ERROR_LINE.search(line)]:
            raise harness.CheckFailed("the pod logged errors:\n" + "\n".join(errors[:10]))
        # The worker's and the scheduler's pods, where the project has them: they start under
        # the same constraints (with no Redis beside them their broker is in memory).
        for component, started in (("worker", ". email.send"), ("beat", "beat: Starting")):
            deployed = f"{imaged.project.name}-{component}"
            if not any(r["metadata"]["name"] == deployed for r in manifests.resources):
                continue
            pod, running = Pod.of(manifests.one("Deployment", deployed)), f"{name}-{component}"
            engine("run", "--detach", "--name", running, *in_pod(pod, component))
            try:
                wait_for(
                    f"the {component} pod", lambda r=running, s=started: s in engine.logs(r), 60
                )
                state = engine("inspect", "--format", "{{.State.Running}}", running).strip()
                if state != "true" or _ERROR_LINE.search(engine.logs(running)):
                    raise harness.CheckFailed(
                        f"the {component} pod failed:\n{engine.logs(running)}"
                    )
            finally:
                engine.remove(running)


@pytest.mark.parametrize("variant", ON_POSTGRESQL, ids=lambda v: v.id)
def test_dev_stack_reloads_and_catches_mail(
    engine: Engine,
    images: Callable[[Variant], Imaged],
    variant: Variant,
    record_property: Recorder,
) -> None:
    """`make dev-stack` in a copy of the project: the image's dev stage runs the development
    server beside the database and the mail catcher, on http://127.0.0.1:8000. A registration's
    mail reaches the catcher, and a saved change to the code is served without a restart.
    This machine's PostgreSQL holds 5432, as a developer's may: `.env` moves the stack's
    (DB_PORT), as compose.dev.yaml says to."""
    imaged = images(variant)
    project = imaged.scratch / "dev-stack" / imaged.project.name
    shutil.copytree(imaged.project, project, symlinks=True)
    env_file = project / ".env"
    env_file.write_text(env_file.read_text() + "DB_PORT=5433\n")
    tag = imaged.tag.replace(":latest", ":dev")
    seconds = engine.build(project, tag, imaged.scratch / "dev-build.log", target="dev")
    record(record_property, imaged, "dev-build", seconds)
    stack = Stack(engine, project, image=tag, files=harness.DEV_COMPOSE_FILES)
    python = f"python:{variant.get('python_version')}-slim"
    stand_in(engine, stack.services["mail"].spec["image"], python, imaged.scratch)
    base = "http://127.0.0.1:8000"
    with harness.machine_lock(STACKS):
        stack.down()
        try:
            start = time.monotonic()
            stack.up(only=["dev"])
            wait_for("the development server", lambda: answers_200(base + "/health"), 120)
            record(record_property, imaged, "dev-first-200", time.monotonic() - start)
            site = harness.Site(base)
            account = harness.register(site)
            assert account is not None
            mailbox = stack.container("mail")
            wait_for(
                "the registration's mail in the catcher",
                lambda: account[0] in engine.logs(mailbox),
                30,
            )
            path, text, edited = STARTERS[variant.framework].health_edit
            source = project / path(variant.slug)
            source.write_text(source.read_text().replace(text, edited, 1))
            start = time.monotonic()

            def reloaded() -> bool:
                # While the server restarts, a connection may be refused or cut mid-answer.
                try:
                    answer = harness.http_get(base + "/health")
                except (OSError, http.client.HTTPException):
                    return False
                return answer.status == 200 and b"unavailable" in answer.body

            wait_for("the edited code served", reloaded, 60)
            record(record_property, imaged, "dev-reload", time.monotonic() - start)
        except BaseException:
            print(stack.logs("dev"))
            raise
        finally:
            stack.down()
        if leftovers := stack.leftovers():
            raise harness.CheckFailed(f"`down -v` left {leftovers}")
