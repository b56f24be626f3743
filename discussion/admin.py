from django.contrib import admin

from discussion.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Read-mostly: changes to comments go through the moderation queue, whose actions log."""

    list_display = ["id", "article", "author", "status", "created", "plus", "minus"]
    list_filter = ["status"]
    search_fields = ["body", "author__login"]
    raw_id_fields = ["article", "parent", "author"]
    readonly_fields = [f.name for f in Comment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # A comment deleted from the table would leave counters, numbers and cached pages
        # behind; moderators remove or delete through the queue, which keeps them.
        return False
