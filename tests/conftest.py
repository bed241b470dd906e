"""Shared fixtures: a CLI runner, the template root, a scratch working directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.template import template_root


@pytest.fixture(scope="session")
def template() -> Path:
    return template_root()


@pytest.fixture(scope="session")
def default_template_dir(template: Path) -> Path:
    """pytest-copie renders the real template, not a copy."""
    return template


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


def all_files_text(root: Path) -> str:
    chunks = []
    for path in root.rglob("*"):
        if path.is_file() and ".git" not in path.relative_to(root).parts:
            chunks.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(chunks)


os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")
