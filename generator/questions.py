"""The project questions, read from copier.yml so the template stays their one source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2.sandbox import SandboxedEnvironment

from generator.knowledge import FRAMEWORKS, LABELS
from generator.knowledge import load as load_knowledge

# Asked after the framework is chosen, in this order; the name comes from the command line.
PROJECT_QUESTIONS = (
    "description",
    "author_name",
    "author_email",
    "python_version",
    "license",
    "database",
    "worker",
)


@dataclass(frozen=True)
class Question:
    name: str
    help: str
    type: str
    default: Any
    choices: Mapping[str, Any]  # label -> value
    validator: str | None
    stored: bool  # False for computed values (`when: false`): never asked, never recorded
    when: str | None = None  # a condition on earlier answers, for questions asked only then

    def values(self) -> list[str]:
        return [str(v) for v in self.choices.values()]


@cache
def _environment() -> SandboxedEnvironment:
    # The same filters Copier offers templates (regex_search and friends).
    return SandboxedEnvironment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"])


def render(text: str, context: Mapping[str, Any]) -> str:
    return _environment().from_string(text).render(**context).strip()


@cache
def _load(copier_yml: Path) -> dict[str, Question]:
    data = yaml.safe_load(copier_yml.read_text(encoding="utf-8"))
    found: dict[str, Question] = {}
    for name, spec in data.items():
        if name.startswith("_") or not isinstance(spec, dict):
            continue
        raw_choices = spec.get("choices") or {}
        if isinstance(raw_choices, list):
            raw_choices = {str(c): c for c in raw_choices}
        found[name] = Question(
            name=name,
            help=str(spec.get("help", name)),
            type=str(spec.get("type", "str")),
            default=spec.get("default"),
            choices=raw_choices,
            validator=spec.get("validator"),
            stored=spec.get("when") is not False,
            when=spec["when"] if isinstance(spec.get("when"), str) else None,
        )
    return found


def all_questions(template: Path) -> dict[str, Question]:
    return _load(template / "copier.yml")


def stored_names(template: Path) -> set[str]:
    """Answer names a user may set with --data or an answers file (not computed values)."""
    return {name for name, question in all_questions(template).items() if question.stored}


def applies(question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether Copier asks the question after these answers (its `when` holds)."""
    if question.when is None:
        return True
    return render(question.when, answers).lower() not in ("", "false", "no", "0", "none")


def default_for(question: Question, answers: Mapping[str, Any]) -> Any:
    if isinstance(question.default, str) and "{{" in question.default:
        return render(question.default, answers)
    return question.default


def problem(question: Question, value: Any, context: Mapping[str, Any]) -> str | None:
    """Copier's own verdict on an answer: None when valid, else the validator's message."""
    if question.choices and str(value) not in question.values():
        return f"{question.name} takes one of {', '.join(question.values())}, not {value!r}"
    if question.validator:
        message = render(question.validator, {**context, question.name: value})
        if message:
            return f"{question.name}: {' '.join(message.split())}"
    return None


def _as_value(question: Question, default: Any) -> Any:
    """A rendered copier.yml default as the recommender's data would spell it."""
    if question.type == "bool":
        return str(default).strip().lower() in ("true", "yes", "1")
    return str(default)


def check_consistency(template: Path) -> list[str]:
    """Differences between copier.yml's criteria questions and the recommender's criteria:
    names, choices, types, and defaults, which must follow the data file's implications (so
    plain `copier copy` assumes what `fwgen new --yes` assumes)."""
    knowledge = load_knowledge()
    questions = all_questions(template)
    issues = []
    framework = questions.get("framework")
    if framework is None or dict(framework.choices) != {LABELS[f]: f for f in FRAMEWORKS}:
        issues.append("copier.yml's framework choices are not knowledge.FRAMEWORKS and LABELS")
    for name in FRAMEWORKS:
        described = default_for(questions["description"], {"framework": name})
        if LABELS[name] not in str(described):
            issues.append(f"copier.yml's description default does not name {LABELS[name]}")
    base = {name: criterion.default for name, criterion in knowledge.criteria.items()}
    for name, criterion in knowledge.criteria.items():
        question = questions.get(name)
        if question and _as_value(question, default_for(question, base)) != criterion.default:
            issues.append(f"copier.yml's default for {name} is not the recommender's")
    for implication in knowledge.implications:
        for when, values in implication.when.requires.items():
            for value in values:
                context = {**base, when: value}
                for name, implied in implication.sets.items():
                    question = questions.get(name)
                    if question and _as_value(question, default_for(question, context)) != implied:
                        issues.append(
                            f"copier.yml's default for {name} when {when}={value} is not "
                            f"{implied!r}, which the recommender's data implies"
                        )
    for name, criterion in knowledge.criteria.items():
        question = questions.get(name)
        if question is None:
            issues.append(f"copier.yml lacks the criterion {name}")
            continue
        if criterion.type == "choice" and question.values() != list(criterion.choices):
            issues.append(f"copier.yml's choices for {name} differ from the recommender's")
        if criterion.type == "bool" and question.type != "bool":
            issues.append(f"copier.yml's {name} is not a bool")
    return issues
