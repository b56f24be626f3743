"""{% path %}: the {% url %} of a page every reader sees, kept.

Django's reverse() matches a name's pattern and quotes its arguments on every call: fourteen
of them were a third of a millisecond of every article page. The patterns do not change while
a process runs, so an address is kept per name, arguments, script prefix, URL configuration
and language (the last three can differ between requests)."""

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from core.memo import Memo

register = template.Library()

_paths: Memo[str] = Memo("paths", items=10_000)


@register.simple_tag
def path(name: str, *args) -> str:
    """reverse(name, args=args), kept; `{% path "discussion:post" article.slug %}`, or with
    `as`: `{% path "accounts:signin" as signin %}`. The output is escaped as {% url %}'s is."""
    key = (name, args, get_script_prefix(), get_urlconf(), get_language())
    kept = _paths.data.get(key)  # read directly: no expiry, no use order
    if kept is not None:
        return kept[0]
    made = reverse(name, args=args)
    _paths.put(key, made)
    return made
