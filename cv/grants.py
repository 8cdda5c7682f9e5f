"""Grants from what the sources say of them: the funders a paper's Crossref record thanks,
linked to the paper as they are imported (``works_imported``), and the fundings of an ORCID
record (cv.orcid_import). Repeatable: a grant is the one with the same award number from
the same funder (its Crossref Funder ID, else its name without case), so importing again
links rather than duplicates."""

from cv.models import Grant
from publications.records import FundingRef


def find_grant(*, funder: str, funder_id: str, award_number: str) -> Grant | None:
    """The grant with this award number from this funder; None without a number, which
    alone says which of a funder's grants is meant."""
    if not award_number:
        return None
    grants = Grant.objects.filter(award_number=award_number)
    if funder_id and (found := grants.filter(funder_id=funder_id).first()) is not None:
        return found
    return grants.filter(funder_name__iexact=funder).first()


def paper_grants(paper_pk: int, ref: FundingRef) -> list[Grant]:
    """The grants ``ref`` names, found or created, each linked to the paper. A funder named
    with no award number becomes one grant of that paper's, as nothing says which of the
    funder's grants it was."""
    grants = []
    for number in ref.awards or ("",):
        grant = find_grant(funder=ref.funder, funder_id=ref.funder_id, award_number=number)
        if grant is None and not number:
            grant = Grant.objects.filter(
                publications=paper_pk, funder_name__iexact=ref.funder, award_number=""
            ).first()
        if grant is None:
            grant = Grant.objects.create(
                funder_name=ref.funder, funder_id=ref.funder_id, award_number=number
            )
        elif ref.funder_id and not grant.funder_id:
            grant.funder_id = ref.funder_id
            grant.save(update_fields=["funder_id", "updated"])
        grant.publications.add(paper_pk)
        grants.append(grant)
    return grants


def works_imported(sender, works, **kwargs) -> None:
    """publications.importer.works_imported: each imported work's funders as grants of
    its paper."""
    for paper_pk, work in works:
        for ref in work.funding:
            paper_grants(paper_pk, ref)
