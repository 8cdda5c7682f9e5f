import datetime
import xml.etree.ElementTree as ET

import pytest

from tests.factories import EventFactory, TalkFactory, TalkSpeakerFactory

pytestmark = pytest.mark.django_db
ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def entries(client) -> list[ET.Element]:
    response = client.get("/talks/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall("atom:entry", ATOM)


def titles(client) -> list[str]:
    return [entry.findtext("atom:title", namespaces=ATOM) for entry in entries(client)]


def test_feed_has_the_demo_talks_latest_date_first(client, demo):
    feed = entries(client)
    assert len(feed) == 10
    first = feed[0]
    assert first.findtext("atom:title", namespaces=ATOM).startswith(
        "Phenomenon-Driven Deep Learning Theory"
    )
    link = first.find("atom:link", ATOM).get("href")
    assert link == "http://testserver/talks/phenomenon-driven-deep-learning-theory/"
    assert first.findtext("atom:author/atom:name", namespaces=ATOM) == "Zhiwei Bai"
    summary = first.findtext("atom:summary", namespaces=ATOM)
    assert "2025-10-16, 16:10 to 17:00 (Asia/Shanghai)" in summary
    assert "the Embedding Principle" in summary


def test_feed_is_ordered_by_talk_date_not_by_entry_time(client):
    for title, day in [("Middle", 10), ("Oldest", 1), ("Newest", 20)]:
        TalkSpeakerFactory(talk=TalkFactory(title=title, date=datetime.date(2024, 6, day)))
    assert titles(client) == ["Newest", "Middle", "Oldest"]


@pytest.mark.parametrize("visibility", ["hidden", "draft"])
def test_feed_leaves_out_hidden_talks_and_talks_of_hidden_events(client, visibility):
    TalkFactory(title="Public talk")
    TalkFactory(title="Secret talk", visibility=visibility)
    TalkFactory(title="Talk at a secret event", event=EventFactory(visibility=visibility))
    assert titles(client) == ["Public talk"]


def test_talk_list_announces_the_feed_and_the_calendar(client):
    html = client.get("/talks/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/talks/feed/"' in html and 'href="/talks.ics"' in html
