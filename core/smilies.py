"""The smilies: `:code:` in a comment becomes a small image whose alt text is the word.

The set follows the classic forum smilies; alt words are those readers of such forums see
("winked" for :wink:).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Smiley:
    code: str
    alt: str


SMILIES = [
    Smiley("wink", "winked"), Smiley("smile", "smile"), Smiley("laughing", "laughing"),
    Smiley("lol", "lol"), Smiley("sad", "sad"), Smiley("crying", "crying"),
    Smiley("angry", "angry"), Smiley("wassat", "wassat"), Smiley("what", "what"),
    Smiley("no", "no"), Smiley("belay", "belay"), Smiley("bully", "bully"),
    Smiley("feel", "feel"), Smiley("fellow", "fellow"), Smiley("love", "love"),
    Smiley("tongue", "tongue"), Smiley("recourse", "recourse"), Smiley("request", "request"),
    Smiley("am", "am"), Smiley("hello", "hello"),
]
BY_CODE = {s.code: s for s in SMILIES}
BY_ALT = {s.alt: s for s in SMILIES}

# Words that, standing alone at the end of a line in a captured page, were a smiley image
# whose alt text the capture kept. Only words unlikely to end a sentence unpunctuated.
CAPTURED_WORDS = {"winked", "laughing", "wassat", "belay", "bully", "recourse", "lol", "crying"}

SMILEY_PATH = "veche/smilies/"
