from django import template

register = template.Library()


@register.simple_tag
def rank_of(member) -> str:
    """The member's stored rank's name, or "" (curation.ranks)."""
    from curation.ranks import rank_name

    return rank_name(member.pk)
