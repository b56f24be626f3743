"""The task the queue benchmark runs: nothing, so what is measured is the queue itself."""

from core.tasks import task


@task()
def noop(n: int) -> int:
    return n
