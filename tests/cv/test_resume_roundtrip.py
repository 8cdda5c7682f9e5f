"""A JSON Resume in, and the site's JSON Resume of that person back out: every section the
file gives comes back with its values (dates to the precision they were stored at)."""

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from cv.models import with_profile_entries
from cv.resume import json_resume
from profiles.models import Researcher
from tests.cv.test_profile_import import CORPUS

pytestmark = pytest.mark.django_db
SOURCE = CORPUS / "alfolio_resume.json"


def exported() -> dict:
    call_command("import_profile", str(SOURCE), stdout=StringIO(), stderr=StringIO())
    person = with_profile_entries(Researcher.objects.public_members()).get()
    return json_resume(person, lambda path: f"https://example.org{path}")


def year(value: str) -> str:
    return value[:4]


def projection(resume: dict) -> dict:
    """What a round trip must keep, as comparable tuples."""
    basics = resume["basics"]
    # Not the e-mail address: the public resume leaves it out (cv/resume.py says why).
    # Nor the profile on this site, which the export adds.
    return {
        "basics": (basics["name"], basics["label"], basics["summary"]),
        "profiles": sorted(
            p["url"] for p in basics.get("profiles", []) if p["network"] != settings.SITE_NAME
        ),
        "work": sorted(
            (w["name"], w["position"], year(w["startDate"]), year(w.get("endDate", "")))
            for w in resume["work"]
        ),
        "volunteer": sorted((v["organization"], v["position"]) for v in resume["volunteer"]),
        "education": sorted(
            (e["institution"], e["area"], e["studyType"], year(e["startDate"]))
            for e in resume["education"]
        ),
        "awards": sorted(
            (
                a["title"],
                a.get("awarder", ""),
                year(a["date"]),
                a.get("url") or "",
                a.get("summary") or "",
            )
            for a in resume["awards"]
        ),
        "publications": sorted((p["name"], p["publisher"]) for p in resume["publications"]),
        "languages": sorted((x["language"], x["fluency"]) for x in resume["languages"]),
        "skills": sorted((x["name"], x["level"], tuple(x["keywords"])) for x in resume["skills"]),
        "certificates": sorted(
            (x["name"], x["issuer"], year(x["date"])) for x in resume["certificates"]
        ),
        "interests": sorted((x["name"], tuple(x["keywords"])) for x in resume["interests"]),
        "projects": sorted(x["name"] for x in resume["projects"]),
    }


def test_the_alfolio_resume_comes_back_out_with_every_section():
    source = json.loads(SOURCE.read_text())
    out = exported()
    assert projection(out) == projection(source)
    # Kept sections come back item for item; hidden ones (references) stay out.
    assert out["languages"] == source["languages"]
    assert "references" not in out
