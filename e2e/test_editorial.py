"""The editors' workspace in a browser: writing with the live preview, the word count and
autosave; uploading an image (and an SVG refused); the article with its images at desktop and
phone widths. Screenshots go to test-artifacts/."""

import io
import re
import subprocess

from playwright.sync_api import expect

from e2e.conftest import shot
from e2e.server import ROOT, VECHE

MAKE_EDITOR = """
from django.contrib.auth.models import Permission
from accounts.models import Member
m = Member.objects.create_user("Editor E2E", email="editor-e2e@example.org", password="a long enough passphrase")
m.user_permissions.add(Permission.objects.get(codename="change_article"))
"""


def _jpeg(path):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 1000), (70, 110, 150))
    draw = ImageDraw.Draw(image)
    for x in range(0, 1600, 100):
        draw.rectangle([x, 600, x + 60, 1000], fill=(40, 40, 40))
    draw.ellipse([1200, 100, 1400, 300], fill=(250, 210, 90))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    path.write_bytes(out.getvalue())
    return path


def test_an_editor_writes_and_illustrates_an_article(site, page, tmp_path):
    subprocess.run([*VECHE, "shell", "-c", MAKE_EDITOR], env=site.env, cwd=ROOT, check=True,
                   capture_output=True, timeout=120)
    base = site.url
    page.goto(f"{base}/signin/?next=/editorial/articles/new/")
    page.fill("#id_username", "Editor E2E")
    page.fill("#id_password", "a long enough passphrase")
    page.click("button:has-text('Sign in')")
    page.wait_for_url(re.compile(r".*/editorial/articles/new/$"))

    page.fill("#id_title", "The bridge at Kherson reopens")
    page.fill("#id_lead", "Engineers finished the repairs a week early.")
    page.fill("#id_body", "The bridge is open again.\n\n> We worked every night.\n>\n> — the chief engineer\n\nTraffic resumed at noon.")
    # The live preview is the server's rendering: paragraph anchors and the attributed quotation.
    expect(page.locator("#ed-preview-body figcaption.attribution")).to_contain_text("the chief engineer")
    expect(page.locator("#ed-preview-body p[id^='p-']").first).to_contain_text("The bridge is open again.")
    expect(page.locator("#ed-words")).to_contain_text("16 words")
    expect(page.locator("#ed-autosave")).to_contain_text("Draft kept", timeout=15_000)
    page.select_option("#id_section", index=1)
    page.select_option("#id_state", "published")
    page.click("button[name=save]")
    page.wait_for_url(re.compile(r".*/editorial/articles/\d+/$"))
    article_id = re.search(r"/articles/(\d+)/$", page.url).group(1)

    page.goto(f"{base}/editorial/articles/{article_id}/images/")
    svg = tmp_path / "drawing.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    page.set_input_files("#id_file", str(svg))
    page.fill("#id_alt", "A drawing")
    page.click("button:has-text('Upload')")
    expect(page.locator(".ed-upload")).to_contain_text("SVG images are not accepted")
    expect(page.locator(".ed-image")).to_have_count(0)

    page.set_input_files("#id_file", str(_jpeg(tmp_path / "bridge.jpg")))
    page.fill("#id_alt", "The repaired bridge over the river at dusk")
    page.fill("#id_caption", "The bridge on the day it reopened")
    page.fill("#id_credit", "Veche staff")
    page.check("#id_is_lead")
    page.click("button:has-text('Upload')")
    expect(page.locator(".ed-image")).to_have_count(1)
    # Its versions are made by the worker `veche serve` started; the page says so until then.
    for _ in range(150):
        if page.locator(".ed-pending").count() == 0:
            break
        page.wait_for_timeout(200)
        page.reload()
    expect(page.locator(".ed-pending")).to_have_count(0)
    reference = page.locator(".ed-image code").inner_text()

    page.goto(f"{base}/editorial/articles/{article_id}/")
    body = page.locator("#id_body")
    body.fill(body.input_value() + f"\n\n{reference}\n\nThe last paragraph.")
    expect(page.locator("#ed-preview-body figure.image img")).to_have_attribute("loading", "lazy")
    shot(page, "editorial-editor-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "editorial-editor-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("button[name=save]")
    page.wait_for_url(re.compile(r".*/editorial/articles/\d+/$"))

    page.click("nav.ed-nav a:has-text('View')")
    lead = page.locator("article.story > figure.image img")
    expect(lead).not_to_have_attribute("loading", "lazy")
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", lead.element_handle())
    assert page.evaluate("(img) => img.currentSrc", lead.element_handle()).endswith(".webp")
    inner = page.locator("#story-body figure.image img")
    expect(inner).to_have_attribute("loading", "lazy")
    expect(inner).to_have_attribute("width", "1600")
    shot(page, "editorial-article-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("() => document.querySelector('article.story > figure.image img').getBoundingClientRect().width")
    assert 300 < width <= 390  # scaled to the phone's column, not overflowing
    shot(page, "editorial-article-phone")
    page.goto(f"{base}/")
    expect(page.locator("article.card.with-image").first).to_be_visible()
    shot(page, "editorial-front-phone")
