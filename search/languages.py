"""Which language a text is in, and which stemmer reads it: the one place that knows.

An article's language selects the text-search configuration of the article and of its
comments (PostgreSQL: a `regconfig`; SQLite: the PyStemmer algorithm of the same Snowball
family, so both modes find the same words)."""

from django.conf import global_settings, settings

# Language code → the Snowball stemmer's name, which is also PostgreSQL's configuration
# name for it. A language not listed is indexed word for word ("simple").
CONFIGS = {
    "en": "english", "ru": "russian", "de": "german", "fr": "french", "es": "spanish",
    "it": "italian", "pt": "portuguese", "nl": "dutch", "sv": "swedish", "fi": "finnish",
}
SIMPLE = "simple"


def article_language(article) -> str:
    """The language an article is written in. Article.language arrives with the localisation
    work (issue 17); until then every article is in the site's language. The only reader of
    that field in this app: everything else asks here."""
    return getattr(article, "language", None) or settings.LANGUAGE_CODE


def config_for(language: str) -> str:
    """The search configuration of a language code ("ru", "en-gb")."""
    return CONFIGS.get((language or "").split("-")[0].lower(), SIMPLE)


def query_configs() -> list[str]:
    """The configurations a query is read in: those of the site's languages (every article is
    in one of them), so a word is found whatever language its text is in. Django's own list
    of every language it knows counts as unset: then the site's language, English and Russian."""
    codes = [settings.LANGUAGE_CODE]
    if settings.LANGUAGES is not global_settings.LANGUAGES:
        codes += [code for code, _name in settings.LANGUAGES]
    else:
        codes += ["en", "ru"]
    out: list[str] = []
    for code in codes:
        config = config_for(code)
        if config not in out:
            out.append(config)
    return out
