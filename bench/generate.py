"""Generator speed: fwgen's commands beside django-admin, copier and cookiecutter, in one run.

    uv run python bench/generate.py [--runs 5]

Releases two throwaway versions of fwgen from this checkout (the second changes one template
line), installs them like pip does (bytecode compiled) into scratch venvs with a temporary
HOME, and times each command in fresh processes, every command once per round so that a slow
spell of the machine hits them all alike: median and min-max wall time, peak memory
(max RSS of the process tree's largest process), and files written per second. For scale it
times `django-admin startproject`; `copier copy` of templates it builds with as many files, of
the same sizes, as each generated project (and `cookiecutter --no-input` of the FastAPI-sized
one); and `copier copy` of fwgen's own template, which shows what fwgen adds to Copier.
Nothing touches the network except uv installing the compared tools (from its cache when warm).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import release  # noqa: E402

from generator.knowledge import FRAMEWORKS  # noqa: E402

# The comparison tools, pinned so runs are comparable over time.
TOOLS = ("django==5.2.*", "copier==9.*", "cookiecutter==2.6.*")


@dataclass
class Sample:
    seconds: float
    peak_mb: float


@dataclass
class Row:
    label: str
    command: Callable[[int], Sequence[str]]
    cwd: Path
    before: Callable[[int], None] | None = None
    files: int = 0
    samples: list[Sample] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)


def run_once(args: Sequence[str], cwd: Path, env: dict[str, str]) -> Sample:
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(args), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    # `fwgen check` answers 3 when an update is available; that is a result, not a failure.
    if code not in (0, 3):
        detail = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(args)} exited {code}: {detail}")
    return Sample(elapsed, usage.ru_maxrss / 1024)


def measure(rows: list[Row], runs: int, env: dict[str, str]) -> None:
    """Every command once per round, in turns, so a slow spell of the machine hits them all."""
    for i in range(runs):
        for row in rows:
            if row.before:
                row.before(i)
            row.samples.append(run_once(row.command(i), row.cwd, env))


def ratio_line(row: Row, baseline: Row, what: str) -> str:
    """The median of the per-round ratios of row to baseline, and their range."""
    each = [a.seconds / b.seconds for a, b in zip(row.samples, baseline.samples, strict=True)]
    return (
        f"{row.label}: {statistics.median(each):.2f}x {what} "
        f"(rounds {min(each):.2f}-{max(each):.2f}x)"
    )


def count_files(root: Path) -> int:
    return sum(1 for p in root.rglob("*") if p.is_file() and ".git" not in p.parts)


def table(rows: list[Row]) -> str:
    width = max(len(row.label) for row in rows)
    lines = [
        f"{'command':<{width}} {'median s':>9} {'min-max s':>13} {'peak MB':>8} {'files/s':>8}",
        "-" * (width + 42),
    ]
    for row in rows:
        secs = [s.seconds for s in row.samples]
        peak = statistics.median(s.peak_mb for s in row.samples)
        rate = f"{row.files / row.median:>8.0f}" if row.files else f"{'':>8}"
        lines.append(
            f"{row.label:<{width}} {row.median:>9.3f} {min(secs):>6.3f}-{max(secs):<6.3f} "
            f"{peak:>8.1f} {rate}"
        )
    return "\n".join(lines)


def uv() -> str:
    found = shutil.which("uv")
    if not found:
        raise SystemExit("uv is required: pip install uv")
    return found


def venv_with(path: Path, *requirements: str) -> Path:
    subprocess.run([uv(), "venv", "-q", "-p", sys.executable, str(path)], check=True)
    subprocess.run(
        [
            uv(),
            "pip",
            "install",
            "-q",
            "--compile-bytecode",
            "-p",
            str(path / "bin/python"),
            *requirements,
        ],
        check=True,
    )
    return path / "bin"


def releases(scratch: Path) -> tuple[Path, Path]:
    """Wheels of fwgen 1.0.0 and 1.0.1; 1.0.1 changes one line of every project's README."""
    repo = release.snapshot(ROOT, scratch / "fwgen")
    wheels = []
    for version in ("1.0.0", "1.0.1"):
        if version == "1.0.1":
            readme = repo / "templates/_shared/README.md.jinja"
            readme.write_text(readme.read_text() + "\n\nSee docs/ for more.")
        release.set_version(repo, version)
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
        subprocess.run(["git", "commit", "-qm", version], cwd=repo, check=True)
        wheels.append(release.release(version, scratch / "dist", root=repo))
    return wheels[0], wheels[1]


def same_size_template(like: Path, out: Path) -> tuple[Path, Path]:
    """A copier template and a cookiecutter template with `like`'s file sizes and count."""
    copier_tpl = out / "copier-template"
    cookie_tpl = out / "cookiecutter-template"
    inner = cookie_tpl / "{{cookiecutter.project_slug}}"
    files = [p for p in like.rglob("*") if p.is_file() and ".git" not in p.parts]
    for n, path in enumerate(files):
        size = path.stat().st_size
        filler = ("x" * 79 + "\n") * (size // 80)
        rel = f"pkg{n % 7}/file{n}.txt"
        for root, var in ((copier_tpl, "project_name"), (inner, "cookiecutter.project_name")):
            target = root / (rel + (".jinja" if root is copier_tpl else ""))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"# {{{{ {var} }}}}\n{filler}")
    (copier_tpl / "copier.yml").write_text(
        "_templates_suffix: .jinja\nproject_name:\n  type: str\n  default: demo\n"
    )
    (cookie_tpl / "cookiecutter.json").write_text(
        json.dumps({"project_name": "demo", "project_slug": "demo"})
    )
    return copier_tpl, cookie_tpl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    runs = options.runs

    with tempfile.TemporaryDirectory(prefix="fwgen-bench-") as tmp:
        scratch = Path(tmp)
        home = scratch / "home"
        home.mkdir()
        (home / ".gitconfig").write_text("[user]\n\tname = Bench\n\temail = bench@example.com\n")
        env = {**os.environ, "HOME": str(home), "NO_COLOR": "1", "GIT_CONFIG_NOSYSTEM": "1"}
        env.pop("GIT_CONFIG_GLOBAL", None)
        os.environ.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1")
        os.environ.pop("GIT_CONFIG_GLOBAL", None)

        v1, v2 = releases(scratch)
        old = venv_with(scratch / "venv-1.0.0", str(v1))
        new = venv_with(scratch / "venv-1.0.1", str(v2))
        tools = venv_with(scratch / "venv-tools", *TOOLS)
        work = scratch / "work"
        work.mkdir()

        def fresh(name: str) -> Callable[[int], None]:
            def clear(i: int) -> None:
                shutil.rmtree(work / f"{name}{i}", ignore_errors=True)

            return clear

        fwgen = str(old / "fwgen")
        frameworks = FRAMEWORKS
        # A first project per framework, unmeasured: the first fills the template store as a
        # user's first run does; each is the model of its same-size templates; the FastAPI one
        # is what `update` and `check` run on.
        for fw in frameworks:
            subprocess.run(
                [fwgen, "new", f"reference-{fw}", "--yes", "--framework", fw],
                cwd=work,
                env=env,
                check=True,
                capture_output=True,
            )
        project = work / "reference-fastapi"
        templates = {
            fw: same_size_template(work / f"reference-{fw}", scratch / fw) for fw in frameworks
        }
        sizes = {fw: count_files(work / f"reference-{fw}") for fw in frameworks}
        # The very files `fwgen new` renders, from the installed wheel: what fwgen adds to Copier.
        own_template = subprocess.run(
            [
                str(old / "python"),
                "-c",
                "from generator.template import template_root; print(template_root())",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

        def back_to_v1(i: int) -> None:
            subprocess.run(["git", "reset", "-q", "--hard"], cwd=project, check=True)
            subprocess.run(["git", "clean", "-fdq", "-e", ".env"], cwd=project, check=True)

        def copier_copy(source: str, name: str, *data: str) -> Callable[[int], list[str]]:
            def command(i: int) -> list[str]:
                options = [f"--data={d}" for d in data]
                return [
                    str(tools / "copier"),
                    "copy",
                    "--defaults",
                    "--quiet",
                    *options,
                    source,
                    str(work / f"{name}{i}"),
                ]

            return command

        def fwgen_new(fw: str) -> Callable[[int], list[str]]:
            return lambda i: [fwgen, "new", f"{fw}{i}", "--yes", "--framework", fw]

        news = {
            fw: Row(
                f"fwgen new --yes --framework {fw}",
                fwgen_new(fw),
                work,
                before=fresh(fw),
                files=sizes[fw],
            )
            for fw in frameworks
        }
        copies = {
            fw: Row(
                f"copier copy ({sizes[fw]} files, like {fw})",
                copier_copy(str(templates[fw][0]), f"cp-{fw}"),
                work,
                before=fresh(f"cp-{fw}"),
                files=sizes[fw],
            )
            for fw in frameworks
        }
        own = Row(
            "copier copy (fwgen's own template, FastAPI)",
            copier_copy(own_template, "own", "framework=fastapi", "project_name=own"),
            work,
            before=fresh("own"),
            files=sizes["fastapi"],
        )
        # Each `new` runs right before its comparison, so each round gives a ratio of two
        # runs a second apart: a slow spell of this shared machine skews both alike.
        pairs = [row for fw in frameworks for row in (news[fw], copies[fw])]
        rows = [
            Row("fwgen --help", lambda i: [fwgen, "--help"], work),
            Row(
                "fwgen recommend --json",
                lambda i: [fwgen, "recommend", "--kind", "api", "--async", "--json"],
                work,
            ),
            *pairs,
            own,
            Row(
                "fwgen update (one README line changed)",
                lambda i: [str(new / "fwgen"), "update"],
                project,
                before=back_to_v1,
            ),
            Row("fwgen check", lambda i: [str(new / "fwgen"), "check"], project),
        ]
        compared = [
            Row(
                "django-admin startproject",
                lambda i: [str(tools / "django-admin"), "startproject", f"dj{i}"],
                work,
                before=fresh("dj"),
            ),
            Row(
                f"cookiecutter --no-input ({sizes['fastapi']} files, like fastapi)",
                lambda i: [
                    str(tools / "cookiecutter"),
                    "--no-input",
                    "-o",
                    str(work / f"cc{i}"),
                    str(templates["fastapi"][1]),
                ],
                work,
                before=fresh("cc"),
                files=sizes["fastapi"],
            ),
        ]
        measure(rows + compared, runs, env)
        compared[0].files = count_files(work / "dj0")
        print(
            f"fwgen benchmark: {runs} rounds, Python {sys.version.split()[0]}, "
            f"{os.cpu_count()} CPUs"
        )
        print(table(rows + compared))
        print()
        for fw in frameworks:
            print(ratio_line(news[fw], copies[fw], "copier copy of as many files (goal <= 1.2x)"))
        print(ratio_line(news["fastapi"], own, "copier copy of the same template"))
        for row in rows[:2]:
            print(f"{row.label}: {row.median:.3f} s (goal < 0.15 s)")


if __name__ == "__main__":
    main()
