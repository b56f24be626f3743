"""DLE's stored HTML as Markdown: quotes in each of their forms, smilies, spoilers, [hide],
leech and relative links, media, BB-code left as text."""

import pytest

from core.smilies import BY_CODE
from imports.common import QUOTE_SLOT
from imports.dle.markup import SMILIES, convert, plain_text

SITE = "https://old.example.ru"
SLOT = QUOTE_SLOT


def md(text: str, **kw) -> str:
    return convert(text, site_url=SITE, **kw).markdown


def test_every_smiley_maps_to_one_veche_has():
    assert set(SMILIES.values()) <= set(BY_CODE)
    assert {SMILIES[n] for n in ("wink", "winked", "smile", "sad", "laughing", "crying", "angry")} == {
        "wink", "smile", "sad", "laughing", "crying", "angry"}


@pytest.mark.parametrize(("html", "expected"), [
    ('Да <!--smile:winked--><img alt="winked" src="/engine/data/emoticons/winked.gif" /><!--/smile-->', "Да :wink:"),
    ('<!--smile:heart_eyes--><img alt="heart_eyes" class="emoji" src="/e/heart_eyes.png"><!--/smile-->!', ":love: !"),
    ('Ну <img alt="cry" class="emoji" src="http://x/engine/data/emoticons/cry.png">', "Ну :crying:"),
    ('<!--smile:custom_cat--><img src="/smiles/custom_cat.gif" /><!--/smile-->', r":custom\_cat:"),
    (":wink: typed", ":wink: typed"),
])
def test_smilies(html, expected):
    assert md(html) == expected


def test_a_named_quote_with_dles_marks():
    html = ('<!--QuoteBegin Вася --><div class="title_quote">Цитата: Вася</div><div class="quote">'
            "<!--QuoteEBegin-->Мост <b>построят</b><!--QuoteEnd--></div><!--QuoteEEnd-->Не верю.")
    out = convert(html)
    assert out.markdown == f"> {SLOT}\n> Мост **построят**\n\nНе верю."
    assert out.quotes == [("Вася", "мост построят")] and out.words == "не верю."


def test_quotes_without_marks_bbcode_and_nesting():
    html = ('<div class="title_quote">Quote: Petya</div><div class="quote">outer '
            '<!--QuoteBegin--><div class="quote"><!--QuoteEBegin-->inner<!--QuoteEnd--></div>'
            "<!--QuoteEEnd--> [quote=Маша]третья[/quote]</div>after")
    out = convert(html)
    assert out.quotes == [("Petya", "outer")]  # only the outermost quote gets a slot
    assert out.markdown == f"> {SLOT}\n> outer\n>\n> > inner\n>\n> > **Маша** wrote:\n> >\n> > третья\n\nafter"


def test_in_an_article_quotes_are_attributed_at_once():
    html = "[quote=Пашинян]Граница здесь[/quote][quote]Без имени[/quote]"
    assert md(html, article=True) == "> **Пашинян** wrote:\n>\n> Граница здесь\n\n> Без имени"
    two = convert("[quote=А]один[/quote][quote=Б]два[/quote]")
    assert two.markdown == f"> {SLOT}\n> один\n\n> {SLOT}\n> два" and len(two.quotes) == 2
    assert QUOTE_SLOT not in md(html, article=True)


def test_a_slot_in_the_source_is_no_slot():
    assert convert(f"a{SLOT}b").markdown == "ab"


def test_spoilers_keep_their_title_and_words():
    html = ('<!--dle_spoiler Сюжет --><div class="title_spoiler"><a href="javascript:ShowOrHide(\'sp1\')">'
            '<img src="{THEME}/spoiler-plus.gif" /></a>&nbsp;<a href="javascript:ShowOrHide(\'sp1\')">'
            '<!--spoiler_title-->Сюжет<!--spoiler_title_end--></a></div><div id="sp1" class="text_spoiler" '
            'style="display:none;"><!--spoiler_text-->Он выживет<!--spoiler_text_end--></div><!--/dle_spoiler-->')
    assert md(html) == "**Сюжет**\n\nОн выживет"
    assert md("[spoiler]Тайна[/spoiler]") == "**Spoiler**\n\nТайна"


def test_hidden_text_is_left_out_and_counted():
    out = convert("Видно [hide=1,2]только своим [hide]вложенное[/hide][/hide] и это")
    assert out.markdown == "Видно *(hidden text, not carried over)* и это" and out.hidden == 2
    assert "своим" not in out.markdown and "вложенное" not in out.markdown


@pytest.mark.parametrize(("html", "expected"), [
    # A leech link points at the address it hides.
    ('<a href="http://old.example.ru/index.php?do=go&amp;url=aHR0cHM6Ly9leGFtcGxlLm9yZy9wYWdl">тут</a>',
     "[тут](<https://example.org/page>)"),
    ('<a href="/engine/go.php?url=aHR0cHM6Ly9leGFtcGxlLm9yZy8%3D">x</a>', "[x](<https://example.org/>)"),
    ('<a href="/engine/go.php?url=@@@">bad</a>', "bad"),
    # Relative addresses are on the old site; images become links to their files.
    ('<a href="/2021/05/1-most.html">мост</a>', f"[мост](<{SITE}/2021/05/1-most.html>)"),
    ('<img src="/uploads/posts/a.jpg" alt="фото">', f"[фото](<{SITE}/uploads/posts/a.jpg>)"),
    ('<!--TBegin:/uploads/b.jpg|--><a href="/uploads/b.jpg"><img src="/uploads/thumbs/b.jpg" alt=""></a><!--TEnd-->',
     f"[{SITE}/uploads/b.jpg](<{SITE}/uploads/b.jpg>)"),
    ("<!--dle_video_begin:https://v.example/a.mp4,https://v.example/b.mp4--><video controls>"
     '<source src="x"></video><!--dle_video_end-->', "[https://v.example/a.mp4](<https://v.example/a.mp4>)"),
    ('<a href="#top">наверх</a>', "наверх"),
    ('<a href="javascript:alert(1)">js</a>', "js"),
])
def test_links(html, expected):
    assert md(html) == expected


def test_relative_links_without_the_site_are_text():
    assert convert('<a href="/x.html">x</a>').markdown == "x"


@pytest.mark.parametrize(("html", "expected"), [
    ("[b]жирный[/b] [i]курсив[/i] [u]подчёркнутый[/u] [s]зачёркнутый[/s]",
     "**жирный** *курсив* подчёркнутый зачёркнутый"),
    ("[url=http://a.example/?x=1&amp;y=2]ссылка[/url] [url]http://b.example/[/url]",
     "[ссылка](<http://a.example/?x=1&y=2>) [http://b.example/](<http://b.example/>)"),
    ("[color=red]красный[/color] [size=4]крупный[/size] [center]в центре[/center]",
     "красный крупный в центре"),
    ("[img]http://i.example/1.png[/img]", "[image](<http://i.example/1.png>)"),
    ("[b]не закрыт", r"\[b\]не закрыт"),
    ("[quote]не закрыта", r"\[quote\]не закрыта"),
    ("[code]<b>x</b>[/code]", "x"),
])
def test_bbcode_left_as_text(html, expected):
    assert md(html) == expected


def test_plain_text_with_newlines_keeps_its_lines():
    assert md("строка\nещё строка\n\nабзац") == "строка\nещё строка\n\nабзац"
    assert md("строка<br />ещё строка\n") == "строка\nещё строка"


def test_plain_text_for_leads_and_profiles():
    assert plain_text("Краткая <b>новость</b><br />вторая строка &amp; ещё") == "Краткая новость\nвторая строка & ещё"
    assert plain_text("слово " * 200, limit=50).endswith("…") and len(plain_text("слово " * 200, limit=50)) == 50
    assert plain_text("<script>x</script>[hide]тайна[/hide]") == "(hidden text, not carried over)"


def test_deep_markup_does_not_recurse_away():
    html = "<div>" * 5000 + "глубоко" + "</div>" * 5000 + "[quote]" * 50 + "x" + "[/quote]" * 50
    assert "глубоко" in md(html)


def test_the_smiley_table_in_the_guide_is_the_mapping():
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "import-dle.md").read_text(encoding="utf-8")
    documented = {}
    for line in guide.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 2 and (cells[1].startswith("`:") or cells[1].startswith("the Veche smiley")):
            for name in cells[0].split(", "):
                documented[name] = cells[1].strip("`:") if cells[1].startswith("`") else name
    assert documented == SMILIES
