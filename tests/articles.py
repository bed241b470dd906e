"""The five comparison articles the recommender follows, as plain text, for checking quotes.

They live beside this checkout (not in it: their words are not ours to ship); a run may point
elsewhere with FWGEN_ARTICLES_DIR. Without them the checks skip, except in CI, where they fail.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest

from generator.knowledge import load

_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalise(text: str) -> str:
    """Typographic quotes folded and runs of whitespace collapsed, as quotes are written."""
    return " ".join(text.translate(_FOLD).split())


def _directory() -> Path:
    default = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
    return Path(os.environ.get("FWGEN_ARTICLES_DIR", default))


@cache
def texts() -> dict[str, str]:
    """Each article's whole text by its title (as the data file spells it)."""
    directory = _directory()
    files = sorted(directory.glob("*.txt")) if directory.is_dir() else []
    if not files:
        message = f"the comparison articles are not in {directory}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    found = {}
    for article in load().articles:
        matches = [f for f in files if article.title in f.read_text(encoding="utf-8")]
        assert len(matches) == 1, f"{article.title!r} is in {len(matches)} article files"
        found[article.title] = matches[0].read_text(encoding="utf-8")
    return found


@cache
def sentences(title: str) -> tuple[str, ...]:
    """The article cut into sentences: at . ! ? before a space, and at every line break (the
    articles put headings, bullets and table rows on lines of their own)."""
    pieces: list[str] = []
    for line in texts()[title].splitlines():
        pieces += [normalise(p) for p in re.split(r"(?<=[.!?])\s+", line) if p.strip()]
    return tuple(pieces)


def sentences_of(title: str, quote: str) -> set[int]:
    """Which sentences of the article a quote draws on (it may run across several)."""
    wanted = normalise(quote)
    all_sentences = sentences(title)
    for start in range(len(all_sentences)):
        text = ""
        for end in range(start, min(start + 6, len(all_sentences))):
            text = f"{text} {all_sentences[end]}".strip()
            if wanted in text:
                # Shrink from the left: the first sentence may not be part of the quote.
                while start < end and wanted in " ".join(all_sentences[start + 1 : end + 1]):
                    start += 1
                return set(range(start, end + 1))
    raise AssertionError(f"not in {title!r}: {quote!r}")
