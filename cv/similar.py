"""Similar researchers: the public members whose research interests share the most words
(stemmed, as full-text search stems them: "Optimization" and "optimizing" are one) with a
member's, and who share the most public papers with them, in one query for a profile.

A shared paper counts as two words: working together says more than a shared topic. A
profile is cached under its researcher's scope, which a shared paper's change reaches; a
change to anyone's interests reaches every profile through the ``topics`` scope
(scholarfolio.scopes), as any member's list may name them.
"""

from cv.models import ResearchInterest
from profiles.models import Researcher
from publications.models import Authorship, Publication

SHOWN = 5
PAPER_WEIGHT = 2


def similar_researchers(researcher: Researcher) -> list[Researcher]:
    """Up to SHOWN members, most similar first, each with ``shared_terms`` (the titles of
    their interests that share a word with this member's), and ``shared_papers``."""
    interests, interest_params = (
        ResearchInterest.objects.public().order_by().values("pk").query.sql_with_params()
    )
    members, member_params = (
        Researcher.objects.public_members().order_by().values("pk").query.sql_with_params()
    )
    papers, paper_params = (
        Publication.objects.public()
        .for_researcher(researcher)
        .order_by()
        .values("pk")
        .query.sql_with_params()
    )
    interest_table = ResearchInterest._meta.db_table
    authorship = Authorship._meta.db_table
    sql = f"""
        WITH interest AS (
            SELECT i.researcher_id AS person, i.title, term
            FROM {interest_table} i
            CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector('english', i.title))) term
            WHERE i.id IN ({interests}) AND i.researcher_id IN ({members})
        ), topics AS (
            SELECT person, count(DISTINCT term) AS terms,
                   array_agg(DISTINCT title ORDER BY title) AS titles
            FROM interest
            WHERE person <> %s AND term IN (SELECT term FROM interest WHERE person = %s)
            GROUP BY person
        ), papers AS (
            SELECT other.researcher_id AS person, count(DISTINCT other.publication_id) AS n
            FROM {authorship} own
            JOIN {authorship} other ON other.publication_id = own.publication_id
            WHERE own.researcher_id = %s AND other.researcher_id <> %s
              AND own.publication_id IN ({papers})
            GROUP BY other.researcher_id
        ), candidates AS (
            -- Members kept after counting: filtered inside the join, the planner starts
            -- from every member's authorships rather than from this member's few papers.
            -- One full join, as a topic's person is a member: joined to each candidate
            -- again, the papers (estimated a few rows, hundreds in fact) were scanned
            -- once per candidate.
            SELECT coalesce(t.person, p.person) AS person,
                   coalesce(t.terms, 0) AS terms,
                   coalesce(t.titles, ARRAY[]::varchar[]) AS titles,
                   coalesce(p.n, 0) AS n
            FROM topics t
            FULL JOIN (SELECT * FROM papers WHERE person IN ({members})) p
              ON p.person = t.person
        )
        SELECT r.id, r.slug, r.full_name, r.is_member,
               c.terms AS shared_term_count, c.titles AS shared_terms, c.n AS shared_papers
        FROM candidates c
        JOIN {Researcher._meta.db_table} r ON r.id = c.person
        ORDER BY c.terms + {PAPER_WEIGHT} * c.n DESC, r.full_name, r.id
        LIMIT {SHOWN}
    """
    me = researcher.pk
    params = [
        *interest_params,
        *member_params,
        me,
        me,
        me,
        me,
        *paper_params,
        *member_params,
    ]
    return list(Researcher.objects.raw(sql, params))
