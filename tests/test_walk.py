"""Every public URL and API endpoint, walked twice: once for a hidden record's name, once
for script that users typed into every field that reaches a page, feed, API or export."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from core.models import Visibility
from tests import factories as f

pytestmark = pytest.mark.django_db

SECRET = "Quokkaquest"
PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
MARKDOWN_PAYLOAD = f"{PAYLOAD} [click](javascript:alert(1)) <a href='javascript:alert(2)'>a</a>"


def urls(member="ann", paper="paper", talk="talk", event="event"):
    pages = [
        "/", "/people/", f"/people/{member}/", f"/people/{member}/cv/", "/publications/",
        f"/publications/?author={member}", f"/publications/{paper}/", "/talks/",
        f"/talks/{talk}/", f"/events/{event}/", f"/search/?q={SECRET}", "/search/?q=alert",
        "/publications/feed/", f"/publications/feed/{member}/", "/talks/feed/", "/sitemap.xml",
        "/talks.ics", f"/talks/{talk}.ics", f"/events/{event}.ics",
        "/publications.bib", "/publications.ris", "/publications.json",
        f"/publications/{paper}.bib", f"/publications/{paper}.ris", f"/publications/{paper}.json",
        f"/people/{member}/publications.bib", f"/people/{member}/publications.ris",
        f"/people/{member}/publications.json", f"/people/{member}/resume.json",
        f"/people/{member}/talks.ics", f"/people/{member}/network/", "/network/",
        f"/experts/?q={SECRET}", "/experts/?q=alert", "/experts/?q=plain",
        f"/people/{member}/collaborators.csv", f"/people/{member}/collaborators.xlsx",
    ]  # fmt: skip
    # The pages again in Chinese, showing the Chinese fields (build_site fills them too).
    chinese = [
        f"/zh-hans{page}" for page in (
            "/", "/people/", f"/people/{member}/", f"/people/{member}/cv/", "/publications/",
            f"/publications/{paper}/", "/talks/", f"/talks/{talk}/", f"/events/{event}/",
            f"/search/?q={SECRET}", "/search/?q=alert", "/publications/feed/", "/talks/feed/",
        )
    ]  # fmt: skip
    api = [
        "/api/v1/researchers/", f"/api/v1/researchers/{member}/",
        f"/api/v1/researchers/{member}/publications/", f"/api/v1/researchers/{member}/talks/",
        "/api/v1/publications/", f"/api/v1/publications/{paper}/", "/api/v1/talks/",
        f"/api/v1/talks/{talk}/", "/api/v1/events/", f"/api/v1/events/{event}/",
        "/api/v1/venues/", "/api/v1/organizations/", f"/api/v1/publications/?q={SECRET}",
        f"/api/v1/talks/?q={SECRET}",
        "/api/v1/publications/?format=bibtex", "/api/v1/publications/?format=csljson",
        f"/api/v1/publications/{paper}/?format=bibtex", "/api/v1/talks/?format=ics",
        "/api/v1/publications/?format=ris", f"/api/v1/researchers/{member}/?format=resume",
        "/api/v1/grants/", f"/api/v1/grants/?investigator={member}",
        f"/api/v1/grants/?publication={paper}",
    ]  # fmt: skip
    return pages + chinese + api


def build_site(text: str, markdown: str, hidden_text: str | None = None):
    """A member with every kind of entry, a paper, a talk and an event, with ``text`` in
    every plain field and ``markdown`` in every Markdown field."""
    org = f.OrganizationFactory(name=f"Org {text}", city=text)
    venue = f.VenueFactory(name=f"Venue {text}", short_name="V", publisher=text)
    ann = f.ResearcherFactory(
        slug="ann", is_member=True, full_name=f"Ann {text}", native_name=text, headline=text,
        bio=markdown, interests_intro=markdown, office=text, name_variants=[text],
        headline_zh_hans=text, bio_zh_hans=markdown, interests_intro_zh_hans=markdown,
    )  # fmt: skip
    paper = f.PublicationFactory(
        slug="paper", title=f"Paper {text}", abstract=markdown, venue=venue, venue_detail=text,
        note=text, keywords=[text], volume="1", pages="1-2",
    )  # fmt: skip
    f.AuthorshipFactory(publication=paper, researcher=ann, position=1, printed_name=f"A {text}")
    event = f.EventFactory(slug="event", name=f"Event {text}", description=markdown, city=text)
    talk = f.TalkFactory(
        slug="talk", title=f"Talk {text}", abstract=markdown, room=text, event=event,
        title_zh_hans=f"报告 {text}", abstract_zh_hans=markdown,
    )  # fmt: skip
    f.TalkSpeakerFactory(talk=talk, researcher=ann, affiliation=text)
    f.TalkHostFactory(talk=talk, affiliation=text)
    f.PositionFactory(researcher=ann, organization=org, title=text)
    f.EducationFactory(researcher=ann, institution=org, thesis_title=text, rank_note=text)
    interest = f.ResearchInterestFactory(researcher=ann, title=text)
    interest.publications.add(paper)
    f.AwardFactory(researcher=ann, title=text, distinction=text, issuer=org)
    f.ServiceFactory(researcher=ann, role=text, description=text, organization=org)
    f.TeachingFactory(researcher=ann, course=text, organization=org)
    f.ProjectMemberFactory(
        researcher=ann,
        project=f.ProjectFactory(
            title=text, description=markdown, title_zh_hans=text, description_zh_hans=markdown
        ),
    )
    f.ProfileSectionFactory(
        researcher=ann,
        title=f"Section {text}",
        body=markdown,
        title_zh_hans=f"栏目 {text}",
        body_zh_hans=markdown,
    )
    grant = f.GrantFactory(
        title=f"Grant {text}", funder_name=f"Funder {text}", award_number=text, description=markdown
    )
    f.GrantInvestigatorFactory(grant=grant, researcher=ann)
    grant.publications.add(paper)
    f.MembershipFactory(researcher=ann)
    if hidden_text:
        hidden = Visibility.HIDDEN
        secret = f.PublicationFactory(title=hidden_text, visibility=hidden)
        f.AuthorshipFactory(publication=secret, researcher=ann, position=1)
        f.ResearcherFactory(is_member=True, full_name=hidden_text, visibility=hidden)
        f.TalkFactory(
            title=hidden_text, title_zh_hans=hidden_text, visibility=Visibility.DRAFT, event=event
        )
        f.EventFactory(name=hidden_text, visibility=hidden)
        f.ProfileSectionFactory(
            researcher=ann, title=hidden_text, title_zh_hans=hidden_text, visibility=hidden
        )
        f.PositionFactory(researcher=ann, organization=org, title=hidden_text, visibility=hidden)
        f.EducationFactory(
            researcher=ann, institution=org, thesis_title=hidden_text, visibility=hidden
        )
        topic = f.ResearchInterestFactory(researcher=ann, title=hidden_text, visibility=hidden)
        sub = f.ResearchInterestFactory(researcher=ann, parent=topic, title=f"{hidden_text} sub")
        f.ResearchInterestFactory(researcher=ann, parent=sub, title=f"{hidden_text} subsub")
        f.AwardFactory(researcher=ann, title=hidden_text, visibility=hidden)
        f.ServiceFactory(researcher=ann, role=hidden_text, organization=org, visibility=hidden)
        f.TeachingFactory(researcher=ann, course=hidden_text, organization=org, visibility=hidden)
        f.ProjectMemberFactory(
            researcher=ann, project=f.ProjectFactory(title=hidden_text, visibility=hidden)
        )
        secret_grant = f.GrantFactory(title=hidden_text, visibility=hidden)
        f.GrantInvestigatorFactory(grant=secret_grant, researcher=ann)
        secret_grant.publications.add(paper)
        f.GrantInvestigatorFactory(
            grant=grant,
            researcher=f.ResearcherFactory(full_name=f"{hidden_text} PI", visibility=hidden),
        )
        grant.publications.add(secret)
        unpublished_events(ann, hidden_text)
        hidden_people(ann, paper, talk, org, hidden_text)


def unpublished_events(ann, hidden_text: str) -> None:
    """Public talks, a session and a session's session, each under a draft or hidden event,
    and an award and a service naming a hidden event (and a hidden talk and paper)."""
    draft = f.EventFactory(name=f"{hidden_text} draft", visibility=Visibility.DRAFT)
    conference = f.EventFactory(name=f"{hidden_text} conference", visibility=Visibility.HIDDEN)
    session = f.EventFactory(name=f"{hidden_text} session", parent=conference)
    workshop = f.EventFactory(name=f"{hidden_text} workshop", parent=session)
    soon = datetime.date.today() + datetime.timedelta(days=30)
    for event in (draft, conference, session, workshop):
        # Upcoming, so the front page would list them too.
        talk = f.TalkFactory(title=f"{hidden_text} talk at {event.name}", event=event, date=soon)
        f.TalkSpeakerFactory(talk=talk, researcher=ann)
        f.ParticipationFactory(researcher=ann, event=event)
    hidden_talk = f.TalkFactory(title=hidden_text, visibility=Visibility.HIDDEN)
    hidden_paper = f.PublicationFactory(title=hidden_text, visibility=Visibility.HIDDEN)
    f.AwardFactory(
        researcher=ann, title="Prize", event=workshop, talk=hidden_talk, publication=hidden_paper
    )
    f.AwardFactory(researcher=ann, title="Best talk", talk=session.talks.get())
    f.ServiceFactory(researcher=ann, role="Referee", venue=None, event=conference)
    f.ServiceFactory(researcher=ann, role="Chair", venue=None, event=workshop)


def hidden_people(ann, paper, talk, org, hidden_text: str) -> None:
    """A hidden advisor and instructor, and a hidden co-author and co-speaker whose
    full name the paper and the talk print but whose other names stay private."""
    hidden = Visibility.HIDDEN
    education = f.EducationFactory(researcher=ann, institution=org)
    education.advisors.add(
        f.ResearcherFactory(full_name=f"{hidden_text} Advisor", visibility=hidden)
    )
    f.TeachingFactory(
        researcher=ann,
        organization=org,
        instructor=f.ResearcherFactory(full_name=f"{hidden_text} Instructor", visibility=hidden),
    )
    shy = f.ResearcherFactory(
        full_name="Shy Coauthor",
        native_name=hidden_text,
        name_variants=[f"{hidden_text} S."],
        visibility=hidden,
    )
    f.AuthorshipFactory(publication=paper, researcher=shy, position=2)
    f.TalkSpeakerFactory(talk=talk, researcher=shy)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_of(response) -> str:
    """The body as text; a spreadsheet's cells, as its zipped XML hides them."""
    if response["Content-Type"] == XLSX:
        sheets = load_workbook(io.BytesIO(response.content))
        return "\n".join(
            str(cell) for sheet in sheets for row in sheet.values for cell in row if cell
        )
    return response.content.decode()


@pytest.fixture(scope="class")
def hidden_site(class_rows):
    with class_rows():
        build_site("plain", "plain", hidden_text=SECRET)


@pytest.fixture(scope="class")
def typed_site(class_rows):
    with class_rows():
        build_site(PAYLOAD, MARKDOWN_PAYLOAD)


# Each class's tests read one site, made once for them (class_rows).
@pytest.mark.usefixtures("hidden_site")
class TestHiddenRecords:
    @pytest.mark.parametrize("path", urls())
    def test_no_hidden_record_anywhere(self, client, path):
        response = client.get(path)
        assert response.status_code == 200, path
        body = text_of(response)
        plain = path.removeprefix("/zh-hans")
        if f"q={SECRET}" in path:
            # Not even a record whose text hides the word, such as a hidden person's other names.
            if plain.startswith("/search/"):
                assert "Nothing matches" in body or "没有与" in body
            elif plain.startswith("/experts/"):
                assert "No member works on" in body
            else:
                assert '"count":0' in body
        if plain.startswith(("/search/", "/experts/")):
            # The search page repeats what was asked; it must find nothing to highlight (but
            # the public member's own words, asked for).
            assert "<mark>" not in body or path.endswith("q=plain")
            body = body.replace(f"q={SECRET}", "").replace(f"Search: {SECRET}", "")
            body = body.replace(f"搜索：{SECRET}", "")
            body = body.replace(f"Experts: {SECRET}", "")
            body = body.replace(f'value="{SECRET}"', "").replace(f"“{SECRET}”", "")
        # Lower case too: slugs in links and the sitemap are made from the names.
        assert SECRET.lower() not in body.lower()


HTML_TYPES = ("text/html", "application/xhtml")


@pytest.mark.usefixtures("typed_site")
class TestTypedScript:
    @pytest.mark.parametrize("path", urls())
    def test_typed_script_never_runs(self, client, path):
        response = client.get(path)
        assert response.status_code == 200, path
        body = text_of(response)
        content_type = response["Content-Type"]
        if content_type.startswith(HTML_TYPES) or "xml" in content_type:
            # Pages and feeds: the payload is text, escaped, wherever it lands.
            assert "<script>alert" not in body
            assert "<img src=x" not in body
            # No live link to javascript: (escaped text such as "&lt;a href=..." is harmless).
            assert not re.search(r"""<a\b[^>]*\shref=["']?\s*javascript:""", body, re.IGNORECASE)
            assert "&lt;script&gt;alert" in body or "alert" not in body
        else:
            # JSON, BibTeX, CSL-JSON and iCalendar are data: never served as something a
            # browser would render, and never sniffed as HTML.
            assert response["X-Content-Type-Options"] == "nosniff"
            assert not content_type.startswith(HTML_TYPES)
