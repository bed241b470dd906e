"""Reading a generated project's Makefile: its targets are the project's own commands."""

from __future__ import annotations


def recipes(text: str) -> dict[str, list[str]]:
    """Each target's recipe lines, for the plain `target:` / tab-indented form fwgen writes."""
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        if line and not line[0].isspace() and line.endswith(":"):
            current = line[:-1]
            found[current] = []
        elif line.startswith("\t") and current:
            found[current].append(line.strip())
    return found
