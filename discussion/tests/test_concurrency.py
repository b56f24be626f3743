"""Counters stay exact when many members post and vote at once (threads as the server runs them)."""

import random
import threading

import pytest
from django.db import close_old_connections, connection

from discussion import actions
from discussion.models import Comment, Vote


@pytest.mark.django_db(transaction=True)
def test_counters_stay_exact_under_concurrent_posts_and_votes(make_member, make_article):
    article = make_article()
    authors = [make_member(f"author{i}") for i in range(3)]
    voters = [make_member(f"voter{i}") for i in range(6)]
    targets = [actions.post_comment(a, article, f"target {a.login}") for a in authors]
    errors: list[BaseException] = []
    start = threading.Barrier(len(voters) + len(authors))

    def voter_work(member, seed):
        rng = random.Random(seed)
        try:
            start.wait()
            for _ in range(25):
                c = rng.choice(targets)
                actions.do_vote(member, c, rng.choice([1, -1, 0]))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    def poster_work(member):
        try:
            start.wait()
            for i in range(10):
                actions.do_post(member, article, actions.check_import(article, f"burst {i}", rng_parent(i)))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    def rng_parent(i):
        return targets[i % len(targets)] if i % 2 else None

    threads = [threading.Thread(target=voter_work, args=(v, i)) for i, v in enumerate(voters)]
    threads += [threading.Thread(target=poster_work, args=(a,)) for a in authors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    for c in Comment.objects.all():
        plus = Vote.objects.filter(comment=c, value=1, counted=True).count()
        minus = Vote.objects.filter(comment=c, value=-1, counted=True).count()
        assert (c.plus, c.minus) == (plus, minus)
    article.refresh_from_db()
    assert article.comment_count == Comment.objects.filter(status="visible").count() == 3 + 30
    for a in authors:
        a.refresh_from_db()
        score = sum(c.plus - c.minus for c in Comment.objects.filter(author=a))
        assert a.rating == score
        assert a.comment_count == Comment.objects.filter(author=a).count()
