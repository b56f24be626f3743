"""The comment markup's weight (issue 21): at most 12 elements per comment on average, the
comment's own text (its paragraphs, quotes, smilies: what the member wrote) not counted, on a
realistic thread — a seeded discussion's shape, with badges, an editors' pick, edited and
deleted comments — counted in render_thread's output (what is rendered and cached; a member's
slot is a marker there) and as sent with presence filled in. bench.markup measures the same on
1,000 comments for docs/performance.md."""

import pytest
from django.utils import translation

from bench.markup import weigh
from bench.shape import discussion
from discussion import actions, decor, page, render
from discussion.models import Comment
from discussion.views import quote_markdown
from newsroom.models import Author

LIMIT = 12  # elements per comment, on average (issue 21; about 30 before)


@pytest.fixture
def realistic(article, make_member, post, editor, moderator):
    from curation import actions as curation

    readers = [make_member(f"reader{i}", real_name=f"Reader {i}" if i % 2 else "") for i in range(12)]
    writer = make_member("writer")
    article.author = Author.objects.create(name="A. Writer", slug="writer", member=writer)
    article.save()
    who = [*readers, writer, editor, moderator]
    made: list[Comment] = []
    for item in discussion(150, members=len(who), seed=21):
        parent = made[item.parent] if item.parent is not None else None
        text = item.text
        if item.quote_parent and parent is not None:
            text = quote_markdown(parent, parent.body.split("\n\n")[0]) + text
        made.append(post(who[item.author], article, text, parent=parent))
    for c in made[::10]:  # some edited
        actions.edit_comment(c.author, c, c.body + " (corrected)")
    for c in made[5:40:12]:  # some deleted by their authors, kept as placeholders when answered
        actions.delete_comment(c.author, c)
    curation.pick(moderator, made[1])
    # Every commenter with a rank, as on the seed site (the migration's ranks start at none).
    from curation.models import Rank
    from curation.ranks import update_all

    Rank.objects.all().delete()
    Rank.objects.create(name='Sergeant "<first>"')
    update_all()
    article.refresh_from_db()
    return article


def _thread(article) -> tuple[str, int, list]:
    """render_thread's output for the realistic thread, the sum of its comments' own text, its nodes."""
    with translation.override("en"):
        nodes, *_ = page._load(article, "oldest", 1, None)
        html = render.render_thread(nodes, decor=decor.for_article(article))
    return html, sum(len(n.comment.body_html.encode()) for n in nodes if n.comment.status == "visible"), nodes


def test_a_realistic_thread_stays_under_twelve_elements_a_comment(realistic):
    html, bodies, nodes = _thread(realistic)
    figures = weigh(html, bodies)  # the thread as rendered and cached, its slots not yet filled
    assert figures["comments"] >= 140
    assert 'class="badge b-author"' in html and 'class="badge b-moderator"' in html and "pick-mark" in html
    assert 'class="edited"' in html and "comment gone" in html
    # Every author's rank rides on their name's link, escaped, and adds no element.
    visible = sum(1 for n in nodes if n.comment.status == "visible")
    assert html.count('<a class="login" data-rank="Sergeant &quot;&lt;first&gt;&quot;" dir="auto"') == visible
    assert 'class="rank"' not in html and "<first>" not in html
    assert figures["elements"] <= LIMIT - 1, figures
    # As a page sends it: presence filled (one span a comment) keeps it within the limit too,
    # with every author's rating shown (an attribute of that span, no element of its own).
    with translation.override("en"):
        sent = render.fill_one(html, "t" * 64, {}, {})
        rated = render.fill_one(html, "t" * 64, {}, {n.comment.author_id: 12 for n in nodes})
    assert weigh(sent, bodies)["elements"] <= LIMIT, weigh(sent, bodies)
    assert 'data-rating="+12"' in rated and weigh(rated, bodies)["elements"] == weigh(sent, bodies)["elements"]
    # What the budget leaves out: none of the controls moved to the action page is on a comment.
    for gone in ("/edit/", "/delete/", "/report/", "/pick/", "/ignore/", "/history/", "?quote=1", "<bdi>",
                 'class="avatar', "c-actions", 'class="n"'):
        assert gone not in html, gone


def test_the_weigher_counts_elements_and_leaves_the_text_out():
    html = ('<ol><li class="comment"><header><a>1.</a></header><div class="c-text" dir="auto"><p>a<br>b</p>'
            '<blockquote><p>q</p></blockquote></div><button>+1</button></li></ol>')
    figures = weigh(html, len("<p>a<br>b</p><blockquote><p>q</p></blockquote>"))
    assert figures["comments"] == 1 and figures["elements"] == 6 and figures["body_elements"] == 4


def test_the_thread_is_inside_its_vote_form_and_no_control_points_at_a_form(realistic):
    """The vote buttons are the vote form's by being inside it. A `form` attribute on each (the
    form elsewhere) cost a phone 2.2 s of parsing on the 1,000-comment page: none may come back,
    and the thread must not be left outside the form (its buttons would post nothing)."""
    from html.parser import HTMLParser

    html, _, _ = _thread(realistic)
    assert " form=" not in html
    assert html.startswith('<form id="vote-form"') and html.endswith("</ol></form>")
    assert html.count("<form") == 1 and html.count(render.TOKEN_SLOT) == 1

    class Owners(HTMLParser):
        def __init__(self):
            super().__init__()
            self.forms, self.buttons, self.outside = 0, 0, 0

        def handle_starttag(self, tag, attrs):
            if tag == "form":
                self.forms += 1
            elif tag == "button":
                self.buttons += 1
                self.outside += self.forms == 0 or "formaction" not in dict(attrs)

        def handle_endtag(self, tag):
            self.forms -= tag == "form"

    owners = Owners()
    owners.feed(html)
    assert owners.buttons >= 2 * 140 and owners.outside == 0 and owners.forms == 0
    empty = render.render_thread_bytes([]).decode()
    assert empty == render.THREAD_OPEN + render.THREAD_CLOSE and 'id="thread"' in empty


def test_words_and_bylines_are_made_in_the_language_they_are_kept_under(realistic):
    """A caller naming a language other than the active one gets that language's words, and
    the memo keeps them under it (not the active language's under the other's name)."""
    from accounts.models import Member

    render._comment_words.clear()
    render._bylines.clear()
    with translation.override("en"):
        assert render.words("ru")["reply"] == "Ответить"
        assert render.words("en")["reply"] == "Reply"
        gone = Member.objects.filter(is_deleted=False).first()
        gone.is_deleted = True  # a deleted account's byline is in words
        assert "удалённ" in render._author_bits(gone, "ru") or "удален" in render._author_bits(gone, "ru")
    with translation.override("ru"):
        assert render.words()["reply"] == "Ответить" and render.words("en")["more"] == "More"


def test_the_thread_fragment_is_the_list_alone_for_the_page_that_has_its_form(realistic, client):
    """The script's resync puts the answer in place of the page's own <ol>: it must be that
    list, not a second vote form (two forms of one id, comments placed outside the list)."""
    html = client.get(f"/articles/{realistic.slug}/thread/", HTTP_ACCEPT="application/json").json()["html"]
    assert html.startswith('<ol class="thread" id="thread">') and html.endswith("</ol>")
    assert "<form" not in html and "csrfmiddlewaretoken" not in html and 'class="more"' in html
    page = client.get(realistic.get_absolute_url()).content.decode()
    assert page.count('id="vote-form"') == 1 and page.count('id="thread"') == 1
    assert page.index('id="vote-form"') < page.index('id="thread"') < page.index("</form>", page.index('id="thread"'))
