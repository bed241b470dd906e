"""Rendering with Copier into a staging directory, then moving the result into place."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from generator.console import echo, shortlist
from generator.errors import FwgenError
from generator.store import Source

ANSWERS_FILE = ".copier-answers.yml"
PLACEHOLDER_LINE = "SECRET_KEY=change-me"
# An existing .env holds the team's secrets: --force never replaces it.
KEEP_EXISTING = frozenset({".env"})


def render(source: Source, destination: Path, answers: Mapping[str, Any], *, debug: bool) -> None:
    """Render the template with every answer given, so Copier never prompts."""
    from generator import engine  # imported here: Copier costs a third of a second

    if source.files:
        engine.copy(str(source.files), destination, answers, ref=None, debug=debug)
        if source.ref:
            record_source(destination, source.url, source.ref)
    else:
        engine.copy(source.url, destination, answers, ref=source.ref, debug=debug)


def record_source(project: Path, url: str, ref: str) -> None:
    """Make the answers name `url` at `ref`, as a render from the bundle itself would."""
    answers = project / ANSWERS_FILE
    lines = answers.read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines) if line.startswith("_src_path: ")]
    if len(found) != 1 or any(line.startswith("_commit: ") for line in lines):
        raise FwgenError(f"{ANSWERS_FILE} does not look like Copier's; the template is broken")
    # Copier writes the keys sorted: `_commit` goes right before `_src_path`.
    lines[found[0] : found[0] + 1] = [f"_commit: {ref}", f"_src_path: {url}"]
    answers.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_env(project: Path) -> None:
    """Create .env from .env.example with a fresh secret; the secret goes nowhere else."""
    example = project / ".env.example"
    lines = example.read_text(encoding="utf-8").splitlines()
    if PLACEHOLDER_LINE not in lines:
        raise FwgenError(".env.example has no SECRET_KEY placeholder; the template is broken")
    secret = secrets.token_urlsafe(50)
    text = "\n".join(f"SECRET_KEY={secret}" if ln == PLACEHOLDER_LINE else ln for ln in lines)
    env = project / ".env"
    fd = os.open(env, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")


def listing(root: Path) -> list[str]:
    """Every file below root (git metadata excluded), as sorted POSIX relative paths."""
    found = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if rel.parts[0] == ".git" or not path.is_file():
            continue
        found.append(rel.as_posix())
    return sorted(found)


def existing_entries(target: Path) -> list[str]:
    if not target.exists():
        return []
    if not target.is_dir():
        raise FwgenError(f"{target} exists and is not a directory")
    return sorted(p.name + ("/" if p.is_dir() else "") for p in target.iterdir())


@contextlib.contextmanager
def staging_dir(target: Path, *, keep: bool) -> Iterator[Path]:
    """A fresh directory beside the target (same filesystem, so the final move is a rename).

    Removed on any error or Ctrl-C unless `keep`; the caller moves its content away on success.
    """
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.fwgen-", dir=parent))
    try:
        yield staging
    except BaseException:
        if keep:
            echo(f"kept the partial project in {staging}", err=True)
        else:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)


def differing(staging: Path, target: Path) -> list[str]:
    """Files fwgen would write over in `target` whose content is not what it would write."""
    return [
        rel
        for rel in listing(staging)
        if rel not in KEEP_EXISTING
        and (target / rel).is_file()
        and (target / rel).read_bytes() != (staging / rel).read_bytes()
    ]


def move_into_place(staging: Path, target: Path, *, overwrite: bool = False) -> list[str]:
    """Move the staged project to target; return the files that replaced different ones.

    A missing target is one rename. An existing empty one keeps its identity (it may be the
    shell's current directory): the staged entries move into it. A non-empty target
    (--force) gets the staged files moved in one by one: files fwgen did not write are never
    touched, an existing .env is kept, and a file whose content differs from fwgen's is
    refused, before anything moves, unless `overwrite`, which first keeps it as FILE.orig.
    """
    if not target.exists():
        staging.rename(target)
        return []
    if not any(target.iterdir()):
        for entry in staging.iterdir():
            entry.rename(target / entry.name)
        return []
    replaced = differing(staging, target)
    if replaced and not overwrite:
        raise FwgenError(
            f"{len(replaced)} file(s) in {target} differ from what fwgen writes "
            f"({shortlist(replaced)}); "
            "nothing was changed: pass --overwrite to replace them, keeping each as FILE.orig"
        )
    for rel in replaced:
        shutil.copy2(target / rel, target / f"{rel}.orig")
    for rel in listing(staging):
        source, dest = staging / rel, target / rel
        if rel in KEEP_EXISTING and dest.exists():
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, dest)
    return replaced
