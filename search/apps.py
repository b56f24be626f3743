from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        # The index keeps in step with the actions that write comments and articles, through
        # the signals they send inside their transactions (discussion.signals, newsroom.signals).
        from search import receivers

        receivers.connect()
