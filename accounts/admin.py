from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import Member


@admin.register(Member)
class MemberAdmin(UserAdmin):
    list_display = ["login", "real_name", "email", "date_joined", "comment_count", "rating", "is_staff", "is_deleted"]
    list_filter = ["is_staff", "is_deleted", "is_imported", "groups"]
    search_fields = ["login", "real_name", "email"]
    ordering = ["login"]
    readonly_fields = ["date_joined", "last_seen", "rating", "comment_count"]
    fieldsets = [
        (None, {"fields": ["login", "password"]}),
        ("Profile", {"fields": ["real_name", "email", "about"]}),
        ("State", {"fields": ["is_active", "is_deleted", "is_imported", "date_joined", "last_seen",
                              "rating", "comment_count"]}),
        ("Roles", {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["login", "email", "password1", "password2"]})]
