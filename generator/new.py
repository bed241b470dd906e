"""`fwgen new`: gather answers, recommend, render, secure and commit a new project."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator import (
    __version__,
    effects,
    gitrepo,
    makefile,
    prompts,
    questions,
    render,
    review,
    store,
)
from generator.console import echo, paint, shortlist
from generator.errors import FwgenError, UsageError
from generator.knowledge import FRAMEWORKS, LABELS, Value, load
from generator.naming import ProjectName, check_name
from generator.recommender import (
    Recommendation,
    flag_for,
    flips,
    provenance,
    recommend,
    resolve,
    score_text,
)
from generator.report import recommendation_text
from generator.template import template_root


@dataclass
class NewRequest:
    name: str
    output: Path | None = None
    framework: str | None = None
    criteria: dict[str, Value] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)
    answers_file: Path | None = None
    yes: bool = False
    force: bool = False
    overwrite: bool = False
    git: bool = True
    dry_run: bool = False
    keep_on_failure: bool = False
    interactive: bool = False
    debug: bool = False


@dataclass
class Plan:
    project: ProjectName
    target: Path
    framework: str
    recommendation: Recommendation
    answers: dict[str, Any]  # everything Copier gets, fwgen_decision included
    # The author is the template's placeholder: no git identity, no answer, --yes.
    placeholder_author: bool = False
    # "recommended", "chosen" or "given" as in review.Draft; "default" when nothing was answered.
    framework_source: str = "recommended"


def parse_data(pairs: tuple[str, ...]) -> dict[str, str]:
    data = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--data takes KEY=VALUE, not {pair!r}")
        data[key.strip()] = value
    return data


def _read_answers_file(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read answers file {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise UsageError(f"answers file {path} is not valid YAML") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise UsageError(f"answers file {path} must hold a mapping of answers")
    # Copier's own keys (_src_path, _commit ...) may be present when reusing an answers file.
    return {str(k): v for k, v in loaded.items() if not str(k).startswith("_")}


def _preset(request: NewRequest, template: Path) -> dict[str, Any]:
    """Answers known before any prompt: answers file < --data < flags."""
    preset: dict[str, Any] = {}
    if request.answers_file:
        # Another project's answers file names that project: NAME names this one.
        replayed = _read_answers_file(request.answers_file)
        replayed.pop("project_name", None)
        preset.update(replayed)
    preset.update(request.data)
    allowed = questions.stored_names(template)
    for key in preset:
        if key == "project_name":
            raise UsageError("project_name comes from NAME; do not pass it as an answer")
        if key not in allowed:
            raise UsageError(f"unknown answer {key!r}; known answers: {', '.join(sorted(allowed))}")
    preset.update(request.criteria)
    if request.framework:
        preset["framework"] = request.framework
    if "framework" in preset and preset["framework"] not in FRAMEWORKS:
        raise UsageError(
            f"framework takes one of {', '.join(FRAMEWORKS)}, not {preset['framework']!r}"
        )
    return preset


def _missing(flag: str) -> UsageError:
    return UsageError(
        f"missing answer for {flag}: stdin is not a terminal, so fwgen will not ask; "
        "pass it, or --yes to take the defaults"
    )


def _gather_criteria(request: NewRequest, preset: Mapping[str, Any]) -> dict[str, Value]:
    """The criteria the team gave: flags, --data, an answers file, then prompts."""
    knowledge = load()
    given: dict[str, Value] = {}
    for name, criterion in knowledge.criteria.items():
        if name in preset:
            try:
                given[name] = criterion.parse(preset[name])
            except ValueError as exc:
                raise UsageError(str(exc)) from exc
    framework_fixed = "framework" in preset
    if request.interactive and not request.yes and not framework_fixed:
        given = prompts.ask_criteria(knowledge, given)
    elif not request.yes and not framework_fixed:
        resolved, _ = resolve(given, knowledge)
        for criterion in knowledge.criteria.values():
            if criterion.name not in resolved:
                raise _missing(criterion.flag)
    return given


GIT_KEYS = {"author_name": "user.name", "author_email": "user.email"}


def _placeholder_author(request: NewRequest, preset: Mapping[str, Any]) -> bool:
    """--yes with neither a git identity nor an author answer: the template's placeholder."""
    return request.yes and any(
        answer not in preset and not gitrepo.config_value(key) for answer, key in GIT_KEYS.items()
    )


def _project_answers(
    request: NewRequest,
    preset: Mapping[str, Any],
    known: Mapping[str, questions.Question],
    draft: review.Draft,
) -> None:
    """Fill `draft.project` in copier.yml's order, each answer checked by its validator."""
    # Only asked of git when the answer is not given: each lookup is a git process.
    git_defaults = {
        answer: gitrepo.config_value(key)
        for answer, key in GIT_KEYS.items()
        if answer not in preset
    }
    for name in questions.PROJECT_QUESTIONS:
        question = known[name]
        context = draft.context()
        template_default = str(questions.default_for(question, context))
        default = git_defaults.get(name) or template_default
        if not questions.applies(question, context):
            if name in preset and str(preset[name]) != template_default:
                condition = str(question.when).strip("{} ")
                raise UsageError(f"{name}={preset[name]} is only for projects where {condition}")
            continue
        if name in preset:
            value = str(preset[name])
        elif request.interactive and not request.yes:
            value = prompts.ask_answer(question, default, context)
        elif request.yes:
            value = default
        else:
            raise _missing(f"--data {name}=...")
        message = questions.problem(question, value, context)
        if message:
            raise UsageError(message)
        draft.project[name] = value
        if name not in preset and value == template_default and not git_defaults.get(name):
            draft.defaulted.add(name)


def _titled(sources: Any) -> list[str]:
    """Article titles with their publishers, as the record lists its sources."""
    publishers = {a.title: a.publisher for a in load().articles}
    return [f"{t} ({publishers[t]})" if publishers.get(t) else t for t in sources]


def _decision(
    rec: Recommendation, given: Mapping[str, Value], framework_source: str
) -> dict[str, Any]:
    """The recommendation as the decision record renders it: the whole picture, in words."""
    full = rec.to_dict()
    for item in full["disagreements"]:
        for side in item["sides"]:
            side["framework"] = LABELS[side["framework"]]
            side["sources"] = _titled(side["sources"])
    for item in full["alternatives"] + full["notes"]:
        item["sources"] = _titled(item["sources"])
    sections = rec.sections()
    question = rec.question
    decided = rec.verdict != "unanswered"
    return {
        "answers": provenance(given),
        "framework_source": framework_source,
        "date": datetime.date.today().isoformat(),
        "fwgen_version": __version__,
        "verdict": rec.verdict,
        "headline": rec.headline(),
        "recommended": LABELS[rec.framework] if decided else None,
        "runner_up": LABELS[rec.runner_up] if decided else None,
        "scores": {LABELS[fw]: rec.scores[fw] for fw in rec.ranking},
        "margin": rec.margin,
        "close_call_margin": rec.threshold,
        "tie_break": rec.tie_break,
        "evidence": {
            name: [
                {"text": e.text, "effects": score_text(e.scores), "sources": _titled(e.sources)}
                for e in getattr(sections, name)
            ]
            for name in ("deciding", "against", "even", "others")
        },
        "question": None
        if question is None
        else {
            "text": question.text,
            "outcomes": [
                {
                    "answer": flag_for(question.criterion, o.value),
                    "framework": LABELS[o.framework] if o.framework else None,
                }
                for o in question.outcomes
            ],
        },
        "contradictions": [
            {
                "text": c.summary(),
                "pulls": [
                    {
                        "answer": flag_for(p.criterion, p.value),
                        "frameworks": [LABELS[f] for f in p.frameworks],
                        "sources": _titled(p.sources),
                    }
                    for p in c.pulls
                ],
            }
            for c in rec.contradictions
        ],
        "flips": [
            {"answer": flag_for(f.criterion, f.value), "framework": LABELS[f.framework]}
            for f in flips(given)
        ],
        "disagreements": full["disagreements"],
        "alternatives": full["alternatives"],
        "notes": full["notes"],
    }


def check_target(target: Path, force: bool) -> None:
    entries = render.existing_entries(target)
    if entries and not force:
        raise FwgenError(
            f"{target} already exists and is not empty ({shortlist(entries)}); "
            "choose another name or --output, or pass --force to write into it"
        )


def plan(request: NewRequest) -> Plan:
    if request.name == ".":
        # `fwgen new .`: the current directory is the project, and names it.
        project = check_name(Path.cwd().name)
        target = (request.output or Path.cwd()).absolute()
    else:
        project = check_name(request.name)
        target = (request.output or Path.cwd() / request.name).absolute()
    check_target(target, request.force or request.overwrite)
    template = template_root()
    preset = _preset(request, template)

    given = _gather_criteria(request, preset)
    rec = recommend(given)
    known = questions.all_questions(template)
    if "framework" in preset:
        framework, source = str(preset["framework"]), "given"
    elif request.interactive and not request.yes:
        prompts.say()
        prompts.say(recommendation_text(rec, flips(given)))
        framework = prompts.ask_framework(rec.framework, close=rec.verdict != "clear")
        source = review.source_of(framework, rec.framework)
    elif rec.verdict == "unanswered":
        # Nothing to recommend from: the template's own default, and the record says so.
        framework, source = str(known["framework"].default), "default"
    else:
        framework, source = rec.framework, "recommended"

    draft = review.Draft(project.name, target, given, framework, source)
    _project_answers(request, preset, known, draft)
    if request.interactive and not request.yes and not request.dry_run:
        draft = review.review(draft, known)

    rec = draft.recommendation
    answers = {
        **draft.context(),
        "fwgen_decision": _decision(rec, draft.given, draft.framework_source),
    }
    return Plan(
        project,
        target,
        draft.framework,
        rec,
        answers,
        _placeholder_author(request, preset),
        draft.framework_source,
    )


def _next_steps(project_dir: Path, shown_dir: str, database: str) -> list[str]:
    """The setup, migrate, run and test commands, read from the project's own Makefile."""
    recipes = makefile.recipes((project_dir / "Makefile").read_text(encoding="utf-8"))
    steps = [] if shown_dir == "." else [f"cd {shown_dir}"]
    targets = ["install", "migrate", "test", "dev"]
    if database == "postgresql":
        # The migrations need the server; README.md shows how to run one without Docker.
        targets.insert(1, "db")
    for target in targets:
        steps += recipes.get(target, [])
    return steps


def create(request: NewRequest) -> Plan:
    the_plan = plan(request)
    target = the_plan.target
    if request.dry_run:
        _dry_run(the_plan, store.for_new(), request.debug)
        return the_plan

    use_git = request.git and not gitrepo.inside_work_tree(_nearest_existing(target))
    label = LABELS[the_plan.framework]
    author = (the_plan.answers["author_name"], the_plan.answers["author_email"])
    message = (
        f"Start {the_plan.project.name} from fwgen {__version__} ({LABELS[the_plan.framework]})"
    )
    for gap in effects.gaps(the_plan.framework, the_plan.recommendation.answers):
        echo(f"warning: {gap}", err=True)
    writing_into_existing = bool(render.existing_entries(target))
    with render.staging_dir(target, keep=request.keep_on_failure) as staging:
        project_dir = staging / "project"
        render.render(store.for_new(), project_dir, the_plan.answers, debug=request.debug)
        render.write_env(project_dir)
        written = render.listing(project_dir)
        if use_git and not writing_into_existing:
            gitrepo.init_and_commit(project_dir, message, author)
        replaced = render.move_into_place(project_dir, target, overwrite=request.overwrite)
    if use_git and writing_into_existing:
        gitrepo.init_and_commit(target, message, author, [f for f in written if f != ".env"])

    shown = str(request.output) if request.output else request.name
    if target == Path.cwd().absolute():
        shown = "."
    echo(f"Created {paint(the_plan.project.name, bold=True)} ({label}) in {shown}")
    for line in _verdict_notes(the_plan):
        echo(line, err=line.startswith("warning:"))
    if replaced:
        echo(
            f"Replaced {len(replaced)} file(s) that differed, keeping each as FILE.orig: "
            + ", ".join(replaced[:10])
        )
    set_identity = '`git config --global user.name "..."` and `git config --global user.email ...`'
    if the_plan.placeholder_author:
        echo(
            f"warning: git has no identity here and no author was given, so LICENSE, "
            f"pyproject.toml{' and the first commit' if use_git else ''} name the placeholder "
            f"{author[0]} <{author[1]}>: set yours with {set_identity} and correct them, or "
            "create the project again with --data author_name=... --data author_email=...",
            err=True,
        )
    elif use_git and not all(gitrepo.config_value(key) for key in GIT_KEYS.values()):
        echo(
            f"git has no identity here, so the first commit names the project's author, "
            f"{author[0]} <{author[1]}>; set your own with {set_identity}"
        )
    if not use_git:
        echo(
            "Skipped git init: "
            + ("--no-git" if not request.git else "already inside a git repository")
        )
    echo("\nNext steps:")
    for step in _next_steps(target, shown, str(the_plan.answers.get("database"))):
        echo(f"  {step}")
    return the_plan


def _verdict_notes(the_plan: Plan) -> list[str]:
    """What a team that did not see the recommendation must still hear about it."""
    rec = the_plan.recommendation
    record = "docs/decisions/0001-web-framework.md"
    notes = [f"warning: {c.summary()}" for c in rec.contradictions]
    if the_plan.framework_source == "default":
        notes.append(
            f"No question was answered, so fwgen recommended nothing and started from its "
            f"default framework, {LABELS[the_plan.framework]}; `fwgen recommend` with your "
            "answers helps choose."
        )
    elif the_plan.framework_source == "recommended" and rec.verdict == "close":
        settle = ""
        if rec.question:
            settle = f" Answering --{rec.question.criterion.replace('_', '-')} would settle it;"
        notes.append(f"{rec.headline()}{settle or ''} {record} has the reasons.")
    return notes


def _nearest_existing(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


def _dry_run(the_plan: Plan, source: store.Source, debug: bool) -> None:
    import shutil
    import tempfile

    rec = the_plan.recommendation
    echo(recommendation_text(rec, flips(rec.answers)))
    for gap in effects.gaps(the_plan.framework, rec.answers):
        echo(f"warning: {gap}", err=True)
    scratch = Path(tempfile.mkdtemp(prefix="fwgen-dry-run-"))
    try:
        render.render(source, scratch / "project", the_plan.answers, debug=debug)
        files = render.listing(scratch / "project")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    echo()
    echo(f"Would create {the_plan.target} ({LABELS[the_plan.framework]}), {len(files) + 1} files:")
    for rel in [*files, ".env"]:
        echo(f"  {rel}")
    choices = " ".join(flag_for(k, v) for k, v in the_plan.recommendation.answers.items())
    echo(f"\nAnswered: {choices or 'nothing'}")
