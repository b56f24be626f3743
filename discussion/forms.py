from django import forms
from django.utils.translation import gettext_lazy as _

from discussion.models import BODY_MAX


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 5, "maxlength": BODY_MAX}),
        required=False,  # the action gives the precise message for empty or long bodies
        strip=False,
    )
    # `parent` is read by core.params, as every id from a request is.
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
