"""The NSF COA collaborators table (cv.collaborators): co-authors of the last 48 months with
their affiliation and last active year, advisors and advisees, as .csv and .xlsx."""

import copy
import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from core.models import Visibility
from cv.collaborators import affiliations, collaborators, window_start
from profiles.models import Position
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def paper_with(member, *people, **fields):
    paper = f.PublicationFactory(**fields)
    for position, person in enumerate([member, *people], start=1):
        f.AuthorshipFactory(publication=paper, researcher=person, position=position)
    return paper


def make_ann():
    """Ann, a member, with co-authors in and out of the 48 months, an advisor, an advisee,
    and hidden records of each kind."""
    ann = f.ResearcherFactory(
        full_name="Ann Ash", given_name="Ann", family_name="Ash", slug="ann", is_member=True
    )
    uni = f.OrganizationFactory(name="Shanghai Jiao Tong University")
    school = f.OrganizationFactory(name="School of Mathematics", parent=uni)
    zoe = f.ResearcherFactory(full_name="Zoe Zhu", given_name="Zoe", family_name="Zhu")
    f.PositionFactory(researcher=zoe, organization=school, title="Professor")
    f.PositionFactory(
        researcher=zoe,
        organization=f.OrganizationFactory(name="Old Place"),
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2019, 1, 1),
    )
    f.PositionFactory(
        researcher=zoe,
        organization=f.OrganizationFactory(name="Secret Lab"),
        visibility=Visibility.HIDDEN,
        start_date=TODAY,
    )
    bo = f.ResearcherFactory(full_name="Bo Li", given_name="", family_name="")
    old = f.ResearcherFactory(full_name="Olga Old", given_name="Olga", family_name="Old")
    ghost = f.ResearcherFactory(full_name="Gus Ghost", visibility=Visibility.HIDDEN)
    hush = f.ResearcherFactory(full_name="Hal Hush", given_name="Hal", family_name="Hush")
    paper_with(ann, zoe, bo, year=TODAY.year, date=TODAY - datetime.timedelta(days=30))
    paper_with(ann, zoe, year=TODAY.year - 3)  # known by year only, inside the window
    paper_with(ann, old, year=TODAY.year - 6, date=datetime.date(TODAY.year - 6, 1, 1))
    # Published long ago, but on arXiv within the window: a collaboration of the window.
    paper_with(
        ann,
        bo,
        year=TODAY.year - 5,
        date=datetime.date(TODAY.year - 5, 1, 1),
        arxiv_date=TODAY - datetime.timedelta(days=400),
    )
    paper_with(ann, ghost, year=TODAY.year)
    paper_with(ann, hush, year=TODAY.year, visibility=Visibility.HIDDEN)
    advisor = f.ResearcherFactory(full_name="Ada Advisor", given_name="Ada", family_name="Advisor")
    degree = f.EducationFactory(researcher=ann, end_date=datetime.date(2022, 6, 30))
    degree.advisors.add(advisor)
    secret_degree = f.EducationFactory(researcher=ann, visibility=Visibility.HIDDEN)
    secret_degree.advisors.add(f.ResearcherFactory(full_name="Sid Secret"))
    student = f.ResearcherFactory(
        full_name="Tom Tan", given_name="Tom", family_name="Tan", is_member=True
    )
    f.EducationFactory(researcher=student, end_date=None).advisors.add(ann)
    return ann


@pytest.fixture(scope="class")
def shared_ann(class_rows):
    with class_rows():
        return make_ann()


@pytest.fixture
def ann(shared_ann, db):
    return copy.deepcopy(shared_ann)


def test_the_window_is_48_months():
    assert window_start(datetime.date(2026, 12, 1)) == datetime.date(2022, 12, 1)
    assert window_start(datetime.date(2024, 3, 31)) == datetime.date(2020, 3, 28)


def test_the_demo_members_tables(client, demo):
    zhiwei = client.get("/people/zhiwei-bai/collaborators.csv").content.decode("utf-8-sig")
    assert 'G:,"Xu, Zhi-Qin John",Shanghai Jiao Tong University' in zhiwei
    assert 'A:,"Zhang, Yaoyu",Shanghai Jiao Tong University' in zhiwei
    mingze = client.get("/people/mingze-wang/collaborators.csv").content.decode("utf-8-sig")
    assert 'A:,"E, Weinan",Peking University' in mingze


# The tests reading ann: its rows made once for them (class_rows).
class TestCollaboratorsOfAnn:
    def test_the_table_lists_each_type_then_names_as_the_form_sorts(self, ann):
        rows = [
            (row.kind, row.name, row.affiliation, row.last_active) for row in collaborators(ann)
        ]
        assert rows == [
            ("G:", "Advisor, Ada", "", 2022),
            ("T:", "Tan, Tom", "", None),
            ("A:", "Li, Bo", "", TODAY.year),
            # The current public position, not the past or the hidden one; with its parent.
            ("A:", "Zhu, Zoe", "School of Mathematics, Shanghai Jiao Tong University", TODAY.year),
        ]

    def test_a_coauthor_of_the_window_edge(self, ann):
        inside = f.ResearcherFactory(full_name="In Side", given_name="In", family_name="Side")
        outside = f.ResearcherFactory(full_name="Out Side", given_name="Out", family_name="Side")
        start = window_start(TODAY)
        paper_with(ann, inside, year=start.year, date=start)
        paper_with(ann, outside, year=start.year, date=start - datetime.timedelta(days=1))
        names = [row.name for row in collaborators(ann)]
        assert "Side, In" in names
        assert "Side, Out" not in names

    def test_the_csv_has_the_header_and_rows(self, client, ann):
        response = client.get("/people/ann/collaborators.csv")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "ann-collaborators.csv" in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == [
            "Table",
            "Type",
            "Name",
            "Organizational affiliation",
            "Last active",
            "Relationship",
        ]
        assert rows[1] == ["3", "G:", "Advisor, Ada", "", "2022", "Graduate advisor"]
        assert rows[-1][:5] == [
            "4",
            "A:",
            "Zhu, Zoe",
            "School of Mathematics, Shanghai Jiao Tong University",
            str(TODAY.year),
        ]
        body = response.content.decode("utf-8-sig")
        for hidden in ("Gus Ghost", "Ghost", "Hush", "Secret", "Old"):
            assert hidden not in body

    def test_the_xlsx_holds_the_same_rows(self, client, ann):
        response = client.get("/people/ann/collaborators.xlsx")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [[cell if cell is not None else "" for cell in row] for row in sheet.values]
        text = list(
            csv.reader(
                io.StringIO(client.get("/people/ann/collaborators.csv").content.decode("utf-8-sig"))
            )
        )
        assert [[str(cell) for cell in row] for row in values] == text

    def test_a_name_like_a_formula_stays_text(self, client, ann):
        sly = f.ResearcherFactory(
            full_name="=HYPERLINK(1)", given_name="", family_name="=HYPERLINK(1)"
        )
        paper_with(ann, sly, year=TODAY.year)
        body = client.get("/people/ann/collaborators.csv").content.decode("utf-8-sig")
        assert "'=HYPERLINK(1)" in body

    def test_only_members_with_a_public_profile_have_one(self, client, ann):
        assert client.get("/people/nobody/collaborators.csv").status_code == 404
        assert client.get("/people/nobody/collaborators.xlsx").status_code == 404
        ann.visibility = Visibility.HIDDEN
        ann.save()
        assert client.get("/people/ann/collaborators.csv").status_code == 404

    def test_the_admin_offers_it_on_the_researchers_page(self, admin_client, ann):
        ann.visibility = Visibility.DRAFT  # not public yet: the editor still gets the table
        ann.save()
        page = admin_client.get(f"/admin/profiles/researcher/{ann.pk}/change/").content.decode()
        url = f"/admin/profiles/researcher/{ann.pk}/collaborators.xlsx"
        assert url in page
        response = admin_client.get(url)
        assert response.status_code == 200
        assert load_workbook(io.BytesIO(response.content)).active["C2"].value == "Advisor, Ada"
        assert (
            admin_client.get(f"/admin/profiles/researcher/{ann.pk}/collaborators.pdf").status_code
            == 404
        )
        assert (
            admin_client.get("/admin/profiles/researcher/999999/collaborators.csv").status_code
            == 404
        )

    def test_someone_without_rights_gets_no_table(self, client, ann):
        response = client.get(f"/admin/profiles/researcher/{ann.pk}/collaborators.csv")
        assert response.status_code == 302  # to the login page

    def test_positions_sorted_as_ongoing_first(self, ann):
        # A second current position elsewhere, started later: the ongoing one with the latest
        # start is the affiliation.
        zoe = Position.objects.get(title="Professor").researcher
        f.PositionFactory(
            researcher=zoe,
            organization=f.OrganizationFactory(name="New Institute"),
            start_date=datetime.date(2024, 1, 1),
        )
        assert [r.affiliation for r in collaborators(ann) if r.name == "Zhu, Zoe"] == [
            "New Institute"
        ]

    def test_a_coauthors_new_position_retires_the_cached_table(self, client, ann):
        client.get("/people/ann/collaborators.csv")
        assert client.get("/people/ann/collaborators.csv")["X-Cache"] == "hit"
        position = Position.objects.get(title="Professor")
        position.organization = f.OrganizationFactory(name="Moved Institute")
        position.save()
        response = client.get("/people/ann/collaborators.csv")
        assert "Moved Institute" in response.content.decode("utf-8-sig")


def test_undated_current_positions_give_the_first_listed_as_the_affiliation(db):
    """Three ongoing, undated affiliations tie on every date: the profile's first wins,
    whatever order the rows were written in."""
    person = f.ResearcherFactory()
    for order, name in [(3, "Third Institute"), (1, "First University"), (2, "Second Lab")]:
        f.PositionFactory(
            researcher=person,
            order=order,
            start_date=None,
            kind=Position.Kind.AFFILIATION,
            organization=f.OrganizationFactory(name=name),
        )
    assert affiliations([person.pk]) == {person.pk: "First University"}
