"""`fwgen new` on a real terminal (a pty), answering its prompts like a person would."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest
import yaml


def spawn(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> pexpect.spawn:
    environ = {**os.environ, "COLUMNS": "120", **(env or {})}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "generator", *args],
        cwd=str(cwd),
        env=environ,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 160),
    )
    child.logfile_read = open(cwd.parent / "pty.log", "a")  # noqa: SIM115 - closed with the child
    return child


@pytest.fixture
def pythonpath(monkeypatch: pytest.MonkeyPatch) -> None:
    root = str(Path(__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", root + os.pathsep + os.environ.get("PYTHONPATH", ""))


def test_asks_criteria_with_a_counter_recommends_then_asks_the_project(
    workdir: Path, pythonpath: None
) -> None:
    child = spawn(["new", "shop"], workdir, {"NO_COLOR": "1"})
    child.expect(r"\[1/\d+\] What are you building\?")
    child.expect("ecommerce +an online shop or marketplace")
    child.expect("Choice")
    child.sendline("ecommerce")
    # kind=ecommerce implies the admin panel, so that question is skipped.
    child.expect(r"\[2/(\d+)\] How big will it get\?")
    total = int(child.match.group(1))
    child.expect("Choice")
    child.sendline("2")  # by number: medium
    answered = 2
    while True:
        index = child.expect([r"\[(\d+)/\d+\] (.+?)(\? \[y/N\]|\r\n)", "Recommended: "])
        if index == 1:
            break
        answered += 1
        assert "admin panel" not in child.match.group(2)
        if child.match.group(3).startswith("?"):
            child.sendline("")  # take the default (no)
        else:
            child.expect("Choice")
            child.sendline("")
    assert answered == total
    child.expect("Django")
    child.expect("Why Django over")
    child.expect(r"Use which framework\?")
    child.expect("Choice")
    child.sendline("")  # accept the recommendation
    child.expect("One-line description")
    child.sendline("Our shop")
    child.expect("Author or team name")
    child.sendline("")  # the git identity is the default
    child.expect("Contact email")
    child.sendline("not-an-email")
    child.expect("an email address like name@example.com")
    child.sendline("shop@example.com")
    child.expect("Python version")
    child.expect("Choice")
    child.sendline("")
    child.expect("License")
    child.expect("Choice")
    child.sendline("Apache-2.0")
    child.expect("Database for local development")
    child.expect("Choice")
    child.sendline("")
    child.expect("Created shop")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    recorded = yaml.safe_load((workdir / "shop" / ".copier-answers.yml").read_text())
    assert recorded["kind"] == "ecommerce"
    assert recorded["admin"] is True
    assert recorded["framework"] == "django"
    assert recorded["author_name"] == "Test Author"
    assert recorded["author_email"] == "shop@example.com"
    assert "Apache License" in (workdir / "shop" / "LICENSE").read_text()
    log = (workdir.parent / "pty.log").read_text()
    assert "\x1b[" not in log.replace("\x1b[?", "")  # NO_COLOR: no styling escapes


def test_picking_another_framework(workdir: Path, pythonpath: None) -> None:
    child = spawn(["new", "svc", "--kind", "api", "--yes"], workdir)
    child.expect(r"Created \S*svc")
    child.expect(pexpect.EOF)
    # --yes on a terminal asks nothing; now ask only the framework question.
    child = spawn(
        [
            "new",
            "svc2",
            "--kind",
            "api",
            "--scale",
            "small",
            "--experience",
            "intermediate",
            "--team-knows",
            "none",
            "--no-admin",
            "--no-async",
            "--no-performance",
            "--no-security",
            "--no-complex-data",
            "--deploy",
            "container",
            "--architecture",
            "monolith",
            "--no-flexibility",
            "--data",
            "description=x",
            "--data",
            "author_name=A",
            "--data",
            "author_email=a@b.co",
            "--data",
            "python_version=3.13",
            "--data",
            "license=MIT",
            "--data",
            "database=sqlite",
        ],
        workdir,
    )
    child.expect("Recommended: ")
    child.expect(r"Use which framework\?")
    child.expect("Choice")
    child.sendline("flask")
    child.expect(r"Created \S*svc2")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    recorded = yaml.safe_load((workdir / "svc2" / ".copier-answers.yml").read_text())
    assert recorded["framework"] == "flask"


def test_ctrl_c_at_a_prompt_exits_130_and_writes_nothing(workdir: Path, pythonpath: None) -> None:
    child = spawn(["new", "gone"], workdir)
    child.expect("What are you building")
    child.expect("Choice")
    child.sendintr()
    child.expect("aborted; nothing was written")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert list(workdir.iterdir()) == []
