"""Terminal output: colour only on a terminal, never when NO_COLOR is set and not empty."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

import click


def colour_enabled(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    # no-color.org: an empty NO_COLOR is the same as none at all.
    return not os.environ.get("NO_COLOR") and stream.isatty()


def shortlist(items: Sequence[str], most: int = 8) -> str:
    """Items for a one-line message: the first `most`, then how many more there are."""
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def paint(text: str, **style: Any) -> str:
    return click.style(text, **style) if colour_enabled() else text


def echo(text: str = "", *, err: bool = False) -> None:
    click.echo(text, err=err, color=colour_enabled(sys.stderr if err else sys.stdout))


def error(message: str) -> None:
    prefix = click.style("error:", fg="red", bold=True) if colour_enabled(sys.stderr) else "error:"
    click.echo(f"{prefix} {message}", err=True, color=colour_enabled(sys.stderr))
