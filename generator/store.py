"""The per-user template store: every released template version, offline, on every machine.

A wheel of fwgen carries `template.bundle`, a git bundle of the template's tagged history.
fwgen copies it to one fixed per-user place, `~/.local/share/fwgen/template.bundle`, and
records that path, `~` included, as the project's `_src_path`. Copier expands the `~` and
reads git bundles directly, so `fwgen update` and plain `copier update` find every released
version on any machine where fwgen has run, with no network and no machine-specific path in
the answers file. A wheel built from a checkout that is not at a release carries that commit
too, under a development tag (`vX.Y.Z+N.gSHA`, named in `template.tag`; see hatch_build.py),
so source installs make updatable projects as well. The store keeps every version any
installed fwgen brought. A checkout run in place (no bundle) renders its working tree.
"""

from __future__ import annotations

import filecmp
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from generator import __version__, gitrepo
from generator.errors import FwgenError
from generator.template import template_root

STORE_URL = "~/.local/share/fwgen/template.bundle"
PACKAGED_BUNDLE = Path(__file__).resolve().parent / "template.bundle"
# Present in a wheel built off a release: the development tag its bundle gives its commit.
PACKAGED_TAG = Path(__file__).resolve().parent / "template.tag"


@dataclass(frozen=True)
class Source:
    """What the answers file records: `url` at `ref`.

    `files`, when set, is a directory holding that very version, rendered instead of cloning
    `url`: a release wheel's own template files are its tag's (the release script builds the
    wheel from the clean tagged commit), so `fwgen new` skips a git clone and checkout.
    """

    url: str
    ref: str | None
    files: Path | None = None


def installed_tag() -> str:
    """The template version this fwgen renders: its release tag, or its development tag."""
    if PACKAGED_TAG.is_file():
        return PACKAGED_TAG.read_text(encoding="utf-8").strip()
    return f"v{__version__}"


def store_path() -> Path:
    return Path(STORE_URL).expanduser()


def tag_version(tag: str) -> Version | None:
    try:
        return Version(tag.removeprefix("v"))
    except InvalidVersion:
        return None


def sync() -> Path:
    """Add the packaged bundle's versions to the store unless it already holds them all.

    The store only grows: it keeps every version any fwgen brought (a development build's
    among them), so every project made on this machine stays updatable.
    """
    target = store_path()
    if not PACKAGED_BUNDLE.is_file() or (
        target.is_file() and filecmp.cmp(PACKAGED_BUNDLE, target, shallow=False)
    ):
        return target
    packaged = gitrepo.bundle_tags(PACKAGED_BUNDLE)
    if not packaged or packaged <= gitrepo.bundle_tags(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write beside it, then rename: a concurrent fwgen never sees half a bundle.
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".tmp", delete=False) as handle:
        partial = Path(handle.name)
    try:
        if target.is_file():
            gitrepo.merge_bundles([target, PACKAGED_BUNDLE], partial)
        else:
            shutil.copyfile(PACKAGED_BUNDLE, partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def store_tags() -> list[str]:
    """The template versions in the store, oldest first."""
    versioned = [(tag_version(t), t) for t in gitrepo.bundle_tags(store_path())]
    return [t for v, t in sorted((v, t) for v, t in versioned if v is not None)]


def for_new() -> Source:
    """This fwgen's own template version from the store, or the checkout's working tree."""
    if installed_tag() in gitrepo.bundle_tags(PACKAGED_BUNDLE):
        sync()
        return at(installed_tag())
    return Source(str(template_root()), None)


def at(ref: str) -> Source:
    """The store's version `ref`; this fwgen's own version is rendered from its own files."""
    return Source(STORE_URL, ref, files=template_root() if ref == installed_tag() else None)


def require_store() -> None:
    """Updating needs the store: fwgen installed from a wheel that carries its bundle."""
    if installed_tag() not in gitrepo.bundle_tags(PACKAGED_BUNDLE):
        raise FwgenError(
            "this fwgen carries no template history (run from a checkout, or built from one "
            "with uncommitted template changes); install it with `pip install .` from a "
            "clean checkout, or from a release, to update projects"
        )
    sync()
