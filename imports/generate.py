"""Realistic Disqus exports of any size, for tests and `make bench`.

`generate_disqus` writes as it goes (memory does not grow with the file) and reproduces what
makes real exports awkward: threads first, then posts of all threads interleaved, replies
that come before their parent in the file, deleted and spam posts, anonymous guests,
Unicode and HTML in messages. The same seed gives the same file.
"""

import random
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape, quoteattr

START = datetime(2015, 1, 1, tzinfo=UTC)
_WORDS = [
    "the", "bridge", "repair", "budget", "council", "river", "ferry", "winter", "tariff",
    "station", "market", "railway", "мост", "ремонт", "бюджет", "река", "паром", "зима", "тариф",
    "вокзал", "рынок", "железная", "дорога", "كوبري", "نهر", "שלום", "東京", "café", "naïve",
]


def _sentence(rnd: random.Random) -> str:
    words = [rnd.choice(_WORDS) for _ in range(rnd.randint(4, 18))]
    if rnd.random() < 0.15:
        i = rnd.randrange(len(words))
        words[i] = f"<b>{words[i]}</b>" if rnd.random() < 0.5 else f"<i>{words[i]}</i>"
    if rnd.random() < 0.08:
        words.append('<a href="https://example.org/page?a=1&amp;b=2" rel="nofollow">a link</a>')
    return " ".join(words).capitalize() + rnd.choice([".", "!", "?", " &amp; more."])


def _message(rnd: random.Random) -> str:
    paragraphs = []
    for _ in range(rnd.randint(1, 3)):
        lines = [_sentence(rnd) for _ in range(rnd.randint(1, 3))]
        paragraphs.append("<p>" + "<br>".join(lines) + "</p>")
    return "".join(paragraphs)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate_disqus(path, threads: int, comments_per_thread: int, seed: int = 0) -> int:
    """Write a Disqus export with `threads` × `comments_per_thread` posts; returns the count."""
    rnd = random.Random(seed)  # noqa: S311  a repeatable made-up export, no secret
    people = max(20, threads * comments_per_thread // 20)
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
                  'xmlns:dsq="http://disqus.com/disqus-internals">\n')
        out.write('  <category dsq:id="1"><forum>bench</forum><title>General</title>'
                  '<isDefault>true</isDefault></category>\n')
        for t in range(threads):
            created = START + timedelta(hours=t)
            out.write(
                f'  <thread dsq:id="{1000 + t}"><id/><forum>bench</forum><category dsq:id="1"/>'
                f"<link>https://news.example.org/{created:%Y/%m}/story-{t}/</link>"
                f"<title>{escape(f'Story {t}: ' + _sentence(rnd)[:60])}</title><message/>"
                f"<createdAt>{_when(created)}</createdAt><isClosed>false</isClosed>"
                f"<isDeleted>false</isDeleted></thread>\n")
        # Posts of all threads interleaved, a few at a time per thread, as exports list them.
        written = [0] * threads
        total = 0
        while total < threads * comments_per_thread:
            for t in range(threads):
                n = written[t]
                if n >= comments_per_thread:
                    continue
                batch = [n]
                if n + 1 < comments_per_thread and rnd.random() < 0.1:
                    batch = [n + 1, n]  # a reply to n written before n itself
                for k in batch:
                    out.write(_post(rnd, t, k, comments_per_thread, people, reply_to_prev=len(batch) == 2 and k == n + 1))
                written[t] += len(batch)
                total += len(batch)
        out.write("</disqus>\n")
    return total


def _post(rnd: random.Random, t: int, n: int, per_thread: int, people: int, reply_to_prev: bool) -> str:
    pid = 10_000_000 + t * per_thread + n
    created = START + timedelta(hours=t, minutes=n, seconds=rnd.randint(0, 59))
    if reply_to_prev:
        parent = pid - 1
    elif n and rnd.random() < 0.6:
        parent = 10_000_000 + t * per_thread + rnd.randrange(max(0, n - 20), n)
    else:
        parent = None
    who = rnd.randrange(people)
    anonymous = who % 10 == 0
    spam, deleted = rnd.random() < 0.01, rnd.random() < 0.02
    author = (f"<author><email>reader{who}@example.org</email><name>Reader {who}</name>"
              f"<isAnonymous>{'true' if anonymous else 'false'}</isAnonymous>"
              + ("" if anonymous else f"<username>reader-{who}</username>") + "</author>")
    return (
        f'  <post dsq:id="{pid}"><id/><message>{_cdata("" if deleted else _message(rnd))}</message>'
        f"<createdAt>{_when(created)}</createdAt>"
        f"<isDeleted>{'true' if deleted else 'false'}</isDeleted><isSpam>{'true' if spam else 'false'}</isSpam>"
        f"{author}<ipAddress>127.0.0.1</ipAddress><thread dsq:id={quoteattr(str(1000 + t))}/>"
        + (f'<parent dsq:id="{parent}"/>' if parent is not None else "") + "</post>\n"
    )
