"""Load and validate the recommender's data file: criteria, articles, rules, conflicts,
alternatives and notes."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

FRAMEWORKS: tuple[str, ...] = ("django", "flask", "fastapi")
LABELS: Mapping[str, str] = {"django": "Django", "flask": "Flask", "fastapi": "FastAPI"}

Value = str | bool
Answers = Mapping[str, Value]


class KnowledgeError(ValueError):
    """The data file is inconsistent (a programming error in fwgen, caught by the tests)."""


@dataclass(frozen=True)
class Criterion:
    name: str
    question: str
    type: str  # "choice" or "bool"
    default: Value
    choices: Mapping[str, str]  # value -> one-line help; empty for bool

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def values(self) -> tuple[Value, ...]:
        return (True, False) if self.type == "bool" else tuple(self.choices)

    def parse(self, raw: str | bool) -> Value:
        """Turn a raw answer (from a flag, --data or an answers file) into a valid value."""
        if self.type == "bool":
            if isinstance(raw, bool):
                return raw
            lowered = raw.strip().lower()
            if lowered in {"y", "yes", "true", "1", "on"}:
                return True
            if lowered in {"n", "no", "false", "0", "off"}:
                return False
            raise ValueError(f"{self.name} takes yes or no, not {raw!r}")
        value = str(raw).strip()
        if value not in self.choices:
            raise ValueError(f"{self.name} takes one of {', '.join(self.choices)}, not {raw!r}")
        return value


@dataclass(frozen=True)
class Condition:
    """All criteria must match; a criterion matches when its value is one of the listed ones."""

    requires: Mapping[str, tuple[Value, ...]]

    def matches(self, answers: Answers) -> bool:
        return all(
            name in answers and answers[name] in allowed for name, allowed in self.requires.items()
        )


@dataclass(frozen=True)
class Citation:
    """A short quote from one article, checked word for word against its text by the tests."""

    article: str  # the article's title
    quote: str


@dataclass(frozen=True)
class Cited:
    cites: tuple[Citation, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        """The cited articles' titles, each once, in the order first cited."""
        return tuple(dict.fromkeys(c.article for c in self.cites))


@dataclass(frozen=True)
class Rule(Cited):
    id: str
    when: Condition
    scores: Mapping[str, int]
    reason: str
    dispute: str | None = None


@dataclass(frozen=True)
class Alternative(Cited):
    name: str
    when: Condition
    reason: str


@dataclass(frozen=True)
class Note(Cited):
    """Advice that moves no score, shown when its condition holds."""

    when: Condition
    text: str


@dataclass(frozen=True)
class Conflict:
    """Answers that contradict each other when given together."""

    when: Condition
    reason: str


@dataclass(frozen=True)
class Implication:
    when: Condition
    sets: Mapping[str, Value]


@dataclass(frozen=True)
class Effect:
    """What an answer changes in the starters named: `files` differ from the default's.
    Any one of the conditions brings it about."""

    when: tuple[Condition, ...]
    frameworks: tuple[str, ...]
    text: str
    files: tuple[str, ...] = ()

    def matches(self, answers: Answers) -> bool:
        return any(condition.matches(answers) for condition in self.when)


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    publisher: str | None
    date: str | None


@dataclass(frozen=True)
class Knowledge:
    criteria: Mapping[str, Criterion]
    articles: tuple[Article, ...]
    rules: tuple[Rule, ...]
    alternatives: tuple[Alternative, ...]
    implications: tuple[Implication, ...]
    conflicts: tuple[Conflict, ...] = ()
    notes: tuple[Note, ...] = ()
    close_call_margin: int = 2
    last_resort: tuple[str, ...] = FRAMEWORKS
    effects: tuple[Effect, ...] = ()
    gaps: tuple[Effect, ...] = ()  # what the starters named cannot do yet (no files)


def _condition(raw: Mapping[str, Any], criteria: Mapping[str, Criterion], where: str) -> Condition:
    requires: dict[str, tuple[Value, ...]] = {}
    for name, wanted in raw.items():
        if name not in criteria:
            raise KnowledgeError(f"{where}: unknown criterion {name!r}")
        values = tuple(wanted) if isinstance(wanted, list) else (wanted,)
        for value in values:
            if value not in criteria[name].values():
                raise KnowledgeError(f"{where}: {name} has no value {value!r}")
        requires[name] = values
    if not requires:
        raise KnowledgeError(f"{where}: empty condition")
    return Condition(requires)


def parse(data: Mapping[str, Any]) -> Knowledge:
    criteria: dict[str, Criterion] = {}
    for name, spec in data["criteria"].items():
        kind = spec["type"]
        choices = dict(spec.get("choices", {}))
        if kind not in {"choice", "bool"} or (kind == "choice") != bool(choices):
            raise KnowledgeError(f"criterion {name}: bad type or choices")
        criterion = Criterion(name, spec["question"], kind, spec["default"], choices)
        if criterion.default not in criterion.values():
            raise KnowledgeError(f"criterion {name}: default not among its values")
        criteria[name] = criterion

    articles = tuple(
        Article(a["id"], a["title"], a.get("publisher"), a.get("date")) for a in data["articles"]
    )
    titles = {a.id: a.title for a in articles}

    def cites(raw: list[Mapping[str, str]], where: str) -> tuple[Citation, ...]:
        if not raw:
            raise KnowledgeError(f"{where}: cites no article")
        found = []
        for item in raw:
            if item.get("article") not in titles:
                raise KnowledgeError(f"{where}: unknown article {item.get('article')!r}")
            if not str(item.get("quote", "")).strip():
                raise KnowledgeError(f"{where}: a citation without a quote")
            found.append(Citation(titles[item["article"]], item["quote"]))
        return tuple(found)

    rules = []
    seen: set[str] = set()
    for raw in data["rules"]:
        where = f"rule {raw['id']}"
        if raw["id"] in seen:
            raise KnowledgeError(f"{where}: duplicate id")
        seen.add(raw["id"])
        if not raw["scores"] or set(raw["scores"]) - set(FRAMEWORKS):
            raise KnowledgeError(f"{where}: scores must name frameworks")
        rules.append(
            Rule(
                cites=cites(raw["cites"], where),
                id=raw["id"],
                when=_condition(raw["when"], criteria, where),
                scores=dict(raw["scores"]),
                reason=raw["reason"],
                dispute=raw.get("dispute"),
            )
        )
    alternatives = tuple(
        Alternative(
            cites(a["cites"], f"alternative {a['name']}"),
            a["name"],
            _condition(a["when"], criteria, f"alternative {a['name']}"),
            a["reason"],
        )
        for a in data.get("alternatives", [])
    )
    notes = tuple(
        Note(
            cites(n["cites"], f"note {index}"),
            _condition(n["when"], criteria, f"note {index}"),
            n["text"],
        )
        for index, n in enumerate(data.get("notes", []))
    )
    conflicts = []
    for index, raw in enumerate(data.get("conflicts", [])):
        condition = _condition(raw["when"], criteria, f"conflict {index}")
        if len(condition.requires) < 2:
            raise KnowledgeError(f"conflict {index}: needs two criteria")
        conflicts.append(Conflict(condition, raw["reason"]))
    implications = []
    for index, raw in enumerate(data.get("implies", [])):
        where = f"implication {index}"
        sets = dict(raw["set"])
        _condition(sets, criteria, where)  # validates names and values
        implications.append(Implication(_condition(raw["when"], criteria, where), sets))

    def frameworks(raw: list[str], where: str) -> tuple[str, ...]:
        if not raw or set(raw) - set(FRAMEWORKS):
            raise KnowledgeError(f"{where}: frameworks must name frameworks")
        return tuple(raw)

    def effect(raw: Mapping[str, Any], where: str) -> list[Effect]:
        """One Effect per entry; `files` given per framework (a table) makes one per framework."""
        when = raw["when"] if isinstance(raw["when"], list) else [raw["when"]]
        conditions = tuple(_condition(c, criteria, where) for c in when)
        named = frameworks(raw["frameworks"], where)
        files = raw.get("files", ())
        if not isinstance(files, Mapping):
            return [Effect(conditions, named, raw["text"], tuple(files))]
        if sorted(files) != sorted(named):
            raise KnowledgeError(f"{where}: files must be listed for exactly its frameworks")
        return [Effect(conditions, (f,), raw["text"], tuple(files[f])) for f in named]

    effects = tuple(
        e for i, raw in enumerate(data.get("effects", [])) for e in effect(raw, f"effect {i}")
    )
    gaps = tuple(e for i, raw in enumerate(data.get("gaps", [])) for e in effect(raw, f"gap {i}"))
    verdict = data.get("verdict", {})
    margin = verdict.get("close_call_margin", 2)
    if not isinstance(margin, int) or margin < 1:
        raise KnowledgeError("verdict: close_call_margin must be a positive whole number")
    last_resort = tuple(verdict.get("last_resort", FRAMEWORKS))
    if sorted(last_resort) != sorted(FRAMEWORKS):
        raise KnowledgeError("verdict: last_resort must list each framework once")
    return Knowledge(
        criteria,
        articles,
        tuple(rules),
        alternatives,
        tuple(implications),
        tuple(conflicts),
        notes,
        margin,
        last_resort,
        effects,
        gaps,
    )


@cache
def load() -> Knowledge:
    text = files("generator").joinpath("data/recommender.toml").read_text(encoding="utf-8")
    return parse(tomllib.loads(text))
