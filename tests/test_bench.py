"""The benchmarks still run end to end (their figures are read by people, not asserted)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import harness

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("bench")]


def test_a_connection_is_owed_until_the_server_closes_it() -> None:
    sys.path.insert(0, str(ROOT))
    try:
        from bench.apps import owed_connections
    finally:
        sys.path.remove(str(ROOT))
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        if not Path("/proc/net/tcp").exists():  # the count reads Linux's socket tables
            assert owed_connections(port) is None
            return
        assert owed_connections(port) == 0
        client = socket.create_connection(("127.0.0.1", port))
        client.close()  # queued, then closed by the client: the server still owes it
        assert owed_connections(port) == 1
        accepted, _ = server.accept()
        accepted.close()
        assert owed_connections(port) == 0


def test_apps_benchmark_runs_and_reports_every_figure(tmp_path: Path) -> None:
    admin_url = harness.postgres_admin_url()
    out = tmp_path / "apps.json"
    result = subprocess.run(
        [
            sys.executable,
            "bench/apps.py",
            "--framework=flask",
            "--rounds=1",
            "--duration=1",
            "--warmup=0",
            "--connections=4",
            # The bundled client, whether or not wrk is installed here.
            "--python-client",
            f"--json={out}",
        ],
        cwd=ROOT,
        env=harness.tool_env({harness.PG_URL_VARIABLE: admin_url}),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "starter/bare" in result.stdout
    starter, bare = json.loads(out.read_text())
    assert (starter["app"], bare["app"]) == ("starter", "bare")
    assert starter["loads"]["/health"]["req_s"] > 0 and bare["loads"]["/health"]["req_s"] > 0
    assert starter["loads"]["items"]["requests"] > 0 and bare["loads"]["items"]["requests"] > 0
    assert starter["loads"]["items"]["errors"] == bare["loads"]["items"]["errors"] == 0
    assert len(starter["items_ratios"]) == 1
    assert starter["rss_start_mb"] > 0 and starter["first_200_s"] > 0
    # Every server it started is gone, and its scratch directory with them.
    listing = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert "fwgen-apps-" not in listing and "bare:app" not in listing


def test_generate_benchmark_runs_and_reports_the_goals() -> None:
    result = subprocess.run(
        [sys.executable, "bench/generate.py", "--runs=1"],
        cwd=ROOT,
        env=harness.tool_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    for line in ("fwgen new --yes --framework django", "fwgen update", "cookiecutter --no-input"):
        assert line in result.stdout
    assert "x copier copy of as many files (goal <= 1.2x)" in result.stdout


def test_apps_benchmark_refuses_without_a_database() -> None:
    env = {k: v for k, v in os.environ.items() if k != harness.PG_URL_VARIABLE}
    result = subprocess.run(
        [sys.executable, "bench/apps.py"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip() == f"error: set {harness.PG_URL_VARIABLE} to a PostgreSQL admin URL"
    )
