"""Throw-away databases for the browser tests and the benchmark (never the site's own)."""


def recreate(env: dict) -> None:
    """Drop and create the PostgreSQL database VECHE_DATABASE_URL names, and empty the Redis
    database of VECHE_REDIS_URL, when `env` sets them; SQLite needs nothing (a new VAR_DIR)."""
    url = env.get("VECHE_DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    if env.get("VECHE_REDIS_URL"):
        import redis

        redis.Redis.from_url(env["VECHE_REDIS_URL"]).flushdb()
