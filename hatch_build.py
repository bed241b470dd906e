"""Wheel build hook: carry the template's history as a git bundle, so projects can update.

`generator/store.py` serves projects' `_src_path` from this bundle. Built from a git checkout:
- at a release tag (`vX.Y.Z`, what scripts/release.py builds), the bundle holds every release
  tag;
- anywhere else (a clone of main, say), it also holds the checkout's own commit under a
  development tag, `vX.Y.Z+N.gSHA` (N commits in the history: later builds sort higher), and
  `generator/template.tag` names that tag, so projects made by this install record it and a
  later build updates them.
A checkout whose template files have uncommitted changes, an sdist, or a machine without git
gets no bundle: fwgen then renders its own files and says it cannot update projects.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TEMPLATE_FILES = ("copier.yml", "templates")


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        if shutil.which("git") is None or not (root / ".git").exists():
            return
        # `version` is the build kind (standard, editable); the project's version is metadata.
        release = f"v{self.metadata.version}"
        at_release = _git(root, "tag", "--list", release, "--points-at", "HEAD").stdout.strip()
        dev_tag = None
        if not at_release:
            if _git(root, "status", "--porcelain", "--", *TEMPLATE_FILES).stdout.strip():
                self.app.display_warning(
                    "the template has uncommitted changes: this build cannot update projects"
                )
                return
            count = _git(root, "rev-list", "--count", "HEAD").stdout.strip()
            sha = _git(root, "rev-parse", "--short=10", "HEAD").stdout.strip()
            if not count or not sha:
                return
            dev_tag = f"{release}+{count}.g{sha}"
        self._scratch = tempfile.mkdtemp(prefix="fwgen-bundle-")
        scratch = Path(self._scratch)
        store = scratch / "history.git"
        steps = [
            ["init", "--quiet", "--bare", str(store)],
            ["-C", str(store), "fetch", "--quiet", str(root), "refs/tags/v*:refs/tags/v*"],
        ]
        if dev_tag:
            steps += [
                ["-C", str(store), "fetch", "--quiet", str(root), "HEAD"],
                ["-C", str(store), "tag", dev_tag, "FETCH_HEAD"],
            ]
        for step in steps:
            subprocess.run(["git", *step], check=True, capture_output=True)
        if not _git(store, "tag", "--list", "v*").stdout.strip():
            return
        bundle = scratch / "template.bundle"
        subprocess.run(
            ["git", "-C", str(store), "bundle", "create", "--quiet", str(bundle), "--tags"],
            check=True,
        )
        build_data["force_include"][str(bundle)] = "generator/template.bundle"
        if dev_tag:
            tag_file = scratch / "template.tag"
            tag_file.write_text(dev_tag + "\n", encoding="utf-8")
            build_data["force_include"][str(tag_file)] = "generator/template.tag"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
