"""Stored researcher figures (cv.models.ResearcherFigures), kept current by triggers.

The triggers are PostgreSQL's, not Django signals, because the writers that matter most send
no signal: an import's COPY of papers and authorships (publications.bulk), a citation sync's
``update()``, gendata's ``bulk_create``. Each is a statement-level trigger: it reads the
rows its statement changed (transition tables) and refreshes the figures of the researchers
those rows concern, once per statement, in the statement's transaction: the authors of a
paper whose visibility, citation count, year, authors or yearly citations changed, and the
co-authors of a researcher whose visibility changed. ``cv_refresh_figures`` is the one
definition the triggers, ``cv.metrics.refresh_researchers`` and this migration's backfill
share; ``cv.metrics.computed_figures`` is the same in Python, for checking it.
"""

import django.db.models.deletion
from django.db import migrations, models

REFRESH = """
CREATE FUNCTION cv_refresh_figures(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(cardinality(ids), 0) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO cv_researcherfigures (researcher_id, papers, citations, h_index, i10_index,
        coauthor_count, papers_per_year, citations_per_year, citations_known)
    SELECT id, 0, 0, 0, 0, 0, '[]', '[]', false FROM profiles_researcher WHERE id = ANY (ids)
    ON CONFLICT (researcher_id) DO NOTHING;
    -- Locked in one order, so that two transactions refreshing the same people wait for each
    -- other instead of deadlocking; the statement below then reads what the first committed
    -- (each statement of a function takes a fresh snapshot under READ COMMITTED).
    PERFORM 1 FROM cv_researcherfigures WHERE researcher_id = ANY (ids)
        ORDER BY researcher_id FOR UPDATE;
    -- Each person's public papers are read once, through the index on authorships, and the
    -- rest from them: a refresh costs what the people it names have written, not what the
    -- site holds.
    UPDATE cv_researcherfigures figures SET
        papers = totals.papers,
        citations = totals.citations,
        h_index = totals.h_index,
        i10_index = totals.i10_index,
        coauthor_count = coauthors.n,
        papers_per_year = paper_years.series,
        citations_per_year = citation_years.series,
        citations_known = totals.cited OR citation_years.series <> '[]'
    FROM (SELECT DISTINCT unnest(ids) AS id) person
    CROSS JOIN LATERAL (
        SELECT array_agg(p.id) AS ids, array_agg(p.year) AS years,
            array_agg(p.citation_count) AS counts
        FROM publications_authorship a
        JOIN publications_publication p ON p.id = a.publication_id
        WHERE a.researcher_id = person.id AND p.visibility = 'public'
    ) mine
    CROSS JOIN LATERAL (
        SELECT count(*) AS papers, coalesce(sum(n), 0) AS citations,
            count(*) FILTER (WHERE n >= rank) AS h_index,
            count(*) FILTER (WHERE n >= 10) AS i10_index,
            coalesce(bool_or(n > 0), false) AS cited
        FROM (
            SELECT n, row_number() OVER (ORDER BY n DESC) AS rank FROM unnest(mine.counts) AS n
        ) ranked
    ) totals
    CROSS JOIN LATERAL (
        SELECT coalesce(jsonb_agg(jsonb_build_array(year, n) ORDER BY year), '[]') AS series
        FROM (SELECT year, count(*) AS n FROM unnest(mine.years) AS year GROUP BY year) per_year
    ) paper_years
    CROSS JOIN LATERAL (
        SELECT coalesce(jsonb_agg(jsonb_build_array(year, n) ORDER BY year), '[]') AS series
        FROM (
            SELECT c.year, sum(c.count) AS n FROM publications_citationcount c
            WHERE c.publication_id = ANY (mine.ids) GROUP BY c.year
        ) per_year
    ) citation_years
    CROSS JOIN LATERAL (
        SELECT count(DISTINCT other.researcher_id) AS n
        FROM publications_authorship other
        JOIN profiles_researcher coauthor
            ON coauthor.id = other.researcher_id AND coauthor.visibility = 'public'
        WHERE other.publication_id = ANY (mine.ids) AND other.researcher_id <> person.id
    ) coauthors
    WHERE figures.researcher_id = person.id;
END;
$$;

CREATE FUNCTION cv_refresh_figures_of_papers(paper_ids bigint[], people bigint[])
RETURNS void LANGUAGE sql AS $$
    SELECT cv_refresh_figures(coalesce(people, '{}') || ARRAY(
        SELECT researcher_id FROM publications_authorship WHERE publication_id = ANY (paper_ids)
    ));
$$;

-- A bulk load that refreshes everyone once at its end (cv.metrics.deferred_figures) sets
-- this for its transaction.
CREATE FUNCTION cv_figures_deferred() RETURNS boolean LANGUAGE sql AS $$
    SELECT coalesce(current_setting('cv.defer_figures', true), '') = 'on';
$$;
"""

TRIGGERS = """
CREATE FUNCTION cv_authorship_figures() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    people bigint[];
    papers bigint[];
BEGIN
    IF cv_figures_deferred() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(researcher_id), array_agg(publication_id) INTO people, papers
        FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(researcher_id), array_agg(publication_id) INTO people, papers
        FROM old_rows;
    ELSE
        -- A new position or printed name changes no figure.
        SELECT array_agg(changed.person), array_agg(changed.paper) INTO people, papers
        FROM old_rows o JOIN new_rows n ON n.id = o.id,
            LATERAL (VALUES (o.researcher_id, o.publication_id),
                            (n.researcher_id, n.publication_id)) AS changed (person, paper)
        WHERE o.researcher_id <> n.researcher_id OR o.publication_id <> n.publication_id;
    END IF;
    -- The co-authors too: their co-author counts change with the author list.
    PERFORM cv_refresh_figures_of_papers(papers, people);
    RETURN NULL;
END;
$$;

CREATE FUNCTION cv_publication_figures() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    papers bigint[];
BEGIN
    IF cv_figures_deferred() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        -- Authorships written before their paper in one transaction (foreign keys are
        -- checked at commit) found no paper to count.
        SELECT array_agg(id) INTO papers FROM new_rows;
    ELSE
        SELECT array_agg(n.id) INTO papers
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.visibility, o.citation_count, o.year)
            IS DISTINCT FROM (n.visibility, n.citation_count, n.year);
    END IF;
    PERFORM cv_refresh_figures_of_papers(papers, NULL);
    RETURN NULL;
END;
$$;

CREATE FUNCTION cv_citation_count_figures() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    papers bigint[];
BEGIN
    IF cv_figures_deferred() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(publication_id) INTO papers FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(publication_id) INTO papers FROM old_rows;
    ELSE
        SELECT array_agg(changed.paper) INTO papers
        FROM old_rows o JOIN new_rows n ON n.id = o.id,
            LATERAL (VALUES (o.publication_id), (n.publication_id)) AS changed (paper)
        WHERE (o.publication_id, o.year, o.count) IS DISTINCT FROM
            (n.publication_id, n.year, n.count);
    END IF;
    PERFORM cv_refresh_figures_of_papers(papers, NULL);
    RETURN NULL;
END;
$$;

CREATE FUNCTION cv_researcher_figures() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    people bigint[];
BEGIN
    IF cv_figures_deferred() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(id) INTO people FROM new_rows;
    ELSE
        SELECT array_agg(n.id) INTO people
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.visibility IS DISTINCT FROM n.visibility;
    END IF;
    -- Whoever writes with them: a co-author counts only while public.
    PERFORM cv_refresh_figures(ARRAY(
        SELECT other.researcher_id
        FROM publications_authorship mine
        JOIN publications_authorship other ON other.publication_id = mine.publication_id
        WHERE mine.researcher_id = ANY (people)
    ));
    RETURN NULL;
END;
$$;

CREATE TRIGGER cv_figures_insert AFTER INSERT ON publications_authorship
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cv_authorship_figures();
CREATE TRIGGER cv_figures_update AFTER UPDATE ON publications_authorship
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cv_authorship_figures();
CREATE TRIGGER cv_figures_delete AFTER DELETE ON publications_authorship
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cv_authorship_figures();

CREATE TRIGGER cv_figures_insert AFTER INSERT ON publications_publication
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cv_publication_figures();
CREATE TRIGGER cv_figures_update AFTER UPDATE ON publications_publication
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cv_publication_figures();

CREATE TRIGGER cv_figures_insert AFTER INSERT ON publications_citationcount
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cv_citation_count_figures();
CREATE TRIGGER cv_figures_update AFTER UPDATE ON publications_citationcount
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cv_citation_count_figures();
CREATE TRIGGER cv_figures_delete AFTER DELETE ON publications_citationcount
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cv_citation_count_figures();

CREATE TRIGGER cv_figures_insert AFTER INSERT ON profiles_researcher
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cv_researcher_figures();
CREATE TRIGGER cv_figures_update AFTER UPDATE ON profiles_researcher
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cv_researcher_figures();
"""

DROP_TRIGGERS = """
DROP TRIGGER cv_figures_insert ON publications_authorship;
DROP TRIGGER cv_figures_update ON publications_authorship;
DROP TRIGGER cv_figures_delete ON publications_authorship;
DROP TRIGGER cv_figures_insert ON publications_publication;
DROP TRIGGER cv_figures_update ON publications_publication;
DROP TRIGGER cv_figures_insert ON publications_citationcount;
DROP TRIGGER cv_figures_update ON publications_citationcount;
DROP TRIGGER cv_figures_delete ON publications_citationcount;
DROP TRIGGER cv_figures_insert ON profiles_researcher;
DROP TRIGGER cv_figures_update ON profiles_researcher;
DROP FUNCTION cv_authorship_figures();
DROP FUNCTION cv_publication_figures();
DROP FUNCTION cv_citation_count_figures();
DROP FUNCTION cv_researcher_figures();
"""

DROP_REFRESH = """
DROP FUNCTION cv_figures_deferred();
DROP FUNCTION cv_refresh_figures_of_papers(bigint[], bigint[]);
DROP FUNCTION cv_refresh_figures(bigint[]);
"""

BACKFILL = "SELECT cv_refresh_figures(ARRAY(SELECT id FROM profiles_researcher))"


class Migration(migrations.Migration):
    dependencies = [
        ("cv", "0004_award_url"),
        ("profiles", "0010_resume_sections"),
        ("publications", "0007_venue_aliases"),
    ]

    operations = [
        migrations.CreateModel(
            name="ResearcherFigures",
            fields=[
                (
                    "researcher",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="figures",
                        serialize=False,
                        to="profiles.researcher",
                    ),
                ),
                ("papers", models.PositiveIntegerField(default=0)),
                ("citations", models.PositiveBigIntegerField(default=0)),
                ("h_index", models.PositiveIntegerField(default=0)),
                ("i10_index", models.PositiveIntegerField(default=0)),
                (
                    "coauthor_count",
                    models.PositiveIntegerField(
                        default=0, help_text="Public researchers sharing at least one public paper."
                    ),
                ),
                (
                    "papers_per_year",
                    models.JSONField(default=list, help_text="[[year, papers], ...] by year."),
                ),
                (
                    "citations_per_year",
                    models.JSONField(
                        default=list,
                        help_text="[[year, citations], ...] by year, from the citation sync.",
                    ),
                ),
                (
                    "citations_known",
                    models.BooleanField(
                        default=False,
                        help_text="Some public paper has citation data (a count above zero or "
                        "a yearly row); without any, a zero may mean never synced rather than "
                        "never cited.",
                    ),
                ),
            ],
            options={"verbose_name_plural": "researcher figures"},
        ),
        migrations.RunSQL(REFRESH, DROP_REFRESH),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
