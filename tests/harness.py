"""Running a generated project's own toolchain: uv with local interpreters and a shared cache."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest


def _pyenv_versions() -> str | None:
    """PYENV_VERSION listing the default and every local 3.12/3.13, so uv can find them."""
    pyenv = shutil.which("pyenv")
    if not pyenv:
        return None
    listed = subprocess.run(
        [pyenv, "versions", "--bare"], capture_output=True, text=True, check=False
    ).stdout.split()
    default = subprocess.run(
        [pyenv, "version-name"], capture_output=True, text=True, check=False
    ).stdout.strip()
    extra = [v for v in listed if v.startswith(("3.12.", "3.13.")) and v != default]
    return ":".join([default, *extra]) if default else None


def tool_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.setdefault("UV_LINK_MODE", "copy")
    versions = _pyenv_versions()
    if versions and "PYENV_VERSION" not in os.environ:
        env["PYENV_VERSION"] = versions
    env.update(extra or {})
    return env


def require(tool: str) -> str:
    found = shutil.which(tool)
    if found:
        return found
    message = f"{tool} is required for this test and is not installed"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def run(
    args: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure, fail the test with the command's own output."""
    result = subprocess.run(
        list(args), cwd=cwd, env=tool_env(env), capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        pytest.fail(
            f"`{' '.join(args)}` exited {result.returncode} in {cwd}\n"
            f"--- stdout ---\n{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-4000:]}"
        )
    return result


def uv_sync(project: Path, python: str) -> None:
    run([require("uv"), "sync", "--python", python], project)
