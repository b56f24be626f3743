"""An article image's markup: `<picture>` with a WebP `srcset` and one in the original's
format, `sizes` for the column it sits in, width and height (so nothing moves as it loads),
and `loading="lazy"` unless it is above the fold. The newsroom asks for it through
newsroom.images (PROVIDER, registered when the app starts)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core import statements
from editorial.imaging import MIME
from editorial.models import ArticleImage
from newsroom.images import LeadImage

# How wide each place shows an image, for the browser to pick a version (`sizes`): the
# article column is at most 42rem (site.css), a card's picture the card's width.
BODY_SIZES = "(max-width: 44rem) 100vw, 42rem"
CARD_SIZES = "(max-width: 40rem) 100vw, 20rem"
# The version link previews and feeds get: the widest not past this.
SHARE_WIDTH = 1200


def _srcset(image: ArticleImage, fmt: str) -> str:
    return ", ".join(f"{default_storage.url(r['name'])} {r['width']}w"
                     for r in image.renditions if r["format"] == fmt)


def _fallback(image: ArticleImage) -> dict:
    """The version an `<img src>` names: the original's format, the widest up to 1024."""
    own = [r for r in image.renditions if r["format"] == image.format] or image.renditions
    fitting = [r for r in own if r["width"] <= 1024] or own[:1]
    return fitting[-1]


_LAZY = mark_safe(' loading="lazy" decoding="async"')  # noqa: S308  our own constant


def picture(image: ArticleImage, sizes: str, *, lazy: bool, alt: str | None = None) -> SafeString:
    """The image's markup. Until its versions are made (editorial.tasks) it has its original
    alone, shown as a plain `<img>` with its width and height; the srcsets list what exists."""
    fallback = _fallback(image)
    # Width and height are the image's own proportions, so the box is reserved before it loads.
    webp = _srcset(image, "WEBP") if image.format != "WEBP" else ""
    source = format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp, sizes) if webp else ""
    own = [r for r in image.renditions if r["format"] == image.format]
    choice = format_html(' srcset="{}" sizes="{}"', _srcset(image, image.format), sizes) if len(own) > 1 else ""
    return format_html(
        '<picture>{}<img src="{}"{} width="{}" height="{}" alt="{}"{}></picture>',
        source, default_storage.url(fallback["name"]), choice,
        image.width, image.height, alt if alt is not None else image.alt,
        _LAZY if lazy else "",
    )


def figure(image: ArticleImage, sizes: str = BODY_SIZES, *, lazy: bool = True) -> SafeString:
    caption = ""
    if image.caption or image.credit:
        # (No words of ours around the credit: the body's markup is stored, in no one language.)
        credit = format_html('<cite class="image-credit">{}</cite>', image.credit) if image.credit else ""
        caption = format_html('<figcaption class="image-caption">{}{}{}</figcaption>', image.caption,
                              " " if image.caption and credit else "", credit)
    return format_html('<figure class="image" id="image-{}">{}{}</figure>', image.pk,
                       picture(image, sizes, lazy=lazy), caption)


def share_version(image: ArticleImage) -> dict:
    """The version in the original's format for link previews and feeds (which may not read WebP)."""
    own = [r for r in image.renditions if r["format"] == image.format] or image.renditions
    fitting = [r for r in own if r["width"] <= SHARE_WIDTH] or own[:1]
    return fitting[-1]


def lead(image: ArticleImage, *, eager: bool) -> LeadImage:
    shared = share_version(image)
    return LeadImage(
        card_html=picture(image, CARD_SIZES, lazy=not eager),
        page_html=figure(image, BODY_SIZES, lazy=not eager),
        url=default_storage.url(shared["name"]), mime=MIME[shared["format"]], length=shared["bytes"],
        width=shared["width"], height=shared["height"], alt=image.alt,
    )


class Provider:
    """What the newsroom asks of article images (newsroom.images.Provider)."""

    def resolver(self, article_id):
        """Body references resolve to this article's own images only: a number belonging to
        another article's image shows nothing. One query, made at the first reference."""
        if article_id is None:
            return None
        found: dict[int, ArticleImage] | None = None

        def resolve(image_id: int, alt: str) -> str | None:
            nonlocal found
            if found is None:
                found = {i.pk: i for i in ArticleImage.objects.filter(article_id=article_id)}
            image = found.get(image_id)
            return str(figure(image, lazy=True)) if image else None

        return resolve

    def leads(self, article_ids, *, eager=0):
        order = {pk: n for n, pk in enumerate(article_ids)}
        if not order:
            return {}
        db = statements.reading(ArticleImage)
        # Every article page and listing asks: a statement written out (core.statements), as
        # compiling the ORM's took longer than running it. An article page reads it ahead.
        ((statement, params),) = self.lead_reads(list(order))
        found = statements.read_ahead(statement, params)
        if found is None:
            found = statements.rows(statement, params, db)
        images = (_IMAGE.instance(row, db) for row in found)
        return {i.article_id: lead(i, eager=order[i.article_id] < eager) for i in images}


    def lead_reads(self, article_ids):
        return [(_LEADS.format(marks=", ".join(["%s"] * len(article_ids))), [True, *article_ids])]


_IMAGE = statements.Columns(ArticleImage)
_LEADS = (f'SELECT {_IMAGE.select()} FROM "{ArticleImage._meta.db_table}" '  # noqa: S608  names from the model
          'WHERE "is_lead" = %s AND "article_id" IN ({marks}) ORDER BY "id"')


PROVIDER = Provider()
