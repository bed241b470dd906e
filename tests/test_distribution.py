"""fwgen's published name is its own, and everything that names it agrees.

The package index's `fwgen` is an unrelated iptables firewall tool, so `pip install fwgen`
installs another program. Checked against the index's simple API on 2026-12-02: `fwgen`
answered 200 (taken), `fwgen-starter` 404 (free). No offline copy of the index's name list
exists to test against, so this test keeps every mention in step with pyproject.toml.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import release  # noqa: E402

TAKEN = "fwgen"


def test_the_distribution_name_is_not_the_taken_one() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == release.distribution() == "fwgen-starter" != TAKEN
    assert project["scripts"] == {"fwgen": "generator.cli:main"}
    assert release.wheel_name() == "fwgen_starter"


def test_readmes_name_the_distribution(copie: Any) -> None:
    name = release.distribution()
    readme = (ROOT / "README.md").read_text()
    upgrades = re.findall(r"pip install --upgrade (\S+)", readme)
    assert upgrades and set(upgrades) == {name}
    generated = copie.copy(extra_answers={"project_name": "demo", "framework": "flask"})
    text = (generated.project_dir / "README.md").read_text()
    assert set(re.findall(r"https://pypi\.org/project/([^/]+)/", text)) == {name}
    assert set(re.findall(r"pip install (?:--upgrade )?([a-z][\w-]*)", text)) == {name}


# What each third-party module the package imports is published as.
PUBLISHED_AS = {
    "click": "click",
    "copier": "copier",
    "jinja2": "jinja2",
    "jinja2_ansible_filters": "jinja2-ansible-filters",
    "packaging": "packaging",
    "prompt_toolkit": "prompt-toolkit",
    "questionary": "questionary",
    "yaml": "pyyaml",
}


def test_every_module_the_package_imports_is_a_declared_dependency() -> None:
    import ast

    imported: set[str] = set()
    for path in (ROOT / "generator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    # Copier loads this Jinja extension by name from questions.py's environment.
    if "jinja2_ansible_filters" in (ROOT / "generator" / "questions.py").read_text():
        imported.add("jinja2_ansible_filters")
    third_party = imported - set(sys.stdlib_module_names) - {"generator", "__future__"}
    assert third_party <= set(PUBLISHED_AS), f"map these to their distributions: {third_party}"
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {re.split(r"[<>=!~ \[;]", spec)[0].lower() for spec in declared}
    assert {PUBLISHED_AS[module] for module in third_party} <= names
