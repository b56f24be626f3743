"""Demo content written for Veche: a living site on a machine without the seed capture (and,
for a Russian site, the Russian articles of imports.demo_ru).

Several sections, articles with attributed quotations, discussions with deep replies,
quotes, smilies, votes and a deleted account. Loaded through the same actions as the site.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Member
from discussion import actions as discussion_actions
from discussion.models import Comment
from imports import members
from newsroom.actions import do_save_article
from newsroom.models import Article, Author, Section, Tag

SECTIONS = ["News", "Opinions", "Analytics", "Armament", "History"]

ARTICLES = [
    {
        "section": "News", "author": "Anna Veretennikova", "tags": ["Rivers", "Infrastructure"],
        "title": "The old bridge at Kamenka will close for a year of repairs",
        "lead": "Engineers found corrosion in the supports of the 1962 bridge; traffic moves to a pontoon crossing.",
        "body": (
            "The regional roads department announced on Monday that the bridge over the Kamenka, "
            "built in 1962, will close to all traffic from the first of the month.\n\n"
            "An inspection in the spring found corrosion in four of the eleven supports. The "
            "engineers say the bridge is safe for now, but not for another winter of heavy lorries.\n\n"
            "> We would rather close it for a year on our own terms than for ten years after an accident.\n>\n"
            "> — said the head of the roads department, Pavel Sorokin.\n\n"
            "A pontoon crossing will carry cars and buses while the supports are rebuilt. Lorries "
            "over twelve tonnes will be sent round by the northern ring road, forty kilometres longer.\n\n"
            "Residents of the right bank asked for a second ferry during the morning rush; the "
            "department promised to decide by the end of the month."
        ),
        "thread": [
            ("Lodochnik", "Ivan", None, "A year is optimistic. The last repair of the dam took three :laughing:"),
            ("Marina K", "", 0, "> [quote=c{0}]\n> A year is optimistic.\n\nThey have a contractor this time, not the city works. Let's see."),
            ("Lodochnik", "Ivan", 1, "The contractor of the dam was also 'not the city works' :wink:"),
            ("old_engineer", "Viktor Petrovich", 2, "Corrosion in supports is not a one-year job if the piles are affected. If it is only the caps, a year is fine."),
            ("Marina K", "", 3, "Thank you, that is the first useful comment here :hello:"),
            ("Lodochnik", "Ivan", 4, "Agreed. Viktor Petrovich, do you know which it is?"),
            ("old_engineer", "Viktor Petrovich", 5, "The report says caps and bearings. So a year, if the money comes on time."),
            ("Marina K", "", 6, "If the money comes on time :sad:"),
            ("Right bank", "", None, "Please, a second ferry. The queue at 7:30 is already forty cars."),
            ("Smirnov", "Dmitry", 8, "Forty on a good day. Last winter I counted seventy :angry:"),
        ],
    },
    {
        "section": "Opinions", "author": "Grigory Lvov", "tags": ["Media", "Readers"],
        "title": "Why a newspaper should listen to its comment section",
        "lead": "The readers who argue under our articles are not noise. They are the assembly the paper was founded for.",
        "body": (
            "Every editor has said it at least once: do not read the comments. It is bad advice.\n\n"
            "A comment section is where a reader who knows the subject better than the reporter "
            "can say so, in public, under the text. The best corrections we ever published came "
            "from there.\n\n"
            "> A newspaper that does not hear its readers soon has nobody to write for.\n>\n"
            "> — wrote the founder of this paper in its first issue.\n\n"
            "The worst of the comments come from a few people, and a few tools deal with them: "
            "moderators who answer for what they remove, limits on how fast one can post, and a "
            "guard against the organised down-voting that drowns honest voices."
        ),
        "thread": [
            ("Reader 1987", "", None, "Finally someone says it. I have corrected three of your articles on railway history :smile:"),
            ("Grigory Lvov", "", 0, "And we published two of the corrections. The third we still argue about :wink:"),
            ("Reader 1987", "", 1, "The third was right too. The line opened in 1898, not 1901."),
            ("Skeptic", "Oleg", None, "Comment sections are mostly bots and shouting. Close them."),
            ("Marina K", "", 3, "> [quote=c{3}]\n> Comment sections are mostly bots and shouting.\n\nThen why are you here? :tongue:"),
            ("Skeptic", "Oleg", 4, "To shout, obviously :lol:"),
        ],
    },
    {
        "section": "Analytics", "author": "Anna Veretennikova", "tags": ["Energy", "Prices"],
        "title": "Heating prices: what the new tariff formula changes",
        "lead": "From January the tariff follows fuel costs quarterly instead of yearly. We compared three winters.",
        "body": (
            "The new formula recalculates the heating tariff every quarter from the cost of gas "
            "and coal, instead of once a year.\n\n"
            "In a mild winter with cheap gas, households would have paid about six per cent less. "
            "In a cold winter with a price spike they would have paid up to eleven per cent more, "
            "but spread over two quarters.\n\n"
            "> The formula does not make heat cheaper. It makes the bill honest about what heat costs.\n>\n"
            "> — explained the regulator's chief economist, Elena Zaitseva."
        ),
        "thread": [
            ("Smirnov", "Dmitry", None, "Honest bills in a cold winter. What a gift :crying:"),
            ("Pensioner", "", 0, "For us on a fixed pension, a quarterly bill is harder to plan for."),
            ("old_engineer", "Viktor Petrovich", 1, "There is a smoothing option in the rules: you can ask for equal monthly payments."),
        ],
    },
    {
        "section": "History", "author": "Grigory Lvov", "tags": ["Railways"],
        "title": "How the railway reached the town in 1898",
        "lead": "A branch line built in eighteen months changed the market, the river port and the town's name.",
        "body": (
            "The branch line was surveyed in 1896 and opened to goods traffic in the autumn of 1898.\n\n"
            "Within five years the river port lost most of its grain trade to the station, and the "
            "market moved half a kilometre uphill to be near the goods yard.\n\n"
            "> The whistle of the first train was heard in every house; nobody slept that night.\n>\n"
            "> — recalled a merchant's daughter in her memoirs."
        ),
        "thread": [
            ("Reader 1987", "", None, "This is the article with the right date :feel:"),
            ("Deleted Member", "", 0, "My grandfather worked in that goods yard. The station building still stands."),
        ],
    },
]

DEMO_PASSWORD = "veche-demo-password"  # noqa: S105  demo members only; the README prints it


@transaction.atomic
def load(russian: bool | None = None) -> list[Article]:
    """The demo articles: the English ones, and with `russian` the Russian ones of
    imports.demo_ru. By default a Russian site (VECHE_LANGUAGE=ru) gets the Russian ones
    only, an English site the English ones only."""
    from django.conf import settings

    from imports import demo_ru

    site_russian = settings.LANGUAGE_CODE == "ru"
    english = russian is not None or not site_russian
    russian = site_russian if russian is None else russian
    sections = {}
    specs = []
    if english:
        for i, name in enumerate(SECTIONS):
            sections[name], _ = Section.objects.get_or_create(slug=slugify(name),
                                                              defaults={"name": name, "position": i})
        specs = [{**spec, "slug": slugify(spec["title"]), "author": (slugify(spec["author"]), spec["author"]),
                  "tags": [(slugify(t), t) for t in spec["tags"]], "language": "en"} for spec in ARTICLES]
    if russian:
        for i, (slug, name) in enumerate(demo_ru.SECTIONS):
            sections[slug], _ = Section.objects.get_or_create(slug=slug, defaults={"name": name,
                                                                                   "position": len(SECTIONS) + i})
        specs += [{**spec, "language": "ru"} for spec in demo_ru.ARTICLES]
    made = []
    now = timezone.now()
    for n, spec in enumerate(specs):
        slug = spec["slug"]
        if Article.objects.filter(slug=slug).exists():
            made.append(Article.objects.get(slug=slug))
            continue
        author, _ = Author.objects.get_or_create(slug=spec["author"][0], defaults={"name": spec["author"][1]})
        # The Russian ones are the newest: they lead a Russian site's front page.
        published = now - (timedelta(days=n, hours=3) if spec["language"] == "en" else timedelta(hours=1 + n))
        article = Article(title=spec["title"], slug=slug, lead=spec["lead"], body=spec["body"],
                          section=sections[spec["section"]], author=author, language=spec["language"],
                          state=Article.State.PUBLISHED, published_at=published)
        do_save_article(article)
        for tag_slug, tag in spec["tags"]:
            t, _ = Tag.objects.get_or_create(slug=tag_slug, defaults={"name": tag})
            article.tags.add(t)
        posted: list[Comment] = []
        for i, (login, real, parent_idx, text) in enumerate(spec["thread"]):
            member = members.resolve("demo", login, login, real_name=real,
                                     deleted=login == "Deleted Member")
            if not member.is_deleted and not member.has_usable_password():
                member.set_password(DEMO_PASSWORD)
                member.is_imported = False
                if spec["language"] == "ru":
                    member.language = "ru"
                member.save(update_fields=["password", "is_imported", "language"])
            body = text.format(*[c.pk for c in posted])
            parent = posted[parent_idx] if parent_idx is not None else None
            draft = discussion_actions.check_import(article, body, parent)
            created = published + timedelta(minutes=20 + 7 * i)
            posted.append(discussion_actions.do_post(member, article, draft, created=created,
                                                     source_key=f"demo:{slug}:{i}"))
        _demo_votes(posted)
        made.append(article)
    return made


def _demo_votes(comments: list[Comment]) -> None:
    voters = list(Member.objects.filter(import_key__startswith="demo:", is_deleted=False)[:8])
    for i, comment in enumerate(comments):
        for j, voter in enumerate(voters):
            if voter.pk == comment.author_id or (i + j) % 3 == 0:
                continue
            value = 1 if (i * 7 + j) % 5 else -1
            discussion_actions.do_vote(voter, comment, value)
