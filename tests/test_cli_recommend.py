import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator import __version__
from generator.cli import cli
from generator.knowledge import FRAMEWORKS

from conftest import tree


def test_json_follows_the_contract_and_writes_nothing(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(cli, ["recommend", "--kind", "api", "--async", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["framework"] == "fastapi"
    assert data["runner_up"] in {"django", "flask"}
    assert set(data["scores"]) == set(FRAMEWORKS)
    assert all(r["sources"] for r in data["reasons"])
    assert isinstance(data["alternatives"], list)
    assert tree(workdir) == set()


def test_every_criterion_flag_is_accepted(runner: CliRunner) -> None:
    args = [
        "recommend",
        "--kind",
        "cms",
        "--scale",
        "large",
        "--experience",
        "experienced",
        "--team-knows",
        "django",
        "--admin",
        "--no-async",
        "--no-performance",
        "--security",
        "--complex-data",
        "--deploy",
        "server",
        "--architecture",
        "monolith",
        "--no-flexibility",
        "--json",
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["framework"] == "django"
    assert data["answers"]["async"] is False


def test_disagreement_is_reported_with_both_sources(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["recommend", "--kind", "microservice", "--json"])
    data = json.loads(result.output)
    (item,) = data["disagreements"]
    assert item["topic"] == "microservices"
    assert {side["framework"] for side in item["sides"]} == {"flask", "fastapi"}
    assert all(side["sources"] for side in item["sides"])


def test_text_report_explains_the_pick(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["recommend", "--kind", "realtime"])
    assert result.exit_code == 0
    out = result.output
    assert "Recommended: FastAPI" in out
    assert "runner-up:" in out
    assert "Why FastAPI over" in out
    assert "Tornado" in out  # the niche alternative for long-lived connections
    assert "What would change the pick:" in out
    assert "Sources:" in out and "[1] " in out
    assert "\x1b[" not in out  # no colour off a terminal


def test_bad_value_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["recommend", "--kind", "spaceship"])
    assert result.exit_code == 2
    assert "Invalid value for '--kind'" in result.output


def test_version_and_help(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["--version"]).output.strip() == f"fwgen, version {__version__}"
    help_text = runner.invoke(cli, ["--help"]).output
    assert "Examples:" in help_text and "fwgen new shop" in help_text


def test_help_and_recommend_do_not_import_copier() -> None:
    probe = (
        "import sys\n"
        "from generator.cli import cli\n"
        "for args in (['--help'], ['recommend', '--kind', 'api', '--json']):\n"
        "    try:\n"
        "        cli.main(args, prog_name='fwgen')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('copier' in sys.modules, 'jinja2' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "False False"


class _Terminal:
    def isatty(self) -> bool:
        return True


def test_no_color_counts_only_when_not_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.console import colour_enabled

    terminal: Any = _Terminal()
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert colour_enabled(terminal)
    monkeypatch.setenv("NO_COLOR", "")  # no-color.org: set but empty is not a request
    assert colour_enabled(terminal)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_enabled(terminal)


def test_shortlist_names_eight_then_counts_the_rest() -> None:
    from generator.console import shortlist

    assert shortlist(["a", "b"]) == "a, b"
    assert shortlist([str(n) for n in range(10)]) == "0, 1, 2, 3, 4, 5, 6, 7 and 2 more"
