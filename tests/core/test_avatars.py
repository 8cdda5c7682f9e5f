import pytest

from core.avatars import HUES, hue, initials


@pytest.mark.parametrize(
    ("given", "family", "full", "expected"),
    [
        ("Zhiwei", "Bai", "Zhiwei Bai", "ZB"),
        ("Zhi-Qin John", "Xu", "Zhi-Qin John Xu", "ZX"),
        ("", "", "Weinan E", "WE"),
        ("", "", "Jean-Pierre Serre", "JS"),  # hyphens split words
        ("", "", "Ludwig van der Waerden", "LW"),  # first and last word
        ("", "", "Plato", "P"),
        ("", "", "白志威", "白"),
        ("", "", "élodie durand", "ÉD"),
        ("", "", "  (—) 42 ", "?"),  # no letter at all
        ("", "", "", "?"),
    ],
)
def test_initials(given, family, full, expected):
    assert initials(given, family, full) == expected


def test_a_name_has_one_colour_everywhere_and_names_spread_over_them():
    assert hue("Zhiwei Bai") == hue("Zhiwei Bai")
    assert {hue(f"Person {n}") for n in range(200)} == set(range(HUES))
