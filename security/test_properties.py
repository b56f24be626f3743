"""Property tests: the renderer, the thread builder and the vote counters under any input.

The fuzz tests at the end run the renderer and the page importer on many generated and
mutated inputs; VECHE_FUZZ_EXAMPLES bounds them (CI uses the default; raise it for a long
run)."""

import contextlib
import os
import random
from datetime import UTC, datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.markup import render_comment, sanitise_comment
from discussion import threads
from discussion.models import Comment, Vote
from security.hostile import COMMENT_TAGS, problems

FUZZ = int(os.environ.get("VECHE_FUZZ_EXAMPLES", "400"))
_pieces = list("ab <>\"'&*_`[]()!:/\\\n>=#-.") + [
    "javascript:", "http://", "<script>", "onerror=", ":wink:", "[quote=c1]", "\u202e", "\u200b",
    "<img src=x", "](", "&#x3C;", "data:text/html,"]
markdownish = st.lists(st.sampled_from(_pieces), max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(markdownish, st.text(max_size=200)))
def test_rendered_markdown_stays_in_the_allow_list_and_is_idempotent(source):
    html = render_comment(source)
    assert problems(html, COMMENT_TAGS) == []
    assert sanitise_comment(html) == html
    assert sanitise_comment(sanitise_comment(source)) == sanitise_comment(source)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 60), st.one_of(st.none(), st.integers(0, 70)),
                          st.sampled_from(list(Comment.Status))), max_size=60, unique_by=lambda t: t[0]))
def test_any_set_of_comments_builds_a_tree_without_cycles_showing_each_once(rows):
    from accounts.models import Member

    author = Member(pk=1, login="a")
    comments = []
    for pk, parent, status in sorted(rows):
        c = Comment(pk=pk, parent_id=parent, status=status, author=author, author_id=1,
                    created=datetime(2021, 5, 14, tzinfo=UTC), body_html="")
        comments.append(c)
    for order in threads.ORDERS:
        nodes = threads.build(comments, order, viewer_id=1)
        ids = [n.comment.pk for n in nodes]
        assert len(ids) == len(set(ids))  # each comment once
        assert set(ids) <= {c.pk for c in comments}
        for n in nodes:  # walking up always ends: no cycle
            seen = set()
            p = n
            while p is not None:
                assert p.comment.pk not in seen
                seen.add(p.comment.pk)
                p = p.parent
        # Depth-first order: every node comes after its parent.
        position = {pk: i for i, pk in enumerate(ids)}
        for n in nodes:
            if n.parent is not None:
                assert position[n.parent.comment.pk] < position[n.comment.pk]


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.sampled_from([1, -1, 0])), max_size=40))
def test_counts_equal_the_votes_after_any_sequence(make_member, make_article, moves):
    from discussion import actions

    with transaction.atomic():
        sid = transaction.savepoint()
        article = make_article()
        author = make_member()
        voters = [make_member() for _ in range(4)]
        comments = [actions.do_post(author, article, actions.check_import(article, f"c{i}", None)) for i in range(3)]
        for voter, comment, value in moves:
            actions.do_vote(voters[voter], comments[comment], value)
        for c in Comment.objects.filter(pk__in=[c.pk for c in comments]):
            assert c.plus == Vote.objects.filter(comment=c, value=1, counted=True).count()
            assert c.minus == Vote.objects.filter(comment=c, value=-1, counted=True).count()
        author.refresh_from_db()
        assert author.rating == sum(c.plus - c.minus for c in Comment.objects.filter(author=author))
        transaction.savepoint_rollback(sid)


# --- fuzzing ---------------------------------------------------------------------------------

@settings(max_examples=FUZZ, deadline=None)
@given(st.binary(max_size=2000))
def test_fuzz_the_renderer_with_arbitrary_bytes(data):
    text = data.decode("utf-8", errors="replace")
    html = render_comment(text)
    assert problems(html, COMMENT_TAGS) == []


@settings(max_examples=FUZZ, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 2**32 - 1))
def test_fuzz_the_page_importer_with_mutated_captures(seed_path, seed):
    from imports.errors import ImportFormatError
    from imports.page import parse

    rng = random.Random(seed)
    lines = seed_path.read_text(encoding="utf-8").split("\n")
    for _ in range(rng.randint(1, 6)):
        op = rng.choice(["drop", "dup", "indent", "char", "swap", "noise"])
        i = rng.randrange(len(lines))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "indent":
            lines[i] = " " * rng.randint(0, 12) + lines[i].lstrip()
        elif op == "char" and lines[i]:
            j = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:j] + chr(rng.randint(0, 0x2FFF)) + lines[i][j + 1:]
        elif op == "swap":
            k = rng.randrange(len(lines))
            lines[i], lines[k] = lines[k], lines[i]
        else:
            lines.insert(i, "".join(chr(rng.randint(32, 0x500)) for _ in range(rng.randint(0, 40))))
    try:
        page = parse("\n".join(lines))
    except ImportFormatError as exc:
        assert exc.line is None or 1 <= exc.line <= len(lines) + 1
        assert exc.reason
    else:
        assert page.title and page.paragraphs
        for c in page.comments:
            assert c.paragraphs and c.created is not None and c.login


@settings(max_examples=FUZZ, deadline=None)
@given(st.text(max_size=3000))
def test_fuzz_the_page_importer_with_arbitrary_text(text):
    from imports.errors import ImportFormatError
    from imports.page import parse

    with contextlib.suppress(ImportFormatError):
        parse(text)
