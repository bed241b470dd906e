"""Generator speed: wall time and peak memory of fwgen's commands, as an installed user runs them.

    python bench/generate.py [--runs 5]

Builds fwgen's wheel, installs it into a scratch venv the way pip does (bytecode compiled),
then times each command in fresh processes. Prints median and min-max per command.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Sample:
    seconds: float
    peak_mb: float


def run_once(args: Sequence[str], cwd: Path, env: dict[str, str]) -> Sample:
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(args), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(
            f"{' '.join(args)} failed: {proc.stderr.read().decode() if proc.stderr else ''}"
        )
    return Sample(elapsed, usage.ru_maxrss / 1024)


def measure(
    label: str,
    command: Callable[[int], Sequence[str]],
    runs: int,
    cwd: Path,
    env: dict[str, str],
    before: Callable[[int], None] | None = None,
) -> tuple[str, list[Sample]]:
    samples = []
    for i in range(runs):
        if before:
            before(i)
        samples.append(run_once(command(i), cwd, env))
    return label, samples


def table(rows: list[tuple[str, list[Sample]]]) -> str:
    lines = [
        f"{'command':<40} {'median s':>9} {'min-max s':>13} {'peak MB':>8}",
        "-" * 73,
    ]
    for label, samples in rows:
        secs = [s.seconds for s in samples]
        peak = statistics.median(s.peak_mb for s in samples)
        lines.append(
            f"{label:<40} {statistics.median(secs):>9.3f} "
            f"{min(secs):>6.3f}-{max(secs):<6.3f} {peak:>8.1f}"
        )
    return "\n".join(lines)


def install(scratch: Path) -> Path:
    wheels = scratch / "wheels"
    uv = shutil.which("uv")
    if not uv:
        raise SystemExit("uv is required: pip install uv")
    subprocess.run([uv, "build", "--wheel", "-q", "-o", str(wheels)], cwd=ROOT, check=True)
    venv = scratch / "venv"
    subprocess.run([uv, "venv", "-q", "-p", sys.executable, str(venv)], check=True)
    wheel = next(wheels.glob("fwgen-*.whl"))
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "-q",
            "--compile-bytecode",
            "-p",
            str(venv / "bin/python"),
            str(wheel),
        ],
        check=True,
    )
    return venv / "bin" / "fwgen"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fwgen-bench-") as tmp:
        scratch = Path(tmp)
        fwgen = str(install(scratch))
        work = scratch / "work"
        work.mkdir()
        home = scratch / "home"
        home.mkdir()
        (home / ".gitconfig").write_text("[user]\n\tname = Bench\n\temail = bench@example.com\n")
        env = {**os.environ, "HOME": str(home), "NO_COLOR": "1"}

        def fresh(name: str) -> Callable[[int], None]:
            def clear(i: int) -> None:
                shutil.rmtree(work / f"{name}{i}", ignore_errors=True)

            return clear

        rows = [
            measure("fwgen --help", lambda i: [fwgen, "--help"], options.runs, work, env),
            measure(
                "fwgen recommend --json",
                lambda i: [fwgen, "recommend", "--kind", "api", "--async", "--json"],
                options.runs,
                work,
                env,
            ),
        ]
        for framework in ("django", "flask", "fastapi"):
            rows.append(
                measure(
                    f"fwgen new --yes --framework {framework}",
                    lambda i, fw=framework: [fwgen, "new", f"{fw}{i}", "--yes", "--framework", fw],
                    options.runs,
                    work,
                    env,
                    before=fresh(framework),
                )
            )
        files = sum(
            1 for p in (work / "fastapi0").rglob("*") if p.is_file() and ".git" not in p.parts
        )
        print(f"fwgen benchmark: {options.runs} runs each, Python {sys.version.split()[0]}")
        print(table(rows))
        print(f"(a FastAPI project is {files} files, .env included, plus its first git commit)")


if __name__ == "__main__":
    main()
