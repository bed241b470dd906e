"""The recommender: a pure function from criteria answers to a Recommendation.

No I/O here: the rules come from `knowledge.load()` (or a Knowledge passed in by tests).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.knowledge import FRAMEWORKS, LABELS, Answers, Knowledge, Rule, Value, load

# Last resort when every other tie-break is level: the framework with the most built in first,
# since a starter can drop features more easily than a team can assemble missing ones.
_FALLBACK_ORDER = ("django", "fastapi", "flask")


@dataclass(frozen=True)
class Reason:
    framework: str
    text: str
    sources: tuple[str, ...]
    points: int
    rule: str


@dataclass(frozen=True)
class Side:
    framework: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Disagreement:
    topic: str
    sides: tuple[Side, ...]

    def summary(self) -> str:
        names = " vs ".join(LABELS[s.framework] for s in self.sides)
        return f"The articles disagree on {self.topic}: {names}."


@dataclass(frozen=True)
class Suggestion:
    name: str
    reason: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Flip:
    criterion: str
    value: Value
    framework: str


@dataclass(frozen=True)
class Recommendation:
    framework: str
    runner_up: str
    scores: Mapping[str, int]
    reasons: tuple[Reason, ...]
    alternatives: tuple[Suggestion, ...]
    disagreements: tuple[Disagreement, ...]
    tie_break: str | None
    answers: Mapping[str, Value]
    implied: Mapping[str, Value] = field(default_factory=dict)

    def deciding_reasons(self, limit: int = 5) -> list[Reason]:
        """The reasons that put the pick ahead of the runner-up, strongest first."""

        def gain(reason: Reason) -> int:
            if reason.framework == self.framework:
                return reason.points
            if reason.framework == self.runner_up:
                return -reason.points
            return 0

        helpful = [r for r in self.reasons if gain(r) > 0]
        helpful.sort(key=lambda r: (-gain(r), -len(r.sources), r.rule))
        return helpful[:limit]

    def to_dict(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "runner_up": self.runner_up,
            "scores": dict(self.scores),
            "reasons": [
                {
                    "framework": r.framework,
                    "text": r.text,
                    "sources": list(r.sources),
                    "points": r.points,
                    "rule": r.rule,
                }
                for r in self.reasons
            ],
            "alternatives": [
                {"name": a.name, "text": a.reason, "sources": list(a.sources)}
                for a in self.alternatives
            ],
            "disagreements": [
                {
                    "topic": d.topic,
                    "text": d.summary(),
                    "sides": [
                        {"framework": s.framework, "sources": list(s.sources)} for s in d.sides
                    ],
                }
                for d in self.disagreements
            ],
            "tie_break": self.tie_break,
            "answers": dict(self.answers),
            "implied": dict(self.implied),
        }


def validate(answers: Answers, knowledge: Knowledge) -> dict[str, Value]:
    """Check names and values; raise ValueError naming the first bad one."""
    clean: dict[str, Value] = {}
    for name, raw in answers.items():
        criterion = knowledge.criteria.get(name)
        if criterion is None:
            raise ValueError(f"unknown criterion {name!r}")
        clean[name] = criterion.parse(raw)
    return clean


def resolve(answers: Answers, knowledge: Knowledge) -> tuple[dict[str, Value], dict[str, Value]]:
    """Add the values that given answers imply (never overriding an explicit answer)."""
    resolved = validate(answers, knowledge)
    implied: dict[str, Value] = {}
    changed = True
    while changed:
        changed = False
        for implication in knowledge.implications:
            if not implication.when.matches(resolved):
                continue
            for name, value in implication.sets.items():
                if name not in resolved:
                    resolved[name] = implied[name] = value
                    changed = True
    return resolved, implied


def provenance(given: Answers, knowledge: Knowledge | None = None) -> dict[str, str]:
    """For each criterion: given by the team, implied by one of its answers, or a default."""
    knowledge = knowledge or load()
    _, implied = resolve(given, knowledge)
    return {
        name: "given" if name in given else "implied" if name in implied else "default"
        for name in knowledge.criteria
    }


def with_defaults(answers: Answers, knowledge: Knowledge | None = None) -> dict[str, Value]:
    """Resolved answers with every criterion filled: given, then implied, then default."""
    knowledge = knowledge or load()
    resolved, _ = resolve(answers, knowledge)
    return {
        name: resolved.get(name, criterion.default)
        for name, criterion in knowledge.criteria.items()
    }


def _fired(answers: Mapping[str, Value], knowledge: Knowledge) -> list[Rule]:
    return [rule for rule in knowledge.rules if rule.when.matches(answers)]


def _support(framework: str, fired: list[Rule]) -> int:
    """How many distinct articles back this framework's positive points."""
    return len({s for r in fired if r.scores.get(framework, 0) > 0 for s in r.sources})


def _rank(
    scores: Mapping[str, int], answers: Mapping[str, Value], fired: list[Rule]
) -> tuple[list[str], str | None]:
    def key(fw: str) -> tuple[int, int, int, int]:
        return (
            -scores[fw],
            0 if answers.get("team_knows") == fw else 1,
            -_support(fw, fired),
            _FALLBACK_ORDER.index(fw),
        )

    order = sorted(FRAMEWORKS, key=key)
    first, second = order[0], order[1]
    if scores[first] != scores[second]:
        return order, None
    tied_names = [LABELS[f] for f in order if scores[f] == scores[first]]
    tied = ", ".join(tied_names[:-1]) + " and " + tied_names[-1]
    a, b = LABELS[first], LABELS[second]
    if answers.get("team_knows") == first:
        why = f"{a} is the framework the team already knows"
    elif _support(first, fired) != _support(second, fired):
        why = (
            f"more of the articles back {a} for these answers "
            f"({_support(first, fired)} against {_support(second, fired)} for {b})"
        )
    else:
        why = (
            f"nothing else separates them, so fwgen prefers {a}: "
            "the order Django, FastAPI, Flask puts the most built-in features first"
        )
    points = "point" if abs(scores[first]) == 1 else "points"
    return order, f"{tied} tie on {scores[first]} {points}; {why}."


def recommend(answers: Answers, knowledge: Knowledge | None = None) -> Recommendation:
    """Score the three frameworks for these answers; missing criteria count as no preference."""
    knowledge = knowledge or load()
    resolved, implied = resolve(answers, knowledge)
    fired = _fired(resolved, knowledge)

    scores = dict.fromkeys(FRAMEWORKS, 0)
    for rule in fired:
        for fw, points in rule.scores.items():
            scores[fw] += points
    order, tie_break = _rank(scores, resolved, fired)
    pick, runner_up = order[0], order[1]

    reasons = [
        Reason(fw, rule.reason, rule.sources, points, rule.id)
        for rule in fired
        for fw, points in rule.scores.items()
        if points
    ]
    rank_of = {fw: i for i, fw in enumerate(order)}
    reasons.sort(key=lambda r: (r.points <= 0, rank_of[r.framework], -abs(r.points), r.rule))

    disagreements = []
    topics = sorted({r.dispute for r in fired if r.dispute})
    for topic in topics:
        sides: dict[str, list[str]] = {}
        for rule in fired:
            if rule.dispute != topic:
                continue
            for fw, points in rule.scores.items():
                if points > 0:
                    sides.setdefault(fw, []).extend(s for s in rule.sources if s not in sides[fw])
        if len(sides) > 1:
            disagreements.append(
                Disagreement(
                    topic,
                    tuple(
                        Side(fw, tuple(srcs))
                        for fw, srcs in sorted(sides.items(), key=lambda kv: rank_of[kv[0]])
                    ),
                )
            )

    alternatives: dict[str, Suggestion] = {}
    for alt in knowledge.alternatives:
        if alt.when.matches(resolved) and alt.name not in alternatives:
            alternatives[alt.name] = Suggestion(alt.name, alt.reason, alt.sources)

    return Recommendation(
        framework=pick,
        runner_up=runner_up,
        scores=scores,
        reasons=tuple(reasons),
        alternatives=tuple(alternatives.values()),
        disagreements=tuple(disagreements),
        tie_break=tie_break,
        answers=resolved,
        implied=implied,
    )


def flips(answers: Answers, knowledge: Knowledge | None = None) -> list[Flip]:
    """Single-answer changes that would change the pick, runner-up first, widest margin first."""
    knowledge = knowledge or load()
    base = validate(answers, knowledge)
    current = recommend(base, knowledge)
    found: list[tuple[int, int, Flip]] = []
    for name, criterion in knowledge.criteria.items():
        for value in criterion.values():
            if current.answers.get(name) == value:
                continue
            other = recommend({**base, name: value}, knowledge)
            if other.framework != current.framework:
                margin = other.scores[other.framework] - other.scores[other.runner_up]
                toward_runner_up = 0 if other.framework == current.runner_up else 1
                found.append((toward_runner_up, -margin, Flip(name, value, other.framework)))
    found.sort(key=lambda item: (item[0], item[1], item[2].criterion, str(item[2].value)))
    return [flip for *_, flip in found]
