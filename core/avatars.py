"""The placeholder for a person or group with no picture: their initials on a colour of
their own, drawn as inline SVG by templates/includes/_avatar.html (no request, no image
file, nothing the Content-Security-Policy has to allow)."""

import unicodedata
import zlib

# Background colours are classes in static/css/site.css (avatar-0 ... avatar-7), each dark
# enough for white initials at the contrast WCAG asks of large text, in both colour schemes.
HUES = 8


def _letters(word: str) -> str:
    return "".join(char for char in word if unicodedata.category(char).startswith("L"))


def initials(given: str = "", family: str = "", full: str = "") -> str:
    """Up to two letters: the given and family names' first, else the first and last words'
    of the full name; a name in a script with no capitals (白志威) gives its first
    character. "?" when there is no letter at all."""
    if _letters(given) and _letters(family):
        words = [given, family]
    else:
        words = [word for word in full.replace("-", " ").split() if _letters(word)]
        if len(words) > 2:
            words = [words[0], words[-1]]
    letters = "".join(_letters(word)[0] for word in words)
    return letters.upper() or "?"


def hue(name: str) -> int:
    """A stable colour number for ``name``: the same person has the same colour everywhere."""
    return zlib.crc32(name.encode()) % HUES
