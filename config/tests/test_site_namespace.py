"""What a site keeps in Redis is named by the site: its cache keys, its live events' stream and
its task queue. e2e/test_shared_redis.py runs two sites on one Redis; these hold the rule."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from config.settings.base import site_prefix

ROOT = Path(__file__).resolve().parent.parent.parent


def settings_of(**env: str) -> str:
    """REDIS_PREFIX, VECHE_TASK_QUEUE and the cache's prefix of a process started with `env`."""
    code = ("from django.conf import settings as s; "
            "print(s.REDIS_PREFIX, s.VECHE_TASK_QUEUE, s.CACHES['default'].get('KEY_PREFIX', '-'))")
    run_env = {k: v for k, v in os.environ.items() if not k.startswith(("VECHE_", "PYTEST"))}
    run_env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", VECHE_VAR_DIR=str(ROOT / "var" / "prefix-test"),
                   **env)
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], env=run_env,
                          cwd=ROOT, capture_output=True, text=True, check=True, timeout=60).stdout.strip()


def test_the_namespace_is_the_databases_name_and_differs_between_databases():
    assert site_prefix("newsroom") == "veche-newsroom"
    assert site_prefix("newsroom") != site_prefix("newsroom_staging")
    path = "/srv/veche/var/veche.sqlite3"
    assert site_prefix(path) == site_prefix(path)
    assert site_prefix(path) != site_prefix("/srv/other/var/veche.sqlite3")
    for name in (path, "a name with spaces", "x" * 49, "db:with:colons"):
        made = site_prefix(name)
        assert made.startswith("veche-") and len(made) == 22 and made[6:].isalnum(), made


def test_two_sites_on_one_redis_get_two_namespaces_and_the_operator_may_set_one():
    redis = "redis://127.0.0.1:6379/9"
    one = settings_of(VECHE_DATABASE_URL="postgres://veche@db1/newsroom", VECHE_REDIS_URL=redis)
    again = settings_of(VECHE_DATABASE_URL="postgres://veche@db2:6432/newsroom", VECHE_REDIS_URL=redis)
    other = settings_of(VECHE_DATABASE_URL="postgres://veche@db1/staging", VECHE_REDIS_URL=redis)
    assert one == "veche-newsroom veche-newsroom veche-newsroom"
    assert again == one  # every process of one site agrees, however it reaches the database
    assert other == "veche-staging veche-staging veche-staging"
    named = settings_of(VECHE_DATABASE_URL="postgres://veche@db1/newsroom", VECHE_REDIS_URL=redis,
                        VECHE_CACHE_PREFIX="paper-two")
    assert named == "paper-two paper-two paper-two"
    # Without Redis, or with the queue in the database by choice, the queue is the site's
    # database's own: the name its rows have always had.
    alone = settings_of()
    assert alone.split()[1] == "default" and alone.split()[2] == "-"
    rows = settings_of(VECHE_DATABASE_URL="postgres://veche@db1/newsroom", VECHE_REDIS_URL=redis,
                       VECHE_TASKS_BACKEND="database")
    assert rows == "veche-newsroom default veche-newsroom"


def test_every_task_goes_to_the_sites_queue():
    """Asked of a process with Redis (without it the site's queue is called "default", as
    django-tasks' own default is, and a task that forgot its queue would pass unseen): every
    task of every installed app is on the site's queue, the one its workers listen to."""
    code = """
import importlib, json
import django
django.setup()
from django.apps import apps
from django.conf import settings
from django_tasks.base import Task
found = {}
for app in apps.get_app_configs():
    try:
        module = importlib.import_module(app.name + ".tasks")
    except ModuleNotFoundError as exc:
        if exc.name != app.name + ".tasks":
            raise
        continue
    for value in vars(module).values():
        if isinstance(value, Task):
            found[value.module_path] = value.queue_name
print(json.dumps({"queue": settings.VECHE_TASK_QUEUE, "tasks": found, "rq": sorted(settings.RQ_QUEUES),
                  "backends": {k: v["QUEUES"] for k, v in settings.TASK_BACKENDS.items()}}))
"""
    run_env = {k: v for k, v in os.environ.items() if not k.startswith(("VECHE_", "PYTEST"))}
    run_env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", VECHE_VAR_DIR=str(ROOT / "var" / "prefix-test"),
                   VECHE_DATABASE_URL="postgres://veche@db1/newsroom", VECHE_REDIS_URL="redis://127.0.0.1:6379/9")
    out = subprocess.run([sys.executable, "-c", code], env=run_env, cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=60).stdout
    got = json.loads(out.strip().splitlines()[-1])
    assert got["queue"] == "veche-newsroom"
    assert len(got["tasks"]) >= 10 and "notify.tasks.fan_out" in got["tasks"]
    wrong = {name: q for name, q in got["tasks"].items() if q != "veche-newsroom"}
    assert not wrong, f"tasks on another queue than the site's: {wrong}"
    assert got["backends"]["database"] == got["backends"]["immediate"] == ["veche-newsroom"]
    # RQ also knows the queue of earlier versions, to read back what they left there; the
    # worker listens to it only when told (core/tests/test_queue.py).
    assert got["backends"]["redis"] == got["rq"] == ["default", "veche-newsroom"]


def test_the_live_stream_is_named_by_the_site():
    from live.broker import RedisBroker

    broker = RedisBroker("redis://127.0.0.1:6379/9")  # not connected until used
    assert f"{settings.REDIS_PREFIX}:live" == broker.STREAM
