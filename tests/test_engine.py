"""fwgen's Copier worker renders exactly what plain `copier copy` renders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import copier
import pytest

from generator import engine
from generator.errors import UsageError
from generator.knowledge import FRAMEWORKS


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def both_ways(src: Path, tmp_path: Path, answers: dict[str, Any]) -> tuple[Path, Path]:
    ours, plain = tmp_path / "engine", tmp_path / "copier"
    engine.copy(str(src), ours, answers, ref=None, debug=False)
    copier.run_copy(
        str(src), plain, data=answers, defaults=True, quiet=True, settings=copier.Settings()
    )
    return ours, plain


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_every_framework_renders_byte_for_byte_like_copier(
    plain_template: Path, tmp_path: Path, framework: str
) -> None:
    answers = {"project_name": "Demo", "framework": framework, "database": "postgresql"}
    ours, plain = both_ways(plain_template, tmp_path, answers)
    assert files(ours) == files(plain)
    assert len(files(ours)) > 50


def test_compiled_path_templates_keep_copiers_yield_tag(tmp_path: Path) -> None:
    # The yield tag leaves state on the Jinja environment; a reused template must not see
    # the state another path left behind.
    src = tmp_path / "template"
    (src / "{{ name }}").mkdir(parents=True)
    (src / "copier.yml").write_text(
        "_templates_suffix: .jinja\nname: {type: str, default: pkg}\n"
        "items: {type: yaml, default: '[a, b]'}\n"
    )
    (src / "{% yield item from items %}{{ item }}{% endyield %}.txt.jinja").write_text(
        "item {{ item }}\n"
    )
    (src / "{{ name }}" / "{{ name }}.txt.jinja").write_text("in {{ name }}\n")
    (src / "{{ name }}" / "plain.txt").write_text("as is\n")
    ours, plain = both_ways(src, tmp_path, {})
    assert files(ours) == files(plain)
    assert set(files(ours)) >= {"a.txt", "b.txt", "pkg/pkg.txt", "pkg/plain.txt"}


def test_a_rejected_answer_is_a_usage_error(template: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError) as error:
        engine.copy(str(template), tmp_path / "p", {"framework": "rails"}, ref=None, debug=False)
    assert "\n" not in str(error.value)
    assert not (tmp_path / "p").exists()
