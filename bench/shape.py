"""A discussion shaped like the seed's, deterministic from a seed number.

30 % of comments are top-level, the rest reply to an earlier comment at depths up to 8;
some quote their parent or the article, some end with a smiley; voters vote as readers do."""

import random
from dataclasses import dataclass

SENTENCES = [
    "The official statement is already serious, the fact is confirmed.",
    "The border is being demarcated, and negotiations were held on the spot.",
    "Someone really wants to escalate the situation.",
    "Issues related to borders in the region can be resolved, despite their complexity.",
    "Such issues are not resolved by negotiations alone.",
    "The agreements on peacekeepers will be in effect, signed, there is nowhere to go.",
    "No less interesting is the position of the other allies.",
    "They will mark the boundaries and everything will be over.",
    "Apparently, it will soon be on fire.",
    "What exactly they decided is unknown; we will wait for details.",
    "Lavrov arrived and the main issue was unblocking communications.",
    "The site already has the second news on this topic.",
    "In general, all this happened during the visit.",
    "A year later, they promised to complete the restoration.",
    "Let the diaspora fuss, there are problems enough at home.",
]
SMILIES = [":wink:", ":laughing:", ":hello:", ":sad:", ":angry:", ":lol:", ":what:"]
MAX_DEPTH = 8


@dataclass
class Item:
    idx: int
    author: int
    parent: int | None
    text: str
    quote_parent: bool


def discussion(n: int, members: int = 200, seed: int = 2021) -> list[Item]:
    rng = random.Random(seed)
    items: list[Item] = []
    depth: list[int] = []
    for i in range(n):
        parent = None
        if items and rng.random() >= 0.3:
            for _ in range(5):
                cand = rng.randrange(max(0, i - 300), i)  # replies go to recent comments
                if depth[cand] < MAX_DEPTH:
                    parent = cand
                    break
        sentences = rng.sample(SENTENCES, rng.randint(2, 6))
        paragraphs = [" ".join(sentences[j:j + 2]) for j in range(0, len(sentences), 2)]
        text = "\n\n".join(paragraphs)
        if rng.random() < 0.15:
            text += " " + rng.choice(SMILIES)
        items.append(Item(i, rng.randrange(members), parent, text, parent is not None and rng.random() < 0.2))
        depth.append(depth[parent] + 1 if parent is not None else 0)
    return items


def votes(n_comments: int, members: int = 200, per_comment: float = 3.0, seed: int = 7):
    """(voter, comment index, value) triples, about `per_comment` a comment, 60 % plus."""
    rng = random.Random(seed)
    seen = set()
    for c in range(n_comments):
        for _ in range(rng.randint(0, int(per_comment * 2))):
            voter = rng.randrange(members)
            if (voter, c) in seen:
                continue
            seen.add((voter, c))
            yield voter, c, 1 if rng.random() < 0.6 else -1
