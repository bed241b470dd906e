"""Lock the starters' dependencies: the `uv.lock` every generated project ships in its first commit.

    python scripts/lock.py              # re-lock what changed, keeping every locked version
    python scripts/lock.py --upgrade    # move every lock to the newest versions the index has
    python scripts/lock.py --check      # exit 1, naming them, when a lock no longer fits

`fwgen new` never runs a resolver: the template carries one lock per set of answers that
changes a starter's dependencies (framework, Python version, the realtime extras, the
admin site, the serverless adapter), in `templates/_shared/locks/<key>.lock`, with the
project's own name left as `{{ dist_name }}`.
`templates/_shared/uv.lock.jinja` picks the file by the same key. The harness installs every
variant with `uv sync --locked`, so a release ships exactly the versions its CI tested.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import copier

ROOT = Path(__file__).resolve().parents[1]
LOCKS_IN = Path("templates", "_shared", "locks")
LOCK_DIR = ROOT / LOCKS_IN
# The name the locks are made under; rendering puts the project's own name in its place.
STAND_IN = "lockfile"
NAME_LINE = f'name = "{STAND_IN}"'
TEMPLATE_NAME_LINE = 'name = "{{ dist_name }}"'
JINJA_MARKS = ("{{", "{%", "{#")
# A lock needs only these two files of a starter.
RENDERED = ["*", "!pyproject.toml", "!uv.lock"]

# The answers beyond the Python version that change a starter's dependencies, as the suffix
# each adds to the lock key, in the order uv.lock.jinja joins them.
WORKER = ("-worker", {"worker": "celery"})
FEATURES: dict[str, list[tuple[str, dict[str, str]]]] = {
    "django": [("-realtime", {"kind": "realtime"}), WORKER],
    "flask": [("-realtime", {"kind": "realtime"}), ("-admin", {"admin": "true"}), WORKER],
    "fastapi": [("-realtime", {"kind": "realtime"}), ("-admin", {"admin": "true"}), WORKER],
}
SERVERLESS = ("-serverless", {"deploy": "serverless"})
PLAIN = {"kind": "web-app", "admin": "false", "deploy": "container", "worker": "none"}


def _keys() -> dict[str, dict[str, str]]:
    keys = {}
    for framework, features in FEATURES.items():
        for chosen in itertools.product((False, True), repeat=len(features) + 1):
            picked = [f for f, on in zip([*features, SERVERLESS], chosen, strict=True) if on]
            if WORKER in picked and SERVERLESS in picked:
                continue  # a serverless project has no worker (copier.yml)
            for python in ("3.12", "3.13"):
                key = f"{framework}-py{python.replace('.', '')}" + "".join(s for s, _ in picked)
                answers = {"framework": framework, "python_version": python, **PLAIN}
                for _, given in picked:
                    answers |= given
                keys[key] = answers
    return keys


# Every key uv.lock.jinja can ask for, with answers that produce it.
LOCKS: dict[str, dict[str, str]] = _keys()


class LockError(Exception):
    pass


def lock_path(key: str) -> Path:
    return LOCK_DIR / f"{key}.lock"


def to_template(lock: str) -> str:
    """A lock made for the stand-in project, with the project's name left to the template."""
    if lock.count(NAME_LINE + "\n") != 1:
        raise LockError(f"the lock does not name the project {STAND_IN!r} exactly once")
    text = lock.replace(NAME_LINE + "\n", TEMPLATE_NAME_LINE + "\n")
    if any(text.replace(TEMPLATE_NAME_LINE, "").count(mark) for mark in JINJA_MARKS):
        raise LockError("the lock holds Jinja delimiters; it cannot be carried as template data")
    return text


def from_template(text: str) -> str:
    return text.replace(TEMPLATE_NAME_LINE + "\n", NAME_LINE + "\n")


def template_copy(scratch: Path, root: Path = ROOT) -> Path:
    """The template's files outside git, so Copier renders the working tree as it is."""
    copy = scratch / "template"
    copy.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / "copier.yml", copy)
    shutil.copytree(root / "templates", copy / "templates", dirs_exist_ok=True)
    return copy


def render(template: Path, key: str, destination: Path) -> None:
    """pyproject.toml and uv.lock of the starter `key` locks, as `fwgen new` renders them."""
    answers: Mapping[str, str] = {"project_name": STAND_IN, **LOCKS[key]}
    copier.run_copy(
        str(template),
        destination,
        data=dict(answers),
        defaults=True,
        quiet=True,
        unsafe=False,
        exclude=RENDERED,
        settings=copier.Settings(),
    )


def uv(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        ["uv", *args], cwd=project, env=env, capture_output=True, text=True, check=False
    )


def relock(key: str, scratch: Path, *, upgrade: bool) -> bool:
    """Write the lock for `key`; True when it changed."""
    path = lock_path(key)
    existed = path.is_file()
    before = path.read_text(encoding="utf-8") if existed else ""
    if not existed:
        # The template includes this file: an empty one lets the stand-in render.
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")
    try:
        project = scratch / key
        render(template_copy(scratch), key, project)
        lock = project / "uv.lock"
        if before:
            lock.write_text(from_template(before), encoding="utf-8")
        else:
            lock.unlink()
        result = uv(project, "lock", *(["--upgrade"] if upgrade else []))
        if result.returncode != 0:
            raise LockError(f"uv lock failed for {key}:\n{result.stderr.strip()}")
        after = to_template(lock.read_text(encoding="utf-8"))
    except BaseException:
        if not existed:
            path.unlink(missing_ok=True)
        raise
    path.write_text(after, encoding="utf-8")
    return after != before


def stale(template: Path, key: str, scratch: Path) -> str | None:
    """Why the lock `template` ships for `key` no longer fits its starter, or None."""
    if not (template / LOCKS_IN / f"{key}.lock").is_file():
        return "no lock"
    project = scratch / key
    render(template, key, project)
    result = uv(project, "lock", "--check", "--offline")
    if result.returncode == 0:
        return None
    said = result.stderr.strip().splitlines() or ["uv lock --check failed"]
    return next((line for line in said if line.startswith("error:")), said[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--upgrade", action="store_true", help="take the newest versions")
    mode.add_argument("--check", action="store_true", help="only report locks that do not fit")
    args = parser.parse_args(argv)
    if shutil.which("uv") is None:
        print("lock: uv is not on PATH", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="fwgen-lock-") as scratch:
        if args.check:
            template = template_copy(Path(scratch))
            problems = {key: why for key in LOCKS if (why := stale(template, key, Path(scratch)))}
            for key, why in problems.items():
                print(f"{key}: {why}", file=sys.stderr)
            if problems:
                print("re-lock with: python scripts/lock.py", file=sys.stderr)
            return 1 if problems else 0
        try:
            for key in LOCKS:
                changed = relock(key, Path(scratch), upgrade=args.upgrade)
                print(f"{key}: {'updated' if changed else 'unchanged'}")
        except LockError as exc:
            print(f"lock: {exc}", file=sys.stderr)
            return 1
    stray = sorted(p.name for p in LOCK_DIR.glob("*.lock") if p.stem not in LOCKS)
    for name in stray:
        (LOCK_DIR / name).unlink()
        print(f"{name}: removed (no starter asks for it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
