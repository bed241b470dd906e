"""Fuzzed answers: every render is either refused with a clear message or renders intact files.

Names, descriptions and authors with quotes, backslashes, Jinja delimiters, non-ASCII and very
long strings: the rendered Python must compile, TOML/YAML/JSON must parse, and the text must
come back exactly as typed.
"""

from __future__ import annotations

import ast
import shutil
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from generator.errors import UsageError
from generator.knowledge import FRAMEWORKS
from generator.naming import check_name
from generator.render import render
from generator.store import Source

from conftest import parse_tree

TRICKY = [
    '"', "'", "\\", "\\n", "{{ 7*7 }}", "{% raw %}", "{# c #}", "${x}", "%(x)s", "é", "ß",
    "漢字", "😀", "\u200b", " ", "#", ":", "- ", "[", "]", "`", "$", "&", "<b>",
]  # fmt: skip
# Mostly text a person could type (any script, emoji, quotes, Jinja), sometimes anything at
# all (control characters, line separators) that the validators must refuse.
printable = st.characters(
    exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="\ufeff\ufffe\uffff"
)
pieces = st.one_of(
    st.sampled_from(TRICKY),
    st.text(printable, min_size=1, max_size=12),
)
typed = st.lists(pieces, min_size=1, max_size=12).map("".join)
anything = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
long_text = st.integers(min_value=150, max_value=400).map(lambda n: ("long é " * n)[:n])
texts = st.one_of(typed, typed, typed, typed, typed, typed, anything, long_text)


def answers(framework: str, description: str, author: str) -> dict[str, Any]:
    return {
        "framework": framework,
        "project_name": "demo",
        "description": description,
        "author_name": author,
        "author_email": "a@example.com",
    }


def python_literal(path: Path, name: str, *, keyword: bool) -> Any:
    """The value of the first call keyword `name=` (or dict key `"name":`) in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if keyword and isinstance(node, ast.keyword) and node.arg == name:
            return ast.literal_eval(node.value)
        if not keyword and isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == name:
                    return ast.literal_eval(value)
    raise AssertionError(f"{name} not found in {path}")


@pytest.fixture(scope="module")
def snapshot(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template as a plain directory: Copier renders it without cloning a repository."""
    copy = tmp_path_factory.mktemp("template")
    shutil.copy2(template / "copier.yml", copy / "copier.yml")
    shutil.copytree(template / "templates", copy / "templates")
    return copy


@pytest.mark.parametrize("framework", FRAMEWORKS)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(description=texts, author=texts)
@example(
    description='He said "hi" \\ {{ 7*7 }} {% raw %} ${x} é 漢字 😀 \u200b',
    author='O\'Brien "Bob" Ünïcode 😀',
)
def test_fuzzed_answers_render_intact_or_are_refused(
    snapshot: Path, framework: str, description: str, author: str
) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="fwgen-fuzz-"))
    try:
        try:
            source = Source(str(snapshot), None)
            render(source, scratch / "p", answers(framework, description, author), debug=False)
        except UsageError as refused:
            message = str(refused)
            assert "\n" not in message and message.startswith("Validation error for question")
            assert not (scratch / "p").exists()
            event(f"refused: {message.split(':')[0][-40:]}")
            return
        event("rendered")
        project = scratch / "p"
        parse_tree(project)
        meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        assert meta["description"] == description
        assert meta["authors"][0]["name"] == author
        mkdocs = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
        assert mkdocs["site_description"] == description
        recorded = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
        assert (recorded["description"], recorded["author_name"]) == (description, author)
        if framework == "fastapi":
            assert (
                python_literal(project / "app/main.py", "description", keyword=True) == description
            )
        elif framework == "django":
            settings_file = project / "config/settings/base.py"
            assert python_literal(settings_file, "DESCRIPTION", keyword=False) == description
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@settings(max_examples=300, deadline=None)
@given(name=texts)
def test_fuzzed_project_names_are_refused_or_valid_packages(name: str) -> None:
    try:
        project = check_name(name)
    except UsageError as refused:
        assert "\n" not in str(refused)
        return
    assert project.slug.isidentifier() and project.slug.isascii()
    assert project.dist.replace("-", "_") == project.slug
