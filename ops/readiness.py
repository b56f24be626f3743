"""Whether this process can serve: the checks behind /readyz.

* database: a new connection, made from the current settings, answers `SELECT 1` (a new
  one, not a request's: it proves the database takes connections, and never touches a
  transaction a request holds);
* migrations: over that connection, Django's migration executor has nothing left to apply
  (a process started before `veche migrate` ran, or on an older database, is not ready);
* redis: when VECHE_REDIS_URL is set, Redis answers PING.

Each check answers "ok", "not configured" or "fail" with a short reason of our own words:
never an exception's text or an address, which could carry a host name or a password. The
answer is kept for RESULT_SECONDS, so probes sent by any number of load balancers (or
anyone: the address is public) cost at most one connection a second."""

import logging

from django.conf import settings
from django.core.signals import setting_changed

from core.memo import Memo

log = logging.getLogger(__name__)
RESULT_SECONDS = 1.0
CONNECT_SECONDS = 2  # a database or Redis slower than this to answer a probe counts as down
OK, FAIL, NOT_CONFIGURED = "ok", "fail", "not configured"
ALIAS = "veche-readiness"

_results: Memo[tuple] = Memo("readiness", items=1, ttl=RESULT_SECONDS)
setting_changed.connect(lambda **kwargs: _results.clear(), weak=False)


def checks() -> tuple[dict[str, str], dict[str, str]]:
    """({check: ok | fail | not configured}, {failed check: its reason})."""
    return _results.get_or_make("checks", _run)


def _run() -> tuple[dict[str, str], dict[str, str]]:
    results: dict[str, str] = {}
    reasons: dict[str, str] = {}
    from django.db import connections

    try:
        conn = _connection()
    except Exception as exc:
        _failed(results, reasons, "database", "cannot connect", exc)
        _failed(results, reasons, "migrations", "not checked: no database", None)
    else:
        # Known by its alias in this thread only while the checks run: the migration recorder
        # reads through an alias, and must read through this connection.
        connections[ALIAS] = conn
        try:
            _check_database(conn, results, reasons)
        finally:
            del connections[ALIAS]
            conn.close()
    _check_redis(results, reasons)
    return results, reasons


def _failed(results: dict, reasons: dict, name: str, reason: str, exc: Exception | None) -> None:
    results[name], reasons[name] = FAIL, reason
    if exc is not None:  # the type only: a message may name a host or a user
        log.warning("readiness: %s check failed (%s): %s", name, reason, type(exc).__name__)


def _connection():
    """A connection of its own to the default database, made from the settings as they are
    now, with a short connect timeout."""
    import copy

    from django.db import connections
    from django.db.utils import load_backend

    given = {"default": copy.deepcopy(settings.DATABASES["default"])}
    params = connections.configure_settings(given)["default"]
    params = {**params, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False}
    if params["ENGINE"] == "django.db.backends.postgresql":
        params["OPTIONS"] = {**params.get("OPTIONS", {}), "connect_timeout": CONNECT_SECONDS}
    conn = load_backend(params["ENGINE"]).DatabaseWrapper(params, ALIAS)
    conn.ensure_connection()
    return conn


def _check_database(conn, results: dict, reasons: dict) -> None:
    from django.db.migrations.executor import MigrationExecutor

    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        _failed(results, reasons, "database", "does not answer", exc)
        _failed(results, reasons, "migrations", "not checked: no database", None)
        return
    results["database"] = OK
    try:
        executor = MigrationExecutor(conn)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        _failed(results, reasons, "migrations", "cannot be read", exc)
        return
    if plan:
        _failed(results, reasons, "migrations", f"{len(plan)} not applied", None)
        log.warning("readiness: %d migrations not applied; run `veche migrate`", len(plan))
    else:
        results["migrations"] = OK


def _check_redis(results: dict, reasons: dict) -> None:
    if not settings.REDIS_URL:
        results["redis"] = NOT_CONFIGURED
        return
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=CONNECT_SECONDS,
                                  socket_timeout=CONNECT_SECONDS)
    try:
        client.ping()
    except Exception as exc:
        _failed(results, reasons, "redis", "does not answer", exc)
    else:
        results["redis"] = OK
    finally:
        client.close()
