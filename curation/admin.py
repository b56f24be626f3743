from django.contrib import admin

from curation.models import Ignore, Pick, Pin, Rank


@admin.register(Pick)
class PickAdmin(admin.ModelAdmin):
    """Read-only: a pick is made and undone on the comment's page (curation.actions), which
    logs it and refreshes the cached pages; the admin only lists them."""

    list_display = ("comment", "article", "picked_by", "created")
    list_select_related = ("article", "picked_by")
    raw_id_fields = ("comment", "article", "picked_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Pin)
class PinAdmin(PickAdmin):
    list_display = ("comment", "article", "pinned_by", "created")
    list_select_related = ("article", "pinned_by")
    raw_id_fields = ("comment", "article", "pinned_by")


@admin.register(Ignore)
class IgnoreAdmin(PickAdmin):
    """Members' own lists: shown for support, changed only by the member."""

    list_display = ("member", "ignored", "created")
    list_select_related = ("member", "ignored")
    raw_id_fields = ("member", "ignored")


@admin.register(Rank)
class RankAdmin(admin.ModelAdmin):
    """Names and thresholds are the operator's; members' ranks follow at their next comment
    or the daily `veche update_ranks`. The default names read in the reader's language on the
    site (curation.ranks.DEFAULT_NAMES); a name written here is shown as written."""

    list_display = ("name", "min_rating", "min_days", "min_comments")
    list_editable = ("min_rating", "min_days", "min_comments")
