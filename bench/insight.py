"""The editors' insight pages timed on the size test's database (target ≤ 200 ms each).

`bench.inproc` calls `measure` after it has filled the database (a million comments in the
full run); `python -m bench.insight` runs alone on a database of its own, at any size:

    python -m bench.insight --large 10000 --filler 1000000     # the full size
    python -m bench.insight --large 2000 --filler 100000       # minutes

The large discussion is given what the seeded one lacks and the pages draw: comments quoting
the article's paragraphs, replies to them, reports (some resolved), removals for each reason,
held comments. Each page is timed cold (every cache emptied; a large discussion's figures
are kept in the database, insight.kept: the first view, computing them, is timed apart) and
warm (the figures kept), as an editor through the HTTP stack in process; then each of its
pictures, drawn when asked for (insight.views.chart), as a browser would ask after the page."""

import argparse
import json
import re
import statistics
import time

ENRICHED_MARK = "bench insight:"  # the first words of the comments enrich() writes


def enrich(article, readers, moderator) -> None:
    """Quotes of the article's paragraphs with replies to them, reports and removals, written
    through the actions (idempotent: once per article)."""
    from django.db import transaction

    from core.markup import article_paragraphs
    from discussion import actions
    from discussion import live as discussion_live
    from discussion.models import Comment
    from moderation import actions as moderation
    from moderation.models import Reason

    if Comment.objects.filter(article=article, body__startswith=ENRICHED_MARK).exists():
        return
    paras = article_paragraphs(article.body_html)
    reasons = list(Reason.values)
    with discussion_live.quiet(), transaction.atomic(), actions.one_thread_change():
        for i in range(300):
            anchor, text = paras[(i * i) % len(paras)]  # some paragraphs far more quoted than others
            body = f"> [quote={anchor}]\n> {text}\n\n{ENRICHED_MARK} quoting paragraph {anchor}."
            quoting = actions.do_post(readers[i % len(readers)], article, actions.check_import(article, body, None))
            for j in range(i % 4):
                actions.do_post(readers[(i + j + 1) % len(readers)], article,
                                actions.check_import(article, f"{ENRICHED_MARK} reply {j}.", quoting))
    targets = list(Comment.objects.filter(article=article, status=Comment.Status.VISIBLE)
                   .exclude(body__startswith=ENRICHED_MARK).order_by("id")[:400])
    with discussion_live.quiet():
        for i, comment in enumerate(targets[:200]):
            reporter = readers[(i * 7 + 3) % len(readers)]
            if reporter.pk != comment.author_id:
                moderation.report(reporter, comment, reasons[i % len(reasons)], "bench")
        for i, comment in enumerate(targets[:60]):
            if i % 3 == 0:
                moderation.approve(moderator, comment)
            else:
                moderation.hide(moderator, comment, reasons[i % len(reasons)])
        for comment in targets[300:320]:
            actions.do_set_status(comment, Comment.Status.HELD)


def staff(login: str, group: str):
    """A member of one of the roles (the groups a migration writes)."""
    from django.contrib.auth.models import Group

    from accounts.models import Member

    member = Member.objects.filter(login=login).first() or Member.objects.create_user(login, password=None)
    member.groups.add(Group.objects.get(name=group))
    return member


def measure(article, smoke: bool = False) -> dict:
    """Median server times (ms) of the article's insight page and the site's, cold and warm."""
    from django.test import Client

    from discussion.page import clear_caches

    editor = staff("bench editor", "Editors")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(editor)
    reps = 3 if smoke else 9
    out = {}
    for name, url in (("article", f"/insight/articles/{article.slug}/"), ("site", "/insight/")):
        assert client.get(url).status_code == 200
        cold, warm, charts_max, charts_sum = [], [], [], []
        for _ in range(reps):
            clear_caches()
            client.force_login(editor)  # the session went with the shared cache, embedded
            t = time.perf_counter()
            response = client.get(url)
            cold.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
            # Then the browser asks for the pictures, each drawn anew (the figures are kept).
            drawn = []
            for src in re.findall(r'<img src="([^"]+)"', response.content.decode()):
                t = time.perf_counter()
                assert client.get(src).status_code == 200
                drawn.append((time.perf_counter() - t) * 1000)
            charts_max.append(max(drawn))
            charts_sum.append(sum(drawn))
            t = time.perf_counter()
            client.get(url)
            warm.append((time.perf_counter() - t) * 1000)
        out[f"{name}_cold_ms"] = statistics.median(cold)
        out[f"{name}_warm_ms"] = statistics.median(warm)
        out[f"{name}_chart_max_ms"] = statistics.median(charts_max)
        out[f"{name}_charts_ms"] = statistics.median(charts_sum)
        out[f"{name}_charts"] = len(drawn)
        out[f"{name}_kb"] = len(response.content) // 1024
    out["article_first_ms"] = first_view(client, article, editor, reps)
    out["article_changed_ms"] = after_a_comment(client, article, reps)
    out.update(parts(article, reps))
    return out


def first_view(client, article, editor, reps: int) -> float:
    """The article's page with nothing kept at all (its figures computed in the request, as
    at the first view of a large discussion: insight.kept)."""
    from discussion.page import clear_caches
    from insight.models import KeptFigures

    url = f"/insight/articles/{article.slug}/"
    times = []
    for _ in range(reps):
        clear_caches()
        KeptFigures.objects.filter(article_id=article.pk).delete()
        client.force_login(editor)
        t = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def after_a_comment(client, article, reps: int) -> float:
    """The article's page after each new comment: a large discussion's kept figures shown
    (stale, said so) and their refresh enqueued (insight.kept); a small one's read again."""
    from discussion import actions
    from discussion import live as discussion_live
    from newsroom.models import Article

    url = f"/insight/articles/{article.slug}/"
    client.get(url)
    poster = staff("bench moderator", "Moderators")
    times = []
    for i in range(reps):
        with discussion_live.quiet():
            current = Article.objects.get(pk=article.pk)
            actions.do_post(poster, current, actions.check_import(current, f"{ENRICHED_MARK} change {i}.", None))
        t = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def parts(article, reps: int) -> dict:
    """Where a cold article page's time goes: its figures (SQL); and the site's."""
    from insight import figures

    sql = []
    for _ in range(reps):
        t = time.perf_counter()
        figures.for_article(article)
        sql.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter()
    figures.for_site()
    return {"article_sql_ms": statistics.median(sql), "site_sql_ms": (time.perf_counter() - t) * 1000}


def record(results: dict, mode: str, large: int, total: int, rec) -> None:
    """Rows for bench.run's table."""
    m = results
    rec(f"[{mode}] insight: article page, {large:,}-comment discussion, {total:,} in the database, cold",
        f"{m['article_cold_ms']:.0f} ms", f"figures kept (insight.kept); computing them (the task's SQL) "
        f"{m['article_sql_ms']:.0f} ms; first view, nothing kept, {m['article_first_ms']:.0f} ms; warm "
        f"{m['article_warm_ms']:.0f} ms; after a new comment {m['article_changed_ms']:.0f} ms; {m['article_kb']} KB; its {m['article_charts']} "
        f"pictures drawn in {m['article_charts_ms']:.0f} ms together, the slowest {m['article_chart_max_ms']:.0f} ms",
        "≤ 200 ms")
    rec(f"[{mode}] insight: site page, {total:,} comments in the database, cold", f"{m['site_cold_ms']:.0f} ms",
        f"SQL {m['site_sql_ms']:.0f} ms; warm {m['site_warm_ms']:.0f} ms; {m['site_kb']} KB; its {m['site_charts']} "
        f"pictures drawn in {m['site_charts_ms']:.0f} ms together, the slowest {m['site_chart_max_ms']:.0f} ms",
        "≤ 200 ms")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--filler", type=int, default=1_000_000)
    parser.add_argument("--filler-articles", type=int, default=5000)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    from bench import seed
    from bench.inproc import settled
    from discussion.models import Comment

    readers = seed.members()
    large = seed.seed_discussion("bench-large", args.large, readers)
    enrich(large, readers, staff("bench moderator", "Moderators"))
    seed.seed_filler(args.filler, args.filler_articles, readers)
    settled()
    large.refresh_from_db()
    total = Comment.objects.count()
    m = measure(large)
    rows = []
    record(m, "alone", large.comment_count, total, lambda *r: rows.append(r))
    for work, figure, comparison, target in rows:
        print(f"{work}: {figure} ({comparison}) target {target}")
    print(json.dumps(m))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
