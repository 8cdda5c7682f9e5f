"""Membership over time: a researcher's periods in the group, the alumni they make on the
people list (with their years), the profile's "In the group", and the marks on a paper's
authors who were members when it appeared; the demo's periods, from the seeds."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import DatePrecision, Visibility
from profiles.models import Membership
from tests import factories as f
from tests.test_invalidation import emptied, warm

pytestmark = pytest.mark.django_db

DAY, MONTH, YEAR = DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR


def period(start, end=None, precision=DAY):
    return Membership(
        role=Membership.Role.PHD, start_date=start, end_date=end, date_precision=precision
    )


@pytest.mark.parametrize(
    ("membership", "day", "precision", "covered"),
    [
        # A paper of 2022 counts for a member who joined in September 2022...
        (period(datetime.date(2022, 9, 1)), datetime.date(2022, 1, 1), YEAR, True),
        # ...but one of 3 March 2022 does not.
        (period(datetime.date(2022, 9, 1)), datetime.date(2022, 3, 3), DAY, False),
        # A month-precise period covers the whole month it ends in.
        (
            period(datetime.date(2019, 9, 1), datetime.date(2023, 6, 1), MONTH),
            datetime.date(2023, 6, 28),
            DAY,
            True,
        ),
        (
            period(datetime.date(2019, 9, 1), datetime.date(2023, 6, 1), MONTH),
            datetime.date(2023, 7, 2),
            DAY,
            False,
        ),
        (period(datetime.date(2019, 9, 1)), datetime.date(2030, 1, 1), DAY, True),  # ongoing
    ],
)
def test_a_period_covers_a_day_at_the_coarser_precision(membership, day, precision, covered):
    assert membership.covers(day, precision) is covered


def test_a_period_gives_its_years_and_refuses_an_end_before_its_start():
    assert period(datetime.date(2019, 9, 1), datetime.date(2023, 6, 1)).years == "2019–2023"
    assert period(datetime.date(2021, 9, 1)).years == "2021–present"
    assert period(datetime.date(2021, 1, 1), datetime.date(2021, 6, 1)).years == "2021"
    bad = period(datetime.date(2021, 1, 1), datetime.date(2020, 1, 1))
    bad.researcher = f.ResearcherFactory()
    with pytest.raises(ValidationError, match="The end cannot be before the start"):
        bad.full_clean()


def people_with_periods():
    """Ann is still in the group; Ben left in 2023; Cy is an alumnus by role, with no
    period on record; Dee left but is hidden."""
    ann = f.ResearcherFactory(full_name="Ann Now", is_member=True)
    f.MembershipFactory(researcher=ann, start_date=datetime.date(2021, 9, 1))
    ben = f.ResearcherFactory(full_name="Ben Gone", is_member=True, role="phd")
    f.MembershipFactory(
        researcher=ben,
        role=Membership.Role.MASTERS,
        start_date=datetime.date(2016, 9, 1),
        end_date=datetime.date(2018, 6, 30),
    )
    f.MembershipFactory(
        researcher=ben, start_date=datetime.date(2018, 9, 1), end_date=datetime.date(2023, 6, 30)
    )
    cy = f.ResearcherFactory(full_name="Cy Role", is_member=True, role="alumnus")
    dee = f.ResearcherFactory(full_name="Dee Quokka", is_member=True, visibility="hidden")
    f.MembershipFactory(
        researcher=dee, start_date=datetime.date(2010, 1, 1), end_date=datetime.date(2012, 1, 1)
    )
    return ann, ben, cy


def test_the_people_list_shows_former_members_as_alumni_with_their_years(client):
    people_with_periods()
    html = client.get("/people/").content.decode()

    members, alumni = html.split("<h2>Alumni</h2>")
    assert "Ann Now" in members and "Ben Gone" not in members
    assert "Ben Gone" in alumni and "In the group 2016–2018, 2018–2023" in alumni
    assert "Cy Role" in alumni
    assert "Quokka" not in html


def test_the_people_list_queries_do_not_grow_with_members(client, django_assert_max_num_queries):
    people_with_periods()
    with CaptureQueriesContext(connection) as few:
        client.get("/people/")
    for n in range(6):
        person = f.ResearcherFactory(is_member=True)
        f.MembershipFactory(researcher=person, start_date=datetime.date(2010 + n, 9, 1))
        f.MembershipFactory(
            researcher=person,
            start_date=datetime.date(2000, 1, 1),
            end_date=datetime.date(2001, 1, 1),
        )
    with django_assert_max_num_queries(len(few)):
        client.get("/people/")


def test_the_profile_lists_the_periods_in_the_group_and_its_menu_names_them(client):
    _, ben, _ = people_with_periods()
    html = client.get(ben.get_absolute_url()).content.decode()

    assert '<a href="#group">In the group</a>' in html
    assert "<li>Sep 2016 – Jun 2018: Master&#x27;s student</li>" in html
    assert "<li>Sep 2018 – Jun 2023: PhD student</li>" in html


def test_a_paper_marks_the_authors_who_were_members_when_it_appeared(client):
    ann, ben, _ = people_with_periods()
    outsider = f.ResearcherFactory(full_name="Out Sider")
    paper = f.PublicationFactory(year=2022, date=None, arxiv_date=datetime.date(2020, 5, 1))
    for position, person in enumerate((ann, ben, outsider), start=1):
        f.AuthorshipFactory(publication=paper, researcher=person, position=position)
    mark = '<sup title="a member of the group when the paper appeared">†</sup>'

    html = client.get(paper.get_absolute_url()).content.decode()

    # It appeared on arXiv in May 2020: Ben was a member, Ann (from September 2021) not yet.
    assert f"Ben Gone</a>{mark}" in html
    assert f"Ann Now</a>{mark}" not in html and f"Out Sider{mark}" not in html
    assert "† a member of the group when the paper appeared" in html


def test_a_paper_without_members_of_the_time_has_no_mark_and_no_legend(client):
    ann, _, _ = people_with_periods()
    paper = f.PublicationFactory(year=2019, date=None, arxiv_date=None)
    f.AuthorshipFactory(publication=paper, researcher=ann, position=1)
    hidden = f.ResearcherFactory(full_name="Hid Den", visibility=Visibility.HIDDEN)
    f.MembershipFactory(researcher=hidden, start_date=datetime.date(2015, 1, 1))
    f.AuthorshipFactory(publication=paper, researcher=hidden, position=2)

    html = client.get(paper.get_absolute_url()).content.decode()

    assert "†" not in html


def test_a_new_period_retires_the_persons_pages_the_list_and_their_papers(client):
    ann, _, _ = people_with_periods()
    carol = f.ResearcherFactory(is_member=True)
    paper = f.PublicationFactory()
    f.AuthorshipFactory(publication=paper, researcher=ann, position=1)
    pages = {
        "ann": ann.get_absolute_url(),
        "people": "/people/",
        "paper": paper.get_absolute_url(),
        "carol": carol.get_absolute_url(),
    }
    warm(client, pages)
    f.MembershipFactory(researcher=ann, start_date=datetime.date(2015, 1, 1))
    assert emptied(client, pages) == {"ann", "people", "paper"}


def test_the_demo_gives_the_members_the_periods_their_pages_state(demo):
    periods = {
        (m.researcher.slug, m.role, m.start_date, m.end_date, m.date_precision)
        for m in Membership.objects.select_related("researcher")
    }
    assert periods == {
        ("zhiwei-bai", "phd", datetime.date(2022, 9, 1), None, YEAR),
        ("mingze-wang", "phd", datetime.date(2021, 9, 1), None, MONTH),
    }
