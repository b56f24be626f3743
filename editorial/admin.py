"""The admin's article form links to the workspace (the editor, images, history), and its
saves are revisions in the article's history like the workspace's."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from editorial.actions import record_revision, state_before
from newsroom.admin import ArticleAdmin
from newsroom.models import Article

admin.site.unregister(Article)


@admin.register(Article)
class EditorialArticleAdmin(ArticleAdmin):
    readonly_fields = [*ArticleAdmin.readonly_fields, "workspace"]
    fieldsets = [(None, {"fields": ["workspace"]}), *ArticleAdmin.fieldsets]

    @admin.display(description=_("Editors’ workspace"))
    def workspace(self, obj):
        if obj is None or obj.pk is None:
            return format_html('<a href="{}">{}</a>', reverse("editorial:new"), _("Write it in the editor"))
        return format_html('<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
                           reverse("editorial:edit", args=[obj.pk]), _("Edit with preview"),
                           reverse("editorial:images", args=[obj.pk]), _("Images"),
                           reverse("editorial:history", args=[obj.pk]), _("History"))

    def save_model(self, request, obj, form, change):
        # What it was, read before the save (the revision is recorded once the tags are saved).
        request._editorial_before = state_before(obj.pk) if change and obj.pk else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_revision(request.user, form.instance, getattr(request, "_editorial_before", None),
                        note=str(_("saved in the admin")))
