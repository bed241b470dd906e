"""`fwgen new` off a terminal: every flag path and every error, with what was written."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import render
from generator.cli import cli
from generator.knowledge import load

from conftest import all_files_text, tree


def new(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["new", *args])
    return result.exit_code, result.output


def git(project: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, check=True
    ).stdout


def answers(project: Path) -> dict[str, object]:
    loaded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


# ---- success paths ------------------------------------------------------------------------


def test_yes_with_a_criterion_creates_a_committed_project(runner: CliRunner, workdir: Path) -> None:
    code, out = new(runner, "demo", "--yes", "--kind", "api")
    assert code == 0, out
    project = workdir / "demo"
    recorded = answers(project)
    assert recorded["framework"] == "fastapi"
    assert recorded["kind"] == "api"
    assert recorded["project_name"] == "demo"
    assert Path(str(recorded["_src_path"])).is_absolute()
    # One commit with everything but the secrets file.
    assert len(git(project, "log", "--oneline").splitlines()) == 1
    assert git(project, "status", "--porcelain") == ""
    tracked = git(project, "ls-files").splitlines()
    assert ".env" not in tracked and ".env.example" in tracked
    # Next steps come from the project's Makefile.
    assert "cd demo" in out and "uv sync" in out and "uv run pytest" in out
    assert "docker compose" not in out  # SQLite needs no server


def test_next_steps_start_postgresql_before_migrating(runner: CliRunner, workdir: Path) -> None:
    code, out = new(runner, "pg", "--yes", "--framework", "flask", "--data", "database=postgresql")
    assert code == 0, out
    steps = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    db = "docker compose -f compose.yaml -f compose.dev.yaml up --detach --wait db"
    assert steps[:3] == ["cd pg", "uv sync", db]
    assert steps[3] == "uv run flask --app pg db upgrade"


def test_secret_is_fresh_private_and_only_in_dot_env(runner: CliRunner, workdir: Path) -> None:
    for name in ("one", "two"):
        assert new(runner, name, "--yes")[0] == 0
    secrets = []
    for name in ("one", "two"):
        env = workdir / name / ".env"
        assert stat.S_IMODE(env.stat().st_mode) == 0o600
        (line,) = [ln for ln in env.read_text().splitlines() if ln.startswith("SECRET_KEY=")]
        secret = line.split("=", 1)[1]
        assert len(secret) >= 50 and secret != "change-me"
        secrets.append(secret)
        tracked_text = "\n".join(
            (workdir / name / f).read_text(errors="replace")
            for f in git(workdir / name, "ls-files").splitlines()
        )
        assert secret not in tracked_text
        assert secret not in (workdir / name / ".copier-answers.yml").read_text()
    assert secrets[0] != secrets[1]


def test_decision_record_holds_answers_reasons_and_sources(
    runner: CliRunner, workdir: Path
) -> None:
    assert new(runner, "mysite", "--yes", "--kind", "cms", "--security")[0] == 0
    record = (workdir / "mysite" / "docs/decisions/0001-web-framework.md").read_text()
    assert "# 1. Web framework: Django" in record
    assert "| What are we building? | cms |" in record
    assert "| Security the top priority | yes |" in record
    assert "It is what fwgen recommended" in record
    assert "Comparing Django, Flask, and FastAPI as Python Web Frameworks" in record


def test_framework_override_is_recorded_against_the_recommendation(
    runner: CliRunner, workdir: Path
) -> None:
    code, _ = new(runner, "svc", "--yes", "--kind", "cms", "--framework", "flask")
    assert code == 0
    assert answers(workdir / "svc")["framework"] == "flask"
    record = (workdir / "svc" / "docs/decisions/0001-web-framework.md").read_text()
    assert "fwgen put **Django** first" in record and "the team chose Flask" in record


def test_every_answer_from_flags_and_data_needs_no_yes(runner: CliRunner, workdir: Path) -> None:
    code, out = new(
        runner,
        "full",
        "--framework",
        "django",
        "--data",
        "description=Blog engine",
        "--data",
        "author_name=Ada",
        "--data",
        "author_email=ada@example.com",
        "--data",
        "python_version=3.12",
        "--data",
        "license=BSD-3-Clause",
        "--data",
        "database=postgresql",
        "--data",
        "worker=celery",
    )
    assert code == 0, out
    recorded = answers(workdir / "full")
    assert recorded["worker"] == "celery"
    assert recorded["description"] == "Blog engine"
    assert recorded["python_version"] == "3.12"
    assert "BSD 3-Clause" in (workdir / "full" / "LICENSE").read_text()
    assert "postgresql://" in (workdir / "full" / ".env").read_text()


def test_answers_file_is_read_and_flags_win(runner: CliRunner, workdir: Path) -> None:
    source = workdir.parent / "answers.yml"
    source.write_text(
        "_src_path: /elsewhere\nkind: realtime\nframework: flask\ndescription: From file\n"
    )
    code, out = new(runner, "rt", "--yes", "--answers-file", str(source), "--framework", "fastapi")
    assert code == 0, out
    recorded = answers(workdir / "rt")
    assert (recorded["kind"], recorded["framework"]) == ("realtime", "fastapi")
    assert recorded["description"] == "From file"
    assert recorded["_src_path"] != "/elsewhere"


def test_a_projects_own_answers_file_replays(runner: CliRunner, workdir: Path) -> None:
    """The --help example: `--answers-file other/.copier-answers.yml`, as fwgen wrote it."""
    code, out = new(runner, "other", "--yes", "--kind", "api", "--data", "description=Orders")
    assert code == 0, out
    code, out = new(runner, "again", "--yes", "--answers-file", "other/.copier-answers.yml")
    assert code == 0, out
    first, second = answers(workdir / "other"), answers(workdir / "again")
    assert second["project_name"] == "again"
    same = ("kind", "framework", "description", "database", "python_version", "license")
    assert {k: second[k] for k in same} == {k: first[k] for k in same}


def test_output_directory(runner: CliRunner, workdir: Path) -> None:
    code, out = new(runner, "demo", "--yes", "--output", "nested/place")
    assert code == 0, out
    assert (workdir / "nested/place/.copier-answers.yml").is_file()
    assert "cd nested/place" in out


def test_no_git(runner: CliRunner, workdir: Path) -> None:
    code, out = new(runner, "plain", "--yes", "--no-git")
    assert code == 0
    assert not (workdir / "plain/.git").exists()
    assert "Skipped git init: --no-git" in out


def test_git_init_is_skipped_inside_an_existing_repository(
    runner: CliRunner, workdir: Path
) -> None:
    subprocess.run(["git", "init", "-q"], cwd=workdir, check=True)
    code, out = new(runner, "inner", "--yes")
    assert code == 0
    assert not (workdir / "inner/.git").exists()
    assert "already inside a git repository" in out


def test_dry_run_writes_nothing_and_lists_the_files(runner: CliRunner, workdir: Path) -> None:
    code, out = new(runner, "preview", "--yes", "--kind", "api", "--async", "--dry-run")
    assert code == 0, out
    assert tree(workdir) == set()
    assert "Recommended: FastAPI" in out
    assert "app/main.py" in out and ".env" in out


def test_force_writes_into_a_non_empty_directory_and_keeps_other_files(
    runner: CliRunner, workdir: Path
) -> None:
    target = workdir / "existing"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    (target / ".env").write_text("SECRET_KEY=the-team-secret\n")
    code, out = new(runner, "existing", "--yes", "--force")
    assert code == 0, out
    assert (target / "notes.txt").read_text() == "mine"
    assert (target / ".env").read_text() == "SECRET_KEY=the-team-secret\n"
    assert (target / "README.md").is_file() and "Replaced" not in out
    assert "notes.txt" not in git(target, "ls-files")


def test_force_never_replaces_a_file_that_differs_unless_asked(
    runner: CliRunner, workdir: Path
) -> None:
    target = workdir / "existing"
    target.mkdir()
    (target / "README.md").write_text("our own readme")
    before = tree(target)
    code, out = new(runner, "existing", "--yes", "--force")
    assert code == 1
    assert "differ from what fwgen writes (README.md)" in out and "--overwrite" in out
    assert tree(target) == before and (target / "README.md").read_text() == "our own readme"
    assert [p for p in workdir.iterdir() if p.name.startswith(".existing.fwgen-")] == []

    code, out = new(runner, "existing", "--yes", "--force", "--overwrite")
    assert code == 0, out
    assert "README.md" in out and "FILE.orig" in out
    assert (target / "README.md.orig").read_text() == "our own readme"
    assert "# existing" in (target / "README.md").read_text()
    assert "README.md.orig" not in git(target, "ls-files")


@pytest.mark.parametrize("args", [[".", "--yes"], ["here", "--yes", "-o", "."]])
def test_the_current_directory_is_filled_in_place(
    runner: CliRunner, workdir: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    here = workdir / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    inode = here.stat().st_ino
    code, out = new(runner, *args)
    assert code == 0, out
    # The very directory the shell stands in, not a new one in its place.
    assert here.stat().st_ino == inode and Path.cwd().samefile(here)
    assert answers(here)["project_name"] == "here"
    assert (here / ".git").is_dir() and git(here, "status", "--porcelain") == ""
    assert "cd ." not in out and "uv sync" in out


def test_empty_existing_directory_is_fine(runner: CliRunner, workdir: Path) -> None:
    (workdir / "empty").mkdir()
    assert new(runner, "empty", "--yes")[0] == 0
    assert (workdir / "empty/.git").is_dir()


def test_git_identity_falls_back_to_the_author_answers(
    runner: CliRunner, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir.parent / "gitconfig").write_text("")
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "EMAIL"):
        monkeypatch.delenv(var, raising=False)
    code, out = new(
        runner, "anon", "--yes", "--data", "author_name=Grace", "--data", "author_email=g@x.org"
    )
    assert code == 0, out
    assert git(workdir / "anon", "log", "--format=%an <%ae>").strip() == "Grace <g@x.org>"
    assert "git has no identity here" in out and "git config --global user.email" in out


def test_no_identity_and_no_author_is_reported_with_its_fix(
    runner: CliRunner, workdir: Path
) -> None:
    (workdir.parent / "gitconfig").write_text("")
    result = runner.invoke(cli, ["new", "anon", "--yes"])
    assert result.exit_code == 0, result.output
    warning = result.stderr
    assert "warning: git has no identity here and no author was given" in warning
    assert "Your Name <you@example.com>" in warning and "git config --global user.email" in warning
    assert "--data author_name=" in warning and "the first commit" in warning
    assert "Your Name" in (workdir / "anon" / "LICENSE").read_text()


# ---- errors: exit code, one-line message, nothing written -----------------------------------


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["json", "--yes"], 2, "shadow the standard-library module"),
        (["class", "--yes"], 2, "try 'class_project'"),
        (["ok"], 2, "missing answer for --kind"),
        (["ok", "--kind", "api"], 2, "missing answer for --scale"),
        (["ok", "--framework", "flask"], 2, "missing answer for --data description=..."),
        (["ok", "--yes", "--data", "colour=blue"], 2, "unknown answer 'colour'"),
        (["ok", "--yes", "--data", "nonsense"], 2, "--data takes KEY=VALUE"),
        (["ok", "--yes", "--data", "project_name=x"], 2, "project_name comes from NAME"),
        (["ok", "--yes", "--data", "author_email=nope"], 2, "an email address like"),
        (["ok", "--yes", "--data", "python_version=2.7"], 2, "python_version takes one of"),
        (["ok", "--yes", "--data", "kind=spaceship"], 2, "kind takes one of"),
        (["ok", "--yes", "--data", "admin=maybe"], 2, "admin takes yes or no"),
        (["ok", "--yes", "--answers-file", "missing.yml"], 2, "cannot read answers file"),
        (["ok", "--yes", "--kind", "nope"], 2, "Invalid value for '--kind'"),
        (["ok", "--yes", "--framework", "rails"], 2, "Invalid value for '--framework'"),
    ],
)
def test_bad_input_fails_cleanly(
    runner: CliRunner, workdir: Path, args: list[str], code: int, message: str
) -> None:
    exit_code, out = new(runner, *args)
    assert exit_code == code, out
    assert message in out
    assert "Traceback" not in out
    assert tree(workdir) == set()


@pytest.mark.parametrize(
    ("content", "message"),
    [("kind: [unclosed", "is not valid YAML"), ("- a\n- b\n", "must hold a mapping")],
)
def test_bad_answers_file(runner: CliRunner, workdir: Path, content: str, message: str) -> None:
    path = workdir.parent / "answers.yml"
    path.write_text(content)
    exit_code, out = new(runner, "ok", "--yes", "--answers-file", str(path))
    assert exit_code == 2 and message in out
    assert tree(workdir) == set()


def test_existing_non_empty_target_is_refused_and_listed(runner: CliRunner, workdir: Path) -> None:
    (workdir / "taken").mkdir()
    (workdir / "taken" / "keep.txt").write_text("x")
    (workdir / "taken" / "src").mkdir()
    exit_code, out = new(runner, "taken", "--yes")
    assert exit_code == 1
    assert "already exists and is not empty (keep.txt, src/)" in out
    assert "--force" in out
    assert tree(workdir) == {"taken", "taken/keep.txt", "taken/src"}


def test_target_that_is_a_file_is_refused(runner: CliRunner, workdir: Path) -> None:
    (workdir / "afile").write_text("x")
    exit_code, out = new(runner, "afile", "--yes")
    assert exit_code == 1 and "is not a directory" in out


def test_ctrl_c_during_render_leaves_nothing(
    runner: CliRunner, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write_env = render.write_env

    def interrupted(project: Path) -> None:
        real_write_env(project)  # the project is fully rendered by now
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "write_env", interrupted)
    exit_code, out = new(runner, "stop", "--yes")
    assert exit_code == 130
    assert "aborted" in out
    assert tree(workdir) == set()


@pytest.fixture
def disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing .env fails after the project was rendered into the staging directory."""

    def broken(project: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(render, "write_env", broken)


def test_keep_on_failure_keeps_the_partial_project(
    runner: CliRunner, workdir: Path, disk_full: None
) -> None:
    exit_code, out = new(runner, "half", "--yes", "--keep-on-failure")
    assert exit_code == 1
    assert "error: OSError: disk full (run with --debug for the traceback)" in out
    assert "kept the partial project in" in out
    (kept,) = [p for p in workdir.iterdir() if p.name.startswith(".half.fwgen-")]
    assert (kept / "project" / "pyproject.toml").is_file()


@pytest.mark.parametrize(
    "args",
    [["--debug", "new", "half", "--yes"], ["new", "half", "--yes", "--debug"]],
    ids=["before-the-command", "after-it"],
)
def test_debug_shows_the_traceback(
    runner: CliRunner, workdir: Path, disk_full: None, args: list[str]
) -> None:
    result = runner.invoke(cli, args)
    assert isinstance(result.exception, OSError)
    assert tree(workdir) == set()


def test_a_closed_pipe_ends_quietly(workdir: Path) -> None:
    """`fwgen new x --yes --dry-run | head -1`: the reader is gone before fwgen writes."""
    child = subprocess.Popen(
        [sys.executable, "-m", "generator", "new", "piped", "--yes", "--dry-run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=workdir,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    complaint = child.stderr.read().decode()
    child.wait(timeout=60)
    assert complaint == ""
    assert tree(workdir) == set()


def test_no_machine_paths_or_secrets_in_the_answers_file(runner: CliRunner, workdir: Path) -> None:
    assert new(runner, "demo", "--yes")[0] == 0
    text = (workdir / "demo" / ".copier-answers.yml").read_text()
    assert "SECRET" not in text.upper().replace("SECURITY", "")
    src = answers(workdir / "demo")["_src_path"]
    assert not str(src).startswith(".")  # a relative path breaks `copier update`
    assert str(workdir) not in all_files_text(workdir / "demo")
    assert os.sep + "work" + os.sep not in text or str(workdir) not in text


def test_decision_record_says_which_answers_were_given(runner: CliRunner, workdir: Path) -> None:
    assert new(runner, "guessed", "--yes")[0] == 0
    record = (workdir / "guessed/docs/decisions/0001-web-framework.md").read_text()
    assert "Nobody answered the questions" in record and "| the team |" not in record
    assert record.count("| fwgen's default |") == len(load().criteria)

    assert new(runner, "told", "--yes", "--kind", "cms")[0] == 0
    record = (workdir / "told/docs/decisions/0001-web-framework.md").read_text()
    assert f"The team answered 1 of the {len(load().criteria)} questions" in record
    assert "| What are we building? | cms | the team |" in record
    assert "| Admin panel for non-developers | yes | implied by an answer |" in record


def test_a_serverless_project_is_not_asked_for_a_worker(runner: CliRunner, workdir: Path) -> None:
    code, out = new(runner, "fn", "--framework", "flask", "--deploy", "serverless", "--yes")
    assert code == 0, out
    assert "worker" not in answers(workdir / "fn")
    assert not (workdir / "fn" / "fn" / "jobs.py").exists()


def test_a_worker_for_a_serverless_project_is_refused(runner: CliRunner, workdir: Path) -> None:
    code, out = new(
        runner,
        "fn",
        "--yes",
        "--framework",
        "flask",
        "--deploy",
        "serverless",
        "--data",
        "worker=celery",
    )
    assert code == 2, out
    assert "worker=celery is only for projects where deploy != 'serverless'" in out
    assert not (workdir / "fn").exists()
