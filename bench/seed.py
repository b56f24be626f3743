"""Seeding the benchmark's articles: through the site's actions for the measured discussions
(so counters, quotes and rendered HTML are real), in bulk for the size filler."""

import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Member
from bench.shape import discussion, votes
from discussion import actions
from discussion.models import Comment
from discussion.views import quote_markdown
from newsroom.actions import do_save_article
from newsroom.models import Article, Section

BODY = ("The border is being demarcated.\n\n> The CSTO is closely following the situation.\n>\n"
        "> — from an official communication.\n\n") + "\n\n".join(
    f"Paragraph {i} of the article, long enough to read like news." for i in range(12))


def members(n: int = 200) -> list[Member]:
    have = {m.login: m for m in Member.objects.filter(login__startswith="bench reader ")}
    out = []
    for i in range(n):
        login = f"bench reader {i}"
        m = have.get(login) or Member.objects.create_user(login, password=None, real_name=f"Reader {i}")
        out.append(m)
    return out


def section() -> Section:
    return Section.objects.get_or_create(slug="bench", defaults={"name": "Bench"})[0]


def article(slug: str, title: str) -> Article:
    a = Article.objects.filter(slug=slug).first()
    if a is None:
        a = do_save_article(Article(title=title, slug=slug, body=BODY, section=section(),
                                    state=Article.State.PUBLISHED, comments_close_after_days=0))
    return a


def seed_discussion(slug: str, n: int, readers: list[Member]) -> Article:
    """An article with `n` comments and their votes, written through the actions."""
    a = article(slug, f"Benchmark discussion of {n:,} comments")
    if a.comment_count >= n:
        return a
    from discussion import live as discussion_live

    made: list[Comment] = []
    started = time.perf_counter()
    # Written over the last day, as the seed's discussion was (a page's thousand comments
    # written within one minute would format one time a thousand times).
    span = timedelta(hours=24)
    first = timezone.now() - span
    with discussion_live.quiet():
        for chunk_start in range(0, n, 500):
            with transaction.atomic(), actions.one_thread_change():
                for i, item in enumerate(discussion(n)[chunk_start:chunk_start + 500], start=chunk_start):
                    parent = made[item.parent] if item.parent is not None else None
                    text = item.text
                    if item.quote_parent and parent is not None:
                        text = quote_markdown(parent, parent.body.split("\n\n")[0]) + text
                    draft = actions.check_import(a, text, parent)
                    made.append(actions.do_post(readers[item.author], a, draft, created=first + span * i / n))
        all_votes = list(votes(n))
        for chunk_start in range(0, len(all_votes), 500):
            with transaction.atomic(), actions.one_thread_change():
                for voter, idx, value in all_votes[chunk_start:chunk_start + 500]:
                    if readers[voter].pk != made[idx].author_id:
                        actions.do_vote(readers[voter], made[idx], value, screen=False)
    print(f"  seeded {n:,} comments on {slug} in {time.perf_counter() - started:.1f} s")
    a.refresh_from_db()
    return a


def seed_filler(total: int, articles: int, readers: list[Member]) -> None:
    """Many articles with many comments, in bulk: only the database's size matters here."""
    have = Comment.objects.count()
    if have >= total:
        return
    started = time.perf_counter()
    sec = section()
    now = timezone.now()
    existing = Article.objects.filter(slug__startswith="filler-").count()
    Article.objects.bulk_create([
        Article(title=f"Filler {i}", slug=f"filler-{i}", body="Filler.", body_html="<p>Filler.</p>",
                section=sec, state=Article.State.PUBLISHED, published_at=now)
        for i in range(existing, articles)], batch_size=1000)
    ids = list(Article.objects.filter(slug__startswith="filler-").values_list("id", flat=True))
    per = max(1, (total - have) // len(ids))
    html = "<p>" + "A filler comment, as long as an average one in the seed discussion. " * 4 + "</p>"
    batch = []
    for n, article_id in enumerate(ids):
        parent_free = []
        for j in range(per):
            batch.append(Comment(article_id=article_id, author_id=readers[(n + j) % len(readers)].pk,
                                 depth=0, body="filler", body_html=html, created=now))
            parent_free.append(j)
        if len(batch) >= 20_000:
            Comment.objects.bulk_create(batch, batch_size=5000)
            batch = []
    if batch:
        Comment.objects.bulk_create(batch, batch_size=5000)
    Article.objects.filter(slug__startswith="filler-").update(comment_count=per)
    print(f"  filled the database to {Comment.objects.count():,} comments in {time.perf_counter() - started:.0f} s")
