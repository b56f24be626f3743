"""Search figures: p50/p95 of a search over a large database, what the index costs a post,
and what it costs an import. `make bench` runs it in each mode (bench.run.search_figures);
alone, on its own throw-away databases:

    python -m bench.search                      # both modes, a million comments
    python -m bench.search --comments 100000 --modes embedded

The large database is filled as bench.seed fills its size filler (rows in bulk, not through
the actions: only its size matters) but with varied text in English and Russian, words drawn
Zipf-like from a vocabulary so that common, middling and rare words all occur, and indexed by
search.index in batches (the rebuild's path, timed). The measured posts and the measured
import go through the actions, with the index's receivers as on a site.
"""

import json
import random
import statistics
import sys
import time

EN = ["border", "army", "talks", "region", "agreement", "peace", "vote", "votes", "voting", "voted", "minister", "statement", "news", "report", "village", "road", "bridge", "winter", "fuel", "price", "market", "bank", "school", "doctor", "court", "law", "police", "river", "mountain", "election", "council", "mayor", "budget", "railway", "station", "airport", "factory", "worker", "farmer", "harvest", "weather", "storm", "convoy", "corridor", "ceasefire", "diplomat", "treaty", "summit", "delegation", "sanction", "embassy", "visit", "interview"]
RU = ["граница", "армия", "переговоры", "регион", "соглашение", "мир", "голос", "голосование", "министр", "заявление", "новости", "деревня", "дорога", "мост", "зима", "топливо", "цена", "рынок", "банк", "школа", "врач", "суд", "закон", "полиция", "река", "гора", "выборы", "совет", "мэр", "бюджет", "железная", "станция", "аэропорт", "завод", "рабочий", "фермер", "урожай", "погода", "буря", "комментарий", "комментария", "комментарии", "комментариев", "колонна", "коридор", "перемирие", "дипломат", "договор"]
FILLER = ["the", "a", "of", "and", "in", "to", "is", "was", "it", "that", "on", "for", "with", "as", "by", "at", "from", "but", "not", "this"]
QUERIES = [
    "border", "voting", "comment", "комментарии", "ceasefire talks", '"peace agreement"', "army -winter",
    "bridge or railway", "convoy corridor diplomat", "переговоры граница", "перемирие -зима", "zqrare1",
    "summit embassy interview", "fuel price", "mountain village road", "выборы or совет",
]


def sentence(rng: random.Random, words: list[str], n: int) -> str:
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.45:
            out.append(rng.choice(FILLER))
        elif r < 0.999:
            out.append(words[min(len(words) - 1, int(rng.paretovariate(1.2)) - 1)])
        else:
            out.append(f"zqrare{rng.randrange(1000)}")  # a word few comments hold
    return " ".join(out).capitalize() + "."


def comment_text(rng: random.Random) -> str:
    words = RU if rng.random() < 0.4 else EN
    shuffled = words[:]
    rng.shuffle(shuffled)  # which words are common differs from comment to comment, a little
    shuffled = words[:8] + shuffled
    return " ".join(sentence(rng, shuffled, rng.randrange(6, 18)) for _ in range(rng.randrange(1, 4)))


def fill(total: int, articles: int, readers) -> float:
    """Comments in bulk, then indexed as search.index writes a batch; returns the indexing time."""
    from django.db import transaction
    from django.utils import timezone

    from bench import seed
    from discussion.models import Comment
    from newsroom.models import Article
    from search import index

    have = Comment.objects.count()
    if have >= total:
        return 0.0
    rng = random.Random(7)
    sec = seed.section()
    now = timezone.now()
    Article.objects.bulk_create([
        Article(title=f"Search filler {i}: " + sentence(rng, EN, 6), slug=f"search-filler-{i}",
                body=comment_text(rng), body_html="<p>" + comment_text(rng) + "</p>",
                section=sec, state=Article.State.PUBLISHED, published_at=now) for i in range(articles)],
        batch_size=1000)
    made = list(Article.objects.filter(slug__startswith="search-filler-"))
    per = max(1, (total - have) // len(made))
    indexing = 0.0
    for n, a in enumerate(made):
        rows = []
        for j in range(per):
            text = comment_text(rng)
            rows.append(Comment(article_id=a.pk, author_id=readers[(n + j) % len(readers)].pk, depth=0,
                                body=text, body_html=f"<p>{text}</p>", created=now))
        Comment.objects.bulk_create(rows, batch_size=5000)
        t = time.perf_counter()
        with transaction.atomic():
            index.article(a)
            index.comments(a, [(c.pk, c.body_html) for c in rows])
        indexing += time.perf_counter() - t
    Article.objects.filter(slug__startswith="search-filler-").update(comment_count=per)
    return indexing


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def measure(cfg: dict) -> dict:
    import django

    django.setup()
    from django.test import Client

    from bench import seed
    from discussion import actions
    from discussion.actions.bulk import bulk_post
    from discussion.actions.posting import check_import
    from discussion.models import Comment
    from search import receivers

    out: dict = {}
    readers = seed.members(50)
    t = time.perf_counter()
    indexing = fill(cfg["comments"], cfg["articles"], readers)
    out["fill_s"] = time.perf_counter() - t
    out["index_s"] = indexing
    from django.apps import apps

    from core import statements

    statements.settle(apps.get_models())  # as some minutes after a bulk load: statistics, visibility map
    out["total"] = Comment.objects.count()

    # Searches, the whole page, as a visitor and as a member, server time in process.
    client = Client(HTTP_HOST="127.0.0.1")
    member = Client(HTTP_HOST="127.0.0.1")
    member.force_login(readers[0])
    for q in QUERIES:  # warm: the first touch of each index page is the disk's, not the search's
        client.get("/search/", {"q": q})
    times, cpu = [], []
    each: dict[str, list[float]] = {}  # which search is slowest, so a slow figure says where to look
    for _round in range(cfg["rounds"]):
        for q in QUERIES:
            for c, kind in ((client, "all"), (member, "comments")):
                t, t_cpu = time.perf_counter(), time.process_time()
                r = c.get("/search/", {"q": q, "kind": kind})
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - t_cpu) * 1000)
                each.setdefault(f"{q} [{kind}]", []).append(times[-1])
                assert r.status_code == 200
    out["search_p50_ms"], out["search_p95_ms"] = statistics.median(times), pct(times, 0.95)
    slowest = max(each, key=lambda k: statistics.median(each[k]))
    out["search_slowest"] = f"{slowest} {statistics.median(each[slowest]):.1f} ms"
    # This process's own CPU time (the page's Python, SQLite's work in embedded mode; not
    # PostgreSQL's): on a machine shared with other work, wall time includes waiting for a core.
    out["search_cpu_p50_ms"] = statistics.median(cpu)
    from pathlib import Path

    loadavg = Path("/proc/loadavg")
    out["load"] = loadavg.read_text().split()[0] if loadavg.exists() else "?"
    deep = []
    for q in QUERIES[:6]:
        t = time.perf_counter()
        client.get("/search/", {"q": q, "kind": "comments", "page": 20})
        deep.append((time.perf_counter() - t) * 1000)
    out["search_page20_p50_ms"] = statistics.median(deep)

    # What the index adds to a post: the receiver's own time, and posts with and without it.
    article = seed.article("bench-search-posts", "Posting with and without the index")
    index_times: list[float] = []
    original = receivers.index.comment

    def timed_comment(c):
        t0 = time.perf_counter()
        original(c)
        index_times.append((time.perf_counter() - t0) * 1000)

    receivers.index.comment = timed_comment
    posts = cfg["posts"]

    def post_many(n: int, tag: str) -> list[float]:
        spent = []
        for i in range(n):
            body = comment_text(random.Random(i)) + f" {tag}"
            t0 = time.perf_counter()
            actions.do_post(readers[i % len(readers)], article, actions.check_import(article, body, None))
            spent.append((time.perf_counter() - t0) * 1000)
        return spent

    with_index = post_many(posts, "indexed")
    receivers.index.comment = original
    receivers.disconnect()
    without = post_many(posts, "unindexed")
    receivers.connect()
    out["post_index_p50_ms"] = statistics.median(index_times)
    out["post_with_p50_ms"], out["post_without_p50_ms"] = statistics.median(with_index), statistics.median(without)

    # What the index adds to an import: the same comments through the importers' bulk path.
    def import_many(n: int, slug: str) -> float:
        a = seed.article(slug, "Imported with or without the index")
        rng = random.Random(3)
        drafts = [check_import(a, comment_text(rng), None) for _ in range(n)]  # rendering is not timed
        t0 = time.perf_counter()
        for start in range(0, n, 1000):
            with bulk_post(a) as batch:
                for d in drafts[start:start + 1000]:
                    batch.add(readers[start % len(readers)], d)
        return time.perf_counter() - t0

    n = cfg["import"]
    receivers.disconnect()
    out["import_without_s"] = import_many(n, "bench-import-plain")
    receivers.connect()
    out["import_with_s"] = import_many(n, "bench-import-indexed")
    out["import_n"] = n
    return out


def run_mode(mode: str, comments: int, rounds: int = 3, posts: int = 200, imported: int = 20_000,
             pg_url: str = "postgres://postgres@127.0.0.1:5432/veche_search_bench",
             redis_url: str = "redis://127.0.0.1:6379/13") -> dict:
    """Fresh databases of the mode, migrated, then `measure` in a Django process of it."""
    import os
    import subprocess
    import tempfile
    from pathlib import Path

    from bench.run import ROOT, environment, veche
    from core.scratch import recreate

    var = Path(tempfile.mkdtemp(prefix=f"veche-bench-search-{mode}-"))
    env = environment(mode, var)
    if mode == "scaleout":
        env["VECHE_DATABASE_URL"] = os.environ.get("VECHE_BENCH_SEARCH_PG_URL", pg_url)
        env["VECHE_REDIS_URL"] = os.environ.get("VECHE_BENCH_SEARCH_REDIS_URL", redis_url)
    recreate(env)
    veche(env, "migrate", "--noinput", "-v0")
    veche(env, "collectstatic", "--noinput", "-v0")
    cfg = {"comments": comments, "articles": max(10, comments // 200), "rounds": rounds, "posts": posts,
           "import": imported}
    done = subprocess.run([sys.executable, "-m", "bench.search", "--inside", json.dumps(cfg)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=4 * 3600)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def lines(mode: str, m: dict) -> list[tuple[str, str, str, str]]:
    """(work, figure, comparison, target) rows for bench.run's table."""
    target = "≤ 50 ms p50" if mode == "scaleout" else "≤ 100 ms p50"
    added = m["import_with_s"] - m["import_without_s"]
    return [
        (f"[{mode}] search page over {m['total']:,} comments, p50 / p95 (server time)",
         f"{m['search_p50_ms']:.1f} / {m['search_p95_ms']:.1f} ms",
         f"{len(QUERIES)} queries (words, phrases, -word, or; English and Russian), visitor and member; "
         f"page 20: {m['search_page20_p50_ms']:.1f} ms; this process's CPU p50 {m['search_cpu_p50_ms']:.1f} ms; "
         f"slowest search {m.get('search_slowest', '?')}; load average {m['load']}", target),
        (f"[{mode}] what the index adds to a post, p50", f"{m['post_index_p50_ms']:.2f} ms",
         f"a post {m['post_with_p50_ms']:.1f} ms with it, {m['post_without_p50_ms']:.1f} ms without", "≤ 1 ms"),
        (f"[{mode}] what the index adds to an import of {m['import_n']:,} comments",
         f"+{added:.1f} s ({100 * added / max(m['import_without_s'], 1e-9):.0f} %)",
         f"{m['import_with_s']:.1f} s with it, {m['import_without_s']:.1f} s without", "reported"),
        (f"[{mode}] indexing the {m['total']:,}-comment database in batches",
         f"{m['total'] / max(m['index_s'], 1e-9):,.0f} comments/s", f"{m['index_s']:.0f} s", "reported"),
    ]


def main() -> int:
    import argparse

    if len(sys.argv) > 2 and sys.argv[1] == "--inside":
        print(json.dumps(measure(json.loads(sys.argv[2]))))
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--modes", default="embedded,scaleout")
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--import-comments", type=int, default=20_000)
    args = parser.parse_args()
    for mode in args.modes.split(","):
        m = run_mode(mode, args.comments, args.rounds, args.posts, args.import_comments)
        for work, figure, comparison, target in lines(mode, m):
            print(f"| {work} | {figure} | {comparison} | {target} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
