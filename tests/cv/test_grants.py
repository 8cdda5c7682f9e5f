"""Grants: the model's checks, who may edit them, the pages and the API that show them (a
hidden grant, paper or person never), and their imports from an ORCID record's fundings
and a Crossref record's funders, through a mocked transport.

orcid_fundings_record.json is the recorded record (orcid_record.json) with a fundings
section written in ORCID's v3.0 shape: two summaries of one grant, the preferred one with a
FUNDREF-disambiguated funder, a grant number and a "part-of" programme number; a salary
award of a ROR-disambiguated funder; a summary with no funder name. crossref_funded.json
is the recorded Crossref work under a test DOI (10.5555/...) with a ``funder`` list as
Crossref gives it: a Funder Registry DOI and awards, repeated ones among them; a funder
with no DOI; one with no award; a DOI that is no funder's; broken entries.
"""

import datetime
import json
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Visibility
from cv.models import Grant, GrantInvestigator
from cv.orcid import Orcid, parse_record
from cv.orcid_import import import_orcid
from publications.importer import Importer
from publications.models import Publication
from publications.records import FundingRef
from publications.sources import Crossref, crossref_funding
from tests import factories as f
from tests.publications.test_sources import replay
from tests.test_admin import admin_url, management_form
from tests.test_invalidation import emptied, warm
from tests.test_roles import build_site

pytestmark = pytest.mark.django_db

RECORDED = Path(__file__).parent / "recorded"
ORCID_ID = "0000-0002-1825-0097"
NSFC = "National Natural Science Foundation of China"


@pytest.fixture
def site(db):
    """test_roles' two members and their records, the accounts these tests sign in with;
    made for each test, as these tests make grants of their own beside them."""
    return build_site()


def orcid_record():
    return json.loads((RECORDED / "orcid_fundings_record.json").read_text())


def funded_site():
    """Ann, a member, holds a public grant with Bob (public) and Shy (hidden), which funded
    a public and a hidden paper; a hidden grant of Ann's funded the public paper too."""
    ann = f.ResearcherFactory(slug="ann", full_name="Ann Lee", is_member=True)
    bob = f.ResearcherFactory(slug="bob", full_name="Bob Stone", is_member=True)
    shy = f.ResearcherFactory(full_name="Shy Quokka", visibility=Visibility.HIDDEN)
    paper = f.PublicationFactory(slug="paper", title="Spectral bias")
    f.AuthorshipFactory(publication=paper, researcher=ann, position=1)
    secret_paper = f.PublicationFactory(title="Secret quokka paper", visibility=Visibility.HIDDEN)
    grant = f.GrantFactory(
        title="Deep learning theory",
        award_number="12371511",
        amount="500000",
        currency="CNY",
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    f.GrantInvestigatorFactory(grant=grant, researcher=ann, order=0)
    f.GrantInvestigatorFactory(
        grant=grant, researcher=bob, order=1, role=GrantInvestigator.Role.CO_INVESTIGATOR
    )
    f.GrantInvestigatorFactory(grant=grant, researcher=shy, order=2)
    grant.publications.add(paper, secret_paper)
    hidden = f.GrantFactory(title="Quokka hidden grant", visibility=Visibility.HIDDEN)
    f.GrantInvestigatorFactory(grant=hidden, researcher=ann)
    hidden.publications.add(paper)
    return {"ann": ann, "bob": bob, "shy": shy, "paper": paper, "grant": grant}


# The model


def test_a_funder_id_is_kept_as_its_digits_from_a_doi_or_its_url():
    grant = Grant(funder_name=NSFC, funder_id="https://doi.org/10.13039/501100001809")
    grant.full_clean()
    assert grant.funder_id == "501100001809"
    assert grant.funder_doi == "10.13039/501100001809"


@pytest.mark.parametrize(
    ("field", "value"),
    [("funder_id", "10.1000/182"), ("funder_id", "50110000"), ("funder_ror_id", "ror-12345")],
)
def test_an_id_that_is_no_funders_is_refused(field, value):
    with pytest.raises(ValidationError) as error:
        Grant(funder_name=NSFC, **{field: value}).full_clean()
    assert field in error.value.message_dict


def test_an_amount_needs_a_currency_and_an_end_its_start():
    grant = Grant(
        funder_name=NSFC,
        amount=100,
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2023, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        grant.full_clean()
    assert "An amount needs a currency." in error.value.messages
    assert "The end cannot be before the start." in error.value.messages


def test_a_funders_award_number_is_one_grant_whatever_the_case_of_its_name():
    f.GrantFactory(funder_name=NSFC, award_number="12371511")
    with pytest.raises(ValidationError, match="already a grant here"):
        Grant(funder_name=NSFC.upper(), award_number="12371511").full_clean()
    Grant(funder_name=NSFC, award_number="").full_clean()  # unnumbered: any number of them


# Pages


def test_the_profile_lists_its_grants_with_the_others_on_them_and_a_menu_entry(client):
    funded = funded_site()
    html = client.get("/people/ann/").content.decode()

    assert '<a href="#grants">Grants</a>' in html
    assert '<section id="grants"><h2>Grants</h2>' in html
    assert "Principal investigator: <cite>Deep learning theory</cite>" in html
    assert f"{NSFC} 12371511" in html
    assert "Funder ID 501100001809" in html
    assert "500,000 CNY" in html
    assert 'With: <a href="/people/bob/">Bob Stone</a> (co-investigator).' in html
    assert f'<a href="{funded["paper"].get_absolute_url()}">Spectral bias</a>' in html
    for secret in ("Quokka", "Secret quokka paper"):
        assert secret not in html


def test_the_cv_lists_the_grants_and_a_profile_without_any_has_no_section(client):
    funded_site()
    assert "<cite>Deep learning theory</cite>" in client.get("/people/ann/cv/").content.decode()
    nobody = f.ResearcherFactory(slug="carol", is_member=True)
    html = client.get(nobody.get_absolute_url()).content.decode()
    assert 'id="grants"' not in html and "#grants" not in html


def test_the_paper_page_names_its_funding_never_a_hidden_grant_or_person(client):
    funded = funded_site()
    html = client.get(funded["paper"].get_absolute_url()).content.decode()

    assert '<section id="funding"><h2>Funding</h2>' in html
    assert "<cite>Deep learning theory</cite>" in html
    assert '<a href="/people/ann/">Ann Lee</a> (principal investigator)' in html
    assert "Quokka" not in html


def test_profile_and_paper_queries_do_not_grow_with_grants(client, django_assert_max_num_queries):
    funded = funded_site()
    urls = ("/people/ann/", "/people/ann/cv/", funded["paper"].get_absolute_url())
    counted = {}
    for url in urls:
        with CaptureQueriesContext(connection) as one:
            client.get(url)
        counted[url] = len(one)
    for n in range(4):
        grant = f.GrantFactory(title=f"More {n}")
        f.GrantInvestigatorFactory(grant=grant, researcher=funded["ann"])
        f.GrantInvestigatorFactory(grant=grant, researcher=f.ResearcherFactory(is_member=True))
        grant.publications.add(funded["paper"], f.PublicationFactory())
        grant.projects.add(f.ProjectFactory())
    for url in urls:
        with django_assert_max_num_queries(counted[url]):
            assert "More 3" in client.get(url).content.decode()


def test_a_grant_edit_retires_its_peoples_and_papers_pages_only(client):
    funded = funded_site()
    carol = f.ResearcherFactory(slug="carol", is_member=True)
    pages = {
        "ann": "/people/ann/",
        "ann_cv": "/people/ann/cv/",
        "bob": "/people/bob/",
        "paper": funded["paper"].get_absolute_url(),
        "grants": "/api/v1/grants/",
        "carol": carol.get_absolute_url(),
    }
    warm(client, pages)
    funded["grant"].title = "Renamed grant"
    funded["grant"].save()

    assert emptied(client, pages) == {"ann", "ann_cv", "bob", "paper", "grants"}
    assert "Renamed grant" in client.get("/people/bob/").content.decode()


# The API


def test_the_api_lists_public_grants_with_public_people_and_papers(client):
    funded = funded_site()
    body = client.get("/api/v1/grants/").json()

    assert [grant["title"] for grant in body["results"]] == ["Deep learning theory"]
    grant = body["results"][0]
    assert grant["funder"] == {
        "name": NSFC,
        "ror_id": "",
        "funder_id": "501100001809",
        "doi": "10.13039/501100001809",
    }
    assert (grant["amount"], grant["currency"], grant["period"]) == (
        "500000.00",
        "CNY",
        "2024 – 2027",
    )
    assert [(i["researcher"]["slug"], i["role"]) for i in grant["investigators"]] == [
        ("ann", "pi"),
        ("bob", "co-i"),
    ]
    assert [p["slug"] for p in grant["publications"]] == [funded["paper"].slug]
    assert "Quokka" not in json.dumps(body)


def test_the_api_filters_grants_and_refuses_what_it_does_not_know(client):
    funded = funded_site()
    other = f.GrantFactory(title="Other funder's", funder_name="NSF", funder_id="100000001")
    f.GrantInvestigatorFactory(grant=other, researcher=funded["bob"])

    def titles(query):
        return [g["title"] for g in client.get(f"/api/v1/grants/?{query}").json()["results"]]

    assert titles("investigator=ann") == ["Deep learning theory"]
    assert sorted(titles("investigator=bob")) == ["Deep learning theory", "Other funder's"]
    assert titles("funder_id=100000001") == ["Other funder's"]
    assert titles(f"publication={funded['paper'].slug}") == ["Deep learning theory"]
    assert client.get("/api/v1/grants/?investigator=nobody").status_code == 404
    assert client.get("/api/v1/grants/?colour=red").status_code == 400


def test_a_hidden_grant_has_no_api_detail_and_a_public_one_has(client):
    funded = funded_site()
    hidden = Grant.objects.get(title="Quokka hidden grant")
    assert client.get(f"/api/v1/grants/{hidden.pk}/").status_code == 404
    assert client.get("/api/v1/grants/not-a-number/").status_code == 404
    detail = client.get(f"/api/v1/grants/{funded['grant'].pk}/").json()
    assert detail["title"] == "Deep learning theory"


def test_a_researcher_in_the_api_has_their_public_grants_and_role(client):
    funded_site()
    body = client.get("/api/v1/researchers/ann/").json()
    assert [(g["role"], g["grant"]["title"]) for g in body["grants"]] == [
        ("pi", "Deep learning theory")
    ]


# The admin


def grant_form(title, investigators):
    data = {
        "kind": Grant.Kind.GRANT,
        "title": title,
        "funder_name": NSFC,
        "funder_id": "10.13039/501100001809",
        "date_precision": "year",
        "visibility": "public",
        **management_form("investigator_links", total=len(investigators)),
    }
    for n, researcher in enumerate(investigators):
        data[f"investigator_links-{n}-order"] = str(n)
        data[f"investigator_links-{n}-researcher"] = str(researcher.pk)
        data[f"investigator_links-{n}-role"] = GrantInvestigator.Role.PRINCIPAL
    return data


def test_an_editor_adds_a_grant_with_its_investigators(client, site):
    client.force_login(site["accounts"]["editor"])
    alice, bob = site["own"]["profiles.researcher"], site["other"]["profiles.researcher"]

    response = client.post(admin_url(Grant, "add"), grant_form("Shared", [alice, bob]))

    assert response.status_code == 302
    grant = Grant.objects.get(title="Shared")
    assert grant.funder_id == "501100001809"
    assert set(grant.investigators.all()) == {alice, bob}
    assert client.get(admin_url(Grant, "change", grant.pk)).status_code == 200


def test_a_member_stays_among_a_grants_investigators(client, site):
    client.force_login(site["accounts"]["member"])
    alice, bob = site["own"]["profiles.researcher"], site["other"]["profiles.researcher"]

    refused = client.post(admin_url(Grant, "add"), grant_form("Not mine", [bob]))
    accepted = client.post(admin_url(Grant, "add"), grant_form("Ours", [alice, bob]))

    assert refused.status_code == 200
    assert "Keep yourself among the investigators" in refused.content.decode()
    assert not Grant.objects.filter(title="Not mine").exists()
    assert accepted.status_code == 302
    assert Grant.objects.get(title="Ours").investigators.filter(pk=alice.pk).exists()


def test_a_researchers_form_has_their_grants_and_periods_inline(client, site):
    alice = site["own"]["profiles.researcher"]
    url = admin_url(type(alice), "change", alice.pk)

    def inlines(part):
        page = client.get(f"{url}?part={part}")
        return {i.formset.prefix: i for i in page.context["inline_admin_formsets"]}

    for role, writable in (("editor", True), ("member", False)):
        client.force_login(site["accounts"][role])
        grants = inlines("research")["grant_roles"]
        assert grants.formset.queryset.get().grant.title == "Grant of Alice"
        periods = inlines("career")["memberships"]
        assert periods.formset.queryset.count() == 1
        # Who is in the group, and since when, is the group's record: a member reads it.
        assert periods.has_change_permission is writable
        assert periods.has_add_permission is writable


# Imports: ORCID fundings


def test_orcid_fundings_are_read_one_per_group_the_preferred_summary():
    record = parse_record(orcid_record())

    first, fellowship = record.fundings
    assert (first.put_code, first.type, first.title) == (
        880001,
        "grant",
        "Theory of deep learning through its phenomena",
    )
    assert (first.funder, first.funder_id, first.funder_ror_id) == (NSFC, "501100001809", "")
    assert first.award_number == "12371511"  # not the programme it is part of
    assert (first.start.year, first.start.month, first.end.year) == (2024, 1, 2027)
    assert (fellowship.type, fellowship.funder_ror_id, fellowship.award_number) == (
        "salary-award",
        "0220qvk04",
        "",
    )
    skipped = [str(notice) for notice in record.skipped_items]
    assert any("funding 880004" in s and "name is missing" in s for s in skipped)


def test_an_orcid_import_files_the_fundings_as_the_researchers_grants_once():
    known = f.GrantFactory(funder_name=NSFC.upper(), funder_id="", award_number="12371511")
    record = Orcid(replay((200, (RECORDED / "orcid_fundings_record.json").read_bytes()))).record(
        ORCID_ID
    )

    report = import_orcid(record)

    assert report.created["grants"] == [
        "Shanghai Jiao Tong University: Doctoral fellowship"
    ]  # the NSFC grant was known: linked, not made again
    links = GrantInvestigator.objects.filter(researcher__orcid=ORCID_ID).order_by("orcid_put_code")
    assert [(link.grant_id == known.pk, link.orcid_put_code, link.role) for link in links] == [
        (True, 880001, GrantInvestigator.Role.INVESTIGATOR),
        (False, 880003, GrantInvestigator.Role.INVESTIGATOR),
    ]
    fellowship = links[1].grant
    assert (fellowship.kind, fellowship.funder_ror_id, fellowship.start_date) == (
        Grant.Kind.SALARY_AWARD,
        "0220qvk04",
        datetime.date(2022, 9, 1),
    )
    assert "0 grants" not in report.summary() and "1 grants" in report.summary()

    again = import_orcid(record)
    assert again.created["grants"] == [] and len(again.unchanged["grants"]) == 2
    assert Grant.objects.count() == 2


def test_a_dry_run_of_an_orcid_import_leaves_no_grant():
    record = parse_record(orcid_record())
    report = import_orcid(record, dry_run=True)
    assert len(report.created["grants"]) == 2
    assert not Grant.objects.exists()


# Imports: Crossref funders


def test_crossrefs_funder_list_is_read_as_funders_and_their_awards():
    work = json.loads((RECORDED / "crossref_funded.json").read_text())["message"]

    assert crossref_funding(work["funder"]) == [
        FundingRef(NSFC, "501100001809", ("12371511", "12101401")),
        FundingRef(
            "Shanghai Municipal Science and Technology Major Project", "", ("2021SHZDZX0102",)
        ),
        FundingRef("National Science Foundation", "100000001", ()),
        FundingRef("Somebody Else", "", ()),
    ]
    assert crossref_funding(None) == [] and crossref_funding({"name": "x"}) == []


def crossref_paper_import(**kwargs):
    source = Crossref(replay((200, (RECORDED / "crossref_funded.json").read_bytes())))
    entry = source.entry("10.5555/funded-example")
    return Importer(source="crossref", **kwargs), entry


def test_a_crossref_import_links_the_paper_to_its_grants_once():
    known = f.GrantFactory(funder_name="NSFC", funder_id="501100001809", award_number="12101401")
    importer, entry = crossref_paper_import()
    importer.run([entry])
    paper = Publication.objects.get(doi="10.5555/funded-example")

    assert paper.doi == "10.5555/funded-example"
    assert set(paper.grants.values_list("funder_name", "award_number")) == {
        (NSFC, "12371511"),
        ("NSFC", "12101401"),  # known by its Funder ID: linked, not made again
        ("Shanghai Municipal Science and Technology Major Project", "2021SHZDZX0102"),
        ("National Science Foundation", ""),
        ("Somebody Else", ""),
    }
    assert known.publications.get() == paper
    count = Grant.objects.count()

    importer, entry = crossref_paper_import()
    importer.run([entry])
    assert Grant.objects.count() == count
    assert paper.grants.count() == 5


def test_a_dry_run_of_a_crossref_import_leaves_no_grant():
    importer, entry = crossref_paper_import()
    importer.run([entry], dry_run=True)
    assert not Grant.objects.exists()


def test_a_work_without_funders_makes_no_grant():
    importer, entry = crossref_paper_import()
    importer.run([replace(entry, funding=[])])
    assert not Grant.objects.exists()
