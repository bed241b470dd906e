"""Wheel build hook: carry every released template version as a git bundle.

`generator/store.py` serves projects' `_src_path` from this bundle. Built from a git checkout
with release tags (`vX.Y.Z`), the wheel gets `generator/template.bundle` holding them; elsewhere
(an sdist, a checkout without tags) the wheel has none and fwgen renders its own files.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        if shutil.which("git") is None or not (root / ".git").exists():
            return
        tags = subprocess.run(
            ["git", "tag", "--list", "v*"], cwd=root, capture_output=True, text=True, check=False
        ).stdout.split()
        if not tags:
            return
        self._scratch = tempfile.mkdtemp(prefix="fwgen-bundle-")
        bundle = Path(self._scratch) / "template.bundle"
        subprocess.run(
            ["git", "bundle", "create", "--quiet", str(bundle), *(f"refs/tags/{t}" for t in tags)],
            cwd=root,
            check=True,
        )
        build_data["force_include"][str(bundle)] = "generator/template.bundle"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
