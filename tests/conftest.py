"""Shared fixtures: a CLI runner, the template root, a scratch working directory."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from generator.template import template_root


@pytest.fixture(scope="session")
def template() -> Path:
    return template_root()


@pytest.fixture(scope="session")
def default_template_dir(template: Path) -> Path:
    """pytest-copie renders the real template, not a copy."""
    return template


@pytest.fixture(scope="session")
def plain_template(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template's files outside git: a checkout with changes would be rendered through a
    fresh commit each time, whose id lands in the answers file."""
    copy = tmp_path_factory.mktemp("template")
    shutil.copy2(template / "copier.yml", copy)
    shutil.copytree(
        template / "templates", copy / "templates", ignore=shutil.ignore_patterns("__pycache__")
    )
    return copy


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty current directory outside any git repository, with a known git identity."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    (tmp_path / "gitconfig").write_text(
        "[user]\n\tname = Test Author\n\temail = test@example.com\n"
    )
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield work


def tree(root: Path) -> set[str]:
    """Every path below root, relative, as POSIX strings (empty set when root is absent)."""
    if not root.exists():
        return set()
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


_COMPILE_ALL = (
    "import sys\nfor f in sys.argv[1:]:\n    compile(open(f, encoding='utf-8').read(), f, 'exec')\n"
)


@functools.cache
def project_python() -> str:
    """An interpreter as new as the generated projects need (3.12+), to compile their code."""
    if sys.version_info >= (3, 12):
        return sys.executable
    import harness

    found = subprocess.run(
        ["uv", "python", "find", ">=3.12"], env=harness.tool_env(), capture_output=True, text=True
    ).stdout.strip()
    if not found:
        harness.missing("compiling the generated code needs a Python 3.12 or newer")
    return found


def parse_tree(root: Path) -> None:
    """Compile every Python file (as the project's Python would) and parse TOML, YAML, JSON."""
    sources = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            sources.append(str(path))
        elif path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix in {".yml", ".yaml"}:
            yaml.safe_load(text)
        elif path.suffix == ".json":
            json.loads(text)
    result = subprocess.run(
        [project_python(), "-c", _COMPILE_ALL, *sources], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def all_files_text(root: Path) -> str:
    chunks = []
    for path in root.rglob("*"):
        if path.is_file() and ".git" not in path.relative_to(root).parts:
            chunks.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(chunks)


os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")


def pytest_report_header(config: pytest.Config) -> str:
    from starters import matrix

    projects, note = matrix()
    return note or f"option matrix: {len(projects)} projects, the full product"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep every check of one generated project on one xdist worker (it owns the venv)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None:
            continue
        for owner in ("built", "variant"):
            if owner in callspec.params:
                item.add_marker(pytest.mark.xdist_group(f"{owner}-{callspec.params[owner].id}"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line per generated project: each check and its seconds, failures marked."""
    rows: dict[str, list[str]] = {}
    for outcome in ("passed", "failed", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            for key, value in getattr(report, "user_properties", []):
                if key == "fwgen_check":
                    project, check, seconds = value
                    mark = "" if outcome == "passed" else "!"
                    rows.setdefault(project, []).append(f"{check}{mark} {seconds:.1f}s")
                elif key == "fwgen_figure":
                    project, label, figure = value
                    rows.setdefault(project, []).append(f"{label} {figure}")
    if rows:
        terminalreporter.section("generated projects (check seconds)")
        for project in sorted(rows):
            terminalreporter.write_line(f"{project:<28} " + ", ".join(rows[project]))
