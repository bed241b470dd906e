"""Before `fwgen new` writes anything: every answer on one screen, then create, change or stop."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from generator import prompts
from generator.console import paint
from generator.effects import gaps
from generator.knowledge import LABELS, Value, load
from generator.questions import Question, default_for
from generator.recommender import Recommendation, flips, provenance, recommend, with_defaults
from generator.report import recommendation_text


@dataclass
class Draft:
    """The answers so far; the recommendation always follows from the criteria."""

    project_name: str
    target: Path
    given: dict[str, Value]  # criteria the team answered (flags, files, prompts)
    framework: str
    # "given" on the command line, "recommended" when it took the recommendation (and so follows
    # it when a criterion changes), "chosen" when the team picked another, "default" when
    # nothing was answered to recommend from.
    framework_source: str
    project: dict[str, str] = field(default_factory=dict)
    defaulted: set[str] = field(default_factory=set)  # project answers that were the default

    @property
    def criteria(self) -> dict[str, Value]:
        return with_defaults(self.given)

    @property
    def recommendation(self) -> Recommendation:
        return recommend(self.given)

    def context(self, upto: str | None = None) -> dict[str, Any]:
        """What copier.yml's defaults and validators see, with the project answers before `upto`."""
        context: dict[str, Any] = {
            **self.criteria,
            "framework": self.framework,
            "project_name": self.project_name,
        }
        for name, value in self.project.items():
            if name == upto:
                break
            context[name] = value
        return context

    def refresh_defaults(self, known: Mapping[str, Question]) -> None:
        # "A Django service." was the default: after a switch to Flask it should say Flask.
        for name in self.project:
            if name in self.defaulted:
                self.project[name] = str(default_for(known[name], self.context(upto=name)))


def source_of(framework: str, recommended: str) -> str:
    """How a framework picked at the prompt relates to the recommendation."""
    return "recommended" if framework == recommended else "chosen"


def _shown(value: Value | str) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def summary(draft: Draft) -> list[str]:
    rec = draft.recommendation
    origin = provenance(draft.given)
    rows: list[tuple[str, str, str]] = [
        (name, _shown(value), origin[name]) for name, value in draft.criteria.items()
    ]
    framework_note = {
        "given": "given",
        "recommended": "the recommendation",
        "chosen": f"chosen; {LABELS[rec.framework]} is recommended",
        "default": "fwgen's default; nothing was answered to recommend one",
    }[draft.framework_source]
    rows.append(("framework", LABELS[draft.framework], framework_note))
    rows += [(name, value, "") for name, value in draft.project.items()]
    name_width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows if r[2])  # the notes line up; long text runs on
    lines = [
        paint("Check every answer; nothing is written yet.", bold=True),
        "  (given: you answered; implied: follows from another answer; default: fwgen's)",
    ]
    for name, value, note in rows:
        lines.append(f"  {name:<{name_width}}  {value:<{value_width}}  {note}".rstrip())
    lines.append(f"  {'writes to':<{name_width}}  {draft.target}")
    lines += [f"  Not in this starter yet: {gap}." for gap in gaps(draft.framework, draft.given)]
    return lines


def _change_criterion(draft: Draft, name: str) -> None:
    knowledge = load()
    before = draft.recommendation.framework
    draft.given[name] = prompts.ask_criterion(knowledge.criteria[name], draft.criteria[name])
    # A new answer can stop implying another criterion: ask what is now open.
    draft.given = prompts.ask_criteria(knowledge, draft.given)
    rec = draft.recommendation
    if rec.framework == before:
        return
    prompts.say()
    prompts.say(recommendation_text(rec, flips(draft.given)))
    if draft.framework_source == "recommended":
        draft.framework = rec.framework
        how = "the recommendation" if rec.verdict == "clear" else "fwgen's first choice"
        prompts.say(f"\nThe framework follows {how}: now {LABELS[rec.framework]}.")
    elif draft.framework_source == "chosen" and draft.framework == rec.framework:
        draft.framework_source = "recommended"


def _change(draft: Draft, name: str, known: Mapping[str, Question]) -> None:
    if name == "framework":
        rec = draft.recommendation
        draft.framework = prompts.ask_framework(
            rec.framework, draft.framework, close=rec.verdict != "clear"
        )
        draft.framework_source = source_of(draft.framework, rec.framework)
    elif name in draft.criteria:
        _change_criterion(draft, name)
    else:
        draft.project[name] = prompts.ask_answer(
            known[name], draft.project[name], draft.context(upto=name)
        )
        draft.defaulted.discard(name)
    draft.refresh_defaults(known)


def review(draft: Draft, known: Mapping[str, Question]) -> Draft:
    """Show the summary until the team creates the project; stopping raises click.Abort."""
    while True:
        prompts.say()
        prompts.say("\n".join(summary(draft)))
        action = prompts.ask_choice(
            "Create the project?",
            {
                "create": f"write {draft.project_name} now",
                "change": "change one answer",
                "stop": "quit; nothing is written",
            },
            "create",
        )
        if action == "create":
            return draft
        if action == "stop":
            raise click.Abort
        names = [*draft.criteria, "framework", *draft.project]
        values: dict[str, Value | str] = {
            **draft.criteria,
            "framework": LABELS[draft.framework],
            **draft.project,
        }
        options = {name: _shown(values[name]) for name in names}
        _change(draft, prompts.ask_choice("Change which answer?", options, names[0]), known)
