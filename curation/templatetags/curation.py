from django import template

register = template.Library()


@register.simple_tag
def rank_of(member) -> str:
    """The member's stored rank's name in the reader's language, or "" (curation.ranks)."""
    from curation.ranks import rank_name
    from discussion.render import rank_shown

    name = rank_name(member.pk)
    return rank_shown(name) if name else ""
