"""Copier, run the way fwgen runs it: every answer given, nothing asked, nothing trusted.

Copier's `run_copy` and `run_update` build a `Worker` and run it; fwgen builds a subclass
instead, for two costs that dominate rendering fwgen's template (measured with
`bench/generate.py`):

- Copier compiles a fresh Jinja template for every part of every path it renders, and for
  the answers-file name once per part: about 1,000 compilations per project, most of them
  of the same few strings. Each distinct string is compiled once here.
- After writing each file Copier starts `git config` to learn whether it must fix that
  file's executable bit in the git index. A directory that did not exist before the render
  has no file in any index, so for those the question is skipped.

`Worker` is internal to Copier; pyproject pins Copier below 10, and the tests render every
framework through here and through plain `copier copy` and compare the bytes.
"""

from __future__ import annotations

import contextlib
import io
import sys
import warnings
from collections.abc import Iterator, Mapping, MutableMapping
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from copier._jinja_ext import SandboxedEnvironment
from copier._main import Worker
from copier._settings import SettingsModel
from jinja2 import Template, nodes

from generator.errors import UsageError


class _Worker(Worker):
    @cached_property
    def jinja_env(self) -> SandboxedEnvironment:
        env = super().jinja_env
        compile_string = env.from_string
        compiled: dict[str, Template] = {}

        def from_string(
            source: str | nodes.Template,
            globals: MutableMapping[str, Any] | None = None,
            template_class: type[Template] | None = None,
        ) -> Template:
            if not isinstance(source, str) or globals is not None or template_class is not None:
                return compile_string(source, globals, template_class)
            # Extensions reset their per-template state here (Copier's yield tag does).
            env.preprocess(source)
            if source not in compiled:
                compiled[source] = compile_string(source)
            return compiled[source]

        env.from_string = from_string  # type: ignore[method-assign]
        return env


class _FreshWorker(_Worker):
    """A worker for a destination that did not exist before the render."""

    def _sync_git_index_executable_bit(self, dst_relpath: Path, src_mode: int) -> None:
        return None


@contextlib.contextmanager
def _quiet(debug: bool) -> Iterator[None]:
    """Copier's warnings and progress are for template authors; --debug shows them."""
    chatter = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stderr(sys.stderr if debug else chatter):
        if not debug:
            warnings.simplefilter("ignore")
        yield


def _settled() -> dict[str, Any]:
    """What fwgen always tells Copier.

    Every answer is given, so nothing is asked; nothing is trusted (the template needs no
    tasks or extensions); the user's own Copier settings (default answers, trusted sources)
    do not apply.
    """
    return {
        "defaults": True,
        "overwrite": True,
        "quiet": True,
        "unsafe": False,
        "settings": SettingsModel(),
    }


def copy(
    src: str, destination: Path, answers: Mapping[str, Any], *, ref: str | None, debug: bool
) -> None:
    """Render the template at `src` (at `ref`, when it is a repository) into `destination`."""
    worker = _Worker if destination.exists() else _FreshWorker
    with _quiet(debug):
        try:
            with worker(
                src_path=src, dst_path=destination, vcs_ref=ref, data=dict(answers), **_settled()
            ) as running:
                running.run_copy()
        except ValueError as exc:  # Copier's verdict on an answer (validator, choice, type)
            raise UsageError(str(exc).splitlines()[0]) from exc


def update(
    project: Path,
    ref: str,
    changes: Mapping[str, Any],
    *,
    conflict: Literal["inline", "rej"],
    debug: bool,
) -> None:
    """Copier's update of `project` to the template at `ref`, with changed answers."""
    with (
        _quiet(debug),
        _Worker(
            dst_path=project, vcs_ref=ref, data=dict(changes), conflict=conflict, **_settled()
        ) as running,
    ):
        running.run_update()
