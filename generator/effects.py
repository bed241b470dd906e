"""What each answer changes in the generated project, and what a starter cannot do yet.

The recommender's data file is the one source: the README's table is rendered from it, the
tests render every answer both ways and compare the files, and `fwgen new` names each gap
before it renders.
"""

from __future__ import annotations

from generator.knowledge import LABELS, Answers, Knowledge, load
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


def readme_table(knowledge: Knowledge | None = None) -> str:
    """One row per question: what each answer changes in the project, or that it only
    informs the recommendation."""
    knowledge = knowledge or load()
    rows = ["| Question | What an answer changes in the project |", "|---|---|"]
    stated = [(effect, f"{effect.text}.") for effect in knowledge.effects] + [
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
        if not parts:
            parts.append("Informs the recommendation and the decision record only.")
        rows.append(f"| {criterion.question} (`--{name.replace('_', '-')}`) | {' '.join(parts)} |")
    return "\n".join(rows)
