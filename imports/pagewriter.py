"""Writing a parsed page capture into Veche, through the same actions as the site."""

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from accounts import presence
from core.markup import article_paragraphs
from core.smilies import BY_ALT, CAPTURED_WORDS
from core.text import collapse_space
from discussion import actions as discussion_actions
from discussion.models import Comment
from imports import members
from imports.page import Page
from newsroom.actions import do_save_article
from newsroom.models import Article, Section

QUOTE_MIN = 25  # characters: shorter paragraphs are too common to call a quote
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<])")


def escape_markdown(text: str) -> str:
    out = _MD_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"^(\s*)([>#])", r"\1\\\2", out, flags=re.M)


def article_markdown(page: Page) -> str:
    """Paragraphs; a "- stated …" paragraph turns the one before it into an attributed quotation."""
    blocks: list[str] = []
    for para in page.paragraphs:
        if para.startswith("- ") and blocks and not blocks[-1].startswith(">"):
            quoted = blocks.pop()
            blocks.append(f"> {quoted}\n>\n> — {escape_markdown(para[2:].strip())}")
        else:
            blocks.append(escape_markdown(para))
    return "\n\n".join(blocks) + "\n"


def _norm(text: str) -> str:
    return collapse_space(text).casefold().rstrip(" .…")


@dataclass
class Result:
    article: Article
    created: int
    existing: int


def _smilies(line: str) -> str:
    head, _, last = line.rpartition(" ")
    if head and last in CAPTURED_WORDS:
        return f"{head} :{BY_ALT[last].code}:"
    return line


def comment_markdown(paragraphs: list[str], sources: list[tuple[str, str]]) -> str:
    """A captured comment as Markdown: a paragraph found in the article or an earlier
    comment becomes a quote of it; smiley words become smilies."""
    blocks = []
    for para in paragraphs:
        key = _norm(para)
        ref = None
        if len(key) >= QUOTE_MIN:
            ref = next((r for r, text in sources if key in text), None)
        lines = [_smilies(escape_markdown(ln)) for ln in para.split("\n")]
        if ref:
            blocks.append(f"> [quote={ref}]\n" + "\n".join(f"> {ln}" for ln in lines))
        else:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def write(page: Page, *, section: str = "News", keep_open: bool = False, source: str = "page",
          language: str | None = None) -> Result:
    """Create (or find) the article and its discussion. One transaction: all or nothing.
    `language`: the article's (Article.language), when not the site's."""
    slug = slugify(page.title, allow_unicode=True)[:200] or "imported-page"
    with transaction.atomic():
        sec, _ = Section.objects.get_or_create(slug=slugify(section, allow_unicode=True) or "news",
                                               defaults={"name": section})
        article = Article.objects.filter(slug=slug).first()
        first_time = min((c.created for c in page.comments), default=None)
        if article is None:
            article = Article(title=page.title, slug=slug, section=sec, body=article_markdown(page),
                              state=Article.State.PUBLISHED, lead="")
            if language:
                article.language = language
            if first_time:
                article.published_at = first_time
            if keep_open:
                article.comments_close_after_days = 0
            do_save_article(article)
        sources: list[tuple[str, str]] = [("title", _norm(page.title))]
        sources += [(anchor, _norm(text)) for anchor, text in article_paragraphs(article.body_html)]
        made: dict[str, Comment] = {}
        created = existing = 0
        for pc in page.comments:
            key = f"{source}:{slug}:{pc.number}"[:200]
            member = members.resolve(source, pc.login, pc.login, real_name=pc.real_name,
                                     deleted=pc.presence is None)
            found = Comment.objects.filter(source_key=key).first()
            if found is None:
                body = comment_markdown(pc.paragraphs, sources)
                parent = made.get(pc.parent.number) if pc.parent else None
                draft = discussion_actions.check_import(article, body, parent)
                members.joined_by(member, pc.created)
                found = discussion_actions.do_post(member, article, draft, created=pc.created,
                                                   source_key=key)
                created += 1
            else:
                existing += 1
            made[pc.number] = found
            sources += [(f"c{found.pk}", _norm(p)) for p in pc.paragraphs]
            if pc.presence == "online":
                presence.touch(member)
    return Result(article, created, existing)
