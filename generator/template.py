"""Where fwgen's Copier template lives: inside the installed package, or the source checkout."""

from __future__ import annotations

from pathlib import Path

from generator.errors import FwgenError

_PACKAGE_DIR = Path(__file__).resolve().parent


def template_root() -> Path:
    """The directory that holds copier.yml and templates/."""
    for candidate in (_PACKAGE_DIR / "template", _PACKAGE_DIR.parent):
        if (candidate / "copier.yml").is_file() and (candidate / "templates").is_dir():
            return candidate
    raise FwgenError("fwgen's template is missing from this installation; reinstall fwgen")
