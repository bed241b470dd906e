"""fwgen's own code meets the bar it sets for the projects it generates: ruff and mypy clean."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import harness

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "command",
    [("ruff", "check", "."), ("ruff", "format", "--check", "."), ("mypy",)],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_fwgen_itself_is_clean(command: tuple[str, ...]) -> None:
    tool, *args = command
    result = subprocess.run(
        [harness.require(tool), *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_gitrepo_runs_git() -> None:
    """One module speaks to git (and so to subprocesses): the rest call it."""
    package = Path(__file__).resolve().parents[1] / "generator"
    runners = {
        path.name
        for path in package.glob("*.py")
        if "subprocess" in path.read_text() or '"git"' in path.read_text()
    }
    assert runners == {"gitrepo.py"}
