"""`fwgen new` on a real terminal (a pty), answering its prompts like a person would."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from terminal import Terminal

# Every criterion given, so a test reaches the framework question at once.
CRITERIA = [
    *("--kind", "api", "--scale", "small", "--experience", "intermediate"),
    *("--team-knows", "none", "--no-admin", "--no-async", "--no-performance"),
    *("--no-security", "--no-complex-data", "--deploy", "container"),
    *("--architecture", "monolith", "--no-flexibility", "--no-typed-api"),
]
PROJECT = [
    *("--data", "description=x", "--data", "author_name=A", "--data", "author_email=a@b.co"),
    *("--data", "python_version=3.13", "--data", "license=MIT", "--data", "database=sqlite"),
    *("--data", "worker=none"),
]


def recorded(project: Path) -> dict[str, object]:
    answers: dict[str, object] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return answers


def test_asks_criteria_with_a_counter_recommends_then_asks_the_project(workdir: Path) -> None:
    term = Terminal(["new", "shop"], workdir, {"NO_COLOR": "1"})
    term.choose("What are you building?", "ecommerce")
    assert re.match(r"\? \[1/\d+\] What are you building\?", term.screen)
    assert re.search("ecommerce +an online shop or marketplace", term.screen)
    # kind=ecommerce implies the admin panel, so that question is skipped.
    total = int(term.expect(r"\[2/(\d+)\] (?=How big will it get\?)").group(1))
    term.prompt("How big will it get?")
    term.press("2", "enter")  # a number key moves to that choice: medium
    answered = {1, 2}
    while True:
        # Look ahead: the question itself is left for prompt() to find.
        match = term.expect(r"\[(\d+)/\d+\] (?=([^\n]+?)\?)|Recommended: ")
        if match.group(0) == "Recommended: ":
            break
        if int(match.group(1)) in answered:
            continue  # an answered question, redrawn with its answer
        answered.add(int(match.group(1)))
        assert "admin panel" not in match.group(2)
        term.prompt(match.group(2))
        term.press("enter")  # the default
    assert answered == set(range(1, total + 1))
    term.expect("Django")
    term.expect("Why Django over")
    term.prompt("Use which framework?")
    term.press("enter")  # accept the recommendation
    term.answer("One-line description", "Our shop")
    term.prompt("Author or team name")
    term.press("enter")  # the git identity is offered
    term.answer("Contact email", "not-an-email")
    term.expect("an email address like name@example.com")
    term.press("erase-line", "shop@example.com", "enter")
    term.prompt("Python version")
    term.press("enter")
    term.choose("License", "Apache-2.0")
    term.prompt("Database for local development")
    term.press("enter")
    term.choose("Background jobs", "celery")
    term.expect("nothing is written yet")
    summary = term.expect(r"(?s)kind .*?writes to +\S+").group(0)
    assert re.search(r"kind +ecommerce +given", summary)
    assert re.search(r"admin +yes +implied", summary)
    assert re.search(r"framework +Django +the recommendation", summary)
    assert re.search(r"author_email +shop@example.com", summary)
    term.prompt("Create the project?")
    term.press("enter")
    term.expect("Created shop")
    assert term.finish() == 0
    answers = recorded(workdir / "shop")
    assert answers["kind"] == "ecommerce"
    assert answers["scale"] == "medium"
    assert answers["admin"] is True
    assert answers["framework"] == "django"
    assert answers["worker"] == "celery"
    assert answers["author_name"] == "Test Author"
    assert answers["author_email"] == "shop@example.com"
    assert "Apache License" in (workdir / "shop" / "LICENSE").read_text()
    # NO_COLOR: bold and reverse video are allowed, colours are not.
    assert not re.search(r"\x1b\[[0-9;]*(?:3[0-9]|4[0-9]|9[0-7])m", term.raw)


def test_picking_another_framework(workdir: Path) -> None:
    term = Terminal(["new", "svc", *CRITERIA, *PROJECT], workdir)
    term.expect("Recommended: ")
    term.choose("Use which framework?", "flask")
    term.expect(r"framework +Flask +chosen; \S+ is recommended")
    term.prompt("Create the project?")
    term.press("enter")
    term.expect(r"Created \S*svc")
    assert term.finish() == 0
    assert recorded(workdir / "svc")["framework"] == "flask"


def test_changing_a_criterion_from_the_summary_moves_the_recommendation(workdir: Path) -> None:
    """The framework that followed the recommendation follows it again; defaults follow too."""
    args = ["new", "svc", *CRITERIA, *PROJECT[2:]]  # the description is left to its default
    args[args.index("api")] = "realtime"
    term = Terminal(args, workdir)
    before = term.expect(r"Recommended: (\w+)").group(1)
    term.prompt("Use which framework?")
    term.press("enter")
    term.prompt("One-line description")
    term.press("enter")
    term.expect(rf"description +A {before} service\.")
    term.choose("Create the project?", "change")
    term.choose("Change which answer?", "kind")
    term.choose("What are you building?", "cms")
    # With these answers a CMS is a close call: the framework follows the leader all the same.
    after = term.expect(r"No clear winner: (\w+)").group(1)
    assert after != before
    term.expect(f"The framework follows fwgen's first choice: now {after}.")
    term.expect(rf"framework +{after} +the recommendation")
    term.expect(rf"description +A {after} service\.")
    term.prompt("Create the project?")
    term.press("enter")
    assert term.finish() == 0
    answers = recorded(workdir / "svc")
    assert answers["kind"] == "cms"
    assert answers["framework"] == after.lower()
    assert answers["description"] == f"A {after} service."


def test_changing_a_project_answer_then_stopping_writes_nothing(workdir: Path) -> None:
    term = Terminal(["new", "svc", *CRITERIA, *PROJECT], workdir)
    term.prompt("Use which framework?")
    term.press("enter")
    term.choose("Create the project?", "change")
    term.choose("Change which answer?", "description")
    term.prompt("One-line description")
    term.press("left", "erase-line", "Orders and invoices", "enter")
    term.expect("description +Orders and invoices")
    term.choose("Create the project?", "stop")
    term.expect("aborted; nothing was written")
    assert term.finish() == 130
    assert list(workdir.iterdir()) == []


def test_with_stdout_redirected_the_conversation_stays_on_the_terminal(workdir: Path) -> None:
    term = Terminal(["new", "svc", *CRITERIA, *PROJECT], workdir, stdout_to="../out.txt")
    term.expect("Recommended: ")
    term.prompt("Use which framework?")
    term.press("enter")
    term.expect("nothing is written yet")
    term.prompt("Create the project?")
    term.press("enter")
    assert term.finish() == 0
    output = (workdir.parent / "out.txt").read_text()
    assert output.startswith("Created svc")
    assert "Next steps:" in output


def test_ctrl_c_at_a_prompt_exits_130_and_writes_nothing(workdir: Path) -> None:
    term = Terminal(["new", "gone"], workdir)
    term.prompt("What are you building")
    term.press("ctrl-c")
    term.expect("aborted; nothing was written")
    assert term.finish() == 130
    assert list(workdir.iterdir()) == []


def test_recommend_asks_the_question_that_settles_a_close_call(workdir: Path) -> None:
    term = Terminal(["recommend", "--kind", "api"], workdir, {"NO_COLOR": "1"})
    term.expect("No clear winner: FastAPI leads Flask by 1 point")
    term.expect(r"--team-knows flask +-> Flask")
    term.choose("Does the team already know one of the three frameworks well?", "flask")
    term.expect(r"Recommended: Flask +\(runner-up: FastAPI")
    term.expect("For services and small APIs, a team that knows Flask should stay with it.")
    assert term.finish() == 0


def test_recommend_with_nothing_answered_starts_with_what_is_built(workdir: Path) -> None:
    term = Terminal(["recommend"], workdir, {"NO_COLOR": "1"})
    term.expect("No recommendation: no question was answered.")
    term.choose("What are you building?", "cms")
    term.expect(r"Recommended: Django")
    assert term.finish() == 0
    assert list(workdir.iterdir()) == []


def test_recommend_never_asks_for_json(workdir: Path) -> None:
    term = Terminal(["recommend", "--json"], workdir)
    term.expect('"verdict": "unanswered"')
    assert term.finish() == 0
