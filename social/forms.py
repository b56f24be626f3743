from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.actions import check_login_available
from accounts.models import LOGIN_MAX
from accounts.validators import PASSWORD_MAX
from core.errors import ActionError


class ChooseLoginForm(forms.Form):
    """A new member from a provider: the login to show (Veche's rules), a real name."""

    login = forms.CharField(label=_("Login"), max_length=64,
                            help_text=_("2 to 32 letters, digits, spaces, - _ . Shown with your comments."),
                            widget=forms.TextInput(attrs={"autocomplete": "username", "maxlength": LOGIN_MAX}))
    real_name = forms.CharField(label=_("Real name (optional)"), max_length=64, required=False,
                                help_text=_("Shown in parentheses after your login."))

    def clean_login(self):
        login = self.cleaned_data["login"]
        try:
            check_login_available(login)
        except ActionError as exc:
            raise forms.ValidationError(exc.message) from exc
        return login


class LinkExistingForm(forms.Form):
    """An account the person already has here: its password proves it is theirs."""

    username = forms.CharField(label=_("Your login here"), max_length=254,
                               widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(label=_("Its password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password",
                                                                 "maxlength": PASSWORD_MAX}))
