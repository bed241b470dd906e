"""The recorded decision survives `copier update`: answers stay, the record is never rewritten."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import new as new_module
from generator import store
from generator.cli import cli


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def test_decision_and_answers_survive_a_template_update(
    template: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A private, tagged copy of the template, so the test can release a "v2" of it.
    source = workdir.parent / "template"
    shutil.copytree(template, source, ignore=shutil.ignore_patterns(".git", ".venv", "*cache*"))
    git(source, "init", "-q")
    git(source, "add", "-A")
    git(source, "commit", "-qm", "v1")
    git(source, "tag", "v1.0.0")
    monkeypatch.setattr(new_module, "template_root", lambda: source)
    monkeypatch.setattr(store, "template_root", lambda: source)

    result = CliRunner().invoke(cli, ["new", "shop", "--yes", "--kind", "cms", "--security"])
    assert result.exit_code == 0, result.output
    project = workdir / "shop"
    record = project / "docs/decisions/0001-web-framework.md"
    before_record = record.read_text()
    before_answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert before_answers["_commit"] == "v1.0.0"

    # v2 rewords the decision record template and the README.
    decision = source / "templates/_shared/decision.md.jinja"
    decision.write_text(decision.read_text().replace("## Context", "## Background"))
    readme = source / "templates/_shared/README.md.jinja"
    readme.write_text(readme.read_text() + "\nTemplate v2 was here.\n")
    git(source, "commit", "-qam", "v2")
    git(source, "tag", "v2.0.0")

    import copier

    copier.run_update(
        str(project), defaults=True, overwrite=True, quiet=True, settings=copier.Settings()
    )
    after_answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert after_answers["_commit"] == "v2.0.0"
    assert "Template v2 was here." in (project / "README.md").read_text()
    assert record.read_text() == before_record
    assert {k: v for k, v in after_answers.items() if k != "_commit"} == {
        k: v for k, v in before_answers.items() if k != "_commit"
    }
    assert "SECRET_KEY=change-me" not in (project / ".env").read_text()
