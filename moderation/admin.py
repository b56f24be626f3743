from django.contrib import admin

from moderation.models import Ban, BrigadeCase, LogEntry, Report, WordRule
from moderation.words import forget_rules


@admin.register(WordRule)
class WordRuleAdmin(admin.ModelAdmin):
    list_display = ["rule", "kind", "created"]
    list_filter = ["kind"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_rules()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget_rules()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        forget_rules()


class ReadOnly(admin.ModelAdmin):
    """Changes go through the moderation queue, whose actions write the log."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnly):
    list_display = ["created", "moderator", "action", "comment", "member", "reason", "note"]
    list_filter = ["action", "reason"]


@admin.register(Report)
class ReportAdmin(ReadOnly):
    list_display = ["created", "comment", "reporter", "reason", "resolved"]


@admin.register(Ban)
class BanAdmin(ReadOnly):
    list_display = ["member", "scope", "until", "lifted", "reason"]


@admin.register(BrigadeCase)
class BrigadeCaseAdmin(ReadOnly):
    list_display = ["created", "kind", "summary", "state"]
