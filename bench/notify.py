"""Notification figures, measured inside one Django process of the mode its environment says
(`python -m bench.notify '{"members": 10000, "digest_members": 10000, "smoke": false}'`, run by bench.run after the
database is migrated; prints one JSON line):

- posting p50 with notifications off (the receiver disconnected) and on (the fan-out task
  enqueued through a queue that only records it: what a request pays with a real queue);
- a reply in a discussion followed by N members: the tasks its post enqueued (one) and the
  seconds that task takes to write the N in-site notifications;
- a daily digest for N members with 10 notifications each, sent to an SMTP server on
  127.0.0.1 (aiosmtpd, in this process): messages per second and the process's peak memory.
"""

import json
import os
import resource
import statistics
import sys
import time

import django

PER_MEMBER = 10  # notifications in each member's digest


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()


def _members(n: int, prefix: str) -> list[int]:
    from django.contrib.auth.hashers import make_password

    from accounts.models import Member

    password = make_password(None)
    rows = [Member(login=f"{prefix}{i}", email=f"{prefix}{i}@example.org", password=password) for i in range(n)]
    for m in rows:
        m.login_folded, m.login_skeleton = m.login.lower(), m.login.lower()
    Member.objects.bulk_create(rows, batch_size=2000)
    return list(Member.objects.filter(login__startswith=prefix).values_list("id", flat=True))


def _tasks(backend: str):
    """A queue backend for what follows (django-tasks resets its handler on the change)."""
    from django.conf import settings
    from django.test.utils import override_settings

    override = override_settings(TASKS={"default": {"BACKEND": backend, "QUEUES": [settings.VECHE_TASK_QUEUE]}})
    override.enable()
    return override


def posting(n: int) -> dict:
    from discussion import actions
    from discussion.signals import comment_written
    from newsroom.actions import do_save_article
    from newsroom.models import Article, Section
    from notify import receivers

    section, _ = Section.objects.get_or_create(slug="bench-notify", defaults={"name": "Bench notifications"})
    article = do_save_article(Article(title="Posting", slug="bench-notify-posting", body="Body.", section=section,
                                      state=Article.State.PUBLISHED))
    poster = _members(1, "poster")[0]
    from accounts.models import Member

    member = Member.objects.get(pk=poster)
    _tasks("django_tasks.backends.dummy.DummyBackend")

    def run(count: int) -> float:
        times = []
        for i in range(count):
            t = time.perf_counter()  # the check renders the text (and looks its mentions up)
            draft = actions.check_import(article, f"Comment {i} for @poster0 and @nobody", None)
            actions.do_post(member, article, draft)
            times.append((time.perf_counter() - t) * 1000)
        return statistics.median(times)

    def off(count: int) -> float:
        comment_written.disconnect(dispatch_uid="notify.comment_written")
        try:
            return run(count)
        finally:
            comment_written.connect(receivers.comment_written, dispatch_uid="notify.comment_written")

    off(20)
    # Alternated, so the discussion's growth weighs on both alike.
    offs, ons = [], []
    for _ in range(4):
        offs.append(off(n // 4))
        ons.append(run(n // 4))
    return {"post_off_ms": statistics.median(offs), "post_on_ms": statistics.median(ons)}


def fan_out(n: int) -> dict:
    from django.db import transaction

    from discussion import actions
    from newsroom.actions import do_save_article
    from newsroom.models import Article, Section
    from notify import tasks
    from notify.models import Follow, Notification

    section = Section.objects.get(slug="bench-notify")
    article = do_save_article(Article(title="Followed", slug="bench-notify-followed", body="Body.", section=section,
                                      state=Article.State.PUBLISHED))
    ids = _members(n, "follower")
    from accounts.models import Member

    author = Member.objects.get(login="poster0")
    # Followed after the first comment, so that the reply below is the first they are told of
    # (a follower told of a discussion is told once until they read: notify.telling.pending_followed).
    first = actions.do_post(author, article, actions.check_import(article, "The first word.", None))
    Follow.objects.bulk_create([Follow(member_id=i, article_id=article.pk) for i in ids], batch_size=5000)
    _tasks("django_tasks.backends.dummy.DummyBackend")
    from django_tasks import task_backends

    backend = task_backends["default"]
    backend.clear()
    # Embedded, the fan-out is handed to the server's background thread (core.background)
    # rather than queued: count those hand-overs, without running them (timed below).
    from core.background import background

    handed: list = []
    submit = background.submit
    background.submit = lambda fn, *args: handed.append(fn)  # type: ignore[method-assign]
    try:
        with transaction.atomic():
            reply = actions.do_post(Member.objects.get(login=f"follower{n // 2}"), article,
                                    actions.check_import(article, "A reply.", first))
    finally:
        background.submit = submit  # type: ignore[method-assign]
    enqueued = [r for r in backend.results if r.task.name == "fan_out"] + [
        fn for fn in handed if fn == tasks.fan_out.call]
    t = time.perf_counter()
    tasks.fan_out.call(reply.pk, "posted")
    seconds = time.perf_counter() - t
    told = Notification.objects.filter(comment=reply).count()
    return {"fanout_tasks": len(enqueued), "fanout_seconds": seconds, "fanout_told": told}


def digest(n: int) -> dict:
    import socket

    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.utils import timezone

    from newsroom.models import Article
    from notify import delivery, kinds
    from notify.models import Notification, Preferences

    class Sink:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.count += 1
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    from django.core.mail.utils import DNS_NAME

    DNS_NAME._fqdn = "localhost"  # what the site would say in EHLO, not looked up
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    try:
        from accounts.models import Member
        from discussion import actions
        from newsroom.actions import do_save_article

        # Each member follows PER_MEMBER busy discussions: one pending "followed" row each (a
        # discussion's next comments add none: notify.telling.pending_followed).
        section = Article.objects.get(slug="bench-notify-followed").section
        author = Member.objects.get(login="poster0")
        comments = []
        for i in range(PER_MEMBER):
            article = do_save_article(Article(title=f"Digest {i}", slug=f"bench-notify-digest-{i}", body="Body.",
                                              section=section, state=Article.State.PUBLISHED))
            comments.append(actions.do_post(author, article, actions.check_import(
                article, f"Digest item {i}: " + "words " * 40, None)))
        ids = _members(n, "reader")
        Preferences.objects.bulk_create([Preferences(member_id=i, confirmed_email=address,
                                                     email=dict.fromkeys(kinds.KINDS, kinds.DAILY))
                                         for i, address in Member.objects.filter(pk__in=ids).values_list("id", "email")],
                                        batch_size=5000)
        now = timezone.now()
        Notification.objects.bulk_create([Notification(recipient_id=i, kind="followed", comment=c, actor=author,
                                                       article_id=c.article_id, created=now)
                                          for i in ids for c in comments], batch_size=5000)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t = time.perf_counter()
        counts = delivery.send_digests()
        seconds = time.perf_counter() - t
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    finally:
        controller.stop()
    return {"digest_sent": counts.get("sent", 0), "digest_received": Sink.count, "digest_seconds": seconds,
            "digest_per_second": Sink.count / seconds if seconds else 0.0,
            "digest_peak_rss_mb": rss_after / 1024, "digest_rss_growth_mb": (rss_after - rss_before) / 1024}


def main() -> None:
    options = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    n = int(options.get("members", 10_000))
    _setup()
    out = {"members": n}
    out.update(posting(30 if options.get("smoke") else 200))
    out.update(fan_out(n))
    out.update(digest(int(options.get("digest_members", n))))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
