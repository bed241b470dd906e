"""Human-readable text for a Recommendation."""

from __future__ import annotations

from generator.console import paint
from generator.knowledge import LABELS, load
from generator.recommender import (
    Evidence,
    Flip,
    Question,
    Recommendation,
    flag_for,
    points_text,
    score_text,
)


class _Citations:
    """Numbers the articles in the order the text first cites them."""

    def __init__(self) -> None:
        self.titles: list[str] = []

    def __call__(self, sources: tuple[str, ...]) -> str:
        for title in sources:
            if title not in self.titles:
                self.titles.append(title)
        return "[" + ", ".join(str(self.titles.index(t) + 1) for t in sources) + "]"

    def lines(self) -> list[str]:
        if not self.titles:
            return []
        known = {a.title: a for a in load().articles}
        lines = ["", "Sources:"]
        for number, title in enumerate(self.titles, 1):
            publisher = known[title].publisher
            lines.append(f"  [{number}] {title}" + (f" ({publisher})" if publisher else ""))
        return lines


def question_lines(question: Question) -> list[str]:
    """The question that would settle a close call, with where each answer leads."""
    flag = "--" + question.criterion.replace("_", "-")
    lines = [f"To decide, answer: {question.text} ({flag})"]
    width = max(len(flag_for(question.criterion, o.value)) for o in question.outcomes)
    for outcome in question.outcomes:
        leads = LABELS[outcome.framework] if outcome.framework else "still no clear winner"
        lines.append(f"  {flag_for(question.criterion, outcome.value):<{width}}  -> {leads}")
    return lines


def recommendation_text(rec: Recommendation, flips: list[Flip], *, max_flips: int = 5) -> str:
    cite = _Citations()
    headline = rec.headline()
    if rec.verdict == "clear":
        headline = (
            f"Recommended: {paint(LABELS[rec.framework], bold=True, fg='green')}"
            f"   (runner-up: {LABELS[rec.runner_up]}, {points_text(rec.margin)} behind)"
        )
    lines = [headline]

    if rec.verdict != "unanswered":
        lines.append("")
        top = max(max(rec.scores.values()), 1)
        # In the recommender's order, so that in a tie the leader heads the chart as it heads
        # the text.
        for fw in rec.ranking:
            bar = "#" * max(0, round(12 * rec.scores[fw] / top))
            lines.append(f"  {LABELS[fw]:<8} {rec.scores[fw]:>4}  {bar}".rstrip())
        if rec.tie_break and rec.verdict == "clear":
            lines += ["", f"Tie: {rec.tie_break}"]

    if rec.contradictions:
        lines += ["", "These answers contradict each other:"]
        for contradiction in rec.contradictions:
            lines.append(f"  - {contradiction.summary()}")
            for pull in contradiction.pulls:
                towards = " or ".join(LABELS[f] for f in pull.frameworks) or "no framework"
                where = f" {cite(pull.sources)}" if pull.sources else ""
                lines.append(
                    f"      {flag_for(pull.criterion, pull.value)} alone points to {towards}{where}"
                )

    if rec.question:
        lines += ["", *question_lines(rec.question)]
    elif rec.verdict == "close":
        lines += ["", "No single further answer settles it; weigh the reasons below."]

    if rec.verdict != "unanswered":
        lines += _evidence_lines(rec, cite)

    if rec.disagreements:
        lines += ["", "Where the articles disagree:"]
        for item in rec.disagreements:
            lines.append(f"  - {item.summary()}")
            for side in item.sides:
                lines.append(f"      {LABELS[side.framework]}: {cite(side.sources)}")

    if rec.alternatives:
        lines += ["", "Also worth a look (fwgen does not generate these):"]
        for alt in rec.alternatives:
            lines.append(f"  - {alt.name}: {alt.reason} {cite(alt.sources)}")

    if rec.notes:
        lines += ["", "Worth knowing:"]
        for note in rec.notes:
            lines.append(f"  - {note.reason} {cite(note.sources)}")

    if flips:
        lines += ["", "What would change the pick:"]
        for flip in flips[:max_flips]:
            lines.append(
                f"  {flag_for(flip.criterion, flip.value):<28} -> {LABELS[flip.framework]}"
            )
        if len(flips) > max_flips:
            lines.append(f"  ({len(flips) - max_flips} more with --json)")

    return "\n".join(lines + cite.lines())


def _evidence_lines(rec: Recommendation, cite: _Citations) -> list[str]:
    pick, second = LABELS[rec.framework], LABELS[rec.runner_up]
    third = next(LABELS[f] for f in rec.scores if f not in (rec.framework, rec.runner_up))
    sections = rec.sections()
    lines = ["", f"Why {pick} over {second}:"]
    if not sections.deciding:
        lines.append("  Nothing the team answered puts one ahead of the other.")

    def items(group: tuple[Evidence, ...]) -> list[str]:
        return [f"  - {e.text} ({score_text(e.scores)}) {cite(e.sources)}" for e in group]

    lines += items(sections.deciding)
    if sections.against:
        lines += ["", f"What favours {second} instead:", *items(sections.against)]
    if sections.even:
        lines += ["", f"Counts the same for {pick} and {second}:", *items(sections.even)]
    if sections.others:
        lines += ["", f"About {third} only:", *items(sections.others)]
    return lines
