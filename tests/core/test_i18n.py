"""The Chinese catalogue: complete, and compiled from what is committed."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(CATALOGUE))


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.percent_translated() == 100


def test_msgfmt_finds_no_untranslated_or_fuzzy_message():
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext is missing: make installs it (make gettext)"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=True,
    )
    # "218 translated messages." alone: msgfmt adds ", N fuzzy translations, M untranslated
    # messages" when there are any.
    assert "translated messages" in result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr


def test_the_committed_mo_is_compiled_from_the_po(catalogue):
    compiled = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    as_compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in compiled}
    as_written = {
        (e.msgctxt, e.msgid): (e.msgstr, {int(k): v for k, v in e.msgstr_plural.items()})
        for e in catalogue.translated_entries()
    }
    assert as_compiled.keys() - {(None, "")} == as_written.keys(), "run make messages"
    for key, (text, plural) in as_written.items():
        assert as_compiled[key][0] == text or as_compiled[key][1] == plural, key


def test_placeholders_survive_translation(catalogue):
    """A translation missing %(name)s would raise a KeyError, or drop the value, at render."""
    for entry in catalogue.translated_entries():
        for translation in [entry.msgstr, *entry.msgstr_plural.values()]:
            if not translation:
                continue
            for placeholder in ("%(count)s", "%(name)s", "%(text)s", "%(site_name)s"):
                if placeholder in entry.msgid:
                    assert placeholder in translation, (entry.msgid, translation)
