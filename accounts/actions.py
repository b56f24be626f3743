"""Changes to members: sign-up, profile, presence, deletion."""

from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Member
from core.errors import ActionError
from core.text import fold, skeleton


def check_login_available(login: str, exclude_pk: int | None = None) -> None:
    """Refuse a login that is taken (case-insensitively, after NFKC) or confusable."""
    from django.core.exceptions import ValidationError

    from accounts.validators import validate_login_shape

    try:
        validate_login_shape(login)
    except ValidationError as exc:
        raise ActionError(exc.messages[0], field="login", code="login_shape") from exc
    others = Member.objects.exclude(pk=exclude_pk) if exclude_pk else Member.objects.all()
    if others.filter(login_folded=fold(login)).exists():
        raise ActionError(_("The login “%(login)s” is taken. Choose another.") % {"login": login}, field="login",
                          code="login_taken", status=409)
    twin = others.filter(login_skeleton=skeleton(login)).only("login").first()
    if twin is not None:
        raise ActionError(
            _("The login “%(login)s” looks like the existing login “%(twin)s” (letters from another "
              "alphabet or look-alike signs). Choose one that readers cannot confuse with it.")
            % {"login": login, "twin": twin.login},
            field="login", code="login_confusable", status=409,
        )


def do_sign_up(login: str, password: str, email: str = "", real_name: str = "") -> Member:
    check_login_available(login)
    with transaction.atomic():
        return Member.objects.create_user(login, email=email, password=password,
                                          real_name=real_name.strip())


def do_update_profile(member: Member, *, real_name: str, about: str, email: str) -> Member:
    from discussion.actions import author_changed

    renamed = member.real_name != real_name.strip()
    member.real_name = real_name.strip()
    member.about = about.strip()
    member.email = email.strip()
    with transaction.atomic():
        member.save(update_fields=["real_name", "about", "email"])
        if renamed:
            author_changed(member.pk)  # comment headers show "login (Real name)"
    return member


def do_set_language(member: Member, language: str) -> Member:
    """Save the member's chosen language ("" for none: their browser's). The caller checked it
    is an enabled one (core.languages.supported)."""
    if member.language != language:
        member.language = language
        member.save(update_fields=["language"])
    return member


def do_set_profile_indexable(member: Member, indexable: bool) -> Member:
    """Save whether search engines may index the member's profile. Nothing keeps the profile
    page, so its next answer says so (docs/caching.md)."""
    if member.profile_indexable != indexable:
        member.profile_indexable = indexable
        member.save(update_fields=["profile_indexable"])
    return member


def do_change_password(request, member: Member, new_password: str) -> None:
    """Set a new password, keep this session and end the member's other sessions."""
    member.set_password(new_password)
    member.save(update_fields=["password"])
    update_session_auth_hash(request, member)


def do_delete_account(member: Member) -> None:
    """The account goes; its comments stay, shown without presence or profile link."""
    from accounts import presence
    from discussion.actions import author_changed

    member.is_deleted = True
    member.is_active = False
    member.email = ""
    member.set_unusable_password()
    with transaction.atomic():
        member.save(update_fields=["is_deleted", "is_active", "email", "password"])
        author_changed(member.pk)  # their comments lose presence and the profile link
    presence.forget(member.pk)
