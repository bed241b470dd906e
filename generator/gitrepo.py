"""The few git operations fwgen needs, through the git command line."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from generator.errors import FwgenError


def _git(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("git") is None:
        raise FwgenError("git is not installed; install it or pass --no-git")
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def output(path: Path, *args: str) -> str:
    """What `git ARGS` prints in `path`; a failure is a one-line FwgenError."""
    result = _git(args, path)
    if result.returncode != 0:
        raise FwgenError(f"git {' '.join(args)} failed in {path}: {result.stderr.strip()}")
    return result.stdout


def bundle_tags(bundle: Path) -> set[str]:
    """The tags a git bundle holds (empty when it is missing, unreadable, or git is absent)."""
    if not bundle.is_file() or shutil.which("git") is None:
        return set()
    result = _git(["bundle", "list-heads", str(bundle)], bundle.parent)
    if result.returncode != 0:
        return set()
    refs = (line.split()[-1] for line in result.stdout.splitlines() if line.strip())
    return {ref.removeprefix("refs/tags/") for ref in refs if ref.startswith("refs/tags/")}


def merge_bundles(sources: Sequence[Path], destination: Path) -> None:
    """One bundle at `destination` holding every tag of `sources` (later ones win a name)."""
    with tempfile.TemporaryDirectory(prefix="fwgen-store-") as scratch:
        repo = Path(scratch) / "store.git"
        output(Path(scratch), "init", "--quiet", "--bare", str(repo))
        for source in sources:
            output(repo, "fetch", "--quiet", "--force", str(source), "refs/tags/*:refs/tags/*")
        destination.unlink(missing_ok=True)
        output(repo, "bundle", "create", "--quiet", str(destination), "--tags")


def config_value(key: str) -> str:
    """A git setting (user.name ...) as the user's own git sees it; empty when unset."""
    if shutil.which("git") is None:
        return ""
    return _git(["config", "--get", key], Path.cwd()).stdout.strip()


def inside_work_tree(path: Path) -> bool:
    """Whether `path` (an existing directory) is inside a git working tree."""
    result = _git(["rev-parse", "--is-inside-work-tree"], path)
    return result.returncode == 0 and result.stdout.strip() == "true"


def init_and_commit(
    path: Path, message: str, author: tuple[str, str], files: Sequence[str] | None = None
) -> None:
    """`git init` and a first commit of `files` (everything when None).

    The user's git identity is used when configured; otherwise the project's author answers,
    so a fresh machine without `user.email` still gets its baseline commit.
    """
    steps: list[list[str]] = [["init", "--quiet", "--initial-branch=main"]]
    steps.append(["add", "--all"] if files is None else ["add", "--", *files])
    identity: list[str] = []
    configured = _git(["config", "--get", "user.email"], path)
    if configured.returncode != 0 or not configured.stdout.strip():
        identity = ["-c", f"user.name={author[0]}", "-c", f"user.email={author[1]}"]
    steps.append([*identity, "commit", "--quiet", "--no-verify", "-m", message])
    for step in steps:
        result = _git(step, path)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise FwgenError(f"git {step[0]} failed: {detail[-1] if detail else 'no output'}")
