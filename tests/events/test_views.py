import datetime
import json
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    EventFactory,
    OrganizationFactory,
    PublicationFactory,
    ResearcherFactory,
    TalkFactory,
    TalkHostFactory,
    TalkSpeakerFactory,
)

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
SEMINAR_URL = "/talks/phenomenon-driven-deep-learning-theory/"


def days_from_today(days: int) -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=days)


def talk_with_speaker(**values):
    talk = TalkFactory(**values)
    TalkSpeakerFactory(talk=talk, position=1)
    return talk


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def list_item(html: str, href: str) -> str:
    """The <li> of a list that links to href."""
    link = html.index(f'href="{href}"')
    return html[html.rindex("<li>", 0, link) : html.index("</li>", link)]


def test_talk_list_shows_upcoming_soonest_first_then_past_by_year_newest_first(client):
    later = talk_with_speaker(title="Upcoming later", date=days_from_today(20))
    sooner = talk_with_speaker(title="Upcoming sooner", date=days_from_today(2))
    recent = talk_with_speaker(title="Past recent", date=datetime.date(2024, 11, 5))
    older = talk_with_speaker(title="Past older", date=datetime.date(2023, 7, 1))
    html = client.get("/talks/").content.decode()
    positions = [html.index(talk.title) for talk in (sooner, later, recent, older)]
    assert positions == sorted(positions)
    assert html.index("<h3>2024</h3>") < html.index(recent.title) < html.index("<h3>2023</h3>")
    assert html.index("Upcoming</h2>") < html.index("Past talks</h2>")


def test_talk_list_shows_kind_speaker_session_with_its_conference_place_and_month(client, demo):
    item = list_item(
        client.get("/talks/").content.decode(), "/talks/connectivity-csiam-2024-poster/"
    )
    assert '<span class="badge">Poster</span>' in item
    assert "Zhiwei Bai" in item
    assert (
        "Student Forum, The 22nd Annual Meeting of the Chinese Society for Industrial and "
        "Applied Mathematics" in item
    )
    assert "Nanjing, China" in item
    assert '<time datetime="2024-10">Oct 2024</time>' in item


def test_talk_list_names_the_host_organization_of_a_talk_outside_events(client):
    talk = talk_with_speaker(host_organization=OrganizationFactory(name="Schlumberger"))
    html = client.get("/talks/").content.decode()
    assert talk.title in html and "Schlumberger" in html


def test_talk_list_says_so_when_there_are_no_talks(client):
    assert "No talks yet." in client.get("/talks/").content.decode()


def test_talk_list_pages_the_past_talks(client):
    for day in range(30):
        talk_with_speaker(title=f"Old talk {day:02}", date=datetime.date(2020, 1, 1 + day))
    first = client.get("/talks/").content.decode()
    second = client.get("/talks/?page=2").content.decode()
    assert "Old talk 29" in first and "Old talk 05" in first and "Old talk 04" not in first
    assert "Old talk 04" in second and "Old talk 00" in second and "Old talk 05" not in second
    assert 'href="?page=2"' in first


@pytest.mark.parametrize("page", ["3", "0", "next"])
def test_talk_list_page_out_of_range_is_not_found(client, page):
    for _ in range(30):
        talk_with_speaker(date=datetime.date(2020, 1, 1))
    assert client.get(f"/talks/?page={page}").status_code == 404


def add_talks(conference, count: int) -> None:
    """Talks on both sides of today, at the conference and in a session, two speakers each."""
    session = EventFactory(name="Poster session", parent=conference)
    for n in range(count):
        talk = TalkFactory(
            event=session if n % 2 else conference,
            date=days_from_today(n - count // 2),
            kind="poster" if n % 2 else "talk",
        )
        TalkSpeakerFactory(talk=talk, researcher=ResearcherFactory(is_member=True))
        TalkSpeakerFactory(talk=talk)


@pytest.mark.parametrize("page", ["talk list", "event page"])
def test_query_count_does_not_grow_with_talks(client, django_assert_num_queries, page):
    conference = EventFactory()
    url = "/talks/" if page == "talk list" else conference.get_absolute_url()
    add_talks(conference, 5)
    with CaptureQueriesContext(connection) as five_talks:
        assert client.get(url).status_code == 200
    add_talks(conference, 25)
    with django_assert_num_queries(len(five_talks.captured_queries)):
        assert client.get(url).status_code == 200


def test_talk_page_reads_like_the_seminar_announcement(client, demo):
    html = client.get(SEMINAR_URL).content.decode()
    for fact in [
        '<a href="/events/applied-math-phd-seminar/">Applied Math Ph.D. Seminar</a>',
        "Phenomenon-Driven Deep Learning Theory: From Implicit Regularization in Matrix "
        "Factorization to Loss Spike Mechanisms in Adam</h1>",
        '<dt>Speaker</dt>\n    <dd><a href="/people/zhiwei-bai/">Zhiwei Bai</a> '
        "(Shanghai Jiao Tong University)</dd>",
        "2025-10-16, 16:10 to 17:00 (Asia/Shanghai)",
        "Rm 1801, Guanghua East Tower",
        "<dt>Advisor</dt>\n    <dd>Yaoyu Zhang (Shanghai Jiao Tong University), "
        "Zhi-Qin John Xu (Shanghai Jiao Tong University)</dd>",
        "the Embedding Principle, which reveals an elegant inheritance relationship",
        'href="/talks/phenomenon-driven-deep-learning-theory.ics"',
        'href="/publications/adaptive-preconditioners-trigger-loss-spikes-in-adam/"',
        'href="/publications/embedding-principle-in-depth/"',
    ]:
        assert fact in html, fact


def test_talk_page_structured_data_describes_the_seminar(client, demo):
    data = json_ld(client.get(SEMINAR_URL).content.decode())
    assert data["@type"] == "Event"
    assert data["startDate"] == "2025-10-16T16:10:00+08:00"
    assert data["endDate"] == "2025-10-16T17:00:00+08:00"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {
        "@type": "Place",
        "name": "Rm 1801, Guanghua East Tower",
        "address": "Shanghai, China",
    }
    assert data["performer"] == [
        {
            "@type": "Person",
            "name": "Zhiwei Bai",
            "url": "http://testserver/people/zhiwei-bai/",
            "affiliation": {"@type": "Organization", "name": "Shanghai Jiao Tong University"},
        }
    ]
    assert data["superEvent"]["name"] == "Applied Math Ph.D. Seminar"
    assert data["url"] == f"http://testserver{SEMINAR_URL}"


def test_talk_page_names_the_organizers_and_the_conference_of_a_session(client, demo):
    html = client.get("/talks/connectivity-csiam-2024-poster/").content.decode()
    data = json_ld(html)
    assert data["superEvent"]["name"].startswith("Student Forum, The 22nd Annual Meeting")
    assert "Student Forum, The 22nd Annual Meeting" in html
    assert json_ld(client.get("/talks/connectivity-sjtu-ai-for-math-2025/").content.decode())[
        "organizer"
    ][0]["name"] == ("Shanghai Jiao Tong University")


def test_structured_data_cannot_close_its_script_element(client):
    talk = talk_with_speaker(title="Why </script><script>alert(1)</script> & <!-- fails")
    html = client.get(talk.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert json_ld(html)["name"] == talk.title


def test_month_precision_talk_shows_only_the_month(client, demo):
    html = client.get("/talks/implicit-regularization-data-connectivity-siam-2025/")
    html = html.content.decode()
    assert '<dt>Time</dt><dd><time datetime="2025-09">Sep 2025</time></dd>' in html
    data = json_ld(html)
    assert data["startDate"] == "2025-09" and "endDate" not in data


def test_talk_page_renders_math_in_title_and_abstract(client):
    talk = talk_with_speaker(title=r"Why $\beta_2$ matters", abstract=r"Step size $2/\eta$.")
    html = client.get(talk.get_absolute_url()).content.decode()
    heading = html[html.index("<h1>") : html.index("</h1>")]
    assert "<math" in heading and "$" not in heading
    assert html.count("<math") >= 2


def test_talk_page_links_slides_video_and_profiles_of_hosts(client):
    talk = talk_with_speaker(
        slides_url="https://example.org/slides.pdf", video_url="https://example.org/video"
    )
    host = ResearcherFactory(is_member=True, full_name="Host Member")
    TalkHostFactory(talk=talk, researcher=host, role="host")
    html = client.get(talk.get_absolute_url()).content.decode()
    assert 'href="https://example.org/slides.pdf"' in html
    assert 'href="https://example.org/video"' in html
    assert (
        f'<dt>Host</dt>\n    <dd><a href="{host.get_absolute_url()}">Host Member</a></dd>' in html
    )


def test_talk_page_lists_only_public_related_publications(client):
    talk = talk_with_speaker()
    talk.publications.add(
        PublicationFactory(title="Shown paper"),
        PublicationFactory(title="Draft paper", visibility="draft"),
    )
    html = client.get(talk.get_absolute_url()).content.decode()
    assert "Shown paper" in html and "Draft paper" not in html


@pytest.mark.parametrize("visibility", ["hidden", "draft"])
def test_hidden_talk_is_nowhere_on_the_pages(client, visibility):
    event = EventFactory()
    talk = talk_with_speaker(title="Secret talk", event=event, visibility=visibility)
    assert client.get(talk.get_absolute_url()).status_code == 404
    assert "Secret talk" not in client.get("/talks/").content.decode()
    assert "Secret talk" not in client.get(event.get_absolute_url()).content.decode()


@pytest.mark.parametrize("visibility", ["hidden", "draft"])
def test_talks_of_a_hidden_event_or_of_its_sessions_are_nowhere(client, visibility):
    conference = EventFactory(name="Secret conference", visibility=visibility)
    session = EventFactory(name="Open session", parent=conference)
    talks = [
        talk_with_speaker(title="Talk at the conference", event=conference),
        talk_with_speaker(title="Talk in the session", event=session),
    ]
    html = client.get("/talks/").content.decode()
    assert "Secret conference" not in html and "Open session" not in html
    for talk in talks:
        assert talk.title not in html
        assert client.get(talk.get_absolute_url()).status_code == 404
    assert client.get(conference.get_absolute_url()).status_code == 404
    assert client.get(session.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("visibility", ["hidden", "draft"])
def test_a_talk_of_a_sessions_session_of_a_hidden_event_is_nowhere(client, visibility):
    conference = EventFactory(visibility=visibility)
    workshop = EventFactory(name="Open workshop", parent=EventFactory(parent=conference))
    talk = talk_with_speaker(title="Talk in the workshop", event=workshop, date=days_from_today(3))
    for path in ("/", "/talks/", "/talks/feed/", "/talks.ics", "/sitemap.xml"):
        html = client.get(path).content.decode()
        assert talk.title not in html and talk.slug not in html, path
        assert workshop.name not in html and workshop.slug not in html, path
    for path in (talk.get_absolute_url(), f"/talks/{talk.slug}.ics"):
        assert client.get(path).status_code == 404, path
    for path in (workshop.get_absolute_url(), f"/events/{workshop.slug}.ics"):
        assert client.get(path).status_code == 404, path


def test_conference_page_lists_its_own_and_its_sessions_talks(client, demo):
    html = client.get("/events/csiam-2024/").content.decode()
    for fact in [
        "The 22nd Annual Meeting of the Chinese Society for Industrial and Applied Mathematics "
        "(CSIAM 2024)</h1>",
        "<dt>Place</dt><dd>Nanjing, China</dd>",
        "<dt>Dates</dt><dd>Oct 2024</dd>",
        "<dd>Chinese Society for Industrial and Applied Mathematics</dd>",
        '<a href="/events/csiam-2024-student-forum/">Student Forum</a>',
        'href="/talks/connectivity-csiam-2024-poster/"',
        'href="/events/csiam-2024.ics"',
    ]:
        assert fact in html, fact


def test_session_page_links_its_conference(client, demo):
    html = client.get("/events/csiam-2024-student-forum/").content.decode()
    assert 'Part of <a href="/events/csiam-2024/">The 22nd Annual Meeting' in html
    assert 'href="/talks/connectivity-csiam-2024-poster/"' in html


def test_event_page_shows_its_website(client, demo):
    html = client.get("/events/neurips-2024/").content.decode()
    assert '<a href="https://neurips.cc/Conferences/2024">' in html
    assert "(NeurIPS 2024)</h1>" in html


def test_series_page_splits_upcoming_from_past_talks(client):
    series = EventFactory(kind="seminar_series")
    talk_with_speaker(title="Next seminar", event=series, date=days_from_today(7))
    talk_with_speaker(title="Last seminar", event=series, date=days_from_today(-7))
    html = client.get(series.get_absolute_url()).content.decode()
    assert html.index("Upcoming talks") < html.index("Next seminar")
    assert html.index("Past talks") < html.index("Last seminar")


def test_event_page_hides_draft_sessions(client):
    conference = EventFactory()
    EventFactory(name="Draft session", parent=conference, visibility="draft")
    html = client.get(conference.get_absolute_url()).content.decode()
    assert "Draft session" not in html
    assert "No talks listed for this event yet." in html


def test_a_public_talk_of_a_draft_event_is_not_on_the_front_page_or_in_the_sitemap(client):
    draft = EventFactory(visibility="draft")
    talk = talk_with_speaker(title="Talk at a draft", event=draft, date=days_from_today(3))
    assert "Talk at a draft" not in client.get("/").content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert talk.slug not in sitemap and draft.slug not in sitemap


@pytest.mark.parametrize("visibility", ["hidden", "draft"])
def test_hidden_event_is_not_found(client, visibility):
    assert client.get(EventFactory(visibility=visibility).get_absolute_url()).status_code == 404
