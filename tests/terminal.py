"""fwgen on a pseudo-terminal, driven the way a person at a terminal emulator drives it.

The prompts ask the terminal where the cursor is (`ESC [6n`) and wait for the answer; a terminal
emulator replies, so this one does too. What it reads is kept twice: raw, to check styling,
and as plain text with the control sequences removed, for matching what a person sees.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import time
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[1]
CURSOR_QUERY = "\x1b[6n"
CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\r")
UNFINISHED = re.compile(r"\x1b(\[[0-9;?]*[ -/]*)?$")
KEYS = {
    "enter": "\r",
    "down": "\x1b[B",
    "up": "\x1b[A",
    "left": "\x1b[D",
    "erase-line": "\x15",
    "ctrl-c": "\x03",
}
# What a prompt shows once it waits for a key: the choice list's pointer, the y/N hint, or (for
# text) the cursor made visible again after drawing.
READY = r"(?:» |\(y/N\)|\(Y/n\)|\x1b\[\?25h)"


class Terminal:
    def __init__(
        self,
        args: list[str],
        cwd: Path,
        env: dict[str, str] | None = None,
        timeout: float = 30,
        stdout_to: str | None = None,
        program: list[str] | None = None,  # an installed `fwgen`, say; else this checkout's
    ) -> None:
        # This checkout's generator runs from source; an installed program brings its own.
        source = {} if program else {"PYTHONPATH": str(ROOT)}
        environ = {**os.environ, **source, **(env or {})}
        self.timeout = timeout
        command = [*(program or [sys.executable, "-m", "generator"]), *args]
        if stdout_to:  # `fwgen ... > FILE`: stdin and stderr stay on the terminal
            command = ["sh", "-c", f'"$@" > {shlex.quote(stdout_to)}', "sh", *command]
        self.child = pexpect.spawn(
            command[0],
            command[1:],
            cwd=str(cwd),
            env=environ,
            encoding="utf-8",
            timeout=timeout,
            dimensions=(50, 160),
        )
        self.raw = ""
        self.screen = ""
        self.text = ""
        self._seen = 0  # how far into self.text expect() has matched
        self._held = ""  # an escape sequence cut in two by a read

    def _read(self, deadline: float) -> None:
        try:
            chunk = self.child.read_nonblocking(
                65536, timeout=max(0.0, deadline - time.monotonic())
            )
        except pexpect.TIMEOUT as exc:
            tail = self.text[-1500:]
            message = f"nothing more after {self.timeout} s; the screen ends:\n{tail}"
            raise AssertionError(message) from exc
        data = self._held + chunk
        held = UNFINISHED.search(data)
        self._held = held.group(0) if held else ""
        data = data[: len(data) - len(self._held)]
        for _ in range(data.count(CURSOR_QUERY)):
            self.child.send("\x1b[1;1R")
        self.raw += data
        self.text += CONTROL.sub("", data)

    def expect(self, pattern: str) -> re.Match[str]:
        """Wait for `pattern` in the plain text after the last match; EOF or timeout raise."""
        deadline = time.monotonic() + self.timeout
        while True:
            match = re.compile(pattern).search(self.text, self._seen)
            if match:
                self._seen = match.end()
                return match
            self._read(deadline)

    def _ready(self) -> None:
        # Each prompt starts by asking where the cursor is; it takes keys once drawn after that.
        deadline = time.monotonic() + self.timeout
        while not re.search(READY, self.raw[self.raw.rfind(CURSOR_QUERY) :]):
            self._read(deadline)

    def prompt(self, question: str) -> str:
        """Wait until the prompt asking `question` (after the last match) takes keys.

        Returns what it shows, from the start of the question's line; also kept as `screen`.
        """
        start = self.expect(re.escape(question)).start()
        self._ready()
        self.screen = self.text[self.text.rfind("\n", 0, start) + 1 :]
        return self.screen

    def press(self, *keys: str) -> None:
        for key in keys:
            self.child.send(KEYS.get(key, key))

    def choose(self, question: str, value: str) -> None:
        """Pick `value` from a choice list with the arrow keys, as a person would."""
        listing = self.prompt(question)
        values = re.findall(r"^ (?:»| ) \w\) (\S+)", listing, re.M)
        pointer = re.search(r"^ » \w\) (\S+)", listing, re.M)
        assert pointer and value in values, (value, values)
        steps = values.index(value) - values.index(pointer.group(1))
        self.press(*["down" if steps > 0 else "up"] * abs(steps), "enter")

    def answer(self, question: str, text: str) -> None:
        """Replace what a text prompt offers with `text`."""
        self.prompt(question)
        self.press("erase-line", text, "enter")

    def take_every_default(self) -> int:
        """Press Enter at every prompt until fwgen exits; return its exit status."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                before = self.raw.count(CURSOR_QUERY)
                self._read(deadline)
                if self.raw.count(CURSOR_QUERY) > before:
                    self._ready()
                    self.press("enter")
            except pexpect.EOF:
                return self.finish()

    def finish(self) -> int:
        """Read to the end; the exit status."""
        try:
            while True:
                self._read(time.monotonic() + self.timeout)
        except pexpect.EOF:
            pass
        self.child.close()
        status: int = self.child.exitstatus
        return status
