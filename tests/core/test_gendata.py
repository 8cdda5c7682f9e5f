import pytest
from django.core.management import CommandError, call_command

from core.changes import current_version
from profiles.models import Researcher
from publications.models import Authorship, CitationCount, Publication

pytestmark = pytest.mark.django_db


def test_gendata_builds_a_linked_data_set():
    before = current_version().number
    call_command("gendata", researchers=30, papers=60)
    assert Researcher.objects.count() == 30
    assert Researcher.objects.members().count() == 3
    assert Publication.objects.count() == 60
    per_paper = Authorship.objects.values("publication").distinct().count()
    assert per_paper == 60
    assert CitationCount.objects.exists()
    # The first member authors the first papers, up to PROLIFIC: here, every one of them.
    assert Researcher.objects.get(slug="gen-0").authorships.count() == 60
    assert not Publication.objects.filter(search_vector=None).exists()
    # Bulk writes send no signals: the content version is bumped by hand.
    assert current_version().number > before


def test_gendata_refuses_to_run_twice():
    call_command("gendata", researchers=5, papers=5)
    with pytest.raises(CommandError, match="already here"):
        call_command("gendata", researchers=5, papers=5)
