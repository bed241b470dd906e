"""What each answer changes in the generated project, and what a starter cannot do yet.

The recommender's data file is the one source: the README's table is rendered from it, the
tests render every answer both ways and compare the files, and `fwgen new` names each gap
before it renders.
"""

from __future__ import annotations

from dataclasses import replace

from generator.knowledge import LABELS, Answers, Effect, Knowledge, load
from generator.recommender import flag_for, resolve


def gaps(framework: str, given: Answers, knowledge: Knowledge | None = None) -> list[str]:
    """What these answers (given, or implied by one given) ask of this framework's starter
    that it cannot do yet. Defaults ask for nothing."""
    knowledge = knowledge or load()
    asked, _ = resolve(given, knowledge)
    return [
        gap.text for gap in knowledge.gaps if framework in gap.frameworks and gap.matches(asked)
    ]


def _names(frameworks: tuple[str, ...]) -> str:
    labels = [LABELS[f] for f in frameworks]
    return " and ".join(labels) if len(labels) < 3 else "every starter"


def _changes_more(implied: Answers, given: Answers, stated: list[tuple[Effect, str]]) -> bool:
    """Whether the implied answers bring about something the given ones do not by themselves."""
    return any(item.matches(implied) and not item.matches(given) for item, _ in stated)


def _merged(effects: tuple[Effect, ...]) -> list[Effect]:
    """One effect per text and condition, naming every starter that has it."""
    merged: dict[tuple[str, str], Effect] = {}
    for effect in effects:
        key = (repr(effect.when), effect.text)
        if key in merged:
            same = merged[key]
            effect = replace(same, frameworks=same.frameworks + effect.frameworks)
        merged[key] = effect
    return list(merged.values())


def readme_table(knowledge: Knowledge | None = None) -> str:
    """One row per question: what each answer changes in the project, or that it only
    informs the recommendation."""
    knowledge = knowledge or load()
    rows = ["| Question | What an answer changes in the project |", "|---|---|"]
    stated: list[tuple[Effect, str]] = [
        (effect, f"{effect.text}.") for effect in _merged(knowledge.effects)
    ] + [
        (gap, f"nothing yet, and fwgen warns before it renders that {gap.text}.")
        for gap in knowledge.gaps
    ]
    for name, criterion in knowledge.criteria.items():
        parts = [
            f"`{flag_for(name, value)}` with {_names(item.frameworks)}: {says}"
            for item, says in stated
            for condition in item.when
            for value in condition.requires.get(name, ())
        ]
        parts += [
            f"`{flag_for(name, value)}` also asks for "
            f"{' and '.join(f'`{flag_for(k, v)}`' for k, v in implication.sets.items())}"
            " unless that is answered too."
            for implication in knowledge.implications
            for value in implication.when.requires.get(name, ())
            if _changes_more(implication.sets, {name: value}, stated)
        ]
        if not parts:
            parts.append("Informs the recommendation and the decision record only.")
        rows.append(f"| {criterion.question} (`--{name.replace('_', '-')}`) | {' '.join(parts)} |")
    return "\n".join(rows)
