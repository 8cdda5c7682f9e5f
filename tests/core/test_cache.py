"""Cached pages and API data: served from the cache while nothing changed, and never stale
after an edit of a paper, an authorship, a talk or a profile entry."""

import copy
import socket
import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from tests import factories as f

pytestmark = pytest.mark.django_db


def make_site():
    """Two members who share a paper and a talk, and one entry on Alice's profile."""
    alice = f.ResearcherFactory(full_name="Alice Moon", is_member=True)
    bob = f.ResearcherFactory(full_name="Bob Stone", is_member=True)
    paper = f.PublicationFactory(title="Spectral bias of deep networks")
    f.AuthorshipFactory(publication=paper, researcher=alice, position=1)
    f.AuthorshipFactory(publication=paper, researcher=bob, position=2)
    talk = f.TalkFactory(title="Frequency principle explained")
    f.TalkSpeakerFactory(talk=talk, researcher=alice, position=1)
    f.TalkSpeakerFactory(talk=talk, researcher=bob, position=2)
    position = f.PositionFactory(researcher=alice, title="Assistant professor")
    return {"alice": alice, "bob": bob, "paper": paper, "talk": talk, "position": position}


@pytest.fixture(scope="class")
def shared_site(class_rows):
    with class_rows():
        return make_site()


@pytest.fixture
def site(shared_site, db):
    return copy.deepcopy(shared_site)


def pages_of(site):
    alice, bob, paper = site["alice"], site["bob"], site["paper"]
    return {
        "alice": f"/people/{alice.slug}/",
        "alice_cv": f"/people/{alice.slug}/cv/",
        "bob": f"/people/{bob.slug}/",
        "paper": paper.get_absolute_url(),
        "papers": "/publications/",
        "feed": "/publications/feed/",
        "talks": "/talks/",
        "talk_ics": "/talks.ics",
        "home": "/",
        "api_papers": "/api/v1/publications/",
        "api_bob_papers": f"/api/v1/researchers/{bob.slug}/publications/",
        "api_talks": "/api/v1/talks/",
        "api_alice": f"/api/v1/researchers/{alice.slug}/",
    }


def warm(client, urls):
    for url in urls:
        assert client.get(url).status_code == 200, url


def text(client, url):
    return client.get(url).content.decode()


def edit_paper_title(site):
    site["paper"].title = "Renamed: the F-principle"
    site["paper"].save()
    return "Renamed: the F-principle", ["alice", "bob", "paper", "papers", "feed", "api_papers"]


def add_coauthor(site):
    carol = f.ResearcherFactory(full_name="Carol Newcomer")
    f.AuthorshipFactory(publication=site["paper"], researcher=carol, position=3)
    return "Carol Newcomer", ["alice", "bob", "paper", "papers", "api_papers", "api_bob_papers"]


def edit_talk(site):
    site["talk"].title = "The F-principle retold"
    site["talk"].save()
    return "The F-principle retold", ["alice", "bob", "talks", "talk_ics", "api_talks"]


def edit_profile_entry(site):
    site["position"].title = "Associate professor"
    site["position"].save()
    return "Associate professor", ["alice", "alice_cv", "api_alice"]


def hide_paper(site):
    site["paper"].visibility = "hidden"
    site["paper"].save()
    return None, ["alice", "bob", "papers", "feed", "api_papers", "api_bob_papers"]


def redis_caches(location: str, **options) -> dict:
    """The caches as config/settings/base.py makes them when REDIS_URL is set."""
    redis = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": location, **options}
    return {
        "default": redis,
        "pages": {**redis, "KEY_PREFIX": f"{options.get('KEY_PREFIX', '')}pages"},
        "pages-local": {"BACKEND": "core.local_cache.ObjectMemoryCache"},
        "page-routes": {"BACKEND": "core.local_cache.ObjectMemoryCache", "LOCATION": "routes"},
    }


DEAD_REDIS = redis_caches(
    "redis://127.0.0.1:1/0",
    OPTIONS={"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2, "IGNORE_EXCEPTIONS": True},
)


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.2).close()
    except OSError:
        return False
    return True


def headers_but_x_cache(response) -> dict:
    return {name: value for name, value in response.items() if name != "X-Cache"}


def cache_entries() -> int:
    return len(caches["pages"]._cache)  # the tests keep the shared store in memory too


def test_each_page_names_the_parameters_it_reads():
    from django.urls import resolve

    from core.cache import query_parameters
    from publications.filters import PublicationFilter

    expected = {
        "/publications/": {*PublicationFilter.base_filters, "page"},
        "/people/": {"role"},
        "/search/": {"q", "type", "page"},
        "/talks/": {"page"},
        "/sitemap.xml": {"p"},
        "/people/ann/": set(),
    }
    assert {path: query_parameters(resolve(path).func) for path in expected} == expected


# The tests reading site: its rows made once for them (class_rows).
class TestCachedSite:
    def test_a_second_visit_costs_one_query(self, client, site, django_assert_num_queries):
        pages = pages_of(site)
        warm(client, pages.values())

        for url in pages.values():
            with django_assert_num_queries(1):  # the content version
                assert client.get(url).status_code == 200

    def test_a_cached_page_is_the_same_page(self, client, site):
        url = pages_of(site)["alice"]
        first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        again = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        plain = client.get(url)

        assert again.content == first.content
        assert again["Content-Encoding"] == "gzip"
        assert "Content-Encoding" not in plain
        assert "Alice Moon" in plain.content.decode()

    @pytest.mark.parametrize(
        "edit", [edit_paper_title, add_coauthor, edit_talk, edit_profile_entry, hide_paper]
    )
    def test_no_stale_page_survives_an_edit(self, client, site, edit):
        pages = pages_of(site)
        warm(client, pages.values())
        old_title = site["paper"].title

        shown, affected = edit(site)

        for name in affected:
            body = text(client, pages[name])
            if shown is None:
                assert old_title not in body, name
            else:
                assert shown in body, name

    def test_search_finds_an_edit_at_once(self, client, site):
        link = f'href="{site["paper"].get_absolute_url()}"'
        assert link in text(client, "/search/?q=spectral")

        site["paper"].title = "Frequency bias of wide networks"
        site["paper"].save()

        assert link in text(client, "/search/?q=frequency")
        assert link not in text(client, "/search/?q=spectral")

    def test_signed_in_visitors_are_neither_served_nor_stored(self, admin_client, client, site):
        url = pages_of(site)["alice"]
        warm(admin_client, [url])
        site["alice"].headline = "Now at a new place"
        site["alice"].save()

        assert "Now at a new place" in text(admin_client, url)
        warm(client, [url])
        assert "Now at a new place" in text(client, url)

    def test_throttling_still_applies_to_cached_api_data(self, client, site, settings):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
        }
        from rest_framework.throttling import AnonRateThrottle

        rates = AnonRateThrottle.THROTTLE_RATES
        AnonRateThrottle.THROTTLE_RATES = {"anon": "3/minute"}
        try:
            codes = [client.get("/api/v1/publications/").status_code for _ in range(5)]
        finally:
            AnonRateThrottle.THROTTLE_RATES = rates

        assert codes == [200, 200, 200, 429, 429]

    def test_a_missing_redis_means_no_cache_not_errors(self, client, site):
        with override_settings(CACHES=DEAD_REDIS):
            caches._settings = caches.settings = DEAD_REDIS
            try:
                for url in pages_of(site).values():
                    assert client.get(url).status_code == 200, url
                site["paper"].title = "Edited without a cache"
                site["paper"].save()
                assert "Edited without a cache" in text(client, pages_of(site)["paper"])
            finally:
                caches.close_all()

    @pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")
    def test_pages_are_shared_through_redis(self, client, site, django_assert_num_queries):
        shared = redis_caches("redis://127.0.0.1:6379/15", KEY_PREFIX=f"test-{id(site)}")
        with override_settings(CACHES=shared):
            caches._settings = caches.settings = shared
            try:
                caches["pages"].clear()
                url = pages_of(site)["alice"]
                warm(client, [url])
                # Another process, with a memory of its own, finds the page in Redis.
                caches["pages-local"].clear()
                with django_assert_num_queries(1):  # the content version
                    assert "Alice Moon" in text(client, url)
                site["alice"].headline = "Moved"
                site["alice"].save()
                assert "Moved" in text(client, url)
            finally:
                caches["pages"].clear()
                caches.close_all()

    @pytest.mark.parametrize("name", ["alice", "papers", "api_papers", "api_alice"])
    def test_a_cached_answer_is_revalidated_with_its_etag(self, client, site, name):
        url = pages_of(site)[name]
        etag = client.get(url)["ETag"]
        assert client.get(url)["ETag"] == etag  # the hit carries the stored ETag

        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

        site["paper"].title = "Renamed after the visit"
        site["paper"].save()
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200

    def test_a_refused_api_request_is_refused_after_a_good_one_was_cached(self, client, site):
        assert client.get("/api/v1/publications/?year=2024").status_code == 200
        assert client.get("/api/v1/publications/?year=2024&colour=red").status_code == 400
        assert client.get("/api/v1/publications/?format=bibtex&year=2024").status_code == 200

    def test_a_cached_api_answer_and_its_304_carry_the_cors_headers(self, client, site):
        url = pages_of(site)["api_papers"]
        origin = {"HTTP_ORIGIN": "https://elsewhere.example"}
        etag = client.get(url, **origin)["ETag"]

        hit = client.get(url, **origin)
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag, **origin)

        assert not_modified.status_code == 304
        for response in (hit, not_modified):
            assert response["Access-Control-Allow-Origin"] == "*"
            assert "ETag" in response["Access-Control-Expose-Headers"]

    @pytest.mark.parametrize(
        ("name", "headers"),
        [("alice", {}), ("alice", {"HTTP_ACCEPT_ENCODING": "gzip"}), ("api_alice", {})],
    )
    def test_a_hit_resolves_no_address_and_activates_no_language(
        self, client, site, monkeypatch, name, headers
    ):
        """A hit costs about what a static file does: what its address resolves to is known,
        and the language middleware it is answered before added its headers to the page
        stored. The Chinese page and the API asked in Chinese say so on the hit too."""
        from django.utils import translation

        from core import cache

        url = pages_of(site)[name]
        if url.startswith("/api/"):
            headers = {**headers, "HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
        else:
            url = "/zh-hans" + url
        miss = client.get(url, **headers)
        calls = []
        monkeypatch.setattr(cache, "resolve", lambda *args: calls.append(("resolve", args)))
        monkeypatch.setattr(translation, "activate", lambda *args: calls.append(("activate", args)))
        hit = client.get(url, **headers)

        assert (miss["X-Cache"], hit["X-Cache"], calls) == ("miss", "hit", [])
        assert hit["Content-Language"] == "zh-hans"
        assert "Accept-Encoding" in hit["Vary"]
        assert headers_but_x_cache(hit) == headers_but_x_cache(miss)
        assert hit.content == miss.content

    def test_a_host_not_allowed_is_refused_as_any_page_is(self, client, site):
        """The cache leaves the refusal to CommonMiddleware, inside the language middleware,
        so that it carries the same headers as every other answer."""
        refused = client.get(pages_of(site)["alice"], HTTP_HOST="elsewhere.example")

        assert refused.status_code == 400
        assert refused["Content-Language"] == "en"
        assert "X-Cache" not in refused

    def test_unknown_query_parameters_key_no_new_pages(
        self, client, site, django_assert_num_queries
    ):
        alice = f"/people/{site['alice'].slug}/"
        warm(client, ["/talks/?utm_source=mail", "/talks/?page=1&x=1", f"{alice}?ref=1"])
        entries = cache_entries()
        for url in ["/talks/", "/talks/?x=2", "/talks/?y=3&page=1", alice, f"{alice}?ref=2"]:
            with django_assert_num_queries(1):  # the content version; the page is a hit
                assert client.get(url).status_code == 200, url
        assert cache_entries() == entries

    def test_parameters_a_page_reads_still_key_it(self, client, site):
        warm(client, ["/people/"])
        entries = cache_entries()
        warm(client, ["/people/?role=phd"])
        assert cache_entries() > entries

    def test_a_stored_page_carries_no_unknown_parameter(self, client, site):
        html = text(client, "/search/?q=spectral&utm_source=mail")
        assert "bias of deep networks" in html
        assert "utm_source" not in html
        assert "utm_source" not in text(client, "/search/?q=spectral")

    def test_the_throttle_counts_in_the_default_cache(self, client, site):
        """Shared by every process with REDIS_URL; otherwise each process's own, as the README
        says of API_THROTTLE_RATE."""
        client.get("/api/v1/publications/")
        client.get("/api/v1/publications/")
        assert len(caches["default"].get("throttle_anon_127.0.0.1")) == 2

    @pytest.mark.parametrize(
        "edit", [edit_paper_title, add_coauthor, edit_talk, edit_profile_entry, hide_paper]
    )
    def test_within_the_grace_an_edit_retires_a_page_after_one_stale_answer(
        self, client, site, settings, edit
    ):
        settings.PAGE_CACHE_GRACE_SECONDS = 60
        pages = pages_of(site)
        warm(client, pages.values())
        old_title = site["paper"].title
        before = {name: text(client, url) for name, url in pages.items()}

        shown, affected = edit(site)

        for name in affected:
            # Answered at once as it was; made anew once that answer was sent (the test
            # client closes a response, as a WSGI server does).
            stale = client.get(pages[name])
            assert stale["X-Cache"] == "stale", name
            assert stale.content.decode() == before[name], name
            fresh = client.get(pages[name])
            assert fresh["X-Cache"] == "hit", name
            body = fresh.content.decode()
            assert (old_title not in body) if shown is None else (shown in body), name

    def test_a_process_not_holding_the_retired_page_answers_it_from_the_store(
        self, client, site, settings
    ):
        settings.PAGE_CACHE_GRACE_SECONDS = 60
        url = pages_of(site)["paper"]
        before = text(client, url)
        shown, _ = edit_paper_title(site)
        caches["pages-local"].clear()  # as in another worker

        stale = client.get(url)
        assert stale["X-Cache"] == "stale"
        assert stale.content.decode() == before
        fresh = client.get(url)
        assert fresh["X-Cache"] == "hit"
        assert shown in fresh.content.decode()

    def test_beyond_the_grace_the_request_makes_the_page_itself(self, client, site, settings):
        settings.PAGE_CACHE_GRACE_SECONDS = 0.05
        url = pages_of(site)["paper"]
        warm(client, [url])
        shown, _ = edit_paper_title(site)
        time.sleep(0.1)  # since the edit

        response = client.get(url)
        assert response["X-Cache"] == "miss"
        assert shown in response.content.decode()

    def test_a_page_two_edits_retired_is_made_by_the_request(self, client, site, settings):
        settings.PAGE_CACHE_GRACE_SECONDS = 60
        url = pages_of(site)["paper"]
        warm(client, [url])
        edit_paper_title(site)
        site["paper"].title = "Renamed twice"
        site["paper"].save()

        response = client.get(url)
        assert response["X-Cache"] == "miss"
        assert "Renamed twice" in response.content.decode()

    def test_a_page_being_made_elsewhere_is_answered_stale_and_not_made_again(
        self, client, site, settings, monkeypatch
    ):
        settings.PAGE_CACHE_GRACE_SECONDS = 60
        url = pages_of(site)["paper"]
        warm(client, [url])
        edit_paper_title(site)
        # Another process holds the lock on making it.
        monkeypatch.setattr(caches["pages"], "add", lambda *args, **kwargs: False)

        first, second = client.get(url), client.get(url)

        assert (first["X-Cache"], second["X-Cache"]) == ("stale", "stale")
        assert "Renamed" not in second.content.decode()

    def test_a_page_that_fails_to_be_made_again_is_made_by_the_next_request(
        self, client, site, settings, monkeypatch
    ):
        from core.cache import PublicPageCacheMiddleware

        settings.PAGE_CACHE_GRACE_SECONDS = 60
        url = pages_of(site)["paper"]
        warm(client, [url])
        shown, _ = edit_paper_title(site)
        made = PublicPageCacheMiddleware.store

        def fails(*args, **kwargs):
            raise RuntimeError("the store went away")

        monkeypatch.setattr(PublicPageCacheMiddleware, "store", fails)
        assert client.get(url)["X-Cache"] == "stale"  # and its making failed, logged
        monkeypatch.setattr(PublicPageCacheMiddleware, "store", made)
        settings.PAGE_CACHE_GRACE_SECONDS = 0
        response = client.get(url)
        assert response["X-Cache"] == "miss"
        assert shown in response.content.decode()
