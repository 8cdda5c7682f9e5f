"""Which venue a paper's journal or booktitle names: venue names compared after
normalisation, the built-in aliases of the common venues (venue_aliases.toml), and
al-folio's ``_data/venues.yml`` (abbreviation -> url, color)."""

import re
import tomllib
from functools import cache
from pathlib import Path

import yaml

from profiles.names import fold

ALIASES_FILE = Path(__file__).with_name("venue_aliases.toml")
# "Proceedings of the", "Proc.", years (2023, '23), ordinals (37th, Thirty-Seventh): what
# a venue's name carries for one year's meeting and not for the venue.
_PROCEEDINGS = re.compile(r"^\s*(proceedings|proc\.?)\s+(of\s+)?(the\s+)?", re.I)
_YEAR = re.compile(r"(?<![\w])(1[89]\d\d|2\d\d\d|'\d\d)(?![\w])")
_ORDINAL = re.compile(
    r"\b(\d+(st|nd|rd|th)|(twenty|thirty|forty|fifty|sixty)?-?"
    r"(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth"
    r"|twentieth|thirtieth|fortieth|fiftieth))\b"
)
# "Advances in Neural Information Processing Systems 36": a volume, stripped only for the
# built-in table ("Journal of Examples 2" and "... 3" may well be two journals).
_TRAILING_NUMBER = re.compile(r"\s\d{1,3}$")
_PARENS = re.compile(r"\(([^()]*)\)")


def venue_key(name: str) -> str:
    """'Proceedings of the 40th International Conference on Machine Learning (ICML 2023)'
    -> 'international conference on machine learning icml'."""
    text = _PROCEEDINGS.sub("", fold(name))
    text = _ORDINAL.sub(" ", _YEAR.sub(" ", text))
    text = " ".join(re.sub(r"[\W_]+", " ", text).replace("&", " and ").split())
    text = re.sub(r"\band\b", " ", text)
    return " ".join(text.split())


def venue_keys(name: str) -> list[str]:
    """The keys a name is looked up by, best first: the whole name, without its
    parenthesised part, and that part alone ("(NeurIPS)")."""
    keys = [venue_key(name), venue_key(_PARENS.sub(" ", name))]
    keys += [venue_key(inside) for inside in _PARENS.findall(name)]
    return [key for key in dict.fromkeys(keys) if key]


def builtin_venue(keys: list[str]) -> dict | None:
    """The built-in table's row for the first of these keys it knows, a trailing volume
    number ignored."""
    table = builtin_venues()
    for key in keys:
        for candidate in (key, _TRAILING_NUMBER.sub("", key)):
            if candidate in table:
                return table[candidate]
    return None


@cache
def builtin_venues() -> dict[str, dict]:
    """Each built-in venue's keys (name, short name, aliases) -> its table row."""
    table = {}
    for row in tomllib.loads(ALIASES_FILE.read_text(encoding="utf-8"))["venue"]:
        for name in (row["name"], row["short_name"], *row["aliases"]):
            table.setdefault(venue_key(name), row)
    return table


class VenuesFileError(ValueError):
    pass


def read_venues_yml(text: str) -> dict[str, str]:
    """al-folio's ``_data/venues.yml``: abbreviation -> url ("" when it gives none). Its
    colors are the site's theme, not the venue's, and are not kept."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise VenuesFileError(f"not YAML: {str(error).splitlines()[0]}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise VenuesFileError("expected abbreviations, each with a url and a color")
    venues = {}
    for abbr, values in data.items():
        values = values if isinstance(values, dict) else {}
        url = values.get("url")
        venues[str(abbr).strip()] = url.strip() if isinstance(url, str) else ""
    return venues
