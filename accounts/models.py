"""Members: who comments, votes and reads their replies."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import fold, skeleton

LOGIN_MIN = 2
LOGIN_MAX = 32


def real_name_shown(login: str, real_name: str) -> str:
    """The real name a byline adds in parentheses, or "": none when it only repeats the login
    (the seed's "123 (123)"), compared as logins are (case, width, invisible signs)."""
    real_name = (real_name or "").strip()
    if not real_name or fold(real_name) == fold(login):
        return ""
    return real_name


class MemberManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(login_folded=fold(username))

    def _create_user(self, username, email, password, **extra_fields):
        member = self.model(login=username, email=self.normalize_email(email or ""), **extra_fields)
        member.set_password(password)
        member.save(using=self._db)
        return member

    def create_user(self, login, email=None, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(login, email, password, **extra)

    def create_superuser(self, login, email=None, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(login, email, password, **extra)


class Member(AbstractBaseUser, PermissionsMixin):
    """A member of the site. `login` is shown; `login_folded` makes it unique
    case-insensitively after NFKC; `login_skeleton` refuses look-alikes."""

    login = models.CharField(_("login"), max_length=LOGIN_MAX, unique=True)
    login_folded = models.CharField(max_length=4 * LOGIN_MAX, unique=True, editable=False)
    login_skeleton = models.CharField(max_length=4 * LOGIN_MAX, db_index=True, editable=False)
    real_name = models.CharField(_("real name"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    about = models.TextField(_("about"), blank=True, max_length=2000)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    rating = models.IntegerField(_("rating"), default=0, help_text=_("Sum of plus minus minus over the member's comments."))
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    is_deleted = models.BooleanField(_("deleted"),
        default=False, help_text=_("A deleted account: its comments stay, without presence or profile.")
    )
    is_imported = models.BooleanField(_("imported"),
        default=False, help_text=_("Created by an import; cannot sign in until claimed.")
    )
    replies_seen_at = models.DateTimeField(_("replies seen at"), null=True, blank=True)
    session_epoch = models.PositiveIntegerField(default=0, editable=False,
                                                help_text=_("Raised to end every session of the member."))
    ban_on_file = models.BooleanField(default=False, editable=False,
                                      help_text=_("A ban not lifted exists (it may have run out): only then is it looked up."))
    import_key = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False,
                                  help_text=_("Who this member is in the source an import read."))
    # The member's chosen language ("" : none chosen — the browser's, as for a visitor).
    # Any known code is kept, so a language an operator disables and enables again returns.
    language = models.CharField(_("language"), max_length=8, blank=True, default="",
                                choices=[(c, n) for c, n in settings.KNOWN_LANGUAGES.items()])
    # Whether search engines may index the member's profile page: never unless they say so
    # (their settings page), and even then only once it lists a comment (accounts.views.profile).
    profile_indexable = models.BooleanField(
        _("profile in search engines"), default=False,
        help_text=_("The member lets search engines index their profile page."))

    USERNAME_FIELD = "login"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    objects = MemberManager()

    class Meta:
        ordering = ["login"]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self):
        return self.login

    def save(self, *args, **kwargs):
        self.login_folded = fold(self.login)
        self.login_skeleton = skeleton(self.login)
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        """"login (Real name)" as the seed shows it, or the login alone when there is no real
        name or it is the login again."""
        shown = real_name_shown(self.login, self.real_name)
        return f"{self.login} ({shown})" if shown else self.login

    def get_absolute_url(self):
        return reverse("accounts:profile", args=[self.login])

    def get_session_auth_hash(self):
        """Sessions carry this hash; raising `session_epoch` (a full ban) ends them all, as a
        password change does."""
        from django.utils.crypto import salted_hmac

        return salted_hmac("veche.accounts.Member.session", f"{self.password}:{self.session_epoch}",
                           algorithm="sha256").hexdigest()

    def get_session_auth_fallback_hash(self):
        from django.utils.crypto import salted_hmac

        for fallback in settings.SECRET_KEY_FALLBACKS:
            yield salted_hmac("veche.accounts.Member.session", f"{self.password}:{self.session_epoch}",
                              secret=fallback, algorithm="sha256").hexdigest()
