"""Updates with real wheels: release v1 and v2 of fwgen, make a project with v1, update with v2.

Everything runs offline against the per-user template store (a temporary HOME): fwgen's own
`update`, plain `copier update`, a framework change, `check`, and the refusals.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import release  # noqa: E402
from terminal import Terminal  # noqa: E402

from generator.knowledge import FRAMEWORKS  # noqa: E402
from generator.store import STORE_URL as STORE  # noqa: E402
from generator.store import tag_version  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("update-wheels")]

FRAMEWORK_TREES = FRAMEWORKS


def run(
    args: list[str], cwd: Path, env: Mapping[str, str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, env=dict(env), capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(
            f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def template_v2(repo: Path) -> None:
    """The template changes v2 makes, one of each kind the update must handle."""
    shared = repo / "templates/_shared"
    # Changed at the end; the team edits the top of the same file.
    (shared / "gitignore.jinja").write_text(
        (shared / "gitignore.jinja").read_text() + "\n.v2-cache/"
    )
    # Changed on the line the team also changes: a conflict.
    edit(
        shared / "README.md.jinja",
        "# {{ project_name }}\n",
        "# {{ project_name }} (a web service)\n",
    )
    # Changed, though the team deleted it.
    development = shared / "docs_development.md.jinja"
    development.write_text(development.read_text() + "\n\nRead CONTRIBUTING.md first.")
    # A new dependency: the project's own uv.lock is kept, and the update says to re-lock.
    edit(repo / "templates/django/pyproject.toml.jinja", '"whitenoise>=6.8",', '"whitenoise>=6.9",')
    for tree in FRAMEWORK_TREES:
        (repo / "templates" / tree / "CONTRIBUTING.md").write_text("# Contributing\n\nSay hello.\n")
        (repo / "templates" / tree / ".gitattributes.jinja").unlink()


@dataclass(frozen=True)
class Release:
    wheel: Path
    venv: Path

    @property
    def fwgen(self) -> str:
        return str(self.venv / "bin" / "fwgen")

    @property
    def copier(self) -> str:
        return str(self.venv / "bin" / "copier")


@dataclass(frozen=True)
class Releases:
    v1: Release
    v2: Release
    repo: Path


@pytest.fixture(scope="session")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Releases:
    """fwgen 1.0.0 and 2.0.0 built by the release script, each installed in its own venv."""
    base = tmp_path_factory.mktemp("releases")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": str(base / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1"}
    for key, value in (("user.name", "Release Bot"), ("user.email", "release@example.com")):
        run(["git", "config", "--global", key, value], base, env)
    repo = release.snapshot(ROOT, base / "fwgen")
    built = {}
    for version in ("1.0.0", "2.0.0"):
        if version == "2.0.0":
            template_v2(repo)
        release.set_version(repo, version)
        run(["git", "add", "-A"], repo, env)
        run(["git", "commit", "-qm", f"fwgen {version}"], repo, env)
        out = run(
            [sys.executable, "scripts/release.py", version, "--out", str(base / "dist")], repo, env
        )
        wheel = Path(out.stdout.strip())
        venv = base / f"venv-{version}"
        run(["uv", "venv", "-q", "--python", sys.executable, str(venv)], base, env)
        run(
            ["uv", "pip", "install", "-q", "--python", str(venv / "bin/python"), str(wheel)],
            base,
            env,
        )
        built[version] = Release(wheel, venv)
    return Releases(built["1.0.0"], built["2.0.0"], repo)


@pytest.fixture
def user_env(tmp_path: Path) -> dict[str, str]:
    """A fresh user: own HOME (so an empty template store) and git identity; no network."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tname = Ada\n\temail = ada@example.com\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "COPIER_"))}
    return {
        **env,
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        # Only local repositories and bundles: the update must work offline.
        "GIT_ALLOW_PROTOCOL": "file",
        "NO_COLOR": "1",
    }


def new_project(release_: Release, framework: str, where: Path, env: Mapping[str, str]) -> Path:
    run([release_.fwgen, "new", "blog", "--yes", "--framework", framework], where, env)
    return where / "blog"


def answers(project: Path) -> dict[str, object]:
    loaded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def team_edits(project: Path) -> None:
    """What a team does in a year: edits, deletions, a commit."""
    gitignore = project / ".gitignore"
    gitignore.write_text("# team\n.idea/\n" + gitignore.read_text())
    readme = project / "README.md"
    lines = readme.read_text().splitlines(keepends=True)
    readme.write_text("# Our blog\n" + "".join(lines[1:]))
    (project / "docs/development.md").unlink()  # the template changes it in v2
    (project / ".dockerignore").unlink()  # the template leaves it alone
    git(project, "add", "-A")
    git(project, "commit", "-qm", "team edits")


def test_release_builds_wheels_that_carry_every_version(releases: Releases) -> None:
    assert releases.v1.wheel.name == "fwgen_starter-1.0.0-py3-none-any.whl"
    assert release.wheel_tags(releases.v1.wheel) == {"v1.0.0"}
    assert release.wheel_tags(releases.v2.wheel) == {"v1.0.0", "v2.0.0"}


def test_release_refuses_a_dirty_tree_or_a_version_mismatch(releases: Releases) -> None:
    repo = releases.repo
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    mismatch = run([sys.executable, "scripts/release.py", "3.0.0"], repo, env, check=False)
    assert mismatch.returncode == 1
    assert "generator/__init__.py says 2.0.0" in mismatch.stderr
    (repo / "stray.txt").write_text("x")
    try:
        dirty = run([sys.executable, "scripts/release.py", "2.0.1"], repo, env, check=False)
    finally:
        (repo / "stray.txt").unlink()
    assert dirty.returncode == 1
    assert "uncommitted changes" in dirty.stderr


def test_new_records_a_portable_source(
    releases: Releases, user_env: dict[str, str], tmp_path: Path
) -> None:
    project = new_project(releases.v1, "django", tmp_path, user_env)
    recorded = answers(project)
    assert recorded["_src_path"] == "~/.local/share/fwgen/template.bundle"
    assert recorded["_commit"] == "v1.0.0"
    assert str(tmp_path) not in (project / ".copier-answers.yml").read_text()

    # `new` renders the wheel's own files, not a clone: the project must be byte for byte what
    # Copier makes from the store at that tag, or a later update would see phantom edits.
    data = {k: v for k, v in recorded.items() if not k.startswith("_")}
    script = (
        "import copier, json, sys; copier.run_copy("
        "'~/.local/share/fwgen/template.bundle', sys.argv[1], vcs_ref='v1.0.0', "
        "data=json.loads(sys.argv[2]), defaults=True, quiet=True, unsafe=False)"
    )
    copied = tmp_path / "copied"
    python = str(releases.v1.venv / "bin/python")
    run([python, "-c", script, str(copied), json.dumps(data)], tmp_path, user_env)

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in root.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(root).parts and p.name != ".env"
        }

    # The decision record is written from the recommendation, which the answers do not hold.
    record = "docs/decisions/0001-web-framework.md"
    made, plain = files(project), files(copied)
    assert made.pop(record) != b"" and plain.pop(record) != b""
    assert made == plain


def test_fwgen_update_merges_keeps_deletions_and_reports_conflicts(
    releases: Releases, user_env: dict[str, str], tmp_path: Path
) -> None:
    project = new_project(releases.v1, "django", tmp_path, user_env)
    env_file = (project / ".env").read_text()
    record = (project / "docs/decisions/0001-web-framework.md").read_text()
    team_edits(project)
    # Dependabot moved a version since: the lock is the team's, and the update keeps it.
    lock = (project / "uv.lock").read_text().replace('version = "0.1.0"', 'version = "0.1.1"', 1)
    (project / "uv.lock").write_text(lock)
    git(project, "commit", "-qam", "Bump a locked version")

    checked = run([releases.v2.fwgen, "check", "--json"], project, user_env, check=False)
    assert checked.returncode == 3
    assert json.loads(checked.stdout) == {
        "project": "v1.0.0",
        "available": "v2.0.0",
        "up_to_date": False,
    }

    result = run([releases.v2.fwgen, "update"], project, user_env, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Updating template v1.0.0 -> v2.0.0" in result.stdout
    assert "conflict" in result.stderr and "README.md" in result.stderr

    readme = (project / "README.md").read_text()
    assert "<<<<<<<" in readme and "# Our blog" in readme and "(a web service)" in readme
    gitignore = (project / ".gitignore").read_text()
    assert gitignore.startswith("# team\n.idea/\n") and ".v2-cache/" in gitignore
    assert (project / "CONTRIBUTING.md").is_file()
    assert not (project / ".gitattributes").exists()
    assert not (project / "docs/development.md").exists()
    assert not (project / ".dockerignore").exists()
    assert (project / ".env").read_text() == env_file
    assert (project / "docs/decisions/0001-web-framework.md").read_text() == record
    assert (project / "uv.lock").read_text() == lock
    assert "run `uv lock` and commit uv.lock" in result.stdout
    assert answers(project)["_commit"] == "v2.0.0"


def test_plain_copier_update_works_offline_from_the_store(
    releases: Releases, user_env: dict[str, str], tmp_path: Path
) -> None:
    project = new_project(releases.v1, "django", tmp_path, user_env)
    env_file = (project / ".env").read_text()
    team_edits(project)
    # Any command of the newer fwgen refreshes the store; then copier needs nothing else.
    run([releases.v2.fwgen, "recommend", "--json"], tmp_path, user_env)
    run([releases.v2.copier, "update", "--defaults"], project, user_env)

    assert "<<<<<<<" in (project / "README.md").read_text()
    assert ".v2-cache/" in (project / ".gitignore").read_text()
    assert (project / "CONTRIBUTING.md").is_file()
    assert not (project / ".gitattributes").exists()
    assert (project / ".env").read_text() == env_file
    assert answers(project)["_commit"] == "v2.0.0"


def test_a_clone_installed_as_the_readme_says_makes_projects_that_update(
    user_env: dict[str, str], tmp_path: Path
) -> None:
    """`python -m pip install .` in a clone of main (no release tags), then a later commit."""
    env = {**user_env}
    repo = release.snapshot(ROOT, tmp_path / "fwgen")
    run(["git", "add", "-A"], repo, env)
    run(["git", "commit", "-qm", "main as a contributor clones it"], repo, env)

    def install(name: str) -> str:
        venv = tmp_path / name
        run(["uv", "venv", "-q", "--python", sys.executable, str(venv)], tmp_path, env)
        run(["uv", "pip", "install", "-q", "--python", str(venv / "bin/python"), "pip"], repo, env)
        run([str(venv / "bin/python"), "-m", "pip", "install", "-q", "."], repo, env)
        return str(venv / "bin/fwgen")

    first = install("venv-first")
    work = tmp_path / "work"
    work.mkdir()
    run([first, "new", "blog", "--yes", "--framework", "flask"], work, env)
    project = work / "blog"
    made = str(answers(project)["_commit"])
    assert made.startswith("v") and "+" in made and answers(project)["_src_path"] == STORE
    assert "Up to date" in run([first, "check"], project, env).stdout

    template_v2(repo)
    run(["git", "add", "-A"], repo, env)
    run(["git", "commit", "-qm", "a later main"], repo, env)
    later = install("venv-later")
    assert run([later, "check"], project, env, check=False).returncode == 3
    run([later, "update"], project, env)
    assert "(a web service)" in (project / "README.md").read_text()
    assert (project / "CONTRIBUTING.md").is_file()
    newer, older = tag_version(str(answers(project)["_commit"])), tag_version(made)
    assert newer is not None and older is not None and newer > older


def test_a_project_inside_a_larger_repository_updates_from_any_subdirectory(
    releases: Releases, user_env: dict[str, str], tmp_path: Path
) -> None:
    mono = tmp_path / "mono"
    mono.mkdir()
    git(mono, "init", "-q", "--initial-branch=main")
    (mono / "README.md").write_text("# All our services\n")
    git(mono, "add", "README.md")
    git(mono, "commit", "-qm", "Start the monorepo")
    made = run(
        [releases.v1.fwgen, "new", "svc", "--yes", "--framework", "flask", "-o", "services/svc"],
        mono,
        user_env,
    )
    assert "already inside a git repository" in made.stdout
    git(mono, "add", "services/svc")
    git(mono, "commit", "-qm", "Add the svc service")
    # Work in progress elsewhere in the repository is not the service's business.
    (mono / "notes.txt").write_text("unrelated, uncommitted\n")
    inside = mono / "services/svc/svc"

    checked = run([releases.v2.fwgen, "check"], inside, user_env, check=False)
    assert checked.returncode == 3, checked.stdout + checked.stderr
    run([releases.v2.fwgen, "update"], inside, user_env)

    project = mono / "services/svc"
    assert ".v2-cache/" in (project / ".gitignore").read_text()
    assert "(a web service)" in (project / "README.md").read_text()
    assert (project / "CONTRIBUTING.md").is_file() and not (mono / "CONTRIBUTING.md").exists()
    assert (mono / "README.md").read_text() == "# All our services\n"
    assert (mono / "notes.txt").read_text() == "unrelated, uncommitted\n"
    assert answers(project)["_commit"] == "v2.0.0"
    assert "Up to date" in run([releases.v2.fwgen, "check"], inside, user_env).stdout


@pytest.mark.parametrize("framework", ["flask", "fastapi"])
def test_update_without_conflicts_exits_0(
    releases: Releases, user_env: dict[str, str], tmp_path: Path, framework: str
) -> None:
    project = new_project(releases.v1, framework, tmp_path, user_env)
    (project / ".gitignore").write_text("# team\n" + (project / ".gitignore").read_text())
    git(project, "commit", "-qam", "team edit")

    updated = run([releases.v2.fwgen, "update"], project, user_env)
    assert "uv lock" not in updated.stdout  # the template's dependencies did not change
    assert ".v2-cache/" in (project / ".gitignore").read_text()
    assert (project / ".gitignore").read_text().startswith("# team\n")
    assert "(a web service)" in (project / "README.md").read_text()
    assert answers(project)["_commit"] == "v2.0.0"
    up_to_date = run([releases.v2.fwgen, "check"], project, user_env)
    assert "Up to date" in up_to_date.stdout


def test_framework_change_lists_deletions_and_needs_yes(
    releases: Releases, user_env: dict[str, str], tmp_path: Path
) -> None:
    project = new_project(releases.v2, "django", tmp_path, user_env)
    refused = run(
        [releases.v2.fwgen, "update", "--framework", "flask"], project, user_env, check=False
    )
    assert refused.returncode == 2
    assert "manage.py" in refused.stdout and "--yes" in refused.stderr
    assert (project / "manage.py").is_file()

    # On a terminal it asks instead; No keeps everything.
    term = Terminal(
        ["update", "--framework", "flask"], project, user_env, program=[releases.v2.fwgen]
    )
    term.expect("manage.py")
    term.prompt("Delete them and switch?")
    term.press("n")
    term.expect("aborted; nothing was written")
    assert term.finish() == 130
    assert (project / "manage.py").is_file()
    assert git(project, "status", "--porcelain") == ""

    run([releases.v2.fwgen, "update", "--framework", "flask", "--yes"], project, user_env)
    assert not (project / "manage.py").exists()
    assert (project / "blog" / "wsgi.py").is_file()
    assert answers(project)["framework"] == "flask"


def test_refusals_change_nothing(
    releases: Releases, user_env: dict[str, str], tmp_path: Path
) -> None:
    project = new_project(releases.v1, "flask", tmp_path, user_env)
    (project / "notes.txt").write_text("wip")
    dirty = run([releases.v2.fwgen, "update"], project, user_env, check=False)
    assert dirty.returncode == 1
    assert "uncommitted changes (notes.txt)" in dirty.stderr and "stash" in dirty.stderr
    assert answers(project)["_commit"] == "v1.0.0"
    (project / "notes.txt").unlink()

    (tmp_path / "newer").mkdir()
    newer = new_project(releases.v2, "flask", tmp_path / "newer", user_env)
    too_new = run([releases.v1.fwgen, "update"], newer, user_env, check=False)
    assert too_new.returncode == 1
    assert "newer than this fwgen" in too_new.stderr

    bare = tmp_path / "bare"
    bare.mkdir()
    missing = run([releases.v2.fwgen, "update", str(bare)], tmp_path, user_env, check=False)
    assert missing.returncode == 1 and "no .copier-answers.yml" in missing.stderr

    (bare / ".copier-answers.yml").write_text("_src_path: gh:someone/else\n_commit: v1.0.0\n")
    foreign = run([releases.v2.fwgen, "update", str(bare)], tmp_path, user_env, check=False)
    assert foreign.returncode == 1 and "not made by fwgen" in foreign.stderr
    assert "Traceback" not in dirty.stderr + too_new.stderr + missing.stderr + foreign.stderr


def test_dry_run_changes_nothing_and_rej_mode_leaves_rej_files(
    releases: Releases, user_env: dict[str, str], tmp_path: Path
) -> None:
    project = new_project(releases.v1, "fastapi", tmp_path, user_env)
    team_edits(project)

    dry = run([releases.v2.fwgen, "update", "--dry-run"], project, user_env)
    assert "The template added 1 file(s): CONTRIBUTING.md" in dry.stdout
    assert "Would stay deleted (you removed them): .dockerignore, docs/development.md" in dry.stdout
    assert git(project, "status", "--porcelain") == ""
    assert answers(project)["_commit"] == "v1.0.0"

    result = run([releases.v2.fwgen, "update", "--conflict", "rej"], project, user_env, check=False)
    assert result.returncode == 1
    assert "README.md.rej" in result.stderr and ".rej" in result.stderr
    assert (project / "README.md.rej").is_file()
    assert "<<<<<<<" not in (project / "README.md").read_text()


def test_data_adds_and_removes_the_admin_on_the_way(
    releases: Releases, user_env: dict[str, str], tmp_path: Path
) -> None:
    project = new_project(releases.v1, "fastapi", tmp_path, user_env)
    assert answers(project)["admin"] is False and not (project / "app/admin.py").exists()

    added = run([releases.v2.fwgen, "update", "--data", "admin=yes"], project, user_env)
    assert "Updating template v1.0.0 -> v2.0.0, admin: False -> True" in added.stdout
    assert (project / "app/admin.py").is_file() and (project / "tests/test_admin.py").is_file()
    assert "install_admin(app, settings)" in (project / "app/main.py").read_text()
    assert "sqladmin" in (project / "pyproject.toml").read_text()
    assert "run `uv lock`" in added.stdout  # the lock is the team's: it says to re-lock
    assert answers(project)["admin"] is True
    git(project, "add", "-A")
    git(project, "commit", "-qm", "the admin")

    bad = run(
        [releases.v2.fwgen, "update", "--data", "admin=maybe"], project, user_env, check=False
    )
    assert bad.returncode == 2 and "admin takes yes or no" in bad.stderr

    removed = run([releases.v2.fwgen, "update", "--data", "admin=no"], project, user_env)
    assert "  app/admin.py" in removed.stdout and "to keep them" not in removed.stdout
    assert not (project / "app/admin.py").exists() and answers(project)["admin"] is False
    assert "install_admin" not in (project / "app/main.py").read_text()
