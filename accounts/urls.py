from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.views.decorators.cache import never_cache

from accounts import signin, views

# `never_cache` marks a page "private, no-store" (and expired): each of these shows one
# member's own data or a form carrying their CSRF token, which no shared cache may keep and
# no browser should store. The profile is public and marks itself private only for a
# signed-in viewer (accounts.views.profile).
app_name = "accounts"
urlpatterns = [
    path("signup/", never_cache(signin.signup), name="signup"),
    path("signin/", never_cache(signin.SignInView.as_view()), name="signin"),
    path("signout/", never_cache(signin.SignOutView.as_view()), name="signout"),
    path("members/<str:login>/", views.profile, name="profile"),
    path("replies/", never_cache(views.replies_page), name="replies"),
    path("account/", never_cache(views.settings_page), name="settings"),
    path("account/language/", never_cache(views.set_language), name="language"),
    path("account/password/", never_cache(views.PasswordChangeView.as_view()), name="password-change"),
    path("account/delete/", never_cache(views.delete_account), name="delete"),
    path("account/data.json", never_cache(views.my_data), name="data"),
    path("api/v1/presence/", views.presence_api, name="presence"),
    path("password-reset/", never_cache(signin.PasswordResetView.as_view()), name="password-reset"),
    path("password-reset/sent/", never_cache(auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_sent.html")), name="password-reset-sent"),
    path("password-reset/<uidb64>/<token>/", never_cache(auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password-reset-done"))), name="password-reset-confirm"),
    path("password-reset/done/", never_cache(auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_done.html")), name="password-reset-done"),
]
