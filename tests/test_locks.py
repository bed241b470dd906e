"""The uv.lock every generated project ships: it fits the project's dependencies, it is the one
scripts/lock.py made for those answers, and a dependency changed without re-locking fails here."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import jinja2
import pytest
from jinja2 import meta

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import lock

from generator.knowledge import FRAMEWORKS

import harness

# What pyproject.toml may read without changing what uv locks: names, texts, tool settings.
LOCK_NEUTRAL = {"project_name", "project_slug", "dist_name", "description", "author_name"}
LOCK_NEUTRAL |= {"author_email", "license"}
LOCK_NEUTRAL |= {"lean"}  # mypy and coverage settings only
# What the lock key (uv.lock.jinja, lock.LOCKS) is made of.
LOCK_KEY = {"framework", "python_version", "realtime", "deploy", "admin", "celery"}


@pytest.fixture(autouse=True)
def tool_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """uv finds the local interpreters the way the harness's tools do, and nothing else."""
    for name, value in harness.tool_env().items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize("key", list(lock.LOCKS))
def test_each_lock_is_the_one_rendered_and_fits_its_starter(
    plain_template: Path, tmp_path: Path, key: str
) -> None:
    assert lock.stale(plain_template, key, tmp_path) is None
    rendered = (tmp_path / key / "uv.lock").read_text(encoding="utf-8")
    shipped = (plain_template / lock.LOCKS_IN / f"{key}.lock").read_text(encoding="utf-8")
    assert rendered == lock.from_template(shipped)


def test_a_dependency_changed_without_relocking_is_caught(
    plain_template: Path, tmp_path: Path
) -> None:
    template = tmp_path / "template"
    shutil.copytree(plain_template, template)
    pyproject = template / "templates" / "flask" / "pyproject.toml.jinja"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('"flask>=3.1",', '"flask>=3.1",\n    "six>=1.16",'))
    problem = lock.stale(template, "flask-py313", tmp_path / "check")
    assert problem is not None and problem.startswith("error:")


def test_only_the_lock_keys_answers_change_dependencies(plain_template: Path) -> None:
    """Every answer pyproject.toml reads is part of the lock key or cannot change the lock."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(plain_template))
    for framework in FRAMEWORKS:
        pending, seen, read = [f"templates/{framework}/pyproject.toml.jinja"], set(), set()
        while pending:
            name = pending.pop()
            seen.add(name)
            assert env.loader is not None
            source = env.loader.get_source(env, name)[0]
            tree = env.parse(source)
            read |= meta.find_undeclared_variables(tree)
            pending += [t for t in meta.find_referenced_templates(tree) if t and t not in seen]
        unkeyed = read - LOCK_KEY - LOCK_NEUTRAL
        assert not unkeyed, (
            f"{framework}'s pyproject.toml reads {sorted(unkeyed)}: add it to the lock key "
            "(uv.lock.jinja and scripts/lock.py) or keep it out of the dependencies"
        )


def test_lock_data_keeps_the_projects_name_for_the_template() -> None:
    made = f'version = 1\n\n[[package]]\nname = "{lock.STAND_IN}"\nversion = "0.1.0"\n'
    carried = lock.to_template(made)
    assert 'name = "{{ dist_name }}"' in carried
    assert lock.from_template(carried) == made
    with pytest.raises(lock.LockError, match="exactly once"):
        lock.to_template(made.replace(lock.STAND_IN, "other"))
    with pytest.raises(lock.LockError, match="Jinja"):
        lock.to_template(made + 'marker = "{% raw %}"\n')
