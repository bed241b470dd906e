"""Interactive questions on a terminal (click prompts; never used off a terminal)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import click

from generator.console import echo, paint
from generator.knowledge import LABELS, Criterion, Knowledge, Value
from generator.recommender import resolve


def _choice(values: Sequence[str], default: str) -> Callable[[str], str]:
    def convert(raw: str) -> str:
        text = raw.strip()
        if text.isdigit() and 1 <= int(text) <= len(values):
            return values[int(text) - 1]
        for value in values:
            if text.lower() == value.lower():
                return value
        raise click.BadParameter(f"choose one of {', '.join(values)} (or its number)")

    return convert


def ask_choice(question: str, options: Mapping[str, str], default: str) -> str:
    echo(paint(question, bold=True))
    values = list(options)
    width = max(len(v) for v in values)
    for number, value in enumerate(values, 1):
        echo(f"  {number}. {value:<{width}}  {options[value]}")
    answer: str = click.prompt(
        "Choice", default=default, value_proc=_choice(values, default), show_default=True
    )
    return answer


def ask_criteria(knowledge: Knowledge, given: Mapping[str, Value]) -> dict[str, Value]:
    """Ask every criterion not given and not implied by earlier answers; `[n/total]` counter."""
    answers: dict[str, Value] = dict(given)
    asked = 0

    def pending() -> list[Criterion]:
        resolved, _ = resolve(answers, knowledge)
        return [c for c in knowledge.criteria.values() if c.name not in resolved]

    while remaining := pending():
        criterion = remaining[0]
        asked += 1
        counter = paint(f"[{asked}/{asked - 1 + len(remaining)}]", fg="cyan")
        echo()
        if criterion.type == "bool":
            answers[criterion.name] = click.confirm(
                f"{counter} {criterion.question}", default=bool(criterion.default)
            )
        else:
            answers[criterion.name] = ask_choice(
                f"{counter} {criterion.question}", criterion.choices, str(criterion.default)
            )
    return answers


def ask_framework(recommended: str) -> str:
    echo()
    options = {
        fw: label + (" (recommended)" if fw == recommended else "") for fw, label in LABELS.items()
    }
    return ask_choice(
        "Use which framework? Enter accepts the recommendation.", options, recommended
    )


def ask_text(question: str, default: Any, check: Callable[[str], str | None]) -> str:
    def convert(raw: str) -> str:
        message = check(raw)
        if message:
            raise click.BadParameter(message)
        return raw

    answer: str = click.prompt(question, default=default, value_proc=convert)
    return answer
