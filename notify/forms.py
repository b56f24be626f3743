from django import forms
from django.utils.translation import gettext_lazy as _

from notify import kinds

SIGNUP_CHOICES = [
    ("now", _("E-mail me replies, quotes and mentions at once; the rest in a daily digest")),
    ("daily", _("One daily digest of everything")),
    ("never", _("No e-mails (notifications stay on the site)")),
]


class PreferencesForm(forms.Form):
    follow_when_commenting = forms.BooleanField(required=False, label=_("Follow a discussion when I comment in it"))

    def __init__(self, *args, prefs=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, kind in kinds.KINDS.items():
            self.fields[f"email_{name}"] = forms.ChoiceField(
                choices=kinds.DELIVERIES, label=kind.label,
                initial=prefs.delivery(name) if prefs is not None else kind.email)
        if prefs is not None:
            self.fields["follow_when_commenting"].initial = prefs.follow_when_commenting
        else:
            self.fields["follow_when_commenting"].initial = True

    def deliveries(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"email_{name}"] for name in kinds.KINDS}


def signup_deliveries(choice: str) -> dict[str, str] | None:
    """The per-kind deliveries one choice at sign-up stands for (None: an unknown choice)."""
    if choice == "now":
        return kinds.defaults()
    if choice in (kinds.DAILY, kinds.NEVER):
        return dict.fromkeys(kinds.KINDS, choice)
    return None
