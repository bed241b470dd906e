"""The recommender: a pure function from criteria answers to a Recommendation.

No I/O here: the rules come from `knowledge.load()` (or a Knowledge passed in by tests).

One definition of "unanswered" holds everywhere: a criterion the team did not answer scores
nothing. What an answer implies settles a question (it is not asked again, and the starter is
shaped by it) and a default shapes the starter, but neither moves a score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from generator.knowledge import FRAMEWORKS, LABELS, Answers, Knowledge, Rule, Value, load

Verdict = Literal["clear", "close", "unanswered"]


def flag_for(name: str, value: Value) -> str:
    flag = "--" + name.replace("_", "-")
    if isinstance(value, bool):
        return flag if value else "--no-" + flag[2:]
    return f"{flag} {value}"


def score_text(scores: Mapping[str, int]) -> str:
    """`FastAPI +3, Flask -1`: what one rule does to each framework's score."""
    return ", ".join(f"{LABELS[fw]} {points:+d}" for fw, points in scores.items() if points)


@dataclass(frozen=True)
class Reason:
    """One rule's effect on one framework (the JSON contract's `reasons`)."""

    framework: str
    text: str
    sources: tuple[str, ...]
    points: int
    rule: str


@dataclass(frozen=True)
class Evidence:
    """One rule that fired, with what it does to every framework it scores."""

    rule: str
    text: str
    scores: Mapping[str, int]
    sources: tuple[str, ...]
    quotes: tuple[tuple[str, str], ...]  # (article title, quote)

    @classmethod
    def of(cls, rule: Rule) -> Evidence:
        scores = {fw: rule.scores[fw] for fw in FRAMEWORKS if rule.scores.get(fw)}
        quotes = tuple((c.article, c.quote) for c in rule.cites)
        return cls(rule.id, rule.reason, scores, rule.sources, quotes)

    def net(self, first: str, second: str) -> int:
        """How much this rule moves `first` ahead of `second`."""
        return self.scores.get(first, 0) - self.scores.get(second, 0)


@dataclass(frozen=True)
class Sections:
    """Every fired rule exactly once, by what it says about the pick against the runner-up."""

    deciding: tuple[Evidence, ...]  # puts the pick ahead of the runner-up
    against: tuple[Evidence, ...]  # puts the runner-up ahead (its strongest points first)
    even: tuple[Evidence, ...]  # counts the same for both: does not separate them
    others: tuple[Evidence, ...]  # only about the third framework


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
class Pull:
    """Where one answer of a contradiction points on its own, and on whose word."""

    criterion: str
    value: Value
    frameworks: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Contradiction:
    reason: str
    pulls: tuple[Pull, ...]

    def summary(self) -> str:
        given = " and ".join(flag_for(p.criterion, p.value) for p in self.pulls)
        return f"{given} contradict each other: {self.reason}."


@dataclass(frozen=True)
class Suggestion:
    name: str
    reason: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    value: Value
    framework: str | None  # the clear winner with this answer; None when still close


@dataclass(frozen=True)
class Question:
    """The unanswered question whose answer would settle a close call."""

    criterion: str
    text: str
    outcomes: tuple[Outcome, ...]


@dataclass(frozen=True)
class Flip:
    criterion: str
    value: Value
    framework: str


@dataclass(frozen=True)
class Recommendation:
    framework: str  # the leader; a recommendation only when `verdict` is "clear"
    runner_up: str
    scores: Mapping[str, int]
    evidence: tuple[Evidence, ...]
    alternatives: tuple[Suggestion, ...]
    notes: tuple[Suggestion, ...]
    disagreements: tuple[Disagreement, ...]
    contradictions: tuple[Contradiction, ...]
    tie_break: str | None
    verdict: Verdict
    threshold: int
    answers: Mapping[str, Value]  # what the team gave
    implied: Mapping[str, Value] = field(default_factory=dict)
    question: Question | None = None

    @property
    def ranking(self) -> list[str]:
        """The three frameworks, leader first (the runner-up second even in a tie)."""
        ranked = [self.framework, self.runner_up]
        return ranked + [fw for fw in FRAMEWORKS if fw not in ranked]

    @property
    def margin(self) -> int:
        return self.scores[self.framework] - self.scores[self.runner_up]

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return tuple(
            Reason(fw, e.text, e.sources, points, e.rule)
            for e in self.evidence
            for fw, points in e.scores.items()
        )

    def sections(self) -> Sections:
        pick, second = self.framework, self.runner_up
        ranked = sorted(self.evidence, key=lambda e: (-abs(e.net(pick, second)), e.rule))
        return Sections(
            deciding=tuple(e for e in ranked if e.net(pick, second) > 0),
            against=tuple(e for e in ranked if e.net(pick, second) < 0),
            even=tuple(
                e
                for e in ranked
                if e.net(pick, second) == 0 and (pick in e.scores or second in e.scores)
            ),
            others=tuple(e for e in ranked if set(e.scores) <= set(FRAMEWORKS) - {pick, second}),
        )

    def headline(self) -> str:
        """One line: the pick, or why there is none."""
        if self.verdict == "unanswered":
            return "No recommendation: no question was answered."
        first, second = LABELS[self.framework], LABELS[self.runner_up]
        if self.verdict == "close":
            if self.margin == 0:
                return f"No clear winner: {self.tie_break}"
            return (
                f"No clear winner: {first} leads {second} by {points_text(self.margin)}; "
                f"a clear pick needs {self.threshold}."
            )
        return f"Recommended: {first}"

    def to_dict(self) -> dict[str, Any]:
        sections = self.sections()
        decided = self.verdict != "unanswered"
        return {
            "framework": self.framework if decided else None,
            "runner_up": self.runner_up if decided else None,
            "verdict": self.verdict,
            "margin": self.margin,
            "close_call_margin": self.threshold,
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
            "evidence": {
                name: [
                    {
                        "rule": e.rule,
                        "text": e.text,
                        "scores": dict(e.scores),
                        "quotes": [{"article": a, "quote": q} for a, q in e.quotes],
                    }
                    for e in getattr(sections, name)
                ]
                for name in ("deciding", "against", "even", "others")
            },
            "alternatives": [
                {"name": a.name, "text": a.reason, "sources": list(a.sources)}
                for a in self.alternatives
            ],
            "notes": [{"text": n.reason, "sources": list(n.sources)} for n in self.notes],
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
            "contradictions": [
                {
                    "text": c.summary(),
                    "answers": {p.criterion: p.value for p in c.pulls},
                    "pulls": [
                        {
                            "criterion": p.criterion,
                            "value": p.value,
                            "frameworks": list(p.frameworks),
                            "sources": list(p.sources),
                        }
                        for p in c.pulls
                    ],
                }
                for c in self.contradictions
            ],
            "tie_break": self.tie_break,
            "question": None
            if self.question is None
            else {
                "criterion": self.question.criterion,
                "text": self.question.text,
                "outcomes": [
                    {"value": o.value, "framework": o.framework} for o in self.question.outcomes
                ],
            },
            "answers": dict(self.answers),
            "implied": dict(self.implied),
        }


def points_text(n: int) -> str:
    return f"{n} point" if abs(n) == 1 else f"{n} points"


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
    """Every criterion filled (given, then implied, then default): what shapes the starter."""
    knowledge = knowledge or load()
    resolved, _ = resolve(answers, knowledge)
    return {
        name: resolved.get(name, criterion.default)
        for name, criterion in knowledge.criteria.items()
    }


def unanswered(answers: Answers, knowledge: Knowledge) -> list[str]:
    """Criteria neither given nor settled by an implication, in the order they are asked."""
    resolved, _ = resolve(answers, knowledge)
    return [name for name in knowledge.criteria if name not in resolved]


@dataclass(frozen=True)
class _Score:
    scores: dict[str, int]
    fired: list[Rule]
    order: list[str]
    tie_break: str | None
    verdict: Verdict

    @property
    def clear_winner(self) -> str | None:
        return self.order[0] if self.verdict == "clear" else None


def _score(given: Mapping[str, Value], knowledge: Knowledge) -> _Score:
    fired = [rule for rule in knowledge.rules if rule.when.matches(given)]
    scores = dict.fromkeys(FRAMEWORKS, 0)
    for rule in fired:
        for fw, points in rule.scores.items():
            scores[fw] += points
    order, tie_break = _rank(scores, given, fired, knowledge)
    margin = scores[order[0]] - scores[order[1]]
    verdict: Verdict = (
        "unanswered" if not given else "close" if margin < knowledge.close_call_margin else "clear"
    )
    return _Score(scores, fired, order, tie_break, verdict)


def _support(framework: str, fired: list[Rule]) -> int:
    """How many distinct articles back this framework's positive points."""
    return len({s for r in fired if r.scores.get(framework, 0) > 0 for s in r.sources})


def _warnings(framework: str, fired: list[Rule]) -> int:
    return -sum(min(r.scores.get(framework, 0), 0) for r in fired)


def _rank(
    scores: Mapping[str, int],
    answers: Mapping[str, Value],
    fired: list[Rule],
    knowledge: Knowledge,
) -> tuple[list[str], str | None]:
    def key(fw: str) -> tuple[int, int, int, int, int]:
        return (
            -scores[fw],
            0 if answers.get("team_knows") == fw else 1,
            _warnings(fw, fired),
            -_support(fw, fired),
            knowledge.last_resort.index(fw),
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
    elif _warnings(first, fired) != _warnings(second, fired):
        why = (
            f"the articles warn less against {a} "
            f"({_warnings(first, fired)} points against {_warnings(second, fired)} for {b})"
        )
    elif _support(first, fired) != _support(second, fired):
        why = (
            f"more of the articles back {a} for these answers "
            f"({_support(first, fired)} against {_support(second, fired)} for {b})"
        )
    else:
        order_names = ", ".join(LABELS[f] for f in knowledge.last_resort)
        why = (
            f"nothing else separates them, so {a} is listed first by the last-resort order "
            f"{order_names}, which puts the most built-in features first"
        )
    return order, f"{tied} tie on {points_text(scores[first])}; {why}."


def _contradictions(given: Mapping[str, Value], knowledge: Knowledge) -> list[Contradiction]:
    found = []
    for conflict in knowledge.conflicts:
        if not conflict.when.matches(given):
            continue
        pulls = []
        for name in conflict.when.requires:
            alone = {name: given[name]}
            fired = [r for r in knowledge.rules if r.when.matches(alone)]
            favoured = [fw for fw in FRAMEWORKS if any(r.scores.get(fw, 0) > 0 for r in fired)]
            sources = tuple(dict.fromkeys(s for r in fired for s in r.sources))
            pulls.append(Pull(name, given[name], tuple(favoured), sources))
        found.append(Contradiction(conflict.reason, tuple(pulls)))
    return found


def _contradicts(given: Mapping[str, Value], name: str, knowledge: Knowledge) -> bool:
    """Does the answer to `name` contradict another of these answers?"""
    return any(
        name in conflict.when.requires and conflict.when.matches(given)
        for conflict in knowledge.conflicts
    )


def deciding_question(given: Mapping[str, Value], knowledge: Knowledge) -> Question | None:
    """The unanswered question that would settle a close call: the one whose answers lead to
    the most different clear winners (then the most answers that settle it), asked order last.
    None when no single answer settles it."""
    best: tuple[tuple[int, int, int], Question] | None = None
    for position, name in enumerate(unanswered(given, knowledge)):
        outcomes = []
        for value in knowledge.criteria[name].values():
            candidate = {**given, name: value}
            if _contradicts(candidate, name, knowledge):
                continue
            outcomes.append(Outcome(value, _score(candidate, knowledge).clear_winner))
        winners = [o.framework for o in outcomes if o.framework]
        if not winners:
            continue
        rank = (len(set(winners)), len(winners), -position)
        if best is None or rank > best[0]:
            best = (rank, Question(name, knowledge.criteria[name].question, tuple(outcomes)))
    return best[1] if best else None


def recommend(answers: Answers, knowledge: Knowledge | None = None) -> Recommendation:
    """Score the three frameworks on the answers the team gave; see the module docstring."""
    knowledge = knowledge or load()
    given = validate(answers, knowledge)
    _, implied = resolve(given, knowledge)
    result = _score(given, knowledge)
    order = result.order
    rank_of = {fw: i for i, fw in enumerate(order)}

    disagreements = []
    for topic in sorted({r.dispute for r in result.fired if r.dispute}):
        sides: dict[str, list[str]] = {}
        for rule in result.fired:
            if rule.dispute != topic:
                continue
            for fw, points in rule.scores.items():
                if points > 0:
                    known = sides.setdefault(fw, [])
                    known.extend(s for s in rule.sources if s not in known)
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

    resolved = {**given, **implied}
    alternatives: dict[str, Suggestion] = {}
    for alt in knowledge.alternatives:
        if alt.when.matches(resolved) and alt.name not in alternatives:
            alternatives[alt.name] = Suggestion(alt.name, alt.reason, alt.sources)
    notes = tuple(
        Suggestion("", note.text, note.sources)
        for note in knowledge.notes
        if note.when.matches(resolved)
    )

    return Recommendation(
        framework=order[0],
        runner_up=order[1],
        scores=result.scores,
        evidence=tuple(Evidence.of(rule) for rule in result.fired),
        alternatives=tuple(alternatives.values()),
        notes=notes,
        disagreements=tuple(disagreements),
        contradictions=tuple(_contradictions(given, knowledge)),
        tie_break=result.tie_break,
        verdict=result.verdict,
        threshold=knowledge.close_call_margin,
        answers=given,
        implied=implied,
        question=None if result.verdict == "clear" else deciding_question(given, knowledge),
    )


def flips(answers: Answers, knowledge: Knowledge | None = None) -> list[Flip]:
    """Single answers that would make another framework the clear pick: runner-up first,
    widest margin first. Never an answer already given or implied, never a contradiction."""
    knowledge = knowledge or load()
    base = validate(answers, knowledge)
    if not base:
        return []
    resolved, _ = resolve(base, knowledge)
    current = _score(base, knowledge)
    found: list[tuple[int, int, Flip]] = []
    for name, criterion in knowledge.criteria.items():
        for value in criterion.values():
            if resolved.get(name) == value:
                continue
            candidate = {**base, name: value}
            if _contradicts(candidate, name, knowledge):
                continue
            other = _score(candidate, knowledge)
            winner = other.clear_winner
            if winner is None or winner == current.order[0]:
                continue
            margin = other.scores[winner] - other.scores[other.order[1]]
            toward_runner_up = 0 if winner == current.order[1] else 1
            found.append((toward_runner_up, -margin, Flip(name, value, winner)))
    found.sort(key=lambda item: (item[0], item[1], item[2].criterion, str(item[2].value)))
    return [flip for *_, flip in found]
