"""The projects `fwgen new` creates pass their own lint, types and tests (slow)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli

from harness import require, run, uv_sync

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("framework", "kind"), [("fastapi", "api"), ("django", "cms"), ("flask", "prototype")]
)
def test_generated_project_passes_its_own_checks(workdir: Path, framework: str, kind: str) -> None:
    result = CliRunner().invoke(cli, ["new", "demo", "--yes", "--kind", kind])
    assert result.exit_code == 0, result.output
    project = workdir / "demo"
    assert f"framework: {framework}" in (project / ".copier-answers.yml").read_text()
    uv_sync(project, "3.13")
    uv = require("uv")
    run([uv, "run", "ruff", "check", "."], project)
    run([uv, "run", "ruff", "format", "--check", "."], project)
    run([uv, "run", "mypy"], project)
    tests = run([uv, "run", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert " passed" in tests.stdout
