"""One definition of "unanswered": `fwgen recommend` and `fwgen new --yes` (and the decision
record it writes) agree on every combination of up to three criteria flags."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import combinations, product
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.knowledge import LABELS, Value, load
from generator.new import NewRequest, plan
from generator.recommender import flag_for

CRITERIA = list(load().criteria)
AUTHOR = {"author_name": "A Team", "author_email": "team@example.com"}


def flag_sets(first: str | None) -> Iterator[dict[str, Value]]:
    """Every set of up to three answers whose first criterion (in asking order) is `first`."""
    knowledge = load()
    if first is None:
        yield {}
        return
    rest = CRITERIA[CRITERIA.index(first) + 1 :]
    for size in range(3):
        for others in combinations(rest, size):
            names = (first, *others)
            for values in product(*(knowledge.criteria[n].values() for n in names)):
                yield dict(zip(names, values, strict=True))


def args_for(answers: dict[str, Value]) -> list[str]:
    return [part for name, value in answers.items() for part in flag_for(name, value).split()]


def recommend_json(runner: CliRunner, answers: dict[str, Value]) -> dict[str, Any]:
    result = runner.invoke(cli, ["recommend", "--json", *args_for(answers)])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


@pytest.mark.slow
@pytest.mark.parametrize("first", [None, *CRITERIA])
def test_recommend_and_new_agree_on_every_answer_set(
    first: str | None, runner: CliRunner, tmp_path: Path
) -> None:
    checked = 0
    for answers in flag_sets(first):
        shown = recommend_json(runner, answers)
        made = plan(
            NewRequest(name="p", output=tmp_path / "p", criteria=answers, data=AUTHOR, yes=True)
        )
        record = made.answers["fwgen_decision"]
        where = " ".join(args_for(answers)) or "(no flags)"
        label = LABELS[shown["framework"]] if shown["framework"] else None
        assert record["verdict"] == shown["verdict"], where
        assert record["recommended"] == label, where
        assert record["scores"] == {LABELS[k]: v for k, v in shown["scores"].items()}, where
        assert made.framework == (shown["framework"] or "django"), where
        assert [c["text"] for c in record["contradictions"]] == [
            c["text"] for c in shown["contradictions"]
        ], where
        assert [f["answer"] for f in record["flips"]] == [
            flag_for(f["criterion"], f["value"]) for f in shown["flips"]
        ], where
        question = shown["question"]
        assert (record["question"] or {}).get("text") == (question or {}).get("text"), where
        assert set(record["answers"].values()) <= {"given", "implied", "default"}
        assert [n for n, how in record["answers"].items() if how == "given"] == [
            n for n in CRITERIA if n in answers
        ], where
        checked += 1
    assert checked


@pytest.mark.parametrize(
    "flags",
    [
        [],
        ["--kind", "api"],
        ["--kind", "learning"],
        ["--architecture", "microservices"],
        ["--performance", "--deploy", "server"],
        ["--kind", "learning", "--experience", "experienced"],
    ],
    ids=lambda flags: " ".join(flags) or "none",
)
def test_new_yes_prints_and_records_what_recommend_says(
    flags: list[str], runner: CliRunner, workdir: Path
) -> None:
    """Through both commands as a user types them, the decision record included."""
    shown = runner.invoke(cli, ["recommend", *flags], env={"NO_COLOR": "1"}).output
    headline = shown.splitlines()[0]
    result = runner.invoke(
        cli,
        ["new", "p", "--yes", "--no-git", *flags, *(f"--data={k}={v}" for k, v in AUTHOR.items())],
    )
    assert result.exit_code == 0, result.output
    record = (workdir / "p/docs/decisions/0001-web-framework.md").read_text()
    data = json.loads(runner.invoke(cli, ["recommend", "--json", *flags]).output)
    if data["verdict"] == "unanswered":
        assert "fwgen made no recommendation" in record
        assert "recommended nothing" in result.output
    elif data["verdict"] == "close":
        assert headline in result.output and headline in record
    else:
        assert "It is what fwgen recommended for these answers" in record
    for contradiction in data["contradictions"]:
        assert contradiction["text"] in record and contradiction["text"] in result.output
    for evidence in data["evidence"]["deciding"]:
        assert evidence["text"] in record
