import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    AuthorshipFactory,
    EventFactory,
    PositionFactory,
    PublicationFactory,
    ResearcherFactory,
    TalkFactory,
    TalkSpeakerFactory,
    author_of_many,
)

pytestmark = pytest.mark.django_db


def test_home_lists_the_demo_members_and_links_to_the_admin(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/people/zhiwei-bai/"' in html
    assert "白志威" in html
    assert 'href="/people/mingze-wang/"' in html
    assert 'href="/admin/"' in html
    assert "Adaptive Preconditioners Trigger Loss Spikes in Adam" in html


def test_home_says_what_to_do_when_there_are_no_members(client):
    response = client.get("/")
    assert "No members yet" in response.content.decode()


def test_home_hides_hidden_and_draft_members(client):
    ResearcherFactory(full_name="Visible Member", is_member=True)
    ResearcherFactory(full_name="Hidden Member", is_member=True, visibility="hidden")
    ResearcherFactory(full_name="Draft Member", is_member=True, visibility="draft")
    html = client.get("/").content.decode()
    assert "Visible Member" in html
    assert "Hidden Member" not in html and "Draft Member" not in html


def test_home_query_count_does_not_grow_with_members(client, django_assert_max_num_queries):
    for _ in range(25):
        member = ResearcherFactory(is_member=True)
        PositionFactory(researcher=member)
        AuthorshipFactory(researcher=member)
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200


def home_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_home_queries_do_not_depend_on_members_or_papers_and_count_nothing(client):
    for _ in range(2):
        author_of_many(ResearcherFactory(is_member=True), 2)
    few = home_queries(client)
    for _ in range(6):
        member = ResearcherFactory(is_member=True)
        PositionFactory(researcher=member)
        author_of_many(member, 40)
    many = home_queries(client)
    assert len(few) == len(many)
    # Paper counts are stored when papers change (cv.models.ResearcherFigures), so the
    # page aggregates over no authorships.
    assert not [sql for sql in many if "COUNT(" in sql.upper()]
    assert "40 papers" in client.get("/").content.decode()


def test_home_news_reads_no_field_left_out_of_its_queries(client):
    """The front page reads only some columns of its papers and talks: a field read past
    them would cost a query per item shown, so more papers and talks in the news cost no
    more queries."""
    parent = EventFactory(name="Annual Meeting")

    def add(july_papers: int, january_papers: int, talks: int, upcoming: int) -> None:
        for month, count in ((7, july_papers), (1, january_papers)):
            for _ in range(count):
                PublicationFactory(arxiv_date=datetime.date(2024, month, 1))
        for _ in range(talks):
            TalkFactory(event=EventFactory(parent=parent))
        for _ in range(upcoming):
            talk = TalkFactory(
                date=datetime.date.today() + datetime.timedelta(days=30),
                start=timezone.now() + datetime.timedelta(days=30),
                timezone="Asia/Shanghai",
            )
            TalkSpeakerFactory(talk=talk, researcher=ResearcherFactory(full_name="Ada Speaker"))

    add(1, 0, 1, 1)
    one = home_queries(client)
    # The news: three papers of July, then three talks of June.
    add(2, 7, 5, 3)
    many = home_queries(client)
    assert len(one) == len(many)
    html = client.get("/").content.decode()
    news = html.split('<ul class="news">')[1].split("</ul>")[0]
    assert news.count("Published in Journal of Examples") == 3
    assert news.count(", Annual Meeting: <a href=") == 3
    talks = html.split('<ul class="talks">')[1].split("</ul>")[0]
    assert talks.count("Ada Speaker · ") == 4 and talks.count("(Asia/Shanghai)") == 4


def test_sitemap_lists_public_pages_only(client, demo):
    from publications.models import Publication

    Publication.objects.filter(arxiv_id="2506.04805").update(visibility="hidden")
    xml = client.get("/sitemap.xml").content.decode()
    assert "/people/zhiwei-bai/" in xml
    assert "/publications/embedding-principle-in-depth/" in xml
    assert "/talks/phenomenon-driven-deep-learning-theory/" in xml
    assert "adaptive-preconditioners-trigger-loss-spikes-in-adam" not in xml
    assert "/people/yaoyu-zhang/" not in xml


def test_robots_points_to_the_sitemap_and_keeps_out_of_the_admin(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_not_found_page_uses_the_site_design(client):
    response = client.get("/people/nobody-here/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_pages_announce_their_feeds(client, demo):
    home = client.get("/").content.decode()
    assert (
        'type="application/atom+xml" title="Deep Learning Theory Group: publications" '
        'href="/publications/feed/"' in home
    )
    assert 'href="/talks/feed/"' in home
    profile = client.get("/people/zhiwei-bai/").content.decode()
    assert 'href="/publications/feed/zhiwei-bai/"' in profile
