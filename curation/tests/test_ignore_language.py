"""The ignored comments' sentence is in the reader's language however the front fills the
member's page (from the database in a worker thread, or from memory on the event loop)."""

import pytest

from config.tests.test_front import _executor_connections_closed, asgi_get, signed_in  # noqa: F401
from curation import actions

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("lang", "said", "unsaid"), [("ru", "Комментарий участника", "Comment by a member you ignore"),
                                                     ("en", "Comment by a member you ignore", "Комментарий участника")])
def test_every_fill_of_the_page_speaks_the_readers_language(alice, bob, article, post, lang, said, unsaid):
    post(alice, article, "Rude words")
    actions.ignore(bob, alice)
    _, cookies = signed_in(bob)
    url = article.get_absolute_url()
    pages = [asgi_get(url, cookies, query=f"lang={lang}")[2] for _ in range(3)]  # the last ones from memory
    assert all(said in page and unsaid not in page for page in pages)
