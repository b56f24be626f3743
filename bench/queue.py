"""The task queue, measured: what enqueueing costs a request, how many tasks a second the
workers finish, and how long one task takes from enqueue to done on an idle queue.

    python -m bench.queue [--tasks N] [--workers W]    every backend this machine can run:
        database on SQLite, database on PostgreSQL, RQ on Redis

bench.run calls `measure(env, …)` for each mode. Workers are `veche worker` processes,
started before the tasks are enqueued."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LATENCY_SAMPLES = 50


def _child(n: int, samples: int) -> dict:
    """In a process with the mode's settings: enqueue, wait, time."""
    import django

    django.setup()
    from bench.queue_tasks import noop
    from core import queue

    t0 = time.perf_counter()
    for i in range(n):
        noop.enqueue(i)
    enqueued = time.perf_counter() - t0
    while True:
        d = queue.depth()
        if d["queued"] == 0 and d["running"] == 0:
            break
        time.sleep(0.005)
    total = time.perf_counter() - t0
    latencies = []
    backend = noop.get_backend()
    for i in range(samples):
        s = time.perf_counter()
        result = noop.enqueue(i)
        while backend.get_result(result.id).status.name != "SUCCESSFUL":
            time.sleep(0.001)
        latencies.append((time.perf_counter() - s) * 1000)
        time.sleep(0.05)  # idle between samples, as a quiet site's queue is
    return {"enqueue_ms": enqueued / n * 1000, "per_s": n / total, "failed": queue.depth()["failed"],
            "latency_p50_ms": statistics.median(latencies),
            "latency_p90_ms": statistics.quantiles(latencies, n=10)[-1]}


def measure(env: dict, n: int = 2000, workers: int = 2) -> dict:
    """Figures for the mode `env` describes (its database already migrated)."""
    procs = [subprocess.Popen([sys.executable, "-m", "config.cli", "worker"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
    try:
        time.sleep(2)  # the workers are up and idle
        out = subprocess.run([sys.executable, "-m", "bench.queue", "--child", str(n), str(LATENCY_SAMPLES)],
                             env=env, cwd=ROOT, capture_output=True, text=True, timeout=1800)
        if out.returncode:
            raise RuntimeError(out.stderr[-2000:])
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


def _env(kind: str, var: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VECHE_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.dev", "VECHE_VAR_DIR": str(var), "VECHE_LOG_LEVEL": "ERROR",
                "PYTHONPATH": str(ROOT)})
    if kind != "sqlite":
        env["VECHE_DATABASE_URL"] = os.environ.get("VECHE_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/veche_bench_queue")
    if kind == "rq":
        env["VECHE_REDIS_URL"] = os.environ.get("VECHE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    elif kind == "postgres":
        env["VECHE_TASKS_BACKEND"] = "database"
    return env


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(_child(int(sys.argv[2]), int(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    for kind, label in [("sqlite", "database queue on SQLite"), ("postgres", "database queue on PostgreSQL"),
                        ("rq", "RQ on Redis (PostgreSQL for the site)")]:
        var = Path(tempfile.mkdtemp(prefix=f"veche-bench-queue-{kind}-"))
        env = _env(kind, var)
        if kind != "sqlite":
            from core.scratch import recreate

            recreate(env)
        subprocess.run([sys.executable, "-m", "config.cli", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT,
                       check=True)
        if kind == "rq":
            import redis

            redis.Redis.from_url(env["VECHE_REDIS_URL"]).flushdb()
        m = measure(env, args.tasks, args.workers)
        print(f"{label}: enqueue {m['enqueue_ms']:.2f} ms a task; {m['per_s']:,.0f} tasks/s with {args.workers} "
              f"workers; enqueue→done p50 {m['latency_p50_ms']:.1f} ms, p90 {m['latency_p90_ms']:.1f} ms"
              f"{'; FAILED ' + str(m['failed']) if m['failed'] else ''}", flush=True)


if __name__ == "__main__":
    main()
