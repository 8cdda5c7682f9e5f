import datetime
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import zoneinfo
from collections import Counter
from pathlib import Path
from subprocess import PIPE

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from config.database import database_url
from core.models import SeedRecord
from cv.models import Award
from events.models import Participation, Talk
from profiles.models import Education, Organization, Researcher, Teaching
from publications.importer import IMPORT_LOCK
from publications.models import Publication
from scholarfolio.demo import DEMO_DATA, DemoDataError, Ref, Row, demo_load, demo_rows

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_both_members_are_loaded_with_their_native_names(demo):
    members = Researcher.objects.members()
    assert {(m.full_name, m.native_name) for m in members} == {
        ("Zhiwei Bai", "白志威"),
        ("Mingze Wang", ""),
    }


def test_co_authors_are_people_and_name_variants_are_one_person(demo):
    xu = Researcher.objects.get(name_variants__contains=["Zhiqin Xu"])
    assert xu.full_name == "Zhi-Qin John Xu"
    assert (
        Researcher.objects.filter(full_name__icontains="Xu", given_name__icontains="Qin").count()
        == 1
    )
    papers = Publication.objects.for_researcher(xu)
    assert papers.count() == 6
    assert xu.talks_hosted.get().slug == "phenomenon-driven-deep-learning-theory"


def test_every_seed_paper_is_there_with_its_full_author_list(demo):
    assert Publication.objects.count() == 18
    llm = Publication.objects.get(arxiv_id="2505.23013")
    names = [a.researcher.full_name for a in llm.authorships.order_by("position")]
    assert len(names) == 20
    assert names[:3] == ["Liangkai Hang", "Junjie Yao", "Zhiwei Bai"]
    assert names[-1] == "Zhi-Qin John Xu"
    flags = {
        a.researcher.full_name: (a.equal_contribution, a.corresponding)
        for a in llm.authorships.select_related("researcher")
    }
    assert flags["Liangkai Hang"] == (True, False)
    assert flags["Weinan E"] == (False, True)
    assert flags["Zhiwei Bai"] == (False, False)


def test_paper_facts_come_through(demo):
    embedding = Publication.objects.get(doi="10.4208/csiam-am.SO-2023-0020")
    assert (embedding.volume, embedding.issue, embedding.pages, embedding.year) == (
        "5",
        "2",
        "350-389",
        2024,
    )
    assert embedding.venue.issn == "2708-0579"
    assert embedding.arxiv_date == datetime.date(2022, 5, 26)
    assert embedding.arxiv_category == "cs.LG"
    assert embedding.abstract.startswith("Understanding the relation between deep and shallow")
    spikes = Publication.objects.get(arxiv_id="2506.04805")
    assert r"$\beta_2$" in spikes.abstract and r"$2/\eta$" in spikes.abstract
    relu = Publication.objects.get(slug="multi-phase-optimization-dynamics-relu")
    assert (relu.note, relu.page_count) == ("Spotlight (Top 3.5%)", 94)


def test_the_seminar_keeps_its_shanghai_time_room_and_advisors(demo):
    seminar = Talk.objects.get(slug="phenomenon-driven-deep-learning-theory")
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    assert seminar.start == datetime.datetime(2025, 10, 16, 16, 10, tzinfo=shanghai)
    assert seminar.end == datetime.datetime(2025, 10, 16, 17, 0, tzinfo=shanghai)
    assert seminar.room == "Rm 1801, Guanghua East Tower"
    assert seminar.event.name == "Applied Math Ph.D. Seminar"
    advisors = [link.researcher.full_name for link in seminar.host_links.order_by("position")]
    assert advisors == ["Yaoyu Zhang", "Zhi-Qin John Xu"]
    assert seminar.abstract.count("\n\n") == 2


def test_talks_teaching_awards_education_and_activities(demo):
    bai = Researcher.objects.get(slug="zhiwei-bai")
    wang = Researcher.objects.get(slug="mingze-wang")
    assert Talk.objects.filter(speakers=bai).count() == 9
    assert Talk.objects.filter(speakers=wang).count() == 1
    assert Teaching.objects.filter(researcher=bai).count() == 7
    assert Teaching.objects.filter(researcher=wang).count() == 6
    assert Award.objects.filter(researcher=bai).count() == 12
    assert Award.objects.filter(researcher=wang).count() == 12
    bicmr = Award.objects.get(researcher=wang, title__startswith="BICMR")
    assert (bicmr.amount, bicmr.currency, bicmr.distinction) == (110000, "CNY", "top 1%")
    phd = Education.objects.get(researcher=bai, degree="phd")
    assert {a.full_name for a in phd.advisors.all()} == {"Yaoyu Zhang", "Zhi-Qin John Xu"}
    assert Participation.objects.get(researcher=bai, role="volunteer").title == (
        "Volunteer Manager"
    )
    transcript = wang.sections.get(title="Selected undergraduate transcript")
    assert "| Real Analysis | 100 |" in transcript.body


def test_interests_cite_the_papers_of_the_cv(demo):
    wang = Researcher.objects.get(slug="mingze-wang")
    optimization = wang.interests.get(title="Optimization")
    assert optimization.parent.title == "Deep learning theory"
    assert {p.slug for p in optimization.publications.all()} == {
        "early-stage-convergence-mildly-parameterized-networks",
        "multi-phase-optimization-dynamics-relu",
    }


def test_listing_metrics_are_a_dated_snapshot_apart_from_computed_figures(demo):
    snapshot = Researcher.objects.get(slug="zhiwei-bai").metrics_snapshots.get()
    assert (snapshot.h_index, snapshot.paper_count, snapshot.citation_count) == (15, 9, 36)
    assert snapshot.extra["novelty"] == "63%"
    assert snapshot.as_of is not None


def test_running_twice_changes_nothing(demo):
    before = {r.key: (r.fingerprint, r.loaded) for r in SeedRecord.objects.all()}
    stamps = dict(Publication.objects.values_list("pk", "updated"))
    call_command("loaddemo", verbosity=0)
    after = {r.key: (r.fingerprint, r.loaded) for r in SeedRecord.objects.all()}
    assert before == after
    assert dict(Publication.objects.values_list("pk", "updated")) == stamps


def test_editor_changes_and_deletions_survive_a_reload(demo):
    paper = Publication.objects.get(arxiv_id="2506.04805")
    paper.title = "Edited by an editor"
    paper.save()
    Award.objects.get(title="Samsung Scholarship").delete()
    call_command("loaddemo", verbosity=0)
    assert Publication.objects.get(arxiv_id="2506.04805").title == "Edited by an editor"
    assert not Award.objects.filter(title="Samsung Scholarship").exists()


def test_editor_made_row_with_the_same_key_fields_is_adopted_not_overwritten(db):
    Researcher.objects.create(slug="zhiwei-bai", full_name="Zhiwei Bai (editor's)")
    call_command("loaddemo", verbosity=0)
    assert Researcher.objects.get(slug="zhiwei-bai").full_name == "Zhiwei Bai (editor's)"
    assert Publication.objects.for_researcher(Researcher.objects.get(slug="zhiwei-bai")).count()


def test_every_row_of_the_data_files_has_an_explicit_unique_key():
    keys = []
    for path in sorted(DEMO_DATA.glob("*.toml")):
        for app, models in tomllib.loads(path.read_text(encoding="utf-8")).items():
            for model, tables in models.items():
                for number, table in enumerate(tables, start=1):
                    assert isinstance(table.get("key"), str), (path.name, app, model, number)
                    keys.append(table["key"])
    assert [key for key, n in Counter(keys).items() if n > 1] == []
    assert [row.key for row in demo_rows()] == keys


def tables_reversed(text: str) -> str:
    head, *tables = re.split(r"(?m)^(?=\[\[)", text)
    return head + "\n".join(table.rstrip("\n") + "\n" for table in reversed(tables))


def test_rows_listed_in_another_order_keep_their_keys(demo, tmp_path):
    for path in DEMO_DATA.glob("*.toml"):
        text = tables_reversed(path.read_text(encoding="utf-8"))
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    rows = demo_rows(tmp_path)
    keys = [row.key for row in rows]
    # Reversed, a sub-interest comes before its parent, an author before the paper.
    assert keys.index("interest:mingze-wang:1:1") < keys.index("interest:mingze-wang:1")
    assert keys.index("pub:noise-geometry-in-sgd:author:1") < keys.index(
        "pub:noise-geometry-in-sgd"
    )
    assert sorted(rows, key=lambda row: row.key) == sorted(demo_rows(), key=lambda row: row.key)
    result = demo_load(rows=rows)
    assert (result.created, result.updated, len(result.unchanged)) == ([], [], len(rows))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[profiles.Organization]]\nkey = "org:a\n', r"broken\.toml: .*line 2"),
        (
            '[[profiles.Organization]]\nlookup = ["slug"]\nslug = "a"\n',
            r"broken\.toml: \[\[profiles\.Organization\]\] number 1 has no key",
        ),
        (
            '[[profiles.Organization]]\nkey = "org:a"\nslug = "a"\n',
            r"broken\.toml: org:a: lookup must list",
        ),
        (
            '[[profiles.Organisation]]\nkey = "org:a"\nlookup = ["slug"]\n',
            r"broken\.toml: \[\[profiles\.Organisation\]\]: no such model",
        ),
        (
            '[[profiles.Organization]]\nkey = "org:a"\nlookup = ["slug"]\ntitle = "A"\n',
            r"broken\.toml: org:a: profiles\.Organization has no field 'title'",
        ),
        (
            '[[profiles.Organization]]\nkey = "org:a"\nlookup = ["slug"]\nparent = 1\n',
            r"broken\.toml: org:a: parent must be the key of a row",
        ),
        (
            '[profiles.Organization]\nkey = "org:a"\n',
            r"broken\.toml: profiles\.Organization: rows are tables written \[\[",
        ),
    ],
)
def test_a_malformed_data_file_is_named_in_the_error(tmp_path, text, message):
    (tmp_path / "broken.toml").write_text(text, encoding="utf-8")
    with pytest.raises(DemoDataError, match=message):
        demo_rows(tmp_path)


def test_the_same_key_in_two_files_is_refused_naming_both(db, tmp_path):
    table = '[[profiles.Organization]]\nkey = "org:a"\nlookup = ["slug"]\nslug = "a"\nname = "A"\n'
    for name in ("one.toml", "two.toml"):
        (tmp_path / name).write_text(table, encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"duplicate demo keys: \S*one\.toml: org:a, \S*two\.toml: org:a"
    ):
        demo_load(rows=demo_rows(tmp_path))
    assert not SeedRecord.objects.exists()


def demo_data_copy(tmp_path, monkeypatch, name: str, old: str, new: str) -> None:
    """loaddemo reads a copy of the data files, ``old`` replaced by ``new`` in one of them."""
    shutil.copytree(DEMO_DATA, tmp_path, dirs_exist_ok=True)
    path = tmp_path / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    monkeypatch.setattr("scholarfolio.demo.DEMO_DATA", tmp_path)


def test_loaddemo_names_the_file_and_row_without_a_key_and_writes_nothing(
    db, tmp_path, monkeypatch
):
    demo_data_copy(
        tmp_path, monkeypatch, "zhiwei-bai.toml", 'key = "award:zhiwei-bai:samsung-2020"\n', ""
    )
    with pytest.raises(CommandError, match=r"zhiwei-bai\.toml: \[\[cv\.Award\]\] number 11 "):
        call_command("loaddemo", verbosity=0)
    assert not SeedRecord.objects.exists()


def test_loaddemo_names_the_file_and_row_of_a_value_the_model_refuses(db, tmp_path, monkeypatch):
    demo_data_copy(
        tmp_path,
        monkeypatch,
        "organizations.toml",
        'slug = "moqi"\n',
        'slug = "moqi"\nror_id = "nope"\n',
    )
    with pytest.raises(CommandError, match=r"organizations\.toml: org:moqi: .*ror_id"):
        call_command("loaddemo", verbosity=0)
    assert not SeedRecord.objects.exists()


def test_rows_that_refer_to_each_other_in_a_circle_are_refused(db):
    rows = [
        Row(
            key="org:a",
            model="profiles.Organization",
            lookup={"slug": "a"},
            values={"parent": Ref("org:b")},
        ),
        Row(
            key="org:b",
            model="profiles.Organization",
            lookup={"slug": "b"},
            values={"parent": Ref("org:a")},
        ),
    ]
    with pytest.raises(ValueError, match="in a circle: org:a -> org:b -> org:a"):
        demo_load(rows=rows)


def test_changed_demo_entry_updates_an_unedited_row(db):
    row = Row(
        key="org:test",
        model="profiles.Organization",
        lookup={"slug": "test"},
        values={"name": "Old"},
    )
    demo_load(rows=[row])
    row.values["name"] = "New"
    result = demo_load(rows=[row])
    assert result.updated == ["org:test"]
    assert SeedRecord.objects.get(key="org:test").content_type.model == "organization"


def test_bad_demo_data_writes_nothing(db):
    rows = [
        Row(key="org:a", model="profiles.Organization", lookup={"slug": "a"}, values={"name": "A"}),
        Row(
            key="org:b",
            model="profiles.Organization",
            lookup={"slug": "b"},
            values={"name": "B", "parent": Ref("org:missing")},
        ),
    ]
    with pytest.raises(ValueError, match="org:missing"):
        demo_load(rows=rows)
    assert not SeedRecord.objects.exists()


def test_invalid_demo_value_is_refused_whole(db):
    rows = [
        Row(key="org:a", model="profiles.Organization", lookup={"slug": "a"}, values={"name": "A"}),
        Row(
            key="org:b",
            model="profiles.Organization",
            lookup={"slug": "b"},
            values={"name": "B", "ror_id": "nope"},
        ),
    ]
    with pytest.raises(ValueError, match=r"org:b: .*ror_id.*not a ROR id"):
        demo_load(rows=rows)
    assert not SeedRecord.objects.exists()


def test_a_value_dropped_from_the_demo_data_is_cleared_not_mistaken_for_an_edit(db):
    row = Row(
        key="org:test",
        model="profiles.Organization",
        lookup={"slug": "test"},
        values={"name": "Lab", "city": "Shanghai"},
    )
    demo_load(rows=[row])
    del row.values["city"]
    result = demo_load(rows=[row])
    assert result.updated == ["org:test"]
    assert Organization.objects.get(slug="test").city == ""
    assert demo_load(rows=[row]).unchanged == ["org:test"]


def waiting_for_the_lock(conn) -> int:
    return conn.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    ).fetchone()[0]


@pytest.mark.django_db(transaction=True)  # the two processes must see each other's commits
def test_two_loaddemo_at_once_the_second_waits_then_finds_nothing_to_do():
    url = database_url(connection.settings_dict, connection.settings_dict["NAME"])
    env = os.environ | {"DATABASE_URL": url, "DEBUG": "true", "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "manage.py", "loaddemo"]
    with psycopg.connect(url, autocommit=True) as holder:
        # Held here as an import holds it: both start while another writer runs.
        holder.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK])
        runs = [
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=PIPE, stderr=PIPE, text=True)
            for _ in range(2)
        ]
        deadline = time.monotonic() + 90
        while waiting_for_the_lock(holder) < 2 and time.monotonic() < deadline:
            if any(run.poll() is not None for run in runs):
                break  # one did not wait at all
            time.sleep(0.2)
        holder.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK])
        outputs = [run.communicate(timeout=180) for run in runs]

    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
        assert "Traceback" not in err
        assert "inconsistent" not in out + err
        assert out.startswith("Another import or loaddemo is running; waiting for it to finish.\n")
    summaries = [out.splitlines()[-1] for out, _ in outputs]
    nothing_to_do = [s for s in summaries if s.startswith("Demo data: 0 created, 0 updated, ")]
    assert len(nothing_to_do) == 1, summaries
    assert Publication.objects.count() == 18
