"""Co-authors are people, not duplicates: a name-only co-author of the importing
researcher is reused by each later file, namesakes stay apart when an ORCID says so."""

import pytest

from profiles.models import Researcher
from publications.bibtex_reader import read_bibtex
from publications.importer import Importer
from publications.models import Authorship
from tests import factories as f

# Four files of one researcher, as their sites and exports spell the same co-author.
FILES = [
    "@article{a1, title={One}, author={Lee, Ann and Zhang, Ying}, journal={J}, year=2020}",
    "@article{b1, title={Two}, author={Ann Lee and Zhang, Yan and Ying Zhang}, journal={J},"
    " year=2021}",
    "@inproceedings{c1, title={Three}, author={Zhang, Y. and Lee, Ann}, booktitle={C},"
    " year=2022}\n"
    "@inproceedings{c2, title={Three more}, author={Zhang, Ying and Lee, Ann}, booktitle={C},"
    " year=2022}",
    "@article{d1, title={Four}, author={Lee, A. and Zhang, Ying and Wu, Bo}, journal={J},"
    " year=2023}",
]


def ying_zhangs():
    return list(Researcher.objects.filter(full_name="Ying Zhang").order_by("pk"))


@pytest.mark.django_db
def test_four_files_of_one_member_end_with_one_ying_zhang():
    # Two namesakes from another lab's imports: "Ying Zhang" could be either of them, so
    # each file of Ann's used to add one more.
    strangers = [f.ResearcherFactory(full_name="Ying Zhang") for _ in range(2)]
    ann = f.ResearcherFactory(full_name="Ann Lee", is_member=True)
    for text in FILES:
        Importer(ann).run(read_bibtex(text))

    new = [p for p in ying_zhangs() if p not in strangers]
    assert len(new) == 1
    assert Authorship.objects.filter(researcher=new[0]).count() == 4
    assert not Authorship.objects.filter(researcher__in=strangers).exists()
    assert sorted(
        Researcher.objects.filter(family_name="Zhang")
        .exclude(full_name="Ying Zhang")
        .values_list("full_name", flat=True)
    ) == ["Y. Zhang", "Yan Zhang"]


@pytest.mark.django_db
def test_without_a_researcher_the_only_name_only_namesake_is_reused():
    member = f.ResearcherFactory(full_name="Ying Zhang", is_member=True)
    coauthor = f.ResearcherFactory(full_name="Ying Zhang")

    report = Importer().run(read_bibtex(FILES[0]))

    assert report.authors["a1"][1][1] == coauthor.pk
    assert report.ambiguous == [] and report.new_people == ["Ann Lee"]
    assert ying_zhangs() == [member, coauthor]


@pytest.mark.django_db
def test_of_several_namesakes_the_one_sharing_most_papers_is_reused_with_a_warning():
    ann = f.ResearcherFactory(full_name="Ann Lee", is_member=True)
    first, second = (f.ResearcherFactory(full_name="Ying Zhang") for _ in range(2))
    for n, person in enumerate([first, second, second]):
        paper = f.PublicationFactory(title=f"Old {n}")
        f.AuthorshipFactory(publication=paper, researcher=ann, position=1)
        f.AuthorshipFactory(publication=paper, researcher=person, position=2)

    report = Importer(ann).run(read_bibtex(FILES[0]))

    assert report.authors["a1"][1][1] == second.pk
    assert report.warnings == [
        f"line 1, entry a1: author Ying Zhang: 2 co-authors have this name; reused "
        f"{second.slug}, who shares the most papers (2), not {first.slug} (1)"
    ]
    assert len(ying_zhangs()) == 2


@pytest.mark.django_db
def test_a_namesake_outside_the_members_circle_is_not_reused():
    ann = f.ResearcherFactory(full_name="Ann Lee", is_member=True)
    f.ResearcherFactory(full_name="Ying Zhang")
    f.ResearcherFactory(full_name="Ying Zhang")

    report = Importer(ann).run(read_bibtex(FILES[0]))

    assert len(ying_zhangs()) == 3
    assert report.new_people == ["Ying Zhang"]
    assert report.ambiguous == ["Ying Zhang: could be Ying Zhang, Ying Zhang; added as a new name"]


@pytest.mark.django_db
def test_namesakes_with_different_orcids_stay_apart():
    ann = f.ResearcherFactory(full_name="Ann Lee", is_member=True)
    bo = f.ResearcherFactory(full_name="Bo Wu", is_member=True)
    entry = (
        "@article{{{key}, title={{{title}}}, author={{{author} and Zhang, Ying}}, journal={{J}},"
        " year=2020, orcid-numbers={{Zhang, Ying/{orcid}}}}}"
    )
    Importer(ann).run(
        read_bibtex(
            entry.format(key="x", title="X", author="Lee, Ann", orcid="0000-0002-1825-0097")
        )
    )
    Importer(bo).run(
        read_bibtex(entry.format(key="y", title="Y", author="Wu, Bo", orcid="0000-0001-5109-3700"))
    )
    Importer(ann).run(read_bibtex(FILES[2]))  # no iD: Ann's own co-author

    ours, theirs = ying_zhangs()
    assert (ours.orcid, theirs.orcid) == ("0000-0002-1825-0097", "0000-0001-5109-3700")
    assert Authorship.objects.filter(researcher=ours).count() == 2
    assert Authorship.objects.filter(researcher=theirs).count() == 1
