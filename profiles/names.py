"""Is this printed author name one of our researchers? Pure functions, no ORM.

A name is compared as a family name and the given names' parts, with case, diacritics,
dots and hyphens ignored, so "Z.-Q. J. Xu", "Zhiqin Xu" and "Zhi-Qin John Xu" are one
person: the family names agree, the initials of one are in order among the other's
(z, q, j), and where both spell a given name in full, the spellings agree (zhiqin).
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class NameForm:
    family: str
    parts: tuple[str, ...]  # given-name parts, hyphenated names split: zhi, qin, john
    joined: str  # the first given name with its hyphen parts joined: zhiqin

    @property
    def initials(self) -> tuple[str, ...]:
        return tuple(part[0] for part in self.parts)


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=100_000)  # an import compares each known spelling many times
def name_form(name: str) -> NameForm | None:
    """'Zhi-Qin John Xu' or 'Xu, Zhi-Qin John' -> NameForm('xu', ('zhi', 'qin', 'john'))."""
    name = fold(name)
    if "," in name:
        family, _, given = name.partition(",")
    else:
        words = name.split()
        if not words:
            return None
        family, given = words[-1], " ".join(words[:-1])
    family_words = WORD.findall(family)
    if not family_words:
        return None
    first_given = given.split()[0] if given.split() else ""
    return NameForm(
        family="".join(family_words),
        parts=tuple(WORD.findall(given)),
        joined="".join(WORD.findall(first_given)),
    )


def _in_order(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    remaining = iter(long)
    return all(any(item == other for other in remaining) for item in short)


def same_person(a: NameForm, b: NameForm) -> bool:
    if a.family != b.family:
        return False
    if not a.parts or not b.parts:
        return True  # a family name alone ("Euclid", a corporate name) matches itself
    shorter, longer = sorted((a.initials, b.initials), key=len)
    if shorter[0] != longer[0] or not _in_order(shorter, longer):
        return False
    # Where both spell the first given name out, the spellings agree (hyphens ignored).
    return not (len(a.parts[0]) > 1 and len(b.parts[0]) > 1 and a.joined != b.joined)


def matches(name: str, people: list[tuple[object, list[str]]]) -> list[object]:
    """The people (each given with all their name spellings) this name can be."""
    form = name_form(name)
    if form is None:
        return []
    exact = fold(" ".join(name.split()))
    exact_hits = [
        person for person, names in people if any(fold(" ".join(n.split())) == exact for n in names)
    ]
    if exact_hits:
        return exact_hits
    found = []
    for person, names in people:
        forms = [f for f in (name_form(n) for n in names) if f is not None]
        if any(same_person(form, other) for other in forms):
            found.append(person)
    return found
