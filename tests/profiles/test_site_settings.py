"""The group's settings record: one row, read by every page in one query, edited by
editors, retiring every cached page when it changes."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.changes import ALL, scope_versions
from profiles.models import Researcher, SiteLink, SiteSettings
from tests.factories import ResearcherFactory

pytestmark = pytest.mark.django_db


def test_without_a_record_the_site_is_named_by_the_setting(settings):
    settings.SITE_NAME = "Example Lab"
    current = SiteSettings.current()
    assert current.pk == 1 and current.display_name == "Example Lab"
    assert current.link_list == []


def test_the_record_is_read_with_its_links_in_one_query():
    site = SiteSettings.objects.create(name="Deep Learning Theory Group")
    SiteLink.objects.create(site=site, label="Second", url="https://b.example", order=2)
    SiteLink.objects.create(site=site, label="First", url="https://a.example", order=1)
    with CaptureQueriesContext(connection) as queries:
        current = SiteSettings.current()
        labels = [(link.label, link.url) for link in current.link_list]
    assert len(queries) == 1
    assert current.display_name == "Deep Learning Theory Group"
    assert labels == [("First", "https://a.example"), ("Second", "https://b.example")]


def test_a_process_following_the_versions_reads_the_record_once_per_version(settings, monkeypatch):
    """With the version listener (production), the record costs a page no query until a
    change bumps the all scope, as the listener hears."""
    from core import changes

    settings.CONTENT_VERSION_LISTEN = True
    heard = {ALL: (7, None)}
    monkeypatch.setattr(changes.listener, "scopes_of", lambda names: heard)
    site = SiteSettings.objects.create(name="Old name")
    assert SiteSettings.current().display_name == "Old name"
    with CaptureQueriesContext(connection) as queries:
        assert SiteSettings.current().display_name == "Old name"
    assert len(queries) == 0
    site.name = "New name"
    site.save()
    assert SiteSettings.current().display_name == "Old name"  # not heard yet: the old pages
    heard[ALL] = (8, None)
    assert SiteSettings.current().display_name == "New name"


def test_there_is_only_one_record():
    SiteSettings.objects.create(name="One")
    created = SiteSettings.objects.get().created
    SiteSettings(name="Two").save()  # saved as the one row, not beside it
    assert list(SiteSettings.objects.values_list("pk", "name", "created")) == [(1, "Two", created)]
    with pytest.raises(IntegrityError, match="site_settings_singleton"), transaction.atomic():
        SiteSettings.objects.bulk_create([SiteSettings(pk=2, name="Three")])


def test_a_change_retires_every_cached_page():
    before = scope_versions([ALL]).get(ALL, (0, None))[0]
    site = SiteSettings.objects.create(name="Lab")
    SiteLink.objects.create(site=site, label="Seminar", url="https://example.org/")
    assert scope_versions([ALL])[ALL][0] >= before + 2


def test_the_pages_carry_the_groups_name_introduction_and_links(client):
    site = SiteSettings.objects.create(
        name="Deep <Learning> Theory",
        introduction="We study **loss spikes**.\n\n<script>alert(1)</script>",
        address="Rm 1801\nGuanghua East Tower",
        contact_email="group@example.org",
    )
    SiteLink.objects.create(site=site, label="Seminar", url="https://example.org/seminar")
    home = client.get("/").content.decode()
    assert "<title>Deep &lt;Learning&gt; Theory</title>" in home
    assert '<a class="brand" href="/"><span>Deep &lt;Learning&gt; Theory</span></a>' in home
    assert "<strong>loss spikes</strong>" in home
    assert "<script>alert(1)</script>" not in home
    assert "Rm 1801<br>Guanghua East Tower" in home
    assert "group@example.org" not in home  # obfuscated
    assert '<a href="https://example.org/seminar">Seminar</a>' in home
    assert '<a href="/api/docs/">API</a>' in home
    people = client.get("/people/").content.decode()
    assert "Deep &lt;Learning&gt; Theory" in people
    assert '<a href="https://example.org/seminar">Seminar</a>' in people


def test_the_front_page_groups_members_by_role(client):
    ResearcherFactory(full_name="Ann Prof", is_member=True, role=Researcher.Role.FACULTY)
    ResearcherFactory(full_name="Bo Student", is_member=True, role=Researcher.Role.PHD)
    ResearcherFactory(full_name="Cy Former", is_member=True, role=Researcher.Role.ALUMNUS)
    response = client.get("/")
    groups = [
        (heading, [p.full_name for p in people])
        for heading, people in response.context["member_groups"]
    ]
    assert groups == [("Faculty", ["Ann Prof"]), ("PhD students", ["Bo Student"])]


def test_a_member_without_a_photo_has_the_initials_placeholder(client):
    member = ResearcherFactory(
        full_name="Zhiwei Bai", given_name="Zhiwei", family_name="Bai", is_member=True
    )
    html = client.get(member.get_absolute_url()).content.decode()
    placeholder = html.split('<div class="portrait">')[1].split("</div>")[0].strip()
    assert placeholder.startswith(f'<svg class="avatar avatar-{member.avatar_hue}"')
    assert 'role="img" aria-label="Zhiwei Bai"' in placeholder
    assert ">ZB</text></svg>" in placeholder


def test_identity_links_are_rel_me_in_the_headers_order(client):
    member = ResearcherFactory(
        is_member=True,
        homepage="https://example.org/",
        orcid="0000-0002-1825-0097",
        google_scholar_id="abcdefghijkl",
        github="ann",
        linkedin="ann-lee",
        bluesky="ann.bsky.social",
        mastodon="https://mathstodon.xyz/@ann",
        x="annlee",
        email="ann@example.org",
    )
    assert [link.url for link in member.identity_links] == [
        "https://example.org/",
        "https://orcid.org/0000-0002-1825-0097",
        "https://scholar.google.com/citations?user=abcdefghijkl",
        "https://github.com/ann",
        "https://www.linkedin.com/in/ann-lee",
        "https://bsky.app/profile/ann.bsky.social",
        "https://mathstodon.xyz/@ann",
        "https://x.com/annlee",
    ]
    html = client.get(member.get_absolute_url()).content.decode()
    for link in member.identity_links:
        icon = f'<svg class="icon" aria-hidden="true"><use href="/static/icons.svg#{link.kind}">'
        assert f'<a rel="me" href="{link.url}">{icon}</use></svg>{link.label}</a>' in html
    assert "ann@example.org" not in html


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bluesky", "@ann.bsky.social"),
        ("bluesky", "ann"),
        ("x", "@annlee"),
        ("x", "a" * 16),
        ("linkedin", "in/ann"),
        ("mastodon", "@ann@mathstodon.xyz"),
    ],
)
def test_identity_handles_are_checked(field, value):
    member = ResearcherFactory.build(full_name="Ann Lee", slug="ann-lee", **{field: value})
    with pytest.raises(ValidationError) as error:
        member.full_clean(exclude=["user"])
    assert field in error.value.message_dict
