"""Read-only lists for the operator: e-mails (sent, waiting, failed with their error) and
notifications. Sending again is `veche notify due`."""

from django.contrib import admin

from notify.models import Email, Follow, Notification


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ("id", "member", "key", "created", "sent_at", "attempts", "error")
    list_filter = (("sent_at", admin.EmptyFieldListFilter),)
    search_fields = ("member__login", "key")
    raw_id_fields = ("member",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "recipient", "kind", "comment_id", "created", "read_at", "email_id")
    list_filter = ("kind",)
    raw_id_fields = ("recipient", "actor", "comment", "email")
    search_fields = ("recipient__login",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("member", "article", "created")
    raw_id_fields = ("member", "article")
