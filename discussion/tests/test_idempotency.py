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


def test_the_key_is_trimmed_and_one_no_post_could_have_sent_deduplicates_nothing(client, alice, article, settings):
    """A key is read as the form sent it, trimmed; an empty one or one longer than the column
    is no key: each such post is stored, and stored without it (never a 500, never an error
    for the post itself). A plain form post goes through the same read."""
    settings.VECHE_RATE_LIMITS = False
    client.force_login(alice)
    url = f"/articles/{article.slug}/comments/"

    def send(key, body, **extra):
        return client.post(url, {"body": body, "idempotency_key": key}, **extra)

    first = send(f"  {KEY}\n", "spaced", **JSON)
    assert first.status_code == 201
    assert send(KEY, "spaced", **JSON).json()["id"] == first.json()["id"]  # the same key, trimmed
    assert Comment.objects.get(pk=first.json()["id"]).idempotency_key == KEY
    for odd in ("", "   ", "k" * 65):
        made = [send(odd, f"odd {odd!r}", **JSON) for _ in range(2)]
        assert [r.status_code for r in made] == [201, 201], odd
        a, b = (r.json()["id"] for r in made)
        assert a != b and Comment.objects.filter(pk__in=[a, b], idempotency_key__isnull=True).count() == 2
    # A NUL anywhere in a form is refused before any view reads it: nothing stored.
    before = Comment.objects.count()
    assert send("key\x00with a nul", "nul", **JSON).status_code == 400
    assert Comment.objects.count() == before
    # 64 characters is a key (the column's length): its retry is deduplicated.
    longest = "k" * 64
    assert send(longest, "at the edge", **JSON).json()["id"] == send(longest, "at the edge", **JSON).json()["id"]
    # Without JavaScript: the plain form's post, then its retry, lead to one comment.
    plain = "f" * 32
    one, two = send(plain, "plain form"), send(plain, "plain form")
    assert one.status_code == two.status_code == 302 and one["Location"] == two["Location"]
    assert Comment.objects.filter(article=article, idempotency_key=plain).count() == 1
