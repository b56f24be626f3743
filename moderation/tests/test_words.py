"""Word lists, matched after normalisation, whole words only."""

import pytest

from core.errors import ActionError
from moderation import words
from moderation.models import WordRule


@pytest.fixture
def rules(db):
    WordRule.objects.create(rule="no slurs", words="idiot\nmoron", kind="banned")
    WordRule.objects.create(rule="links to casinos", words="casino\nfree spins", kind="suspect")
    words.forget_rules()


@pytest.mark.parametrize("text", [
    "You idiot", "YOU IDIOT!", "i.d.i.o.t", "i d i o t", "i-d-i-o-t", "ІDІОТ",  # Cyrillic І, О
    "Ｉｄｉｏｔ", "m o r o n", "id\u200biot",
])
def test_banned_words_are_found_through_tricks(rules, alice, article, post, text):
    with pytest.raises(ActionError) as err:
        post(alice, article, text)
    assert "“no slurs”" in err.value.message and "idiot" not in err.value.message.lower()


@pytest.mark.parametrize("text", ["idiotic? no: idiosyncratic", "a moronic plan", "Scunthorpe and class",
                                  "I D I O M"])
def test_whole_words_only(rules, alice, article, post, text):
    assert post(alice, article, text).status == "visible"


def test_suspect_words_hold_the_comment(rules, alice, article, post):
    assert post(alice, article, "Best c a s i n o here").status == "held"
    assert post(alice, article, "get FREE   spins now").status == "held"
    assert post(alice, article, "free time, spins later").status == "visible"


def test_rules_apply_as_soon_as_they_change(db, alice, article, post):
    assert post(alice, article, "blorp").status == "visible"
    WordRule.objects.create(rule="no blorps", words="blorp", kind="banned")
    words.forget_rules()
    with pytest.raises(ActionError, match="no blorps"):
        post(alice, article, "blorp again")
