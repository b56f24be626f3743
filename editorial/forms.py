from django import forms
from django.utils.translation import gettext_lazy as _

from newsroom.models import Article


class ArticleForm(forms.ModelForm):
    """The article as an editor writes it: text at full width, settings beside it."""

    class Meta:
        model = Article
        fields = ["title", "slug", "lead", "body", "section", "tags", "author", "state", "published_at",
                  "comments_open", "comments_close_after_days", "premoderated"]
        labels = {
            "title": _("Title"), "slug": _("Address (slug)"), "lead": _("Lead"), "body": _("Text"),
            "section": _("Section"), "tags": _("Tags"), "author": _("Author"), "state": _("State"),
            "published_at": _("Publication time"), "comments_open": _("Comments open"),
            "comments_close_after_days": _("Close comments after (days)"),
            "premoderated": _("Hold every comment for moderation"),
        }
        help_texts = {
            "body": _("Markdown. An image of this article on a line of its own: ![alt](image:ID). "
                      "A block quote whose last line starts with “—” is an attributed quotation."),
            "published_at": _("A scheduled article appears at this time."),
            "comments_close_after_days": _("Empty: the site’s default."),
            "slug": _("Empty: made from the title."),
        }
        widgets = {
            "title": forms.TextInput(attrs={"class": "full", "autocomplete": "off"}),
            "lead": forms.Textarea(attrs={"rows": 3, "class": "full"}),
            "body": forms.Textarea(attrs={"rows": 24, "class": "full body-source", "spellcheck": "true"}),
            "published_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "tags": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["published_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]

    def clean_slug(self):
        from django.utils.text import slugify

        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("title", ""), allow_unicode=True)
        if not slug:
            raise forms.ValidationError(_("Give the article an address (slug)."))
        clash = Article.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another article has this address."))
        return slug


class ImageForm(forms.Form):
    file = forms.FileField(label=_("Image (JPEG, PNG or WebP)"), required=True,
                           widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
    alt = forms.CharField(label=_("Alt text"), max_length=300, required=True,
                          help_text=_("What the image shows, for readers who cannot see it."))
    caption = forms.CharField(label=_("Caption"), max_length=500, required=False)
    credit = forms.CharField(label=_("Credit"), max_length=200, required=False)
    is_lead = forms.BooleanField(label=_("Lead image"), required=False)


class ImageEditForm(ImageForm):
    file = None  # type: ignore[assignment]
