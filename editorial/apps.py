from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "editorial"

    def ready(self):
        from editorial import actions  # noqa: F401  (registers its rate limit with the others)
        from editorial.figures import PROVIDER
        from newsroom import images

        # The newsroom renders and lists articles; their images are kept here.
        images.register(PROVIDER)
