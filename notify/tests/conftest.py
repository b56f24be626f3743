"""A real SMTP server on 127.0.0.1 for the e-mail tests, and helpers to act as members."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """What the server received; `refuse` makes it answer 550 to every recipient."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                      policy=email.policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    box = Mailbox()
    # Named, so neither side looks its own name up (getfqdn can take seconds without DNS).
    controller = Controller(box, hostname="127.0.0.1", port=free_port(), server_hostname="localhost")
    from django.core.mail.utils import DNS_NAME

    DNS_NAME._fqdn = "localhost"
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.VECHE_SITE_URL = "https://news.example.org"
    box.controller = controller
    yield box
    controller.stop()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """run(fn, *args): call fn and then what it left for after the commit (tasks, events)."""
    def do(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)
    return do


@pytest.fixture
def confirmed(db):
    """confirmed(member): their address counts as confirmed."""
    from notify.models import Preferences

    def do(member, **prefs):
        Preferences.objects.update_or_create(member_id=member.pk, defaults={"confirmed_email": member.email, **prefs})
        return member
    return do


def text_of(message, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else ""
