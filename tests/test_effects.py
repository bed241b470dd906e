"""Every answer has a stated effect: the files it changes, a gap fwgen warns about, or "informs
the recommendation only". The README's table comes from the same data; each answer is rendered
both ways and the files that differ are exactly the stated ones."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import effects
from generator.cli import cli
from generator.effects import gaps, readme_table
from generator.knowledge import FRAMEWORKS, Effect, Knowledge, Value, load
from generator.recommender import flag_for, resolve

ROOT = Path(__file__).resolve().parents[1]
# Files that record the answers themselves (and the per-project secret): they differ whenever
# an answer does, and are not an effect on the code.
RECORDS = {".copier-answers.yml", "docs/decisions/0001-web-framework.md", ".env"}
AUTHOR = ["--data", "author_name=A Team", "--data", "author_email=team@example.com"]


def test_the_readme_table_is_the_data_files() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- answer-effects -->\n(.*?)\n<!-- /answer-effects -->", text, re.S)
    assert found, "README.md has no answer-effects table"
    assert found.group(1) == readme_table()


def test_defaults_ask_for_nothing() -> None:
    knowledge = load()
    defaults = {name: c.default for name, c in knowledge.criteria.items()}
    for item in (*knowledge.effects, *knowledge.gaps):
        assert not item.matches(defaults), item.text


def with_live_gap() -> Knowledge:
    """The data file with one gap: live updates asked of the Django starter. No starter lacks
    anything the questions ask for today; this is how the next gap will be told."""
    knowledge = load()
    [live] = [e for e in knowledge.effects if "django" in e.frameworks and "WebSocket" in e.text]
    gap = Effect(live.when, ("django",), "live updates were asked for, but the Django starter")
    return replace(knowledge, gaps=(gap,))


def test_no_starter_lacks_what_the_questions_ask_for() -> None:
    assert load().gaps == ()
    for framework in FRAMEWORKS:
        assert gaps(framework, {"kind": "realtime"}) == gaps(framework, {"async": True}) == []


def test_gaps_follow_given_and_implied_answers_for_the_named_frameworks_only() -> None:
    knowledge = with_live_gap()
    live = "live updates were asked for, but the Django starter"
    assert gaps("django", {"kind": "realtime"}, knowledge) == [live]
    assert gaps("django", {"kind": "realtime", "async": False}, knowledge) == [live]
    assert gaps("django", {"async": True}, knowledge) == [live]
    assert gaps("django", {"kind": "cms"}, knowledge) == []
    assert gaps("fastapi", {"kind": "realtime"}, knowledge) == []
    assert gaps("flask", {"kind": "realtime"}, knowledge) == []


def test_new_names_a_gap_before_it_renders(
    runner: CliRunner, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(effects, "load", with_live_gap)
    result = runner.invoke(
        cli, ["new", "svc", "--yes", "--framework", "django", "--async", "--no-git", *AUTHOR]
    )
    assert result.exit_code == 0, result.output
    warning = "warning: live updates were asked for, but the Django starter"
    assert result.output.index(warning) < result.output.index("Created svc")
    result = runner.invoke(
        cli, ["new", "live", "--yes", "--framework", "fastapi", "--async", "--no-git", *AUTHOR]
    )
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


def changed_files(a: Path, b: Path) -> set[str]:
    def files(root: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in root.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(root).parts
        }

    left, right = files(a), files(b)
    return {name for name in left.keys() | right.keys() if left.get(name) != right.get(name)}


def other_values(name: str) -> list[Value]:
    criterion = load().criteria[name]
    return [v for v in criterion.values() if v != criterion.default]


def make(runner: CliRunner, where: Path, framework: str, *flags: str) -> Path:
    args = ["new", "p", "--yes", "--no-git", "--framework", framework, *AUTHOR, *flags]
    result = runner.invoke(cli, [*args, "--output", str(where / "p")])
    assert result.exit_code == 0, result.output
    return where / "p"


@pytest.fixture(scope="module")
def baselines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each framework's project with every answer left to its default, made once."""
    root = tmp_path_factory.mktemp("defaults")
    return {fw: make(CliRunner(), root / fw, fw) for fw in FRAMEWORKS}


@pytest.mark.slow
@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("name", list(load().criteria))
def test_an_answer_changes_exactly_the_files_it_states(
    name: str, framework: str, baselines: dict[str, Path], runner: CliRunner, tmp_path: Path
) -> None:
    knowledge = load()
    for value in other_values(name):
        answered = make(runner, tmp_path / str(value), framework, *flag_for(name, value).split())
        # An answer brings about what the answers it implies do (kind=cms: an admin).
        asked, _ = resolve({name: value}, knowledge)
        stated = {
            path
            for effect in knowledge.effects
            if framework in effect.frameworks and effect.matches(asked)
            for path in effect.files
        }
        stated = {path.replace("{slug}", "p") for path in stated}  # the package is named "p"
        changed = changed_files(baselines[framework], answered) - RECORDS
        assert changed == stated, flag_for(name, value)
