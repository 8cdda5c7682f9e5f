"""What a paper's page shows of the group, whose records stand above ``publications``: the
grants that funded it and which of its authors were members when it appeared. Template
tags, so that the paper's view (in ``publications``) reads nothing from the apps above."""

import datetime

from django import template

from core.models import DatePrecision, Visibility
from cv.models import Grant
from profiles.models import Membership

register = template.Library()


@register.simple_tag
def funding(publication) -> list[Grant]:
    """The public grants that funded the paper, each with its investigators."""
    return list(Grant.objects.public().filter(publications=publication).with_people())


def appeared(publication) -> tuple[datetime.date, str]:
    """When the paper first appeared (its arXiv posting or its publication, the earlier),
    and how exactly that is known: a paper of 2022 alone is known to the year."""
    days = [day for day in (publication.arxiv_date, publication.date) if day is not None]
    if days:
        return min(days), DatePrecision.DAY
    return datetime.date(publication.year, 1, 1), DatePrecision.YEAR


@register.simple_tag
def members_when(publication) -> set[int]:
    """The ids of the paper's public authors who were in the group when it appeared. The
    authorships come prefetched with their researchers (``with_authors()``)."""
    authors = {
        link.researcher_id
        for link in publication.authorships.all()
        if link.researcher.visibility == Visibility.PUBLIC
    }
    if not authors:
        return set()
    day, precision = appeared(publication)
    return {
        period.researcher_id
        for period in Membership.objects.filter(
            researcher__in=authors, start_date__lte=day.replace(month=12, day=31)
        )
        if period.covers(day, precision)
    }
