"""Works harvested from ORCID, OpenAlex, Crossref and arXiv, waiting for a member's or an
editor's decision. A candidate is no paper: no page, feed, search, sitemap or API shows it;
accepting it makes a Publication through the importer.

Decided rows stay as they are: a rejected candidate is the tombstone that keeps the work
out of every later harvest, matched by its source's id and by its DOI, arXiv id and
normalised title (unique per researcher, whatever the status)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from core.fields import ArxivIdField, DOIField
from core.models import TimeStampedModel
from core.validators import year_validators
from profiles.models import Researcher
from publications.models import Publication


class CandidateQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Candidate.Status.NEW)

    def for_researcher(self, researcher):
        return self.filter(researcher=researcher)


class Candidate(TimeStampedModel):
    class Source(models.TextChoices):
        ORCID = "orcid", "ORCID"
        OPENALEX = "openalex", "OpenAlex"
        CROSSREF = "crossref", "Crossref"
        ARXIV = "arxiv", "arXiv"

    class Status(models.TextChoices):
        NEW = "new", "New"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    researcher = models.ForeignKey(
        Researcher,
        on_delete=models.CASCADE,
        related_name="candidates",
        help_text="Whose works were harvested: the one who decides.",
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    source_id = models.CharField(
        "id in the source",
        max_length=200,
        help_text="ORCID put-code, OpenAlex work id, Crossref DOI or arXiv id.",
    )
    doi = DOIField("DOI", max_length=200, blank=True)
    arxiv_id = ArxivIdField("arXiv id", max_length=30, blank=True)
    normalized_title = models.CharField(
        max_length=500, editable=False, help_text="Case, accents and punctuation folded."
    )
    title = models.CharField(max_length=500)
    year = models.PositiveSmallIntegerField(validators=year_validators)
    venue = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=Publication.Kind.choices)
    authors = models.JSONField(default=list, blank=True, help_text="Names as the source prints.")
    author_position = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The researcher's place in the author list (1 first), when the source "
        "says by an id (OpenAlex's author id, an ORCID iD in Crossref).",
    )
    record = models.JSONField(default=dict, help_text="The source's record, as it answered.")
    work = models.JSONField(
        default=dict, help_text="The record as the importer reads it (a ParsedWork)."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    publication = models.ForeignKey(
        Publication,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidates",
        help_text="The paper it became when accepted.",
    )
    decided = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["researcher", "-year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["researcher", "source", "source_id"],
                name="candidate_unique_source_id",
                violation_error_message="This work of this source is already a candidate.",
            ),
            models.UniqueConstraint(
                "researcher",
                Lower("doi"),
                condition=~Q(doi=""),
                name="candidate_unique_doi",
                violation_error_message="A candidate of this researcher has this DOI.",
            ),
            models.UniqueConstraint(
                fields=["researcher", "arxiv_id"],
                condition=~Q(arxiv_id=""),
                name="candidate_unique_arxiv",
                violation_error_message="A candidate of this researcher has this arXiv id.",
            ),
            models.UniqueConstraint(
                fields=["researcher", "normalized_title"],
                name="candidate_unique_title",
                violation_error_message="A candidate of this researcher has this title.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["new", "accepted", "rejected"]),
                name="candidate_known_status",
                violation_error_message="A candidate is new, accepted or rejected.",
            ),
        ]
        indexes = [models.Index(fields=["status", "researcher"])]

    def __str__(self):
        return f"{self.title} ({self.get_source_display()}, {self.year})"
