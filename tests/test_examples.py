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


def console_transcripts() -> list[tuple[str, list[str]]]:
    """The README's `console` blocks: a command and the lines it is shown to print."""
    text = (ROOT / "README.md").read_text()
    found = []
    for block in re.findall(r"^```console\n(.*?)^```", text, re.M | re.S):
        command, *shown = block.splitlines()
        if command.startswith("$ fwgen "):
            found.append((command.removeprefix("$ "), shown))
    return found


@pytest.mark.parametrize(("command", "shown"), console_transcripts())
def test_readme_transcript_is_what_the_command_prints(
    command: str, shown: list[str], runner: CliRunner
) -> None:
    """Each shown line is printed, in order; a `...` line stands for lines left out, and `...`
    within a line for the part of it left out."""
    printed = runner.invoke(cli, shlex.split(command)[1:], env={"NO_COLOR": "1"}).output
    if not any("..." in line for line in shown):
        # A whole transcript is the whole output, character for character.
        assert printed.splitlines() == shown
        return
    lines = iter(printed.splitlines())
    for line in shown:
        if line.strip() == "...":
            continue
        head, cut, tail = line.partition("...")
        for candidate in lines:
            if candidate == line or (
                cut and candidate.startswith(head.rstrip()) and candidate.endswith(tail.strip())
            ):
                break
        else:
            pytest.fail(f"the README shows {line!r}, which `{command}` does not print in order")
