from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from newsroom.actions import do_delete_author, do_save_article, do_save_author
from newsroom.models import Article, Author, Section, Tag


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "premoderated"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    # Through the actions: the member an author is linked to carries the "Author" badge on
    # their articles' discussions, which cached threads hold.
    def save_model(self, request, obj, form, change):
        do_save_author(obj)

    def delete_model(self, request, obj):
        do_delete_author(obj)

    def delete_queryset(self, request, queryset):
        for author in queryset:
            do_delete_author(author)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "section", "state", "language", "published_at", "views", "comment_count",
                    "comments_open"]
    list_filter = ["state", "section", "language", "comments_open"]
    search_fields = ["title", "lead"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags", "author"]
    date_hierarchy = "published_at"
    readonly_fields = ["views", "comment_count"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "section", "author", "tags", "language", "lead", "body"]}),
        (_("Publishing"), {"fields": ["state", "published_at", "source_url"],
                           "description": _("Scheduled articles appear at their publication time. "
                                            "Use “View on site” to preview a draft.")}),
        (_("Discussion"), {"fields": ["comments_open", "comments_close_after_days", "premoderated",
                                   "views", "comment_count"]}),
    ]

    def save_model(self, request, obj, form, change):
        do_save_article(obj)
