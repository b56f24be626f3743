from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def notify_settings(context):
    """The notification part of the member's settings page (its own forms)."""
    from notify.forms import PreferencesForm
    from notify.models import Follow, Preferences

    request = context["request"]
    member = request.user
    prefs = Preferences.objects.filter(member_id=member.pk).first()
    follows = Follow.objects.filter(member=member).select_related("article").order_by("-created")[:200]
    html = render_to_string("notify/_settings.html", {
        "form": PreferencesForm(prefs=prefs), "follows": follows, "member": member,
        "confirmed": bool(member.email) and prefs is not None and prefs.confirmed_email == member.email,
    }, request=request)
    return mark_safe(html)  # noqa: S308 — a rendered template, escaped by it


@register.simple_tag
def signup_email_choice(value: str = "now"):
    from notify.forms import SIGNUP_CHOICES

    return mark_safe(render_to_string("notify/_signup.html", {"choices": SIGNUP_CHOICES, "value": value or "now"}))  # noqa: S308
