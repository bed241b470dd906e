"""Every `fwgen` example in `fwgen --help` and the README runs as written and succeeds.

Examples that ask questions run on a real terminal (a pty) taking every default, as a person
pressing Enter would; the others run off a terminal, as in a script. The README's update
examples need a release wheel and a project made by an earlier one: tests/test_update.py runs
them so.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from terminal import Terminal

from generator.cli import EXAMPLES, cli

ROOT = Path(__file__).resolve().parents[1]
UPDATE_EXAMPLES = {("check",), ("update",)}


def help_examples() -> list[str]:
    lines = [line.strip() for line in EXAMPLES.splitlines()]
    return [re.split(r"\s{2,}", line)[0] for line in lines if line.startswith("fwgen ")]


def readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text()
    found = []
    for block in re.findall(r"^```(?:sh|console)\n(.*?)^```", text, re.M | re.S):
        for line in block.splitlines():
            line = line.removeprefix("$ ")
            if line.startswith("fwgen "):
                found.append(" ".join(shlex.split(line, comments=True)))
    return found


EXAMPLES_AS_WRITTEN = sorted(
    example
    for example in set(help_examples()) | set(readme_examples())
    if tuple(shlex.split(example)[1:]) not in UPDATE_EXAMPLES
)


def test_the_examples_were_found() -> None:
    assert len(help_examples()) >= 5 and len(readme_examples()) >= 7
    assert "fwgen new shop" in EXAMPLES_AS_WRITTEN
    assert {("check",), ("update",)} <= {tuple(shlex.split(e)[1:]) for e in readme_examples()}


@pytest.mark.parametrize("example", EXAMPLES_AS_WRITTEN)
def test_example_runs_as_written(example: str, runner: CliRunner, workdir: Path) -> None:
    args = shlex.split(example)[1:]
    if args[0] == "new" and "--yes" not in args:
        term = Terminal(args, workdir, {"NO_COLOR": "1"}, timeout=60)
        assert term.take_every_default() == 0, term.text[-2000:]
        return
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
