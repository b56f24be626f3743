"""{% path %} writes what {% url %} writes, and keeps it per script prefix and arguments."""

from django.template import Context, Template
from django.urls import set_script_prefix

from core import memo


def _both(source: str, **context) -> tuple[str, str]:
    url = Template("{% load paths %}" + source.replace("PATH", "url")).render(Context(context))
    path = Template("{% load paths %}" + source.replace("PATH", "path")).render(Context(context))
    return url, path


def test_path_writes_what_url_writes_with_and_without_arguments_and_as():
    memo.forget_all()
    for source, context in [("{% PATH 'newsroom:front' %}", {}),
                            ("{% PATH 'discussion:post' slug %}", {"slug": "a-slug"}),
                            ("{% PATH 'discussion:post' slug %}", {"slug": "b-slug"}),
                            ("{% PATH 'accounts:signin' as signin %}[{{ signin }}]", {}),
                            ("{% PATH 'discussion:thread' slug %}", {"slug": "мост-закрыт"})]:
        url, path = _both(source, **context)
        assert url == path and path.strip("[]")
    assert _both("{% PATH 'discussion:post' slug %}", slug="a-slug")[1] != _both(
        "{% PATH 'discussion:post' slug %}", slug="b-slug")[1]


def test_a_kept_path_is_not_given_under_another_script_prefix():
    memo.forget_all()
    plain = _both("{% PATH 'newsroom:front' %}")[1]
    try:
        set_script_prefix("/news/")
        url, path = _both("{% PATH 'newsroom:front' %}")
        assert url == path == "/news/" != plain
    finally:
        set_script_prefix("/")
    assert _both("{% PATH 'newsroom:front' %}")[1] == plain
