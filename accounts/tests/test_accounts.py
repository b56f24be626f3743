

def test_the_signed_in_member_is_found_as_the_model_backend_finds_them(alice, client):
    """The per-request lookup is written out: the same member, every field; an inactive or
    unknown member is nobody; a session signed in by the model backend still works."""
    from django.contrib.auth.backends import ModelBackend

    from accounts.backends import MemberBackend
    from accounts.models import Member

    found, expected = MemberBackend().get_user(str(alice.pk)), ModelBackend().get_user(alice.pk)
    assert found is not None and found.pk == alice.pk
    for f in Member._meta.concrete_fields:
        assert getattr(found, f.attname) == getattr(expected, f.attname), f.attname
    assert MemberBackend().get_user("not a number") is None
    assert MemberBackend().get_user(10**9) is None
    Member.objects.filter(pk=alice.pk).update(is_active=False)
    assert MemberBackend().get_user(alice.pk) is None
    Member.objects.filter(pk=alice.pk).update(is_active=True)
    client.force_login(alice, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/").context["user"].pk == alice.pk
    client.force_login(alice)
    assert client.session["_auth_user_backend"] == "accounts.backends.MemberBackend"
    assert client.get("/").context["user"].pk == alice.pk
