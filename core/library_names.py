"""Names the libraries Veche installs give their models in the admin, for Veche's Russian
catalog: django-tasks' database backend ships no Russian, and its models (the task queue's
results) are in the admin. The library marks them with gettext_lazy, so a translation in any
installed app's catalog is found; this module only keeps them in core's catalog, and nothing
imports it."""

from django.utils.translation import gettext_noop

LIBRARY_NAMES = [
    # django_tasks_db.models.DBTaskResult
    gettext_noop("Task Result"), gettext_noop("Task Results"), gettext_noop("enqueued at"),
    gettext_noop("started at"), gettext_noop("finished at"), gettext_noop("args kwargs"), gettext_noop("priority"),
    gettext_noop("task path"), gettext_noop("worker id"), gettext_noop("queue name"), gettext_noop("backend name"),
    gettext_noop("run after"), gettext_noop("return value"), gettext_noop("exception class path"),
    gettext_noop("traceback"),
]
