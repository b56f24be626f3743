from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signin/", views.SignInView.as_view(), name="signin"),
    path("signout/", views.SignOutView.as_view(), name="signout"),
    path("members/<str:login>/", views.profile, name="profile"),
    path("replies/", views.replies_page, name="replies"),
    path("account/", views.settings_page, name="settings"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("account/delete/", views.delete_account, name="delete"),
    path("account/data.json", views.my_data, name="data"),
    path("api/v1/presence/", views.presence_api, name="presence"),
    path("password-reset/", auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password-reset-sent")), name="password-reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_sent.html"), name="password-reset-sent"),
    path("password-reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password-reset-done")), name="password-reset-confirm"),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_done.html"), name="password-reset-done"),
]
