"""Changes to the accounts members sign in with: a new member from a provider, a provider
linked to a member, a provider unlinked. Views, the adapters and the admin call these.

Who may be linked: only the member signed in (settings page), or a member whose password was
checked in the same request (social.views.finish). An e-mail address a provider sends is
never a reason to link: providers let anyone claim an address, and some send it unverified.
"""

from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.actions import check_login_available
from accounts.models import Member
from core.errors import ActionError


def check_link(member: Member, sociallogin) -> None:
    """Refuse linking a provider account that is already some member's."""
    account = sociallogin.account
    owner = SocialAccount.objects.filter(provider=account.provider, uid=account.uid).values_list(
        "user_id", flat=True).first()
    if owner is not None and owner != member.pk:
        raise ActionError(_("This %(provider)s account is already linked to another member of the "
                            "site. Sign in with it, or unlink it there first.") % {
            "provider": sociallogin.provider.name}, code="linked_elsewhere", status=409)
    if owner == member.pk:
        raise ActionError(_("This %(provider)s account is already linked to yours.") % {
            "provider": sociallogin.provider.name}, code="linked_already", status=409)


def do_link(member: Member, sociallogin) -> SocialAccount:
    """Link the provider account of `sociallogin` to `member` (the caller proved the member
    is the one acting: a session, or the member's password)."""
    check_link(member, sociallogin)
    account = sociallogin.account
    with transaction.atomic():
        account.pk = None
        account.user = member
        account.save()
    return account


def do_sign_up_with_provider(login: str, real_name: str, email: str, sociallogin) -> Member:
    """A new member from a first sign-in with a provider: the login they chose (Veche's
    rules), no password (they sign in with the provider; they may set one later through a
    reset link when they gave an address), the provider account linked, in one transaction."""
    check_login_available(login)
    check_link_free(sociallogin)
    with transaction.atomic():
        member = Member.objects.create_user(login, email=email, password=None,
                                            real_name=real_name.strip())
        account = sociallogin.account
        account.pk = None
        account.user = member
        account.save()
    return member


def check_link_free(sociallogin) -> None:
    account = sociallogin.account
    if SocialAccount.objects.filter(provider=account.provider, uid=account.uid).exists():
        raise ActionError(_("This %(provider)s account is already linked to a member of the site: "
                            "sign in with it instead.") % {"provider": sociallogin.provider.name},
                          code="linked_elsewhere", status=409)


def check_unlink(member: Member, account: SocialAccount) -> None:
    """A member keeps at least one way to sign in: the last provider goes only when the
    account has a password."""
    if account.user_id != member.pk:
        raise ActionError(_("That is not one of your linked accounts."), code="not_yours", status=404)
    others = SocialAccount.objects.filter(user=member).exclude(pk=account.pk).exists()
    if not others and not member.has_usable_password():
        raise ActionError(_("This is your only way to sign in. Set a password first (“Forgot your "
                            "password?” on the sign-in page sends a link to your e-mail address), "
                            "or link another account, then unlink this one."),
                          code="last_way_in", status=409)


def do_unlink(member: Member, account: SocialAccount) -> None:
    check_unlink(member, account)
    with transaction.atomic():
        account.delete()


def linked_accounts(member: Member) -> list[SocialAccount]:
    return list(SocialAccount.objects.filter(user=member).order_by("provider", "pk"))
