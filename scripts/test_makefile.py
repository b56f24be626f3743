"""Which Python `make run` builds .venv with, on machines with different interpreters on PATH.

Each case runs make in a copy of the Makefile with a PATH holding only fake interpreters:
shell scripts that answer the Makefile's version check as a real one would (exit 0 for 3.11
or later, 1 for older, 127 for a version manager's shim of a version it does not have)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")

NEW_ENOUGH, TOO_OLD, BROKEN_SHIM = 0, 1, 127


def run_make(tmp_path, interpreters: dict[str, int], *args: str) -> subprocess.CompletedProcess:
    work, bin_dir = tmp_path / "tree", tmp_path / "bin"
    work.mkdir()
    bin_dir.mkdir()
    shutil.copy(ROOT / "Makefile", work / "Makefile")
    for name, status in interpreters.items():
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\necho {name} \"$@\" >> {tmp_path}/calls\nexit {status}\n")
        script.chmod(0o755)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    return subprocess.run([MAKE, "-n", *args, ".venv/bin/python"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=30)


def chosen(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in result.stdout.splitlines() if " -m venv " in line]
    assert len(lines) == 1, result.stdout + result.stderr
    return lines[0].split(" -m venv ")[0]


@pytest.mark.parametrize(("interpreters", "expected"), [
    ({"python3.12": NEW_ENOUGH, "python3": TOO_OLD}, "python3.12"),
    ({"python3.13": NEW_ENOUGH, "python3.12": NEW_ENOUGH, "python3.11": NEW_ENOUGH}, "python3.13"),
    ({"python3.13": BROKEN_SHIM, "python3.12": NEW_ENOUGH, "python3.11": NEW_ENOUGH}, "python3.12"),
    ({"python3.11": NEW_ENOUGH, "python3": NEW_ENOUGH}, "python3.11"),
    ({"python3": NEW_ENOUGH}, "python3"),
])
def test_the_newest_python_that_runs_and_is_recent_enough_is_chosen(tmp_path, interpreters, expected):
    assert chosen(run_make(tmp_path, interpreters)) == expected


def test_python3_older_than_3_11_is_not_chosen(tmp_path):
    result = run_make(tmp_path, {"python3": TOO_OLD, "python3.13": BROKEN_SHIM})
    assert " -m venv " not in result.stdout
    assert "make run PY=" in result.stdout  # the check that stops the real run says how to choose


def test_py_given_on_the_command_line_is_used_as_is(tmp_path):
    result = run_make(tmp_path, {"python3.13": NEW_ENOUGH, "python3.12": NEW_ENOUGH}, "PY=python3.12")
    assert chosen(result) == "python3.12"
    assert not (tmp_path / "calls").exists()  # nothing was probed


def test_a_machine_without_a_recent_python_gets_a_clear_message(tmp_path):
    work, bin_dir = tmp_path / "tree", tmp_path / "bin"
    work.mkdir()
    bin_dir.mkdir()
    shutil.copy(ROOT / "Makefile", work / "Makefile")
    (bin_dir / "python3").write_text("#!/bin/sh\nexit 1\n")
    (bin_dir / "python3").chmod(0o755)
    result = subprocess.run([MAKE, ".venv/bin/python"], cwd=work, env={"PATH": str(bin_dir)},
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "Veche needs Python >= 3.11" in result.stdout
    assert "make run PY=" in result.stdout
    assert not (work / ".venv").exists()
