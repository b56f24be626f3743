import pytest


@pytest.fixture(autouse=True)
def _request_lines_written():
    """Request log lines are written by a thread of their own: each test starts after the
    lines of the one before are out, so it never captures them as its own."""
    from ops import logs

    logs.lines.flush()
    yield
    logs.lines.flush()
