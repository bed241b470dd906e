"""Release fwgen X.Y.Z: tag the commit `vX.Y.Z`, then build a wheel that carries every release.

    python scripts/release.py 0.2.0 [--out dist]

The version in generator/__init__.py must already say X.Y.Z (bump it in its own commit) and
the tree must be clean. The wheel's build hook (hatch_build.py) bundles every `v*` tag's
template history; this script checks the new tag made it into the wheel.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class ReleaseError(Exception):
    pass


def git(*args: str, root: Path = ROOT) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def package_version(root: Path = ROOT) -> str:
    text = (root / "generator" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'__version__ = "([^"]+)"', text)
    if not found:
        raise ReleaseError("generator/__init__.py has no __version__")
    return found.group(1)


def distribution(root: Path = ROOT) -> str:
    """The name fwgen is published under (pyproject.toml's), as `pip install` takes it."""
    with (root / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["name"])


def wheel_name(root: Path = ROOT) -> str:
    """The distribution name as wheel file names spell it (PEP 427: runs of -_. become _)."""
    return re.sub(r"[-_.]+", "_", distribution(root)).lower()


def release(version: str, out: Path, root: Path = ROOT) -> Path:
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise ReleaseError(f"{version!r} is not X.Y.Z")
    if dirty := git("status", "--porcelain", root=root).strip():
        raise ReleaseError(f"the tree has uncommitted changes; commit or stash them:\n{dirty}")
    if package_version(root) != version:
        found = package_version(root)
        raise ReleaseError(
            f"generator/__init__.py says {found}; set it to {version} and commit first"
        )
    tag = f"v{version}"
    if git("tag", "--list", tag, root=root).strip():
        raise ReleaseError(f"{tag} already exists")
    git("tag", "-a", tag, "-m", f"fwgen {version}", root=root)
    try:
        subprocess.run(
            ["uv", "build", "--wheel", "--quiet", "--out-dir", str(out)], cwd=root, check=True
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        git("tag", "-d", tag, root=root)
        raise ReleaseError(f"building the wheel failed ({exc}); the tag was removed") from exc
    wheel = out / f"{wheel_name(root)}-{version}-py3-none-any.whl"
    if tag not in wheel_tags(wheel):
        raise ReleaseError(f"{wheel.name} does not carry {tag}")
    return wheel


def snapshot(source: Path, dest: Path) -> Path:
    """A fresh git repository at `dest` holding `source`'s files as they are now (for tests and
    benchmarks that release throwaway versions)."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=source,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for rel in listed:
        if (source / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / rel, dest / rel)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=dest, check=True)
    return dest


def set_version(repo: Path, version: str) -> None:
    """Write `version` into a repository's generator/__init__.py."""
    init = repo / "generator" / "__init__.py"
    init.write_text(
        re.sub(r'__version__ = "[^"]+"', f'__version__ = "{version}"', init.read_text(), count=1)
    )


def wheel_tags(wheel: Path) -> set[str]:
    """The template versions a wheel carries."""
    with zipfile.ZipFile(wheel) as archive, tempfile.TemporaryDirectory() as scratch:
        if "generator/template.bundle" not in archive.namelist():
            return set()
        bundle = Path(archive.extract("generator/template.bundle", scratch))
        heads = subprocess.run(
            ["git", "bundle", "list-heads", str(bundle)], capture_output=True, text=True, check=True
        ).stdout
    return {line.split()[-1].removeprefix("refs/tags/") for line in heads.splitlines() if line}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", help="X.Y.Z, as in generator/__init__.py")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the wheel goes")
    args = parser.parse_args()
    try:
        wheel = release(args.version, args.out.resolve())
    except ReleaseError as exc:
        print(f"release: {exc}", file=sys.stderr)
        return 1
    print(wheel)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
