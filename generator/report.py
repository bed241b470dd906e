"""Human-readable text for a Recommendation."""

from __future__ import annotations

from generator.console import paint
from generator.knowledge import LABELS, Value, load
from generator.recommender import Flip, Recommendation


def flag_for(name: str, value: Value) -> str:
    flag = "--" + name.replace("_", "-")
    if isinstance(value, bool):
        return flag if value else "--no-" + flag[2:]
    return f"{flag} {value}"


def recommendation_text(rec: Recommendation, flips: list[Flip], *, max_flips: int = 5) -> str:
    cited: list[str] = []

    def cite(sources: tuple[str, ...]) -> str:
        numbers = []
        for title in sources:
            if title not in cited:
                cited.append(title)
            numbers.append(str(cited.index(title) + 1))
        return "[" + ", ".join(numbers) + "]"

    lines = [
        f"Recommended: {paint(LABELS[rec.framework], bold=True, fg='green')}"
        f"   (runner-up: {LABELS[rec.runner_up]})",
        "",
    ]
    top = max(max(rec.scores.values()), 1)
    # In the recommender's order, so that in a tie the pick heads the chart as it heads the text.
    ranked = [rec.framework, rec.runner_up]
    for fw in ranked + [f for f in rec.scores if f not in ranked]:
        bar = "#" * max(0, round(12 * rec.scores[fw] / top))
        lines.append(f"  {LABELS[fw]:<8} {rec.scores[fw]:>4}  {bar}".rstrip())
    if rec.tie_break:
        lines += ["", f"Tie: {rec.tie_break}"]

    deciding = rec.deciding_reasons()
    lines += ["", f"Why {LABELS[rec.framework]} over {LABELS[rec.runner_up]}:"]
    if not deciding:
        lines.append("  No answer favoured one framework over the other.")
    for reason in deciding:
        sign = f"{reason.points:+d} {LABELS[reason.framework]}"
        lines.append(f"  - {reason.text} ({sign}) {cite(reason.sources)}")

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

    if flips:
        lines += ["", "What would change the pick:"]
        for flip in flips[:max_flips]:
            lines.append(
                f"  {flag_for(flip.criterion, flip.value):<28} -> {LABELS[flip.framework]}"
            )

    if cited:
        known = {a.title: a for a in load().articles}
        lines += ["", "Sources:"]
        for number, title in enumerate(cited, 1):
            article = known[title]
            by = f" ({article.publisher})" if article.publisher else ""
            lines.append(f"  [{number}] {title}{by}")
    return "\n".join(lines)
