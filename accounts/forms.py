from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from accounts.actions import check_login_available
from accounts.validators import PASSWORD_MAX
from core.errors import ActionError


class SignUpForm(forms.Form):
    login = forms.CharField(max_length=64, label=_("Login"), help_text=_("2 to 32 letters, digits, spaces, - _ ."),
                            widget=forms.TextInput(attrs={"autocomplete": "username"}))
    real_name = forms.CharField(max_length=64, required=False, label=_("Real name (optional)"),
                                help_text=_("Shown in parentheses after your login."))
    email = forms.EmailField(required=False, label=_("Email"), help_text=_("For password reset. Never shown."),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "maxlength": PASSWORD_MAX}),
        strip=False, help_text=_("At least 10 characters, not a common password."),
    )

    def clean_login(self):
        login = self.cleaned_data["login"]
        try:
            check_login_available(login)
        except ActionError as exc:
            raise forms.ValidationError(exc.message) from exc
        return login

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            from accounts.models import Member

            probe = Member(login=data.get("login", ""), email=data.get("email", ""),
                           real_name=data.get("real_name", ""))
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("That login and password do not match an account. Logins are not "
                           "case-sensitive; passwords are."),
        "inactive": _("This account cannot sign in."),
    }


def _language_choices():
    from django.conf import settings

    return [("", _("Your browser’s language")), *settings.LANGUAGES]


class ProfileForm(forms.Form):
    real_name = forms.CharField(max_length=64, required=False, label=_("Real name"))
    email = forms.EmailField(required=False, label=_("Email"))
    about = forms.CharField(max_length=2000, required=False, label=_("About you"),
                            widget=forms.Textarea(attrs={"rows": 4}))
    language = forms.ChoiceField(choices=_language_choices, required=False, label=_("Language"))
    profile_indexable = forms.BooleanField(
        required=False, label=_("Let search engines show my profile"),
        help_text=_("Your profile page may then appear in search results once it lists a comment. "
                    "Off, it asks them to leave it out; your comments stay on their articles either way."))


class ClaimingPasswordResetForm(PasswordResetForm):
    """Django's reset form, which also reaches members an import created: they have no usable
    password until they claim their account through this very link (Django's form skips
    them). Deleted accounts and deactivated ones get nothing."""

    def get_users(self, email):
        from accounts.models import Member

        found = Member.objects.filter(email__iexact=email, is_active=True, is_deleted=False)
        return (m for m in found if m.has_usable_password() or m.is_imported)
