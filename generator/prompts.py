"""Questions on a terminal: arrow keys, number keys and line editing (never used off a terminal).

Every prompt raises KeyboardInterrupt on Ctrl-C; the command turns that into exit 130 with
nothing written.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

import questionary
from prompt_toolkit.output import create_output

from generator.console import echo
from generator.knowledge import LABELS, Criterion, Knowledge, Value, load
from generator.questions import Question, problem
from generator.recommender import recommend, resolve
from generator.report import question_lines

# Number keys reach the choices too; questionary offers shortcuts for up to 36 of them.
_MOST_SHORTCUTS = 36


def _on_stderr() -> bool:
    # `fwgen new x | tee log` keeps stdin on the terminal: the conversation goes where a person
    # sees it rather than into the pipe.
    return not sys.stdout.isatty() and sys.stderr.isatty()


def _terminal() -> dict[str, Any]:
    return {"output": create_output(stdout=sys.stderr)} if _on_stderr() else {}


def say(text: str = "") -> None:
    """Text for the person answering (a recommendation, a summary): beside the prompts."""
    echo(text, err=_on_stderr())


def ask_choice(question: str, options: Mapping[str, str], default: str) -> str:
    """One of `options` (value -> one-line help); Enter takes `default`."""
    width = max(len(v) for v in options)
    choices = [
        questionary.Choice(
            value if help_ in ("", value) else f"{value:<{width}}  {help_}", value=value
        )
        for value, help_ in options.items()
    ]
    shortcuts = len(choices) <= _MOST_SHORTCUTS
    answer: str = questionary.select(
        question,
        choices,
        default=next((c for c in choices if c.value == default), None),
        use_shortcuts=shortcuts,
        instruction="(arrow keys" + (" or number" if shortcuts else "") + ", then Enter)",
        **_terminal(),
    ).unsafe_ask()
    return answer


def ask_bool(question: str, default: bool) -> bool:
    answer: bool = questionary.confirm(question, default=default, **_terminal()).unsafe_ask()
    return answer


def ask_text(question: str, default: str, check: Callable[[str], str | None]) -> str:
    """Free text, pre-filled with `default` for editing; `check` returns a problem or None."""
    answer: str = questionary.text(
        question, default=default, validate=lambda text: check(text) or True, **_terminal()
    ).unsafe_ask()
    return answer


def ask_criterion(criterion: Criterion, default: Value, prefix: str = "") -> Value:
    question = f"{prefix}{criterion.question}"
    if criterion.type == "bool":
        return ask_bool(question, bool(default))
    return ask_choice(question, criterion.choices, str(default))


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
        counter = f"[{asked}/{asked - 1 + len(remaining)}] "
        answers[criterion.name] = ask_criterion(criterion, criterion.default, counter)
    return answers


def settle(given: Mapping[str, Value]) -> dict[str, Value]:
    """While no framework is clearly ahead and one more answer would settle it, ask it."""
    answers = dict(given)
    while (rec := recommend(answers)).verdict != "clear" and rec.question:
        say(rec.headline())
        say("\n".join(question_lines(rec.question)))
        criterion = load().criteria[rec.question.criterion]
        answers[criterion.name] = ask_criterion(criterion, criterion.default)
        say()
    return answers


def ask_framework(recommended: str, current: str | None = None, *, close: bool = False) -> str:
    """Which framework; the leader is marked, as a recommendation only when it is clear."""
    mark = " (ahead, no clear winner)" if close else " (recommended)"
    options = {fw: label + (mark if fw == recommended else "") for fw, label in LABELS.items()}
    return ask_choice("Use which framework?", options, current or recommended)


def ask_answer(question: Question, default: str, context: Mapping[str, Any]) -> str:
    """A project question from copier.yml, checked by its own validator as it is typed."""
    if question.choices:
        options = {str(value): label for label, value in question.choices.items()}
        return ask_choice(question.help, options, default)
    return ask_text(question.help, default, lambda text: problem(question, text, context))
