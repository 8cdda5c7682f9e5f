"""Merging researchers: every link moves, clashes keep one row, the old slug redirects,
editors only, and an error leaves both as they were."""

import pytest
from django.contrib.contenttypes.models import ContentType

from core.search import search_query
from cv import merge
from cv.merge import MergeError, researchers_merge
from cv.models import Award, ResearcherAlias, ResearchInterest, Service
from events.models import Participation, TalkHost, TalkSpeaker
from profiles.models import (
    Education,
    MetricsSnapshot,
    Position,
    ProfileSection,
    ProjectMember,
    Researcher,
    Teaching,
)
from publications.models import Authorship, Publication
from tests import factories as f

CHANGELIST = "/admin/profiles/researcher/"


@pytest.fixture
def pair():
    """Ying Zhang twice: a member with a profile, and the name-only co-author an import
    added, with one link of every kind."""
    kept = f.ResearcherFactory(
        full_name="Ying Zhang", given_name="Ying", family_name="Zhang", is_member=True
    )
    merged = f.ResearcherFactory(
        full_name="Y. Zhang",
        given_name="Y.",
        family_name="Zhang",
        name_variants=["Zhang Ying", "Ying Zhang"],
        orcid="0000-0002-1825-0097",
        homepage="https://example.org/yz",
    )
    other = f.ResearcherFactory()
    links = {
        "authorship": f.AuthorshipFactory(researcher=merged, position=1),
        "speaker": f.TalkSpeakerFactory(researcher=merged, position=1),
        "host": f.TalkHostFactory(researcher=merged),
        "participation": f.ParticipationFactory(researcher=merged),
        "position": f.PositionFactory(researcher=merged),
        "education": f.EducationFactory(researcher=merged),
        "interest": f.ResearchInterestFactory(researcher=merged),
        "award": f.AwardFactory(researcher=merged),
        "service": f.ServiceFactory(researcher=merged),
        "teaching": f.TeachingFactory(researcher=merged),
        "instructing": f.TeachingFactory(researcher=other, instructor=merged),
        "membership": f.ProjectMemberFactory(researcher=merged),
        "section": f.ProfileSectionFactory(researcher=merged),
        "snapshot": f.MetricsSnapshotFactory(researcher=merged),
    }
    advised = f.EducationFactory(researcher=other)
    advised.advisors.add(merged)
    links["advised"] = advised
    links["old alias"] = ResearcherAlias.objects.create(slug="y-zhang-old", researcher=merged)
    links["seed"] = f.SeedRecordFactory(
        key="people/y-zhang",
        content_type=ContentType.objects.get_for_model(Researcher),
        object_id=merged.pk,
    )
    return kept, merged, links


@pytest.mark.django_db
def test_every_kind_of_link_moves_to_the_kept_researcher(pair):
    kept, merged, links = pair
    merged_slug = merged.slug

    report = researchers_merge(kept=kept, merged=merged)

    assert not Researcher.objects.filter(pk=merged.pk).exists()
    for model, name in [
        (Authorship, "authorship"),
        (TalkSpeaker, "speaker"),
        (TalkHost, "host"),
        (Participation, "participation"),
        (Position, "position"),
        (Education, "education"),
        (ResearchInterest, "interest"),
        (Award, "award"),
        (Service, "service"),
        (Teaching, "teaching"),
        (ProjectMember, "membership"),
        (ProfileSection, "section"),
        (MetricsSnapshot, "snapshot"),
    ]:
        assert model.objects.get(pk=links[name].pk).researcher == kept, name
    assert Teaching.objects.get(pk=links["instructing"].pk).instructor == kept
    assert list(links["advised"].advisors.all()) == [kept]
    assert ResearcherAlias.objects.get(slug="y-zhang-old").researcher == kept
    assert ResearcherAlias.objects.get(slug=merged_slug).researcher == kept
    links["seed"].refresh_from_db()
    assert links["seed"].object_id == kept.pk
    assert report.moved == {
        "teaching (instructor)": 1,
        "education advisors": 1,
        "positions": 1,
        "education": 1,
        "teaching": 1,
        "project members": 1,
        "profile sections": 1,
        "metrics snapshots": 1,
        "authorships": 1,
        "talk speakers": 1,
        "talk hosts": 1,
        "participations": 1,
        "research interests": 1,
        "awards": 1,
        "service": 1,
        "researcher aliases": 1,
    }
    assert report.dropped == []


@pytest.mark.django_db
def test_the_merged_names_become_variants_and_blank_fields_are_filled(pair):
    kept, merged, _ = pair
    kept.homepage = "https://lab.example.org/ying"
    kept.save()

    report = researchers_merge(kept=kept, merged=merged)

    kept.refresh_from_db()
    # "Ying Zhang" is the kept one's own name, so not a variant of it.
    assert kept.name_variants == ["Y. Zhang", "Zhang Ying"]
    assert report.name_variants == ["Y. Zhang", "Zhang Ying"]
    assert (kept.full_name, kept.given_name) == ("Ying Zhang", "Ying")
    assert kept.orcid == "0000-0002-1825-0097"  # unique: taken once the merged row is gone
    assert kept.homepage == "https://lab.example.org/ying"
    assert report.filled == ["ORCID iD"]
    assert kept.is_member


@pytest.mark.django_db
def test_a_link_both_have_is_kept_once():
    kept, merged = f.ResearcherFactory(), f.ResearcherFactory()
    paper = f.PublicationFactory(title="Both of us")
    f.AuthorshipFactory(publication=paper, researcher=kept, position=1)
    f.AuthorshipFactory(publication=paper, researcher=merged, position=2)
    speaker = f.TalkSpeakerFactory(researcher=kept, position=1)
    f.TalkSpeakerFactory(talk=speaker.talk, researcher=merged, position=2)
    participation = f.ParticipationFactory(researcher=kept)
    f.ParticipationFactory(researcher=merged, event=participation.event, role=participation.role)
    advised = f.EducationFactory()
    advised.advisors.add(kept, merged)
    only_merged = f.AuthorshipFactory(researcher=merged, position=1)

    report = researchers_merge(kept=kept, merged=merged)

    assert list(paper.authorships.values_list("researcher", "position")) == [(kept.pk, 1)]
    assert list(speaker.talk.speaker_links.values_list("researcher", flat=True)) == [kept.pk]
    assert Participation.objects.filter(event=participation.event).count() == 1
    assert list(advised.advisors.all()) == [kept]
    assert Authorship.objects.get(pk=only_merged.pk).researcher == kept
    assert len(report.dropped) == 3
    assert report.dropped[0].startswith("authorship: ")
    assert report.moved["authorships"] == 1
    assert Publication.objects.get(pk=paper.pk).authors.get() == kept


@pytest.mark.django_db
def test_the_kept_account_stays_and_the_merged_one_is_named(django_user_model):
    mine, theirs = (django_user_model.objects.create_user(username=n) for n in ("ying", "yz"))
    kept = f.ResearcherFactory(is_member=True, user=mine)
    merged = f.ResearcherFactory(user=theirs)

    report = researchers_merge(kept=kept, merged=merged)

    kept.refresh_from_db()
    assert kept.user == mine
    assert report.dropped == ["account: yz (the kept researcher has ying)"]
    assert django_user_model.objects.filter(username="yz").exists()


@pytest.mark.django_db
def test_the_moved_papers_are_found_by_the_kept_name():
    kept = f.ResearcherFactory(full_name="Ying Zhang", is_member=True)
    merged = f.ResearcherFactory(full_name="Y. Zhang")
    paper = f.AuthorshipFactory(researcher=merged).publication

    researchers_merge(kept=kept, merged=merged)

    assert Publication.objects.filter(pk=paper.pk).for_researcher(kept).exists()
    found = Publication.objects.filter(search_vector=search_query("Ying Zhang"))
    assert list(found) == [paper]


@pytest.mark.django_db
def test_the_merged_profile_and_cv_redirect_for_good(client, pair):
    kept, merged, _ = pair
    old = merged.slug
    researchers_merge(kept=kept, merged=merged)

    page = client.get(f"/people/{old}/")
    cv = client.get(f"/people/{old}/cv/")
    older = client.get("/people/y-zhang-old/")

    assert (page.status_code, page["Location"]) == (301, f"/people/{kept.slug}/")
    assert (cv.status_code, cv["Location"]) == (301, f"/people/{kept.slug}/cv/")
    assert (older.status_code, older["Location"]) == (301, f"/people/{kept.slug}/")
    assert client.get(page["Location"]).status_code == 200


@pytest.mark.django_db
def test_a_slug_taken_again_is_no_longer_redirected(client):
    kept = f.ResearcherFactory(is_member=True)
    ResearcherAlias.objects.create(slug="taken-again", researcher=kept)
    f.ResearcherFactory(full_name="Taken Again", slug="taken-again")  # name-only: no page

    assert client.get("/people/taken-again/").status_code == 404
    assert client.get("/people/no-one-at-all/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("visibility", ["draft", "hidden"])
def test_an_old_slug_does_not_lead_to_a_researcher_who_is_not_public(client, visibility):
    kept = f.ResearcherFactory(is_member=True, slug="secret-person", visibility=visibility)
    ResearcherAlias.objects.create(slug="old-name", researcher=kept)

    for path in ("/people/old-name/", "/people/old-name/cv/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "secret-person" not in response.get("Location", "")


@pytest.mark.django_db
def test_an_error_midway_leaves_both_researchers_as_they_were(pair, monkeypatch):
    kept, merged, links = pair

    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merge, "researcher_names_changed", fail)

    with pytest.raises(RuntimeError, match="disk full"):
        researchers_merge(kept=kept, merged=merged)

    merged.refresh_from_db()
    assert merged.orcid == "0000-0002-1825-0097"
    assert Authorship.objects.get(pk=links["authorship"].pk).researcher == merged
    assert Position.objects.get(pk=links["position"].pk).researcher == merged
    assert list(links["advised"].advisors.all()) == [merged]
    assert not ResearcherAlias.objects.filter(slug=merged.slug).exists()
    kept.refresh_from_db()
    assert (kept.name_variants, kept.orcid) == ([], "")


@pytest.mark.django_db
def test_a_dry_run_reports_and_writes_nothing(pair):
    kept, merged, links = pair

    report = merge.researchers_merge_all(kept=kept, merged=[merged], dry_run=True)[0]

    assert report.dry_run and report.moved["authorships"] == 1
    assert Researcher.objects.filter(pk=merged.pk).exists()
    assert Authorship.objects.get(pk=links["authorship"].pk).researcher == merged


@pytest.mark.django_db
def test_a_researcher_is_not_merged_into_themselves():
    person = f.ResearcherFactory()

    with pytest.raises(MergeError, match="cannot be merged into themselves"):
        researchers_merge(kept=person, merged=person)


def action(people, **extra):
    return {"action": "merge_researchers", "_selected_action": [p.pk for p in people], **extra}


@pytest.mark.django_db
def test_an_editor_confirms_whom_to_keep_then_merges(admin_client, pair):
    kept, merged, links = pair

    page = admin_client.post(CHANGELIST, action([kept, merged]))

    assert page.status_code == 200
    html = page.content.decode()
    assert f'name="kept" value="{kept.pk}"' in html and f'name="kept" value="{merged.pk}"' in html
    assert "<strong>Y. Zhang</strong>" in html and "1 authorships" in html
    assert Researcher.objects.filter(pk=merged.pk).exists()  # the page changed nothing

    done = admin_client.post(CHANGELIST, action([kept, merged], kept=kept.pk, confirm="Merge"))

    assert (done.status_code, done.url) == (302, f"/admin/profiles/researcher/{kept.pk}/change/")
    assert not Researcher.objects.filter(pk=merged.pk).exists()
    assert Authorship.objects.get(pk=links["authorship"].pk).researcher == kept
    message = str(next(iter(done.wsgi_request._messages)))
    assert message.startswith("Y. Zhang was merged into Ying Zhang: moved ")


@pytest.mark.django_db
def test_the_admin_asks_for_two_researchers_and_for_the_one_to_keep(admin_client, pair):
    kept, merged, _ = pair

    one = admin_client.post(CHANGELIST, action([kept]), follow=True)
    unchosen = admin_client.post(CHANGELIST, action([kept, merged], confirm="Merge"))

    assert "Select from 2 to 5 researchers to merge." in one.content.decode()
    assert unchosen.status_code == 200  # the confirmation page again
    assert "Choose the researcher to keep." in [str(m) for m in unchosen.context["messages"]]
    assert Researcher.objects.filter(pk=merged.pk).exists()


@pytest.mark.django_db
def test_a_member_may_not_merge(member_client):
    own = Researcher.objects.get(user__username="member")
    other = f.ResearcherFactory(full_name="Ying Zhang")
    f.AuthorshipFactory(researcher=other)

    listing = member_client.get(CHANGELIST)
    tried = member_client.post(CHANGELIST, action([own, other], kept=own.pk, confirm="Merge"))

    assert listing.status_code == 200
    assert 'value="merge_researchers"' not in listing.content.decode()
    # Django's answer to an action not offered, now that members have one (the inbox's
    # harvest_works): "No action selected." and back to the list, nothing done.
    assert tried.status_code == 302
    assert tried["Location"] == CHANGELIST
    assert "No action selected." in [str(m) for m in tried.wsgi_request._messages]
    assert "admin/profiles/researcher/merge.html" not in [t.name for t in tried.templates]
    assert Researcher.objects.filter(pk=other.pk).exists()
    assert Authorship.objects.get().researcher == other
    assert not ResearcherAlias.objects.exists()
