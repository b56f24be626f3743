from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from accounts import presence

        # Every sign-out (the site's, the admin's, a deleted account's) ends presence at once.
        user_logged_out.connect(presence.signed_out, dispatch_uid="veche-presence-signed-out")
