"""A project's Kubernetes manifests as a cluster gets them, and its pods as a kubelet runs them.

`Manifests.render` is `kubectl kustomize deploy/kubernetes`, the step `kubectl apply -k` takes;
`Manifests.validate` checks what it produced against the Kubernetes API's own schemas. `Pod`
turns a pod spec into the container engine's flags for the same user, read-only root, dropped
capabilities and scratch volumes, so a container check runs the image the way the pod would.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

import harness

# The oldest minor release the big providers still run; manifests valid there are valid later.
KUBERNETES_VERSION = "1.30.0"
MANIFESTS = Path("deploy/kubernetes")
SECRET_EXAMPLE = MANIFESTS / "secret.example.yaml"

Resource = dict[str, Any]


@dataclass(frozen=True)
class Manifests:
    project: Path
    rendered: str
    resources: list[Resource]

    @classmethod
    def render(cls, project: Path) -> Manifests:
        kubectl = harness.require("kubectl")
        out = harness.run(
            [kubectl, "kustomize", str(MANIFESTS)], cwd=project, what="kubectl kustomize"
        ).stdout
        return cls(project, out, [doc for doc in yaml.safe_load_all(out) if doc])

    def validate(self, scratch: Path) -> None:
        """Every resource, and the Secret the team fills in, against the API's schemas (strict:
        a misspelt field is an error, not silently dropped)."""
        rendered = scratch / "rendered.yaml"
        rendered.write_text(self.rendered)
        harness.run(
            [
                harness.require("kubernetes-validate"), "--strict", "--quiet",
                "--kubernetes-version", KUBERNETES_VERSION,
                str(rendered), str(self.project / SECRET_EXAMPLE),
            ],
            cwd=self.project,
            what="kubernetes-validate",
        )  # fmt: skip

    def one(self, kind: str, name: str | None = None) -> Resource:
        found = [
            r
            for r in self.resources
            if r["kind"] == kind and (name is None or r["metadata"]["name"] == name)
        ]
        if len(found) != 1:
            raise harness.CheckFailed(f"expected one {kind} {name or ''}, found {len(found)}")
        return found[0]

    def secret_example(self) -> Resource:
        secret: Resource = yaml.safe_load((self.project / SECRET_EXAMPLE).read_text())
        return secret

    def environment(self, secrets: dict[str, str]) -> dict[str, str]:
        """What the pods' envFrom gives them: the ConfigMap, then the Secret (given here, as the
        team creates it; its keys must be the example's)."""
        expected = set(self.secret_example()["stringData"])
        if set(secrets) != expected:
            raise harness.CheckFailed(f"the Secret needs exactly {sorted(expected)}")
        data: dict[str, str] = self.one("ConfigMap")["data"]
        return {**data, **secrets}


@dataclass(frozen=True)
class Pod:
    spec: Resource

    @classmethod
    def of(cls, workload: Resource) -> Pod:
        spec: Resource = workload["spec"]["template"]["spec"]
        return cls(spec)

    def container(self, name: str) -> Resource:
        for container in [*self.spec.get("initContainers", []), *self.spec["containers"]]:
            if container["name"] == name:
                found: Resource = container
                return found
        raise harness.CheckFailed(f"the pod has no container {name}")

    def engine_flags(self, container: Resource, engine: str) -> list[str]:
        """`docker run`/`podman run` flags for the user, filesystem and capabilities the pod
        gives this container."""
        pod_context = self.spec.get("securityContext", {})
        context = {**pod_context, **container.get("securityContext", {})}
        flags = ["--user", f"{context['runAsUser']}:{context.get('runAsGroup', 0)}"]
        if context.get("readOnlyRootFilesystem"):
            flags.append("--read-only")
            if engine == "podman":
                # Podman would add writable /tmp, /var/tmp and /run; a pod has only its volumes.
                flags.append("--read-only-tmpfs=false")
        if context.get("allowPrivilegeEscalation") is False:
            flags += ["--security-opt", "no-new-privileges"]
        for capability in context.get("capabilities", {}).get("drop", []):
            flags += ["--cap-drop", capability]
        scratch = {v["name"] for v in self.spec.get("volumes", []) if "emptyDir" in v}
        for mount in container.get("volumeMounts", []):
            if mount["name"] not in scratch:
                raise harness.CheckFailed(f"no stand-in for the volume {mount['name']}")
            flags += ["--tmpfs", mount["mountPath"]]
        return flags


def shell_wait_check(command: list[str]) -> list[str]:
    """The check inside `sh -c 'until CHECK; do ...; done'`: run alone, it answers at once."""
    if command[:2] != ["sh", "-c"] or not (match := re.match(r"until (.+?); do", command[2])):
        raise harness.CheckFailed(f"not a wait loop: {command}")
    return shlex.split(match.group(1))
