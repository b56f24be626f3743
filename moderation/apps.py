from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self):
        # Moderation acts on the discussion, not the other way round: the vote action runs
        # the screens registered with it, and brigade detection is one.
        from discussion.actions import MINUS_SCREENS
        from moderation.brigades import after_minus

        if after_minus not in MINUS_SCREENS:
            MINUS_SCREENS.append(after_minus)
