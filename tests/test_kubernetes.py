"""Every starter's Kubernetes manifests: rendered by kustomize, valid against the API's schemas,
and consistent with the image, compose.yaml and .env.example they deploy. The image running
under the pod's own security settings is proven in test_containers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.knowledge import FRAMEWORKS

import harness
from pods import Manifests, Pod

# Compose has no TLS in front of the app, so Django's redirect to https is off there; behind the
# Ingress it stays on.
COMPOSE_ONLY = {"SECURE_SSL_REDIRECT"}
SECRET_NAMES = {"SECRET_KEY", "DATABASE_URL", "EMAIL_URL"}


# Each starter with its defaults, and FastAPI's realtime kind, whose pods also need Redis, and
# with the worker, whose Deployments join the web one.
PROJECTS = [
    *({"framework": f} for f in FRAMEWORKS),
    {"framework": "fastapi", "kind": "realtime"},
    {"framework": "django", "worker": "celery"},
]


@pytest.fixture(scope="module", params=PROJECTS, ids=lambda a: "-".join(a.values()))
def project(request: pytest.FixtureRequest, copie_session: Any) -> Path:
    result = copie_session.copy(extra_answers={"project_name": "demo", **request.param})
    assert result.exit_code == 0, result.exception
    path: Path = result.project_dir
    return path


def test_manifests_render_and_validate(project: Path, tmp_path: Path) -> None:
    manifests = Manifests.render(project)
    manifests.validate(tmp_path)
    kinds = sorted(r["kind"] for r in manifests.resources)
    workers = ["Deployment"] * 2 if "worker" in harness.compose_services(project) else []
    assert kinds == [
        "ConfigMap", "Deployment", *workers, "HorizontalPodAutoscaler", "Ingress", "Job",
        "PodDisruptionBudget", "Service",
    ]  # fmt: skip


def test_every_pod_runs_as_the_image_user_read_only_with_limits(project: Path) -> None:
    manifests = Manifests.render(project)
    dockerfile = (project / "Dockerfile").read_text()
    assert "USER 10001:10001" in dockerfile
    for workload in (r for r in manifests.resources if r["kind"] in ("Deployment", "Job")):
        pod = Pod.of(workload)
        context = pod.spec["securityContext"]
        assert context["runAsNonRoot"] is True and context["runAsUser"] == 10001
        assert pod.spec["automountServiceAccountToken"] is False
        for container in [*pod.spec.get("initContainers", []), *pod.spec["containers"]]:
            own = container["securityContext"]
            assert own["readOnlyRootFilesystem"] is True
            assert own["allowPrivilegeEscalation"] is False
            assert own["capabilities"]["drop"] == ["ALL"]
            for bound in ("requests", "limits"):
                assert set(container["resources"][bound]) == {"cpu", "memory"}, container["name"]
            # kustomization.yaml's `images` renames exactly this one image.
            assert container["image"].startswith("registry.example.com/demo:")


def test_the_web_pod_is_probed_and_reached_where_the_app_listens(project: Path) -> None:
    manifests = Manifests.render(project)
    deployment = manifests.one("Deployment", "demo")
    pod = Pod.of(deployment)
    web = pod.container("web")
    assert web["livenessProbe"]["httpGet"]["path"] == "/health"
    assert web["readinessProbe"]["httpGet"]["path"] == "/ready"
    port = web["ports"][0]
    assert "EXPOSE 8000" in (project / "Dockerfile").read_text()
    assert port == {"name": "http", "containerPort": 8000}
    assert manifests.one("ConfigMap")["data"]["PORT"] == "8000"
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"] == labels
    service = manifests.one("Service")
    assert service["spec"]["selector"] == labels
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    backend = manifests.one("Ingress")["spec"]["rules"][0]["http"]["paths"][0]["backend"]
    assert backend["service"] == {"name": service["metadata"]["name"], "port": {"name": "http"}}
    target = manifests.one("HorizontalPodAutoscaler")["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert "replicas" not in deployment["spec"], "the autoscaler owns the replica count"
    assert manifests.one("PodDisruptionBudget")["spec"]["selector"]["matchLabels"] == labels


def test_migrations_run_once_before_the_new_version_serves(project: Path) -> None:
    manifests = Manifests.render(project)
    job = Pod.of(manifests.one("Job")).container("migrate")
    assert job["command"] == harness.compose_migrate_command(project)
    wait = Pod.of(manifests.one("Deployment", "demo")).container("wait-for-migrations")
    assert wait["command"][:2] == ["sh", "-c"] and wait["command"][2].startswith("until ")
    assert (
        wait["image"]
        == job["image"]
        == Pod.of(manifests.one("Deployment", "demo")).container("web")["image"]
    )


def test_settings_have_the_names_compose_and_env_example_use(project: Path) -> None:
    manifests = Manifests.render(project)
    config = set(manifests.one("ConfigMap")["data"])
    secret = manifests.secret_example()
    known = harness.env_example_names(project)
    # A Redis URL carries its password.
    secrets = SECRET_NAMES | ({"REDIS_URL"} & known)
    assert set(secret["stringData"]) == secrets
    assert not config & secrets, "secrets belong in the Secret, not the ConfigMap"
    assert config | secrets <= known, (config | secrets) - known
    compose = set(harness.compose_service(project, "app")["environment"])
    assert compose - COMPOSE_ONLY <= config | secrets
    pod = Pod.of(manifests.one("Deployment", "demo"))
    for container in [*pod.spec["initContainers"], *pod.spec["containers"]]:
        sources = container["envFrom"]
        assert sources == [
            {"configMapRef": {"name": manifests.one("ConfigMap")["metadata"]["name"]}},
            {"secretRef": {"name": secret["metadata"]["name"]}},
        ]


def test_the_worker_and_scheduler_run_what_compose_runs(project: Path) -> None:
    if "worker" not in harness.compose_services(project):
        pytest.skip("a project without the worker option")
    manifests = Manifests.render(project)
    for name in ("worker", "beat"):
        deployment = manifests.one("Deployment", f"demo-{name}")
        pod = Pod.of(deployment)
        assert pod.container(name)["command"] == harness.compose_service(project, name)["command"]
        assert pod.container("wait-for-migrations")
    beat = manifests.one("Deployment", "demo-beat")["spec"]
    # Two schedulers would queue every job twice, even for a moment during an update.
    assert beat["replicas"] == 1 and beat["strategy"] == {"type": "Recreate"}
    targets = {
        r["spec"]["scaleTargetRef"]["name"]
        for r in manifests.resources
        if r["kind"] == "HorizontalPodAutoscaler"
    }
    assert targets == {"demo"}
