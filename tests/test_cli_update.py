"""`fwgen update` and `fwgen check` refusals, through the CLI, without wheels (fast)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.errors import UsageError
from generator.update import Project, _name_deletions, answer_changes, find_conflicts


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_update_needs_an_answers_file(workdir: Path) -> None:
    code, output = invoke("update")
    assert code == 1
    assert "no .copier-answers.yml" in output
    assert "Traceback" not in output


def test_check_refuses_a_project_not_made_by_fwgen(workdir: Path) -> None:
    (workdir / ".copier-answers.yml").write_text("_src_path: gh:a/b\n_commit: v1.0.0\n")
    code, output = invoke("check", "--json")
    assert code == 1
    assert "not made by fwgen" in output


def test_update_refuses_a_project_from_a_development_template(workdir: Path) -> None:
    assert invoke("new", "shop", "--yes", "--framework", "flask")[0] == 0
    code, output = invoke("update", "shop")
    assert code == 1
    assert "development copy" in output


def test_update_refuses_unknown_conflict_modes(workdir: Path) -> None:
    code, output = invoke("update", "--conflict", "theirs")
    assert code == 2
    assert "theirs" in output


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_conflicts_are_found_by_markers_and_rej_files(workdir: Path) -> None:
    git(workdir, "init", "-q")
    for name in ("clean.txt", "merged.txt"):
        (workdir / name).write_text("one\n")
    git(workdir, "add", "-A")
    git(workdir, "commit", "-qm", "base")
    (workdir / "clean.txt").write_text("one\ntwo\n")
    (workdir / "merged.txt").write_text("<<<<<<< before updating\nx\n=======\ny\n>>>>>>> after\n")
    (workdir / "Makefile.rej").write_text("@@ -1 +1 @@\n")
    assert find_conflicts(workdir) == ["Makefile.rej", "merged.txt"]


def project_with(answers: dict[str, object], root: Path) -> Project:
    return Project(root, {"_commit": "v1.0.0", "project_name": "blog", **answers})


def test_data_changes_answers_as_new_checks_them(tmp_path: Path) -> None:
    project = project_with({"framework": "django", "admin": False, "database": "sqlite"}, tmp_path)
    assert answer_changes(project, {"admin": "yes", "database": "sqlite"}) == {"admin": True}
    for data, problem in (
        ({"admin": "maybe"}, "admin takes yes or no"),
        ({"database": "oracle"}, "database takes one of"),
        ({"framework": "flask"}, "with --framework"),
        ({"project_name": "shop"}, "cannot change"),
        ({"realtime": "true"}, "unknown answer 'realtime'"),
    ):
        with pytest.raises(UsageError, match=problem):
            answer_changes(project, data)


def test_an_update_that_drops_an_answers_files_says_how_to_keep_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A Django project made when its admin came whatever the answer keeps it on request."""
    made = {"project_name": "blog", "admin": False}
    _name_deletions(["blog/users/admin.py", "tests/test_admin.py"], made, "django")
    said = capsys.readouterr().out
    assert "removes 2 file(s)" in said and "  blog/users/admin.py" in said
    assert "to keep them: fwgen update --data admin=yes" in said

    _name_deletions(["blog/users/admin.py"], {**made, "admin": True}, "django")
    assert "to keep them" not in capsys.readouterr().out
    _name_deletions([".gitattributes"], made, "django")
    assert "to keep them" not in capsys.readouterr().out
