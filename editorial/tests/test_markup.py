"""Image references in core.markup: resolved by the caller's function only, on a line of their
own; nothing else becomes an image, and the sanitiser keeps only the site's media addresses."""

from core.markup import render_article, sanitise_article

FIGURE = ('<figure class="image" id="image-5"><picture><source type="image/webp" srcset="/media/images/a/320.webp 320w" '
          'sizes="100vw"><img src="/media/images/a/320.jpg" srcset="/media/images/a/320.jpg 320w" sizes="100vw" '
          'width="320" height="200" alt="x" loading="lazy" decoding="async"></picture></figure>')


def test_a_reference_without_a_resolver_shows_nothing():
    html = render_article("Before.\n\n![alt](image:5)\n\nAfter.")
    assert "image" not in html and "alt" not in html and html.count("<p id=") == 2


def test_only_a_line_of_its_own_is_an_image():
    asked = []

    def resolve(pk, alt):
        asked.append((pk, alt))
        return FIGURE

    html = render_article("Text ![alt](image:5) inline.\n\n![the alt](image:5)\n\n- ![x](image:5)", resolve)
    assert asked == [(5, "the alt")]
    assert html.count("<figure") == 1 and "<picture>" in html


def test_the_sanitiser_keeps_media_images_only():
    assert sanitise_article(FIGURE) == FIGURE  # ours survive as they are (idempotent)
    evil = FIGURE.replace("/media/images/a/320.jpg", "https://evil.example/x.jpg")
    cleaned = sanitise_article(evil)
    assert "evil.example" not in cleaned
    assert "javascript:" not in sanitise_article(FIGURE.replace("/media/images/a/320.webp", "javascript:alert(1)"))


def test_an_outside_image_in_markdown_is_never_an_img():
    html = render_article("![tracker](https://evil.example/pixel.png)")
    assert "<img" not in html and "evil.example/pixel.png" in html  # a plain link, as before
