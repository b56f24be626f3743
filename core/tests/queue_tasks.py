"""Tasks the queue tests run in real workers (a worker imports them by path). Each leaves its
trace in files under the directory it is given, since it runs in another process."""

import time
from pathlib import Path

from core.tasks import once, task


def _append(path: Path, line: str) -> None:
    with path.open("a") as f:
        f.write(line + "\n")


def lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


@task()
def slow(directory: str, name: str) -> str:
    """Notes its start, waits for a `release` file, then does its effect once."""
    d = Path(directory)
    _append(d / "starts", name)
    while not (d / "release").exists():
        time.sleep(0.05)
    with once(f"test-slow:{name}") as first:
        if first:
            _append(d / "done", name)
    return name


@task(attempts=3)
def flaky(directory: str, failures: int) -> str:
    """Fails its first `failures` tries."""
    d = Path(directory)
    _append(d / "tries", "x")
    if len(lines(d / "tries")) <= failures:
        raise RuntimeError("not yet")
    return "ok"


@task()
def pinned() -> bool:
    """Whether this task ran reading from the primary (core/tests/test_tasks_primary.py)."""
    from core import dbrouter

    return dbrouter.is_pinned()
