"""Rendering the template itself (pytest-copie): each tree renders complete, parseable files."""

from __future__ import annotations

import ast
import itertools
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.knowledge import FRAMEWORKS
from generator.naming import MAX_LENGTH
from generator.questions import check_consistency

from conftest import parse_tree


def render(copie: Any, **answers: Any) -> Path:
    result = copie.copy(extra_answers={"project_name": "demo", **answers})
    assert result.exit_code == 0, result.exception
    project: Path = result.project_dir
    return project


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_tree_renders_complete_and_parseable(copie: Any, framework: str) -> None:
    project = render(copie, framework=framework)
    files = [p for p in project.rglob("*") if p.is_file()]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not path.name.endswith(".jinja"), path
        # Page and email templates hold Django/Jinja syntax as content; static assets are
        # copied verbatim.
        verbatim = (path.suffix in (".html", ".txt") and "templates" in path.parts) or (
            "static" in path.parts
        )
        if not verbatim:
            assert "{{" not in text and "{%" not in text, f"unrendered Jinja in {path}"
        if text:  # empty placeholders (.gitkeep) aside, files end with exactly one newline
            assert text.endswith("\n") and not text.endswith("\n\n"), f"bad ending: {path}"
    parse_tree(project)
    names = {p.relative_to(project).as_posix() for p in files}
    shared = {
        "README.md",
        "Dockerfile",
        "compose.yaml",
        ".dockerignore",
        ".env.example",
        ".gitignore",
        ".gitattributes",
        ".pre-commit-config.yaml",
        ".github/workflows/ci.yml",
        "Makefile",
        "pyproject.toml",
        "mkdocs.yml",
        "LICENSE",
        "docs/index.md",
        "docs/decisions/0001-web-framework.md",
        ".copier-answers.yml",
        ".github/dependabot.yml",
        ".python-version",
        "uv.lock",
    }
    assert shared <= names


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_makefile_has_the_shared_targets(copie: Any, framework: str) -> None:
    makefile = (render(copie, framework=framework) / "Makefile").read_text()
    targets = ("install", "dev", "test", "lint", "format", "typecheck", "migrate", "docs", "db")
    for target in targets:
        assert f"\n{target}:\n\t" in makefile
    assert "\n    " not in makefile.split(".PHONY", 1)[1]  # recipes are tab-indented


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_env_example_lists_every_setting(copie: Any, framework: str) -> None:
    text = (render(copie, framework=framework) / ".env.example").read_text()
    names = {ln.split("=", 1)[0] for ln in text.splitlines() if "=" in ln and ln[0] != "#"}
    assert names == {
        "SECRET_KEY",
        "DATABASE_URL",
        "DEBUG",
        "ALLOWED_HOSTS",
        "CORS_ORIGINS",
        "ACCESS_TOKEN_TTL",
        "REFRESH_TOKEN_TTL",
        "LOG_LEVEL",
        "MAX_REQUEST_BYTES",
        "WEB_CONCURRENCY",
        "PORT",
        "EMAIL_URL",
        "EMAIL_FROM",
        "PUBLIC_URL",
        "PASSWORD_RESET_TTL",
        "EMAIL_VERIFICATION_TTL",
        "EMAIL_VERIFICATION_GRACE",
        "SENTRY_DSN",
        "SENTRY_ENVIRONMENT",
        "SENTRY_RELEASE",
        "METRICS_PORT",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_SERVICE_NAME",
        "FORWARDED_ALLOW_IPS",
        "DOMAIN",
        *(
            ["DATABASE_CONN_MAX_AGE"]
            if framework == "django"
            else ["DATABASE_POOL_SIZE", "DATABASE_MAX_OVERFLOW"]
        ),
    }
    assert "SECRET_KEY=change-me" in text


def test_answers_file_stores_answers_not_computed_values(copie: Any) -> None:
    project = render(copie, framework="flask", kind="api")
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["kind"] == "api" and answers["framework"] == "flask"
    for computed in ("project_slug", "dist_name", "realtime", "fwgen_decision"):
        assert computed not in answers


def test_plain_copier_copy_records_a_manual_decision(copie: Any) -> None:
    record = render(copie, framework="django") / "docs/decisions/0001-web-framework.md"
    assert "chosen directly in the template questionnaire" in record.read_text()


@pytest.mark.parametrize(
    ("license_id", "marker"),
    [
        ("MIT", "MIT License"),
        ("Apache-2.0", "Apache License"),
        ("BSD-3-Clause", "BSD 3-Clause License"),
        ("Proprietary", "All rights reserved"),
    ],
)
def test_every_license_renders(copie: Any, license_id: str, marker: str) -> None:
    project = render(copie, framework="flask", license=license_id)
    assert marker in (project / "LICENSE").read_text()
    expression = tomllib.loads((project / "pyproject.toml").read_text())["project"]["license"]
    assert expression == ("LicenseRef-Proprietary" if license_id == "Proprietary" else license_id)


def test_python_version_reaches_the_image_and_the_project(copie: Any) -> None:
    project = render(copie, framework="fastapi", python_version="3.12")
    assert "FROM python:3.12-slim AS build" in (project / "Dockerfile").read_text()
    assert 'requires-python = ">=3.12"' in (project / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.12"' in (project / "uv.lock").read_text()
    assert (project / ".python-version").read_text() == "3.12\n"


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_readme_lists_the_websocket_only_where_the_app_has_one(copie: Any, framework: str) -> None:
    module = {
        "fastapi": "app/api/v1/ws.py",
        "flask": "demo/ws.py",
        "django": "demo/items/consumers.py",
    }
    for kind, has_socket in (("realtime", True), ("web-app", False)):
        project = render(copie, framework=framework, kind=kind)
        readme = (project / "README.md").read_text()
        assert ("`WS /api/v1/ws/items" in readme) == has_socket
        assert (project / module[framework]).is_file() == has_socket


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_postgresql_answer_wires_the_database_for_development(copie: Any, framework: str) -> None:
    project = render(copie, framework=framework, database="postgresql")
    readme = (project / "README.md").read_text()
    url = "postgresql://demo:demo@localhost:5432/demo"
    assert f"DATABASE_URL={url}" in (project / ".env.example").read_text()
    assert f"`{url}`" in readme and "## The database" in readme
    assert "CREATE ROLE demo LOGIN CREATEDB PASSWORD 'demo'" in readme
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    # The stack publishes no database port (it must start beside a local PostgreSQL); the
    # development override does, for `make db`.
    assert "ports" not in compose["services"]["db"]
    dev = yaml.safe_load((project / "compose.dev.yaml").read_text())
    assert dev["services"]["db"]["ports"] == ["127.0.0.1:${DB_PORT:-5432}:5432"]
    assert "## The database" not in (render(copie, framework=framework) / "README.md").read_text()


def test_copier_questions_match_the_recommender_criteria(template: Path) -> None:
    assert check_consistency(template) == []


@pytest.mark.parametrize("kind", ["web-app", "realtime"])
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_security_doc_names_only_tests_that_exist(copie: Any, framework: str, kind: str) -> None:
    project = render(copie, framework=framework, kind=kind)
    doc = (project / "docs" / "security.md").read_text()
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", doc)
    assert len(named) >= 20, doc
    for path, test in named:
        tree = ast.parse((project / path).read_text())
        defined = {
            n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        assert test in defined, f"docs/security.md names {path}::{test}, which does not exist"
    nav = yaml.safe_load((project / "mkdocs.yml").read_text())["nav"]
    assert {"Security": "security.md"} in nav


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_the_longest_name_allowed_lints_and_formats_clean(copie: Any, framework: str) -> None:
    """A long project name lands inside imports, dotted paths and argument lists: the first
    commit must still pass its own `ruff check` and `ruff format --check`."""
    longest = ("a-name-as-long-as-fwgen-allows-" + "x" * MAX_LENGTH)[:MAX_LENGTH]
    # A name of middling length catches a line that only just overflows, which the formatter
    # wraps (the longest name makes it too long to fit either way, and it is left alone).
    middling = "a-project-name-of-middling-length-xyz"
    # With every option that adds code, so the name lands in all of it (a worker and the
    # serverless entry point exclude each other: one render each). "zulu" sorts after
    # `config` and `tests`, which the package's imports sit beside.
    options = {"admin": True, "kind": "realtime"}
    for name, deployed in itertools.product(
        (longest, middling, "zulu"), ({"deploy": "serverless"}, {"worker": "celery"})
    ):
        project = render(copie, project_name=name, framework=framework, **options, **deployed)
        ruff = [sys.executable, "-m", "ruff"]  # one of fwgen's development dependencies
        for args in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
            done = subprocess.run([*ruff, *args], cwd=project, capture_output=True, text=True)
            assert done.returncode == 0, done.stdout + done.stderr
