"""The comment form's idempotency key: a retried post is stored once, and the key is the
sender's own — another member sending the same key posts their own comment."""

from discussion.models import Comment

JSON = {"HTTP_ACCEPT": "application/json"}
KEY = "0123456789abcdef0123456789abcdef"


def _post(client, member, article, body):
    client.force_login(member)
    r = client.post(f"/articles/{article.slug}/comments/", {"body": body, "idempotency_key": KEY}, **JSON)
    assert r.status_code == 201, (member, article, r.status_code, r.content[:300])
    return r.json()["id"]


def test_two_members_with_one_key_each_get_their_own_comment(client, alice, bob, make_article, settings):
    settings.VECHE_RATE_LIMITS = False
    first, second = make_article(), make_article()
    alices = _post(client, alice, first, "alice on the first")
    bobs = _post(client, bob, first, "bob on the first, with alice's key")  # was a 500
    assert bobs != alices
    assert Comment.objects.get(pk=bobs).author == bob and Comment.objects.get(pk=bobs).body.startswith("bob")

    # The same member sending again (a retry) gets the first comment back, not a second one.
    assert _post(client, alice, first, "alice on the first") == alices
    assert _post(client, bob, first, "bob on the first, with alice's key") == bobs
    assert Comment.objects.filter(article=first).count() == 2

    # On another article the key is a new post, for each of them.
    on_second = {_post(client, m, second, f"{m.login} on the second") for m in (alice, bob)}
    assert len(on_second) == 2 and not on_second & {alices, bobs}
    assert sorted(Comment.objects.filter(article=second).values_list("author__login", flat=True)) == ["alice", "bob"]
    assert Comment.objects.count() == 4


def test_a_retry_is_not_counted_by_the_rate_limit(client, alice, article, settings):
    settings.VECHE_RATE_LIMITS = True
    first = _post(client, alice, article, "once")
    assert _post(client, alice, article, "once") == first  # inside the new account's minute
