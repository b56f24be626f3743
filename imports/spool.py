"""A disk buffer for formats whose threads are spread over the whole file.

A Disqus export lists every thread, then every post in any order; a Remark42 backup is
one comment per line, in any order. A thread is complete only at the end of the file, so
comments are parked here — in a private temporary SQLite database, which lives on disk and
is deleted when closed — and read back one thread at a time. Memory then holds one thread,
never the file.
"""

import json
import sqlite3
from collections.abc import Iterator


class Spool:
    def __init__(self):
        self.db = sqlite3.connect("")  # "": a private on-disk temporary database
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.reset()

    def reset(self) -> None:
        self.db.executescript("""
            DROP TABLE IF EXISTS threads; DROP TABLE IF EXISTS items;
            CREATE TABLE threads (key TEXT PRIMARY KEY, data TEXT NOT NULL);
            CREATE TABLE items (seq INTEGER PRIMARY KEY, thread TEXT NOT NULL, data TEXT NOT NULL);
            CREATE INDEX items_thread ON items (thread, seq);
        """)
        self.seq = 0

    def add_thread(self, key: str, data: dict) -> bool:
        """Keep the thread's data; False when the key was already there (the first stays)."""
        cur = self.db.execute("INSERT OR IGNORE INTO threads (key, data) VALUES (?, ?)",
                              (key, json.dumps(data)))
        return cur.rowcount == 1

    def set_thread(self, key: str, data: dict) -> None:
        self.db.execute("INSERT OR REPLACE INTO threads (key, data) VALUES (?, ?)", (key, json.dumps(data)))

    def add_item(self, thread: str, data: dict) -> int:
        self.seq += 1
        self.db.execute("INSERT INTO items (seq, thread, data) VALUES (?, ?, ?)",
                        (self.seq, thread, json.dumps(data)))
        return self.seq

    def thread(self, key: str) -> dict | None:
        row = self.db.execute("SELECT data FROM threads WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def thread_keys(self) -> Iterator[str]:
        """Threads that have items, in the order their first item came."""
        rows = self.db.execute("SELECT thread, MIN(seq) AS first FROM items GROUP BY thread ORDER BY first")
        for thread, _first in rows.fetchall():
            yield thread

    def items(self, thread: str) -> list[tuple[int, dict]]:
        rows = self.db.execute("SELECT seq, data FROM items WHERE thread = ? ORDER BY seq", (thread,))
        return [(seq, json.loads(data)) for seq, data in rows]

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
