"""DLE dumps of any size, for `make bench`: what `mysqldump --extended-insert` writes of a
DLE site, with threaded replies, quotes of earlier comments (DLE's own quote marks),
smilies, guests, removed accounts, unapproved comments and a vote log. Written as it goes
(memory does not grow with the file); the same seed gives the same file.
"""

import random
from datetime import UTC, datetime, timedelta

from imports.generate import _sentence

START = datetime(2015, 1, 1, tzinfo=UTC)
PER_POST = 200  # comments per post
ROWS_PER_INSERT = 100  # as mysqldump's net_buffer_length cuts them, roughly
_ESCAPES = {"\\": "\\\\", "\x00": "\\0", "\n": "\\n", "\r": "\\r", "'": "\\'", '"': '\\"', "\x1a": "\\Z"}
_SMILIES = ("wink", "smile", "sad", "laughing", "crying", "angry", "winked", "heart_eyes")
_TABLES = {  # the columns the importer reads, as DLE's install SQL names them
    "category": ("id", "name", "alt_name"),
    "comment_rating_log": ("id", "c_id", "member", "ip", "rating"),
    "comments": ("id", "post_id", "user_id", "date", "autor", "email", "text", "approve", "parent"),
    "post": ("id", "autor", "date", "short_story", "full_story", "title", "category", "alt_name",
             "allow_comm", "approve", "tags"),
    "post_extras": ("eid", "news_id", "news_read", "user_id"),
    "users": ("email", "password", "name", "user_id", "user_group", "lastdate", "reg_date", "banned",
              "info", "fullname"),
}


def literal(value) -> str:
    """A value as mysqldump writes it."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + "".join(_ESCAPES.get(ch, ch) for ch in str(value)) + "'"


class _Table:
    def __init__(self, out, name: str):
        self.out, self.name, self.rows = out, name, []
        cols = ",\n".join(f"  `{c}` {'int(11)' if c.endswith('id') else 'text'} NOT NULL" for c in _TABLES[name])
        out.write(f"DROP TABLE IF EXISTS `dle_{name}`;\nCREATE TABLE `dle_{name}` (\n{cols}\n) "
                  "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n")

    def add(self, *values) -> None:
        self.rows.append("(" + ",".join(literal(v) for v in values) + ")")
        if len(self.rows) >= ROWS_PER_INSERT:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.out.write(f"INSERT INTO `dle_{self.name}` VALUES " + ",".join(self.rows) + ";\n")  # noqa: S608  a test file's own table name
            self.rows = []


def generate_dle_dump(path, comments: int, seed: int = 0) -> int:
    """Write a dump of a DLE site with `comments` comments; returns the count."""
    rnd = random.Random(seed)  # noqa: S311  a repeatable made-up site, no secret
    posts = max(1, comments // PER_POST)
    users = max(20, comments // 50)
    with open(path, "w", encoding="utf-8") as out:
        out.write("-- MySQL dump 10.13\n/*!40101 SET NAMES utf8mb4 */;\n")
        t = _Table(out, "category")
        t.add(1, "Новости", "news")
        t.flush()
        t = _Table(out, "users")
        for u in range(1, users + 1):
            t.add(f"reader{u}@example.org", "0" * 32, f"Читатель {u}", u, 1 if u == 1 else 4,
                  str(1_600_000_000 + u), str(1_400_000_000 + u), "yes" if u % 97 == 0 else "", "", "")
        t.flush()
        t = _Table(out, "post")
        extras = _Table(out, "post_extras")
        for p in range(1, posts + 1):
            t.add(p, "Читатель 1", f"{START + timedelta(days=p):%Y-%m-%d %H:%M:%S}", _sentence(rnd),
                  "<p>" + "</p><p>".join(_sentence(rnd) for _ in range(5)) + "</p>",
                  f"Новость {p}: {_sentence(rnd)[:60]}", "1", f"news-{p}", 1, 1, "мост, бюджет")
            extras.add(p, p, rnd.randrange(10_000), 1)
        t.flush()
        extras.flush()
        written = _comments(out, rnd, posts, users, comments)
        out.write("-- Dump completed\n")
    return written


def _comments(out, rnd: random.Random, posts: int, users: int, total: int) -> int:
    table, votes = _Table(out, "comments"), []
    cid = 0
    for p in range(posts):
        thread: list[tuple[int, int, str]] = []  # (id, author, words) of the post's comments so far
        for n in range(total // posts + (1 if p < total % posts else 0)):
            cid += 1
            who = rnd.randrange(1, users + 1)
            guest, removed = who % 10 == 0, who % 50 == 1
            user_id = 0 if guest else (users + who if removed else who)
            name = f"Гость {who}" if guest else f"Читатель {who}"
            words = _sentence(rnd)
            text = words
            if thread and rnd.random() < 0.1:
                _qid, quoted_by, quoted = rnd.choice(thread)
                text = (f"<!--QuoteBegin Читатель {quoted_by} --><div class=\"title_quote\">Цитата: "
                        f"Читатель {quoted_by}</div><div class=\"quote\"><!--QuoteEBegin-->{quoted}"
                        f"<!--QuoteEnd--></div><!--QuoteEEnd-->{text}")
            if rnd.random() < 0.15:
                s = rnd.choice(_SMILIES)
                text += f' <!--smile:{s}--><img alt="{s}" src="/engine/data/emoticons/{s}.png" /><!--/smile-->'
            parent = rnd.choice(thread)[0] if thread and rnd.random() < 0.3 else 0
            when = START + timedelta(days=p + 1, minutes=n, seconds=rnd.randrange(60))
            table.add(cid, p + 1, user_id, f"{when:%Y-%m-%d %H:%M:%S}", name, "", text,
                      0 if rnd.random() < 0.05 else 1, parent)
            thread.append((cid, who, words))
            if rnd.random() < 0.5:
                votes.append((cid, f"Читатель {rnd.randrange(1, users + 1)}", rnd.choice((1, 1, -1))))
    table.flush()
    log = _Table(out, "comment_rating_log")
    for i, (c, member, value) in enumerate(votes, start=1):
        log.add(i, c, member, "127.0.0.1", value)
    log.flush()
    return cid
