"""The site in English and Simplified Chinese: addresses, the language switch and alternates,
formats, content with a Chinese version, the API's Accept-Language, search in either
language, the admin in the editor's language, and the page cache keeping them apart."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import translation

from core.models import EditorLanguage
from events.models import Talk
from tests import factories as f

pytestmark = pytest.mark.django_db

CHINESE_PAGES = [
    "/zh-hans/",
    "/zh-hans/people/zhiwei-bai/",
    "/zh-hans/publications/",
    "/zh-hans/talks/",
]


def text_of(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("url", CHINESE_PAGES)
def test_the_chinese_pages_answer_in_chinese(client, demo, url):
    response = client.get(url)
    html = text_of(response)

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in html
    # The navigation, and the switch back to the same page in English.
    for heading in ("成员", "论文", "学术报告", "搜索"):
        assert f">{heading}</a>" in html, heading
    english = url.removeprefix("/zh-hans")
    assert f'<a href="{english}" hreflang="en" lang="en">English</a>' in html


def test_the_english_pages_stay_at_their_addresses_in_english(client, demo):
    html = text_of(client.get("/people/zhiwei-bai/"))

    assert '<html lang="en">' in html
    assert ">People</a>" in html
    assert (
        '<a href="/zh-hans/people/zhiwei-bai/" hreflang="zh-hans" lang="zh-hans">简体中文</a>'
        in html
    )


def test_each_page_names_its_versions_in_both_languages_and_english_as_default(client, demo):
    html = text_of(client.get("/zh-hans/talks/?page=1"))
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))

    assert alternates == {
        "en": "http://testserver/talks/?page=1",
        "zh-hans": "http://testserver/zh-hans/talks/?page=1",
        "x-default": "http://testserver/talks/?page=1",
    }


def test_the_sitemap_lists_each_page_in_both_languages_with_alternates(client, demo):
    xml = text_of(client.get("/sitemap.xml"))

    assert "<loc>http://testserver/people/zhiwei-bai/</loc>" in xml
    assert "<loc>http://testserver/zh-hans/people/zhiwei-bai/</loc>" in xml
    assert (
        '<xhtml:link rel="alternate" hreflang="zh-hans" '
        'href="http://testserver/zh-hans/people/zhiwei-bai/"/>'
    ) in xml
    assert (
        '<xhtml:link rel="alternate" hreflang="x-default" '
        'href="http://testserver/people/zhiwei-bai/"/>'
    ) in xml


def test_a_seminar_time_is_written_as_chinese_readers_write_it(client, demo):
    chinese = text_of(client.get("/zh-hans/talks/phenomenon-driven-deep-learning-theory/"))
    english = text_of(client.get("/talks/phenomenon-driven-deep-learning-theory/"))

    assert "2025年10月16日 16:10–17:00（北京时间）" in chinese
    assert "<dt>时间</dt>" in chinese and '<h2 id="abstract-heading">摘要</h2>' in chinese
    assert "2025-10-16, 16:10 to 17:00 (Asia/Shanghai)" in english


def test_the_chinese_profile_and_cv_have_chinese_headings_and_dates(client, demo):
    profile = text_of(client.get("/zh-hans/people/zhiwei-bai/"))
    cv = text_of(client.get("/zh-hans/people/zhiwei-bai/cv/"))

    assert "教育经历" in cv and "学术服务" in cv and "返回个人主页" in cv
    assert re.search(r"20\d\d年\d{1,2}月", cv)
    assert "白志威" in profile
    assert "Education</h2>" not in cv


def test_names_lead_in_chinese_script_on_chinese_pages(client, demo):
    chinese = text_of(client.get("/zh-hans/talks/"))
    english = text_of(client.get("/talks/"))

    assert '<span lang="zh-Hans">白志威</span> (<span lang="en">Zhiwei Bai</span>)' in chinese
    assert ">Zhiwei Bai</a>" in english


def test_the_book_shows_its_chinese_title_from_its_chinese_field(client, demo):
    from profiles.models import Project

    book = Project.objects.get(slug="deep-learning-phenomena-book")
    assert book.title_zh_hans == "《深度学习现象导论》"
    assert "《深度学习现象导论》" in text_of(client.get("/zh-hans/people/zhiwei-bai/"))


@pytest.fixture
def bilingual():
    """A member with a Chinese headline and a talk with a Chinese title; a second talk
    without one."""
    ann = f.ResearcherFactory(
        slug="ann", full_name="Ann Li", native_name="李安", is_member=True,
        headline="Assistant professor", headline_zh_hans="助理教授",
        bio="Works on *spectra*.", bio_zh_hans="研究*谱*。",
    )  # fmt: skip
    translated = f.TalkFactory(
        slug="condensation", title="Condensation of weights", title_zh_hans="权重凝聚现象"
    )
    f.TalkSpeakerFactory(talk=translated, researcher=ann, position=1)
    untranslated = f.TalkFactory(slug="spectral-bias", title="Spectral bias")
    f.TalkSpeakerFactory(talk=untranslated, researcher=ann, position=1)
    return ann


def test_a_chinese_page_shows_the_chinese_text_and_falls_back_to_english(client, bilingual):
    chinese = text_of(client.get("/zh-hans/people/ann/"))
    english = text_of(client.get("/people/ann/"))
    talks = text_of(client.get("/zh-hans/talks/"))

    assert "助理教授" in chinese and "研究<em>谱</em>。" in chinese
    assert "Assistant professor" in english and "助理教授" not in english
    assert "权重凝聚现象" in talks and "Spectral bias" in talks
    assert "Condensation of weights" not in talks


def test_the_chinese_and_english_pages_are_cached_apart(client, bilingual):
    first = client.get("/people/ann/")
    chinese = client.get("/zh-hans/people/ann/")
    again = client.get("/zh-hans/people/ann/")

    assert (first["X-Cache"], chinese["X-Cache"], again["X-Cache"]) == ("miss", "miss", "hit")
    assert "助理教授" in text_of(again) and "助理教授" not in text_of(client.get("/people/ann/"))


def test_a_chinese_page_keeps_its_narrow_scope(client, bilingual):
    """/zh-hans/people/<slug>/ resolves to the profile's scope: another person's edit keeps
    it cached, the person's own edit retires it (a page whose URL did not resolve would be
    keyed by the whole site's version and retired by every edit)."""
    client.get("/zh-hans/people/ann/")
    f.ResearcherFactory(full_name="Someone Else", is_member=True)
    assert client.get("/zh-hans/people/ann/")["X-Cache"] == "hit"

    bilingual.headline_zh_hans = "副教授"
    bilingual.save()
    response = client.get("/zh-hans/people/ann/")
    assert response["X-Cache"] == "miss" and "副教授" in text_of(response)


def test_the_api_answers_in_english_unless_asked_for_chinese(client, bilingual):
    url = "/api/v1/researchers/ann/"
    english = client.get(url)
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-Hans")
    chinese_again = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.8")
    unknown = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")

    assert english.json()["headline"] == "Assistant professor"
    assert english["Content-Language"] == "en"
    assert chinese.json()["headline"] == "助理教授" and chinese["Content-Language"] == "zh-hans"
    assert chinese["X-Cache"] == "miss" and chinese_again["X-Cache"] == "hit"
    assert unknown.json()["headline"] == "Assistant professor" and unknown["X-Cache"] == "hit"
    assert "Accept-Language" in english["Vary"]


def test_the_api_talks_fall_back_to_english_titles(client, bilingual):
    titles = {
        talk["slug"]: talk["title"]
        for talk in client.get("/api/v1/talks/", HTTP_ACCEPT_LANGUAGE="zh-Hans").json()["results"]
    }
    assert titles == {"condensation": "权重凝聚现象", "spectral-bias": "Spectral bias"}


def test_the_schema_documents_accept_language(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    parameters = schema["paths"]["/api/v1/researchers/{slug}/"]["get"]["parameters"]

    header = next(p for p in parameters if p["name"] == "Accept-Language")
    assert header["in"] == "header" and "zh-Hans" in header["description"]


@pytest.mark.parametrize("page", ["/search/", "/zh-hans/search/"])
def test_search_finds_a_talk_by_a_word_of_its_chinese_title(client, bilingual, page):
    html = text_of(client.get(page, {"q": "凝聚"}))

    assert "/talks/condensation/" in html and "spectral-bias" not in html


def test_search_finds_a_person_by_their_chinese_headline_and_english_still_works(client, bilingual):
    assert "/people/ann/" in text_of(client.get("/zh-hans/search/", {"q": "教授"}))
    assert "/people/ann/" in text_of(client.get("/search/", {"q": "professor"}))
    assert "/talks/condensation/" in text_of(client.get("/search/", {"q": "condensation"}))


def test_the_api_search_finds_chinese_text(client, bilingual):
    results = client.get("/api/v1/talks/", {"q": "权重"}).json()["results"]
    assert [talk["slug"] for talk in results] == ["condensation"]


def test_a_chinese_query_matches_characters_in_order_only(bilingual):
    from scholarfolio.search import site_search

    talks = {section.key: section.count for section in site_search(text="凝聚权重").sections}
    assert talks["talks"] == 0


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="profiles"))
    return user


def test_the_admin_is_in_the_language_the_editor_chose(editor, bilingual):
    client = Client()
    client.force_login(editor)
    assert "Profiles, publications and talks" in text_of(client.get("/admin/"))

    response = client.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "/admin/"}, follow=True
    )
    html = text_of(response)
    assert '<html lang="zh-hans"' in html
    assert "个人主页、论文与报告" in html

    # Kept with the account: another browser, without the cookie, gets the same.
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="en")
    elsewhere.force_login(editor)
    assert "个人主页、论文与报告" in text_of(elsewhere.get("/admin/"))
    assert editor.editor_language.language == "zh-hans"
    # The public pages keep the language of their address.
    assert ">People</a>" in text_of(elsewhere.get("/people/"))


def test_the_language_form_refuses_a_language_the_site_lacks(editor):
    client = Client()
    client.force_login(editor)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/admin/"})

    assert not EditorLanguage.objects.filter(user=editor).exists()
    assert "Profiles, publications and talks" in text_of(client.get("/admin/"))


def test_the_admin_offers_both_languages_of_a_translated_field(admin_client, bilingual):
    html = text_of(admin_client.get(f"/admin/profiles/researcher/{bilingual.pk}/change/"))

    assert 'name="headline_en"' in html and 'name="headline_zh_hans"' in html
    assert 'name="bio_en"' in html and 'name="bio_zh_hans"' in html
    assert 'value="助理教授"' in html


def test_the_chinese_admin_edits_a_talk_in_both_languages(admin_client, bilingual):
    talk = Talk.objects.get(slug="condensation")
    admin_client.cookies["django_language"] = "zh-hans"
    html = text_of(admin_client.get(f"/admin/events/talk/{talk.pk}/change/"))

    assert '<html lang="zh-hans"' in html
    assert 'name="title_en"' in html and 'name="title_zh_hans"' in html
    assert 'value="Condensation of weights"' in html and 'value="权重凝聚现象"' in html


def clear_pages():
    from django.core.cache import caches

    for alias in ("pages", "pages-local"):
        caches[alias].clear()


@pytest.mark.parametrize(
    "url", [*CHINESE_PAGES, "/zh-hans/people/zhiwei-bai/cv/", "/zh-hans/search/?q=matrix"]
)
def test_a_chinese_page_reads_no_more_queries_than_its_english_one(
    client, demo, url, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as english:
        assert client.get(url.removeprefix("/zh-hans")).status_code == 200
    clear_pages()
    with django_assert_max_num_queries(len(english)):
        assert client.get(url).status_code == 200


def test_the_chinese_profile_query_count_does_not_grow_with_papers(
    client, django_assert_max_num_queries
):
    researcher = f.ResearcherFactory(is_member=True, native_name="李安", bio_zh_hans="简介")
    for position in range(30):
        paper = f.PublicationFactory()
        paper.authorships.create(researcher=researcher, position=1)
        paper.authorships.create(researcher=f.ResearcherFactory(), position=2 + position % 3)
    with django_assert_max_num_queries(25):
        assert client.get(f"/zh-hans/people/{researcher.slug}/").status_code == 200


def test_a_paper_saved_while_chinese_is_active_stores_its_entry_in_english(client):
    """An editor's Chinese admin must not write Chinese labels into the one stored entry
    every page shows (publications.rendering)."""
    with translation.override("zh-hans"):
        paper = f.PublicationFactory(
            title="Spectral bias", kind="article", status="accepted", year=2024
        )
    paper.refresh_from_db()

    assert "Accepted" in paper.rendered_entry and "已接收" not in paper.rendered_entry
