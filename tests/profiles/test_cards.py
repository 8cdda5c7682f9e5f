"""Members' cards are stored per language on write (profiles.cards): every change to what
a card shows renders it again, so the front page and the people list never show an old
card, and a list of members costs the same few queries however many there are."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import ContentVersion
from profiles import cards
from profiles.models import Organization, Position, Researcher, ResearcherCard
from tests.factories import OrganizationFactory, PositionFactory, ResearcherFactory

pytestmark = pytest.mark.django_db

PAGES = ("/", "/people/")
START = datetime.date(2020, 1, 1)


def card_of(html: str, name: str) -> str:
    """The card naming ``name`` on a page."""
    start = html.index(name)
    return html[html.rindex('<li class="card">', 0, start) : html.index("</li>\n", start)]


def shown(client, name: str, path: str = "/") -> str:
    """The card of ``name`` on the page, which must be their stored card as it is now, not
    one rendered for the request in its absence."""
    card = card_of(client.get(path).content.decode(), name)
    language = "zh-hans" if path.startswith("/zh-hans/") else "en"
    assert card.startswith(
        ResearcherCard.objects.get(researcher__full_name=name, language=language).html
    )
    return card


@pytest.fixture
def member():
    person = ResearcherFactory(full_name="Ada Member", is_member=True, headline="Student")
    PositionFactory(researcher=person, organization__name="Old University")
    return person


def test_a_members_card_is_stored_in_every_language(member):
    assert set(member.cards.values_list("language", flat=True)) == {"en", "zh-hans"}
    english = member.cards.get(language="en").html
    assert "Ada Member" in english and "Old University" in english


@pytest.mark.parametrize("path", PAGES)
def test_a_headline_edit_renders_the_card_again(client, member, path):
    assert "<p>Student</p>" in shown(client, "Ada Member", path)
    member.headline = "Postdoc"
    member.save()
    card = shown(client, "Ada Member", path)
    assert "<p>Postdoc</p>" in card and "Student" not in card


def test_the_chinese_headline_is_on_the_chinese_card_only(client, member):
    member.headline_zh_hans = "博士后"
    member.save()
    assert "<p>博士后</p>" in shown(client, "Ada Member", "/zh-hans/")
    assert "<p>Student</p>" in shown(client, "Ada Member", "/")


@pytest.mark.parametrize("path", PAGES)
def test_positions_added_ended_and_deleted_show_on_the_card(client, member, path):
    new = PositionFactory(researcher=member, organization__name="New Institute")
    assert "New Institute" in shown(client, "Ada Member", path)
    new.end_date = datetime.date(2022, 1, 1)
    new.save()
    assert "New Institute" not in shown(client, "Ada Member", path)
    Position.objects.get(organization__name="Old University").delete()
    assert "Old University" not in shown(client, "Ada Member", path)


def test_a_renamed_organization_renames_every_card_naming_it(client, member):
    organization = Organization.objects.get(name="Old University")
    other = ResearcherFactory(full_name="Bo Member", is_member=True)
    PositionFactory(researcher=other, organization=organization)
    organization.name = "Renamed University"
    organization.save()
    for name in ("Ada Member", "Bo Member"):
        assert "Renamed University" in shown(client, name)


def test_a_renamed_parent_organization_renames_the_cards_of_its_units(client):
    university = OrganizationFactory(name="Old University")
    school = OrganizationFactory(name="School of Maths", parent=university)
    person = ResearcherFactory(full_name="Cy Member", is_member=True)
    PositionFactory(researcher=person, organization=school)
    assert "School of Maths, Old University" in shown(client, "Cy Member")
    university.name = "New University"
    university.save()
    assert "School of Maths, New University" in shown(client, "Cy Member")


def test_a_position_that_ended_yesterday_leaves_the_card_at_midnight(client, member):
    """Stored while current, a position that ends is dropped by the day rule, not by any
    write: the card must be made again when the day turns."""
    today = datetime.date.today()
    assert "Old University" in shown(client, "Ada Member")
    Position.objects.filter(researcher=member).update(end_date=today - datetime.timedelta(days=1))
    assert "Old University" in member.cards.get(language="en").html  # stored before the end
    ContentVersion.objects.filter(pk=1).update(day=today - datetime.timedelta(days=1))
    assert "Old University" not in shown(client, "Ada Member")


def test_leaving_the_group_removes_the_card(member):
    member.is_member = False
    member.save()
    assert not ResearcherCard.objects.filter(researcher=member).exists()


def test_deleting_a_member_with_positions_leaves_no_card_behind(member):
    # Foreign keys are checked at commit, which a test's transaction never reaches.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    member.delete()
    assert not ResearcherCard.objects.exists()


def test_a_member_written_past_the_signals_still_has_a_card(client):
    organization = OrganizationFactory(name="Bulk University")
    (person,) = Researcher.objects.bulk_create(
        [Researcher(full_name="Cy Bulk", slug="cy-bulk", is_member=True)]
    )
    Position.objects.bulk_create(
        [
            Position(
                researcher=person, organization=organization, start_date=datetime.date(2020, 1, 1)
            )
        ]
    )
    assert not ResearcherCard.objects.filter(researcher=person).exists()
    assert "Bulk University" in client.get("/").content.decode()  # rendered for the request
    call_command("render_cards", stdout=io.StringIO())
    assert "Bulk University" in person.cards.get(language="en").html
    assert "Bulk University" in shown(client, "Cy Bulk", "/people/")


def test_the_stored_card_is_the_template_rendered_now(member):
    stored = member.cards.get(language="en").html
    cards.render_all()
    assert member.cards.get(language="en").html == stored
    assert stored.startswith('<li class="card">') and stored.rstrip().endswith("</ul>")


@pytest.mark.parametrize("path", PAGES)
def test_member_lists_cost_the_same_queries_for_3_or_30_members(client, path):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path)["X-Cache"] == "miss"
        return len(captured)

    for _ in range(3):
        PositionFactory(researcher=ResearcherFactory(is_member=True))
    few = queries()
    for _ in range(27):
        PositionFactory(researcher=ResearcherFactory(is_member=True))
    assert queries() == few
