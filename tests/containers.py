"""Container engines for the harness: a project's own Dockerfile built, its image run, its
compose.yaml brought up.

One code path for Docker and Podman: the engine is the first of `docker` and `podman` whose
`info` answers (FWGEN_CONTAINER_ENGINE names one). Podman builds with
`--pull=$FWGEN_CONTAINER_PULL` (default `missing`), so a machine whose base images were prepared
locally sets `never` and reaches no registry.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import (
    COMPOSE_FILES,
    CheckFailed,
    compose_document,
    compose_environment,
    compose_service,
    dotenv,
    http_get,
    interpolate,
    machine_lock,
)

ENGINES = ("docker", "podman")
# Podman without systemd complains on stderr about healthcheck timers it cannot add.
_NOISE = re.compile(r"systemd|/run/systemd/private")


@dataclass(frozen=True)
class Engine:
    program: str

    @classmethod
    def find(cls) -> Engine | None:
        """The first engine that answers, or None."""
        chosen = os.environ.get("FWGEN_CONTAINER_ENGINE")
        for name in [chosen] if chosen else ENGINES:
            path = shutil.which(name)
            if path is None:
                continue
            try:
                info = subprocess.run([path, "info"], capture_output=True, timeout=60)
            except subprocess.TimeoutExpired:
                continue
            if info.returncode == 0:
                return cls(path)
        return None

    @property
    def name(self) -> str:
        return Path(self.program).name

    def __call__(self, *args: str, timeout: float = 300, check: bool = True) -> str:
        try:
            done = subprocess.run(
                [self.program, *args], capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            raise CheckFailed(f"`{self.name} {' '.join(args[:2])}` ran over {timeout}s") from None
        if check and done.returncode != 0:
            errors = "\n".join(line for line in done.stderr.splitlines() if not _NOISE.search(line))
            raise CheckFailed(
                f"`{self.name} {' '.join(args)}` exited {done.returncode}:\n{errors[-3000:]}"
            )
        return done.stdout

    def returncode(self, *args: str, timeout: float = 60) -> int:
        try:
            done = subprocess.run([self.program, *args], capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return -1
        return done.returncode

    def build(self, context: Path, tag: str, log: Path, target: str | None = None) -> float:
        """Build the Dockerfile in `context` (its stage `target`, else the last) as `tag`; the
        seconds it took. The output (which says what ran and what came from the cache) goes to
        `log`."""
        args = ["build", "--tag", tag, *(["--target", target] if target else [])]
        if self.name == "podman":
            # The OCI image format has no HEALTHCHECK; Docker's keeps it.
            args += [
                "--format",
                "docker",
                f"--pull={os.environ.get('FWGEN_CONTAINER_PULL', 'missing')}",
            ]
        else:
            args += ["--progress", "plain"]
        # One build at a time: two builds running the same first steps at once each make their
        # own layers for them, and a later build may then pick the other's as its cache parent
        # and miss the dependency layer it should reuse.
        with machine_lock("image-build"), log.open("w") as out:
            start = time.monotonic()
            done = subprocess.run(
                [self.program, *args, str(context)],
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=1200,
            )
        if done.returncode != 0:
            raise CheckFailed(f"building {context.name}'s image failed:\n{log.read_text()[-3000:]}")
        return time.monotonic() - start

    def image_size(self, tag: str) -> int:
        return int(self("image", "inspect", "--format", "{{.Size}}", tag).strip())

    def healthcheck_test(self, tag: str) -> list[str]:
        raw = self("image", "inspect", "--format", "{{json .Config.Healthcheck}}", tag).strip()
        declared: Any = json.loads(raw) if raw and raw != "null" else None
        if not isinstance(declared, dict) or not declared.get("Test"):
            raise CheckFailed(f"the image {tag} declares no HEALTHCHECK")
        return [str(part) for part in declared["Test"]]

    def run_check(self, container: str, test: Sequence[str]) -> int:
        """Run a HEALTHCHECK-style test (CMD or CMD-SHELL) inside the container, as the
        engine does; its exit status."""
        kind, *command = test
        if kind == "CMD-SHELL":
            command = ["sh", "-c", " ".join(command)]
        elif kind != "CMD":
            raise CheckFailed(f"unsupported healthcheck test {test}")
        return self.returncode("exec", container, *command, timeout=30)

    def logs(self, container: str) -> str:
        done = subprocess.run(
            [self.program, "logs", container], capture_output=True, text=True, timeout=60
        )
        return done.stdout + done.stderr

    def remove(self, *containers: str) -> None:
        """Remove these containers, running or not; names that do not exist are skipped (one
        missing name would make the engine keep all the others)."""
        existing = set(self("ps", "--all", "--format", "{{.Names}}").split())
        present = [name for name in containers if name in existing]
        if present:
            self("rm", "--force", *present, check=False)


def wait_for(what: str, ready: Callable[[], bool], timeout: float) -> float:
    """Poll `ready()` until it is true; the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if ready():
            return time.monotonic() - start
        time.sleep(0.1)
    raise CheckFailed(f"{what} did not happen within {timeout}s")


def answers_200(url: str, headers: Mapping[str, str] | None = None) -> bool:
    try:
        return http_get(url, timeout=2, headers=headers).status == 200
    except OSError:
        return False


# ---- stand-ins for images this machine cannot pull -----------------------------------------

# The official image's redis-server runs with protected mode off (so other containers on the
# network reach it, whatever command compose gives) and in /data: so does the stand-in's.
REDIS_STAND_IN = """\
FROM {base}
COPY bin/ /opt/redis/bin/
COPY lib/ /opt/redis/lib/
ENV LD_LIBRARY_PATH=/opt/redis/lib
RUN printf '#!/bin/sh\\nexec /opt/redis/bin/redis-server "$@" --protected-mode no\\n' \\
        > /usr/local/bin/redis-server \\
    && chmod +x /usr/local/bin/redis-server \\
    && ln -s /opt/redis/bin/redis-cli /usr/local/bin/redis-cli \\
    && mkdir /data
WORKDIR /data
CMD ["redis-server"]
"""


# The official image's layout: the Caddyfile in /etc/caddy, certificates under /data.
CADDY_STAND_IN = """\
FROM {base}
COPY bin/ /usr/bin/
COPY lib/ /opt/caddy/lib/
ENV LD_LIBRARY_PATH=/opt/caddy/lib XDG_CONFIG_HOME=/config XDG_DATA_HOME=/data
RUN mkdir -p /etc/caddy /config /data
EXPOSE 80 443
WORKDIR /srv
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
"""
# Mailpit's SMTP side: a server on 1025 that accepts every message and prints it (aiosmtpd's
# Debugging handler), so the container's log shows what the app sent. No web inbox on 8025.
MAILPIT_STAND_IN = """\
FROM {base}
COPY site/ /opt/mailpit/
ENV PYTHONPATH=/opt/mailpit PYTHONUNBUFFERED=1
EXPOSE 1025
# As PID 1, Python ignores SIGTERM; SIGINT ends it at once, as SIGTERM ends Mailpit.
STOPSIGNAL SIGINT
CMD ["python3", "-m", "aiosmtpd", "--nosetuid", "--listen", "0.0.0.0:1025", \
     "--class", "aiosmtpd.handlers.Debugging"]
"""


def _programs(*names: str) -> Callable[[Path], None]:
    """Copy this machine's programs, and the libraries they link beyond libc, into bin/ and lib/."""

    def copy(context: Path) -> None:
        (context / "bin").mkdir(parents=True, exist_ok=True)
        (context / "lib").mkdir(exist_ok=True)
        for program in names:
            path = shutil.which(program)
            if path is None:
                raise CheckFailed(f"{program} is not installed: no stand-in without it")
            shutil.copy(Path(path).resolve(), context / "bin" / program)
            ldd = subprocess.run(["ldd", path], capture_output=True, text=True, check=True)
            for library in re.findall(r"=> (/\S+)", ldd.stdout):
                if not Path(library).name.startswith(("libc.so", "libm.so", "ld-linux")):
                    shutil.copy(Path(library).resolve(), context / "lib" / Path(library).name)

    return copy


def _packages(*names: str) -> Callable[[Path], None]:
    """Copy pure-Python packages the tests have installed into site/."""

    def copy(context: Path) -> None:
        for name in names:
            package = Path(importlib.import_module(name).__file__ or "").parent
            shutil.copytree(package, context / "site" / name, dirs_exist_ok=True)

    return copy


STAND_INS = {
    "redis": (_programs("redis-server", "redis-cli"), REDIS_STAND_IN),
    "caddy": (_programs("caddy"), CADDY_STAND_IN),
    "mailpit": (_packages("aiosmtpd", "public", "attr", "attrs"), MAILPIT_STAND_IN),
}


def stand_in(engine: Engine, image: str, base: str, scratch: Path) -> None:
    """`image` (a Redis, Caddy or Mailpit image compose names), made from what this machine
    has on a local base image, when the engine may not pull."""
    if os.environ.get("FWGEN_CONTAINER_PULL") != "never":
        return
    if engine.returncode("image", "exists", image) == 0:
        return
    kind = image.rsplit("/", 1)[-1].split(":")[0]
    prepare, containerfile = STAND_INS[kind]
    context = scratch / f"{kind}-stand-in"
    context.mkdir(parents=True, exist_ok=True)
    prepare(context)
    (context / "Containerfile").write_text(containerfile.format(base=base))
    with machine_lock("image-build"):
        engine("build", "--pull=never", "--tag", image, "--file", str(context / "Containerfile"),
               str(context), timeout=300)  # fmt: skip


# ---- compose.yaml, brought up as compose does -------------------------------------------


@dataclass
class Service:
    name: str
    spec: dict[str, Any]
    environment: dict[str, str]

    @property
    def depends_on(self) -> dict[str, str]:
        raw = self.spec.get("depends_on") or {}
        if isinstance(raw, list):
            return {name: "service_started" for name in raw}
        return {
            name: (cond or {}).get("condition", "service_started") for name, cond in raw.items()
        }


class Stack:
    """A project's compose.yaml run with an engine, as `docker compose` runs it: a network in
    which each service answers to its name, named volumes, services started in dependency
    order, each `depends_on` condition waited for (healthy, completed successfully). Services
    that `build:` run `image`, built beforehand from the same directory."""

    def __init__(
        self, engine: Engine, project: Path, image: str, files: Sequence[str] = COMPOSE_FILES
    ) -> None:
        self.engine, self.project, self.image = engine, project, image
        self.name = project.name.lower()
        document = compose_document(project, files)
        self.volumes = list(document.get("volumes") or {})
        self.networks: dict[str, dict[str, Any]] = {
            "default": {},
            **{name: spec or {} for name, spec in (document.get("networks") or {}).items()},
        }
        self.services = {
            name: Service(
                name,
                compose_service(project, name, files),
                compose_environment(project, name, files),
            )
            for name in document["services"]
        }

    def container(self, service: str) -> str:
        return f"{self.name}-{service}-1"

    def network(self, name: str = "default") -> str:
        return f"{self.name}_{name}"

    def volume(self, name: str) -> str:
        return f"{self.name}_{name}"

    def order(self, only: Sequence[str] = ()) -> list[Service]:
        """The services to start, each after what it depends on: all, or `only` those named
        and their dependencies, as `up SERVICE...` does."""
        done: list[str] = []

        def visit(name: str, path: tuple[str, ...]) -> None:
            if name in done:
                return
            if name in path:
                raise CheckFailed(f"compose.yaml: depends_on cycle through {name}")
            for dependency in self.services[name].depends_on:
                visit(dependency, (*path, name))
            done.append(name)

        for name in only or self.services:
            visit(name, ())
        return [self.services[name] for name in done]

    def _run_args(self, service: Service) -> list[str]:
        spec = service.spec
        args = ["--name", self.container(service.name), "--network-alias", service.name]
        networks = spec.get("networks") or ["default"]
        for network in networks:
            args += ["--network", self.network(network)]
            address = networks[network].get("ipv4_address") if isinstance(networks, dict) else None
            args += ["--ip", address] if address else []
        for key, value in service.environment.items():
            args += ["--env", f"{key}={value}"]
        for port in spec.get("ports", []):
            args += ["--publish", interpolate(str(port), dotenv(self.project / ".env"))]
        for mount in spec.get("volumes", []):
            source, _, target = str(mount).partition(":")
            if source in self.volumes:
                source = self.volume(source)
            elif source.startswith("."):  # a bind mount, relative to the compose file
                source = str((self.project / source).resolve())
            args += ["--volume", f"{source}:{target}"]
        image = self.image if "build" in spec else spec["image"]
        args.append(image)
        command = spec.get("command")
        if command:
            args += command if isinstance(command, list) else ["sh", "-c", command]
        return args

    def up(self, only: Sequence[str] = ()) -> dict[str, float]:
        """Start the services (all, or `only` those and their dependencies) in order, waiting
        for each condition; seconds per service."""
        for name, spec in self.networks.items():
            options = []
            for config in (spec.get("ipam") or {}).get("config", []):
                options.append(f"--subnet={config['subnet']}")
                options += [f"--ip-range={config['ip_range']}"] if "ip_range" in config else []
            self.engine("network", "create", *options, self.network(name), check=False)
        for name in self.volumes:
            self.engine("volume", "create", self.volume(name), check=False)
        timings: dict[str, float] = {}
        conditions = {
            dependency: condition
            for service in self.services.values()
            for dependency, condition in service.depends_on.items()
        }
        for service in self.order(only):
            start = time.monotonic()
            container = self.container(service.name)
            existing = self.engine("ps", "--all", "--quiet", "--filter", f"name=^{container}$")
            if existing.strip():
                state = self.engine("inspect", "--format", "{{.State.Running}}", container)
                # A finished one-off (migrate) runs again, as compose does on a second `up`.
                if state.strip() != "true":
                    self.engine("start", container)
            else:
                self.engine("run", "--detach", *self._run_args(service))
            condition = conditions.get(service.name)
            if condition == "service_healthy":
                test = service.spec["healthcheck"]["test"]

                def healthy(container: str = container, test: list[str] = test) -> bool:
                    return self.engine.run_check(container, test) == 0

                wait_for(f"{service.name} healthy", healthy, timeout=120)
            elif condition == "service_completed_successfully":
                code = self.engine("wait", container, timeout=300).strip().splitlines()[-1]
                if code != "0":
                    raise CheckFailed(
                        f"the {service.name} service exited {code}:\n{self.logs(service.name)}"
                    )
            timings[service.name] = time.monotonic() - start
        return timings

    def logs(self, service: str) -> str:
        return self.engine.logs(self.container(service))[-5000:]

    def down(self) -> None:
        """`down -v`: the containers, the network and the named volumes go."""
        self.engine.remove(*(self.container(name) for name in self.services))
        for name in self.networks:
            self.engine("network", "rm", self.network(name), check=False)
        for name in self.volumes:
            self.engine("volume", "rm", "--force", self.volume(name), check=False)

    def leftovers(self) -> list[str]:
        containers = self.engine("ps", "--all", "--format", "{{.Names}}").split()
        volumes = self.engine("volume", "ls", "--format", "{{.Name}}").split()
        networks = self.engine("network", "ls", "--format", "{{.Name}}").split()
        return [
            item
            for item in (*containers, *volumes, *networks)
            if item.startswith((f"{self.name}-", f"{self.name}_"))
        ]
