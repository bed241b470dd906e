"""`fwgen update` and `fwgen check`: bring a project to this fwgen's template version.

Copier does the three-way merge. fwgen adds what a team needs around it: it refuses a dirty
tree, says which version it moves from and to, keeps files the team deleted deleted
(copier#1721), warns before a framework change deletes files, and finds the conflicts Copier
leaves behind (it exits 0 either way).
"""

from __future__ import annotations

import tempfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import click
import yaml
from packaging.version import Version

from generator import gitrepo, prompts, questions, render, store
from generator.console import echo, shortlist
from generator.errors import FwgenError, UsageError
from generator.knowledge import FRAMEWORKS, Effect
from generator.knowledge import load as load_knowledge
from generator.naming import slugify
from generator.recommender import flag_for
from generator.template import template_root

ConflictMode = Literal["inline", "rej"]
CONFLICT_MODES: tuple[ConflictMode, ...] = ("inline", "rej")


class UpdateConflictError(FwgenError):
    """The update was applied, with conflicts for the team to resolve. Exit code 1."""


@dataclass(frozen=True)
class UpdateRequest:
    path: Path
    conflict: ConflictMode = "inline"
    dry_run: bool = False
    yes: bool = False
    framework: str | None = None
    # New answers (KEY=VALUE, as `fwgen new --data` takes them), e.g. {"admin": "yes"}.
    data: dict[str, str] = field(default_factory=dict)
    interactive: bool = False
    debug: bool = False


@dataclass
class Project:
    root: Path
    answers: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.answers["_commit"])

    def data(self, **changes: Any) -> dict[str, Any]:
        """The stored answers as Copier data (its own `_` keys left out)."""
        return {k: v for k, v in self.answers.items() if not k.startswith("_")} | changes


@dataclass
class Outcome:
    old: str
    new: str
    kept_deleted: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def load_project(path: Path) -> Project:
    """The fwgen project at `path`, or a one-line error saying why it is not one."""
    root = path.resolve()
    if not root.is_dir():
        raise UsageError(f"{path} is not a directory")
    # From anywhere inside the project: the nearest directory up that has the answers file.
    found = next((d for d in (root, *root.parents) if (d / render.ANSWERS_FILE).is_file()), None)
    if found is None:
        raise FwgenError(
            f"no {render.ANSWERS_FILE} in {path} or any directory above it: "
            "not inside a project made by fwgen"
        )
    root = found
    answers_path = root / render.ANSWERS_FILE
    try:
        answers = yaml.safe_load(answers_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FwgenError(f"{answers_path} is not valid YAML: {exc}") from exc
    if not isinstance(answers, dict) or answers.get("framework") not in FRAMEWORKS:
        raise FwgenError(
            f"{path} was not made by fwgen ({render.ANSWERS_FILE} names no fwgen framework)"
        )
    if answers.get("_src_path") != store.STORE_URL or not answers.get("_commit"):
        raise FwgenError(
            f"{path} was made from a development copy of fwgen's template "
            f"(_src_path: {answers.get('_src_path')}); only projects made by a released fwgen "
            "can be updated"
        )
    if store.tag_version(str(answers["_commit"])) is None:
        raise FwgenError(f"{render.ANSWERS_FILE} names no release (_commit: {answers['_commit']})")
    return Project(root, answers)


def require_clean(project: Project) -> None:
    """The project is tracked by git (alone, or as a subtree of a larger repository) and has
    no uncommitted changes; changes elsewhere in a larger repository are not its business."""
    if not gitrepo.inside_work_tree(project.root):
        raise FwgenError(f"{project.root} is not in a git repository; updates need one")
    dirty = gitrepo.output(project.root, "status", "--porcelain", "--", ".").splitlines()
    if dirty:
        raise FwgenError(
            f"uncommitted changes ({shortlist([line[3:] for line in dirty])}); "
            "commit them (git add --all && git commit) "
            "or stash them (git stash --include-untracked), then update"
        )


def target_version(project: Project) -> str:
    new = store.installed_tag()
    old_v, new_v = store.tag_version(project.version), store.tag_version(new)
    assert old_v is not None and new_v is not None
    if old_v > new_v:
        raise FwgenError(
            f"the project uses template {project.version}, newer than this fwgen's {new}; "
            "upgrade fwgen first"
        )
    return new


def render_version(
    ref: str, data: dict[str, Any], destination: Path, *, debug: bool
) -> dict[str, bytes]:
    """Every file of the template at `ref` rendered with `data`, by relative path."""
    render.render(store.at(ref), destination, data, debug=debug)
    return {
        p.relative_to(destination).as_posix(): p.read_bytes()
        for p in destination.rglob("*")
        if p.is_file()
    }


def update(request: UpdateRequest) -> Outcome:
    if request.conflict not in CONFLICT_MODES:
        raise UsageError(f"--conflict must be one of {', '.join(CONFLICT_MODES)}")
    project = load_project(request.path)
    require_clean(project)
    store.require_store()
    new = target_version(project)
    old = project.version
    old_framework = project.answers.get("framework")
    framework = request.framework or old_framework
    changes = answer_changes(project, request.data)
    if framework != old_framework:
        changes["framework"] = framework
    if old == new and not changes:
        echo(f"Already on template {new}: nothing to update")
        return Outcome(old, new)

    echo(
        f"Updating template {old} -> {new}"
        + "".join(f", {k}: {project.answers.get(k)} -> {v}" for k, v in changes.items())
    )
    with tempfile.TemporaryDirectory(prefix="fwgen-update-") as scratch:
        before = render_version(old, project.data(), Path(scratch) / "old", debug=request.debug)
        after = render_version(
            new, project.data(**changes), Path(scratch) / "new", debug=request.debug
        )
    deleted_by_team = sorted(f for f in before if not (project.root / f).exists())

    doomed = sorted(f for f in before if f not in after and (project.root / f).exists())
    if "framework" in changes:
        _confirm_deletions(doomed, request)
    elif doomed:
        _name_deletions(doomed, project.data(**changes), project.answers["framework"], changes)
    if request.dry_run:
        _describe(before, after, deleted_by_team)
        return Outcome(old, new, kept_deleted=deleted_by_team)

    _run_copier(project, new, changes, request)
    outcome = Outcome(old, new, kept_deleted=_keep_deleted(project, deleted_by_team))
    changed = [f for f in deleted_by_team if before.get(f) != after.get(f)]
    if outcome.kept_deleted:
        echo("Kept deleted (you removed them): " + ", ".join(outcome.kept_deleted))
    if changed:
        echo(
            "The template changed some of those; a fresh `fwgen new` shows the new versions: "
            + ", ".join(changed)
        )
    if _dependencies(before.get("pyproject.toml")) != _dependencies(after.get("pyproject.toml")):
        echo(
            "The template changed the dependencies in pyproject.toml; uv.lock is yours and was "
            "kept: run `uv lock` and commit uv.lock with the update"
        )
    outcome.conflicts = find_conflicts(project.root)
    if outcome.conflicts:
        raise UpdateConflictError(_conflict_message(outcome.conflicts, request.conflict))
    echo(f"Updated to {new}. Review with `git diff`, run the tests, then commit.")
    return outcome


def _dependencies(pyproject: bytes | None) -> object:
    """What uv locks from a pyproject.toml: the dependencies and the dependency groups."""
    if pyproject is None:
        return None
    data = tomllib.loads(pyproject.decode("utf-8"))
    return data.get("project", {}).get("dependencies"), data.get("dependency-groups")


def answer_changes(project: Project, data: dict[str, str]) -> dict[str, Any]:
    """The answers `data` changes, each checked as `fwgen new` checks it."""
    template = template_root()
    known = questions.all_questions(template)
    criteria = load_knowledge().criteria
    changes: dict[str, Any] = {}
    for key, raw in data.items():
        if key == "framework":
            raise UsageError("switch the framework with --framework, not --data")
        if key == "project_name":
            raise UsageError("the project's name cannot change in an update")
        if key not in known or not known[key].stored:
            names = ", ".join(sorted(questions.stored_names(template) - {"project_name"}))
            raise UsageError(f"unknown answer {key!r}; known answers: {names}")
        value: Any = raw
        if key in criteria:
            try:
                value = criteria[key].parse(raw)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
        elif problem := questions.problem(known[key], raw, project.data()):
            raise UsageError(problem)
        if project.answers.get(key) != value:
            changes[key] = value
    return changes


def _confirm_deletions(doomed: list[str], request: UpdateRequest) -> None:
    if not doomed:
        return
    echo(f"Changing the framework deletes {len(doomed)} file(s), edited or not:")
    for path in doomed:
        echo(f"  {path}")
    if request.yes or request.dry_run:
        return
    if not request.interactive:
        raise UsageError("a framework change deletes the files above; pass --yes to go ahead")
    if not prompts.ask_bool("Delete them and switch?", default=False):
        raise click.Abort


def _name_deletions(
    doomed: list[str], answers: dict[str, Any], framework: str, changed: Iterable[str] = ()
) -> None:
    """Say which files the update removes, and, where an answer not changed just now would
    keep them (an admin the project was made without asking for), which."""
    echo(f"The update removes {len(doomed)} file(s) the template no longer makes for it:")
    for path in doomed:
        echo(f"  {path}")
    for effect in _effects_losing(doomed, answers, framework):
        condition = effect.when[0]
        if set(condition.requires) & set(changed):
            continue
        flags = " ".join(f"--data {k}={_as_data(v[0])}" for k, v in condition.requires.items())
        asked = ", ".join(flag_for(k, v[0]) for k, v in condition.requires.items())
        echo(f"They are what {asked} brings ({effect.text}); to keep them: fwgen update {flags}")


def _as_data(value: object) -> str:
    """An answer as --data spells it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _effects_losing(doomed: list[str], answers: dict[str, Any], framework: str) -> list[Effect]:
    package = slugify(str(answers.get("project_name", "")))
    return [
        effect
        for effect in load_knowledge().effects
        if framework in effect.frameworks
        and not effect.matches(answers)
        and {f.replace("{slug}", package) for f in effect.files} & set(doomed)
    ]


def _describe(before: dict[str, bytes], after: dict[str, bytes], deleted: list[str]) -> None:
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(f for f in set(before) & set(after) if before[f] != after[f])
    for label, paths in (("added", added), ("removed", removed), ("changed", changed)):
        echo(
            f"The template {label} {len(paths)} file(s)"
            + (": " + ", ".join(paths) if paths else "")
        )
    if deleted:
        echo("Would stay deleted (you removed them): " + ", ".join(deleted))
    echo("Dry run: nothing was changed.")


def _run_copier(
    project: Project, new: str, changes: dict[str, Any], request: UpdateRequest
) -> None:
    from generator import engine

    engine.update(project.root, new, changes, conflict=request.conflict, debug=request.debug)


def _keep_deleted(project: Project, deleted: list[str]) -> list[str]:
    """Remove again the files the team had deleted and Copier brought back."""
    kept = []
    for rel in deleted:
        path = project.root / rel
        if path.exists():
            gitrepo.output(project.root, "rm", "--cached", "--quiet", "--ignore-unmatch", "--", rel)
            path.unlink()
        kept.append(rel)
    return kept


CONFLICT_MARKERS = ("<<<<<<< ", ">>>>>>> ")


def find_conflicts(root: Path) -> list[str]:
    """Files left unmerged or with conflict markers, and .rej files, relative to root."""
    # --relative: paths from the project's root, and only its own, when it is a subtree.
    changed = ("diff", "--relative", "--name-only")
    found = set(gitrepo.output(root, *changed, "--diff-filter=U").split())
    touched = gitrepo.output(root, *changed, "HEAD").split()
    untracked = gitrepo.output(root, "ls-files", "--others", "--exclude-standard").split()
    for rel in {*touched, *untracked}:
        path = root / rel
        if rel.endswith(".rej"):
            found.add(rel)
        elif path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            if any(line.startswith(CONFLICT_MARKERS) for line in text.splitlines()):
                found.add(rel)
    return sorted(found)


def _conflict_message(conflicts: list[str], mode: str) -> str:
    how = (
        "edit each file, keep what you want between the <<<<<<< and >>>>>>> markers, "
        "delete the markers"
        if mode == "inline"
        else "apply each .rej file's hunks by hand to the file beside it, then delete the .rej"
    )
    return (
        f"the update left {len(conflicts)} conflict(s): {', '.join(conflicts)}; {how}, then commit"
    )


@dataclass(frozen=True)
class Status:
    project: str
    available: str

    @property
    def up_to_date(self) -> bool:
        old, new = store.tag_version(self.project), store.tag_version(self.available)
        return old is not None and new is not None and old >= new

    def to_dict(self) -> dict[str, Any]:
        return {"project": self.project, "available": self.available, "up_to_date": self.up_to_date}


def check(path: Path) -> Status:
    project = load_project(path)
    store.sync()
    # store_tags() holds only valid release tags, oldest first; this fwgen's own is one too.
    newest = max(
        [store.installed_tag(), *store.store_tags()],
        key=lambda tag: store.tag_version(tag) or Version("0"),
    )
    return Status(project.version, newest)
