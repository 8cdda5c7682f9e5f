"""What each endpoint returns on the demo site: the shape other programs rely on."""

import pytest

pytestmark = pytest.mark.django_db

PAGE_KEYS = {"count", "pages", "next", "previous", "results"}


def test_root_lists_every_resource(demo, get):
    body = get("/api/v1/").json()
    assert set(body) == {
        "researchers",
        "publications",
        "talks",
        "events",
        "venues",
        "organizations",
        "grants",
    }


def test_researchers_are_the_members(demo, get):
    body = get("/api/v1/researchers/").json()
    assert set(body) == PAGE_KEYS
    assert body["count"] == 2
    slugs = [r["slug"] for r in body["results"]]
    assert slugs == ["zhiwei-bai", "mingze-wang"]
    bai = body["results"][0]
    assert bai["native_name"] == "白志威"
    assert bai["url"] == "http://testserver/api/v1/researchers/zhiwei-bai/"
    assert bai["html_url"] == "http://testserver/people/zhiwei-bai/"
    assert bai["publications"] == "http://testserver/api/v1/researchers/zhiwei-bai/publications/"
    assert bai["talks"] == "http://testserver/api/v1/researchers/zhiwei-bai/talks/"
    assert "email" not in bai  # shown obfuscated on the page; never handed to scrapers


def test_researcher_detail_nests_the_profile(demo, get):
    body = get("/api/v1/researchers/zhiwei-bai/").json()
    # The demo has no citation data: what the site cannot compute is null, not zero.
    assert body["metrics"] == {
        "papers": 10,
        "citations": None,
        "h_index": None,
        "i10_index": None,
        "coauthors": body["metrics"]["coauthors"],
        "citations_synced": False,
    }
    assert body["metrics"]["coauthors"] > 5
    assert body["positions"][0]["organization"]["slug"] == "sjtu-sms"
    education = body["education"]
    assert {e["degree"] for e in education} >= {"phd", "bachelors"}
    advisors = {a["name"] for e in education for a in e["advisors"] if a}
    assert {"Yaoyu Zhang", "Zhi-Qin John Xu"} <= advisors
    interests = body["interests"]
    roots = [i for i in interests if i["parent"] is None]
    children = [i for i in interests if i["parent"] is not None]
    assert roots and children
    assert {i["parent"] for i in children} <= {i["id"] for i in interests}
    assert body["teaching"] and body["teaching"][0]["role"] == "ta"
    assert body["projects"][0]["members"]
    assert body["sections"]
    assert "publications" in body and isinstance(body["publications"], str)


def test_interests_cite_public_papers(demo, get):
    interests = get("/api/v1/researchers/mingze-wang/").json()["interests"]
    theory = next(i for i in interests if i["title"] == "Deep learning theory")
    assert len(theory["publications"]) == 8
    assert theory["publications"][0]["url"].startswith("http://testserver/api/v1/publications/")


def test_awards_keep_amount_and_currency(demo, get):
    awards = get("/api/v1/researchers/mingze-wang/").json()["awards"]
    bicmr = next(a for a in awards if a["title"].startswith("BICMR Mathematical Award"))
    assert (bicmr["amount"], bicmr["currency"]) == ("110000.00", "CNY")


def test_publication_carries_ordered_authors_with_flags(demo, get):
    body = get("/api/v1/publications/adaptive-preconditioners-trigger-loss-spikes-in-adam/").json()
    authors = body["authors"]
    assert [a["position"] for a in authors] == list(range(1, len(authors) + 1))
    first = authors[0]
    assert first["name"] == "Zhiwei Bai"
    assert first["equal_contribution"] is True
    assert first["researcher"]["url"] == "http://testserver/api/v1/researchers/zhiwei-bai/"
    xu = next(a for a in authors if a["name"] == "Zhi-Qin John Xu")
    assert xu["corresponding"] is True
    # A co-author without a profile is named and has a slug, but no links.
    assert xu["researcher"]["slug"] and xu["researcher"]["url"] is None
    assert xu["researcher"]["html_url"] is None
    assert body["arxiv_id"] == "2506.04805"
    assert body["arxiv_url"] == "https://arxiv.org/abs/2506.04805"
    assert body["pdf_url"] == "https://arxiv.org/pdf/2506.04805"


def test_talk_times_are_in_the_talks_own_zone(demo, get):
    body = get("/api/v1/talks/phenomenon-driven-deep-learning-theory/").json()
    assert body["start"] == "2025-10-16T16:10:00+08:00"
    assert body["end"] == "2025-10-16T17:00:00+08:00"
    assert body["timezone"] == "Asia/Shanghai"
    assert body["room"] == "Rm 1801, Guanghua East Tower"
    assert body["speakers"][0]["name"] == "Zhiwei Bai"
    assert {h["role"] for h in body["hosts"]} == {"advisor"}
    assert body["event"]["slug"] == "applied-math-phd-seminar"


def test_event_links_its_talks(demo, get):
    event = get("/api/v1/events/applied-math-phd-seminar/").json()
    assert event["talks"] == "http://testserver/api/v1/talks/?event=applied-math-phd-seminar"
    talks = get(event["talks"].removeprefix("http://testserver")).json()
    assert [t["slug"] for t in talks["results"]] == ["phenomenon-driven-deep-learning-theory"]


def test_venues_and_organizations(demo, get):
    venues = get("/api/v1/venues/").json()["results"]
    assert {"slug", "url", "name", "short_name", "kind", "publisher", "issn", "homepage"} == set(
        venues[0]
    )
    orgs = get("/api/v1/organizations/?page_size=100").json()["results"]
    sms = next(o for o in orgs if o["slug"] == "sjtu-sms")
    assert sms["parent"]["name"] == "Shanghai Jiao Tong University"


def test_researcher_publications_and_talks(demo, get):
    papers = get("/api/v1/researchers/mingze-wang/publications/").json()
    assert papers["count"] > 0
    assert all(
        any(a["researcher"] and a["researcher"]["slug"] == "mingze-wang" for a in p["authors"])
        for p in papers["results"]
    )
    talks = get("/api/v1/researchers/zhiwei-bai/talks/").json()
    assert talks["count"] > 0


@pytest.mark.parametrize(
    "path", ["/api/v1/researchers/nobody/publications/", "/api/v1/researchers/yaoyu-zhang/talks/"]
)
def test_nested_lists_need_a_profile(demo, get, path):
    response = get(path)
    assert response.status_code == 404
    assert "public profile" in response.json()["detail"]
