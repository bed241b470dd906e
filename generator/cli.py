"""The `fwgen` command: a thin Click layer over the recommender and the project functions."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

import click

from generator import __version__
from generator.console import echo, error
from generator.errors import FwgenError
from generator.knowledge import FRAMEWORKS, Value, load

F = TypeVar("F", bound=Callable[..., Any])

EXAMPLES = """\b
Examples:
  fwgen recommend --kind api --async            which framework, and why
  fwgen recommend --kind cms --json             the same as JSON
  fwgen new shop                                ask, recommend, create ./shop
  fwgen new shop --yes --kind ecommerce         no questions: defaults + flags
  fwgen new orders --framework fastapi --yes --dry-run
"""


def criteria_options(func: F) -> F:
    """One option per recommender criterion, generated from the recommender's data file."""
    for criterion in reversed(list(load().criteria.values())):
        name = criterion.name.replace("_", "-")
        if criterion.type == "bool":
            option = click.option(
                f"--{name}/--no-{name}",
                criterion.name,
                default=None,
                help=criterion.question,
            )
        else:
            option = click.option(
                f"--{name}",
                criterion.name,
                type=click.Choice(list(criterion.choices)),
                default=None,
                help=criterion.question,
            )
        func = option(func)
    return func


def _turn_on_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(dict)["debug"] = True


def debug_option(func: F) -> F:
    """`--debug` after the subcommand too (`fwgen new x --debug`), as before it."""
    option = click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        callback=_turn_on_debug,
        help="Show tracebacks and Copier's warnings.",
    )
    return option(func)


def _given(options: dict[str, Any]) -> dict[str, Value]:
    names = load().criteria
    return {k: v for k, v in options.items() if k in names and v is not None}


class FwgenGroup(click.Group):
    """Turns fwgen's errors into one line and an exit code; Ctrl-C into exit 130."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FwgenError as exc:
            error(str(exc))
            ctx.exit(exc.exit_code)
        except (KeyboardInterrupt, click.Abort):
            echo("\naborted; nothing was written", err=True)
            ctx.exit(130)
        except (click.ClickException, click.exceptions.Exit, BrokenPipeError):
            # A closed pipe (`fwgen recommend | head -1`) is Click's to end quietly.
            raise
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            error(f"{type(exc).__name__}: {exc} (run with --debug for the traceback)")
            ctx.exit(1)


@click.group(
    cls=FwgenGroup, epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, "--version", "-V", prog_name="fwgen")
@click.option("--debug", is_flag=True, help="Show tracebacks and Copier's warnings.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Pick Django, Flask or FastAPI for reasons published comparisons give, then start a
    production-grade project you can keep updating."""
    ctx.obj = {"debug": debug}
    # Any command refreshes the per-user template store from this installation, so plain
    # `copier update` finds the new version right after an upgrade of fwgen.
    from generator import store

    with contextlib.suppress(OSError):
        store.sync()


@cli.command()
@criteria_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@debug_option
def recommend(as_json: bool, **options: Any) -> None:
    """Recommend a framework for the given criteria; writes nothing.

    Criteria you leave out count as "no preference". When no framework is clearly ahead, fwgen
    names the question that would settle it, and on a terminal asks it.
    """
    from generator.recommender import flips
    from generator.recommender import recommend as run

    answers = _given(options)
    if not as_json and sys.stdin.isatty():
        from generator.prompts import settle

        answers = settle(answers)
    result = run(answers)
    if as_json:
        payload = result.to_dict()
        payload["flips"] = [
            {"criterion": f.criterion, "value": f.value, "framework": f.framework}
            for f in flips(answers)
        ]
        click.echo(json.dumps(payload, indent=2))
        return
    from generator.report import recommendation_text

    echo(recommendation_text(result, flips(answers)))


@cli.command()
@click.argument("name")
@criteria_options
@click.option("--framework", type=click.Choice(FRAMEWORKS), help="Skip the recommendation.")
@click.option("-y", "--yes", is_flag=True, help="Never ask: take defaults.")
@click.option("--data", "data", multiple=True, metavar="KEY=VALUE", help="An answer, repeatable.")
@click.option(
    "--answers-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A YAML file of answers (e.g. another project's .copier-answers.yml).",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, file_okay=False), help="Directory to create."
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into a non-empty directory: other files and .env stay; a file that differs "
    "from fwgen's is refused.",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="With --force: replace files that differ from fwgen's, keeping each as FILE.orig.",
)
@click.option("--no-git", "no_git", is_flag=True, help="Skip git init and the first commit.")
@click.option("--dry-run", is_flag=True, help="Show the recommendation and files; write nothing.")
@click.option("--keep-on-failure", is_flag=True, help="Keep the partial project if anything fails.")
@debug_option
@click.pass_context
def new(
    ctx: click.Context,
    /,
    name: str,
    framework: str | None,
    yes: bool,
    data: tuple[str, ...],
    answers_file: Path | None,
    output: Path | None,
    force: bool,
    overwrite: bool,
    no_git: bool,
    dry_run: bool,
    keep_on_failure: bool,
    **options: Any,
) -> None:
    """Create project NAME: ask, recommend a framework, render the starter, git-commit it.

    NAME `.` makes the current (empty) directory the project, named after it.

    On a terminal fwgen asks what it needs; elsewhere it never prompts and names the flag that
    is missing (or takes defaults with --yes).
    """
    from generator.new import NewRequest, create, parse_data

    create(
        NewRequest(
            name=name,
            output=output,
            framework=framework,
            criteria=_given(options),
            data=parse_data(data),
            answers_file=answers_file,
            yes=yes,
            force=force,
            overwrite=overwrite,
            git=not no_git,
            dry_run=dry_run,
            keep_on_failure=keep_on_failure,
            interactive=sys.stdin.isatty(),
            debug=ctx.obj["debug"],
        )
    )


@cli.command()
@click.argument(
    "path", type=click.Path(path_type=Path, file_okay=False), default=Path("."), required=False
)
@click.option(
    "--conflict",
    type=click.Choice(["inline", "rej"]),
    default="inline",
    show_default=True,
    help="Conflict markers in the file, or .rej files beside it.",
)
@click.option("--framework", type=click.Choice(FRAMEWORKS), help="Switch the project's framework.")
@click.option(
    "--data", "data", multiple=True, metavar="KEY=VALUE", help="Change an answer, repeatable."
)
@click.option("--dry-run", is_flag=True, help="Show what the template changes; change nothing.")
@click.option(
    "-y", "--yes", is_flag=True, help="Do not ask before a framework change deletes files."
)
@debug_option
@click.pass_context
def update(
    ctx: click.Context,
    path: Path,
    conflict: Literal["inline", "rej"],
    framework: str | None,
    data: tuple[str, ...],
    dry_run: bool,
    yes: bool,
) -> None:
    """Bring the project containing PATH (default: here) to this fwgen's template version.

    The project may be a subdirectory of a larger git repository; only its files change.

    Your edits are merged with the template's; conflicts are listed and exit with 1. Files you
    deleted stay deleted; .env and the decision record are never touched. --data changes an
    answer on the way (e.g. --data admin=yes adds the admin site).
    """
    from generator.new import parse_data
    from generator.update import UpdateRequest
    from generator.update import update as run

    run(
        UpdateRequest(
            path=path,
            conflict=conflict,
            dry_run=dry_run,
            yes=yes,
            framework=framework,
            data=parse_data(data),
            interactive=sys.stdin.isatty(),
            debug=ctx.obj["debug"],
        )
    )


@cli.command()
@click.argument(
    "path", type=click.Path(path_type=Path, file_okay=False), default=Path("."), required=False
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@debug_option
@click.pass_context
def check(ctx: click.Context, path: Path, as_json: bool) -> None:
    """Is a newer template version available for the project containing PATH?

    Exit 0 when up to date, 3 when an update is available (for CI), 1 or 2 on errors.
    """
    from generator.update import check as run

    status = run(path)
    if as_json:
        click.echo(json.dumps(status.to_dict()))
    elif status.up_to_date:
        echo(f"Up to date: template {status.project}")
    else:
        echo(
            f"Template {status.available} is available (project: {status.project}): "
            "run fwgen update"
        )
    if not status.up_to_date:
        ctx.exit(UPDATE_AVAILABLE)


UPDATE_AVAILABLE = 3


def main() -> None:
    cli(prog_name="fwgen")
