"""The sign-in page's provider buttons and the settings page's linked accounts, as fragments
an accounts template includes with one tag (accounts does not import this app)."""

from django import template

register = template.Library()


def _providers(request):
    from allauth.socialaccount.adapter import get_adapter

    return get_adapter(request).list_providers(request)


@register.inclusion_tag("social/_buttons.html", takes_context=True)
def sign_in_buttons(context, next_url="/"):
    """One form a configured provider (POST, so a link cannot start a sign-in); none set, nothing."""
    request = context["request"]
    return {"buttons": [(p.name, p.get_login_url(request, process="login", next=next_url))
                        for p in _providers(request)], "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("social/_linked.html", takes_context=True)
def linked_accounts(context):
    from social.actions import linked_accounts as linked

    request = context["request"]
    member = request.user
    accounts = [(a.pk, a.get_provider(request).name, a.get_provider_account().to_str()) for a in linked(member)]
    can_link = [(p.name, p.get_login_url(request, process="connect", next="/account/"))
                for p in _providers(request)]
    return {"accounts": accounts, "can_link": can_link,
            "has_password": member.has_usable_password(), "csrf_token": context.get("csrf_token")}
