"""DataLife Engine (DLE) → Veche: a DLE site's members, sections, articles and discussions,
read from its MySQL/MariaDB database (`--database-url mysql://…`, through PyMySQL) or from a
`mysqldump` file of it. docs/import-dle.md is the operator's guide.

    store   the tables read (imports.dle.sqldump for a dump) and checked (imports.dle.tables)
            into a temporary on-disk store: bounded memory, and nothing written before every
            row was read
    people  users → members (claimed by e-mail), groups → roles, bans
    posts   categories → sections; each post → an article with its comments and their votes,
            in one transaction; re-runs find what is there by its keys
    markup  DLE's HTML (quotes, smilies, spoilers, BB-code leftovers) → Markdown
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from imports.common import Options, Run, Summary
from imports.dle import people, posts, store
from imports.dle.run import SOURCE, DleOptions, DleSummary
from imports.errors import ImportFormatError
from imports.html2md import safe_href

__all__ = ["DleOptions", "load"]


def _options(options: Options | None) -> DleOptions:
    if isinstance(options, DleOptions):
        return options
    base = options or Options()
    return DleOptions(article_map=base.article_map, skip_removed=base.skip_removed, progress=base.progress)


def load(path, options: Options | None = None) -> Summary:
    """Import a DLE site from the dump at `path`, or (path None) from options.database_url."""
    options = _options(options)
    if bool(path) == bool(options.database_url):
        raise ImportFormatError("give either a dump file or --database-url, not both"
                                if path else "give a dump file or --database-url mysql://…")
    site_url = options.site_url.strip()
    if not site_url or safe_href(site_url) != site_url or not site_url.startswith(("http://", "https://")):
        raise ImportFormatError("give the DLE site's address with --site-url https://…: imported articles "
                                "keep their old address (a re-run finds them by it), and relative links "
                                "and images are made to point there")
    try:
        zone = ZoneInfo(options.time_zone or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ImportFormatError(f"unknown time zone {options.time_zone!r}") from exc
    prefix = store.check_prefix(options.prefix)
    run = Run(SOURCE, options)
    run.summary = summary = DleSummary(source=SOURCE)
    with store.Store() as kept:
        if path:
            store.from_dump(kept, path, prefix, zone, options.encoding)
        else:
            store.from_database(kept, options.database_url, prefix, zone)
        people.import_users(kept, options, summary)
        posts.Posts(run, kept, options, posts.import_categories(kept)).run_all()
    return summary
