"""Identifier normalisation and validation: ORCID iD, DOI, arXiv id, ROR id, ISSN.

``normalize_*`` functions turn what people paste (URLs, prefixes, versions) into the
canonical stored form; validators then check that form and say what is wrong.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

# Years a paper, a course or a date range may have.
MIN_YEAR = 1900
MAX_YEAR = 2100
year_validators = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]

ORCID_RE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
ARXIV_NEW_RE = re.compile(r"^\d{4}\.\d{4,5}$")
ARXIV_OLD_RE = re.compile(r"^[a-z-]+(\.[A-Z]{2})?/\d{7}$")
ARXIV_VERSION_RE = re.compile(r"v\d+$")
ARXIV_CATEGORY_RE = re.compile(r"^[a-z-]+(\.[A-Za-z-]+)?$")
ROR_RE = re.compile(r"^0[a-hj-km-np-tv-z0-9]{6}\d{2}$")
ISSN_RE = re.compile(r"^\d{4}-\d{3}[\dX]$")
OPENALEX_AUTHOR_RE = re.compile(r"^A\d+$")
# The Crossref Funder Registry (Open Funder Registry) names each funder by a DOI under
# 10.13039: 10.13039/501100001809 is the NSFC; the id kept is the part after the slash.
FUNDER_DOI_PREFIX = "10.13039/"
FUNDER_ID_RE = re.compile(r"^\d{9,12}$")

# Text that goes into a search vector. PostgreSQL refuses a tsvector over 1 MB ("string is
# too long for tsvector"), which a text of some 150,000 distinct words reaches; 20,000
# characters is several times the longest abstract or biography, and the vector of all of
# them together stays far below the limit.
MAX_SEARCHED_TEXT = 20_000

DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")
ARXIV_PREFIXES = ("https://arxiv.org/abs/", "http://arxiv.org/abs/", "arxiv:")


def normalize_orcid(value: str) -> str:
    value = value.strip()
    for prefix in ("https://orcid.org/", "http://orcid.org/", "orcid.org/"):
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
    return value.upper()


def orcid_checksum(base_digits: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def validate_orcid(value: str) -> None:
    if not ORCID_RE.match(value):
        raise ValidationError(
            "%(value)s is not an ORCID iD: expected four groups of four digits, "
            "like 0000-0002-1825-0097.",
            code="invalid_orcid",
            params={"value": value},
        )
    digits = value.replace("-", "")
    if orcid_checksum(digits[:15]) != digits[15]:
        raise ValidationError(
            "%(value)s has a wrong check digit; check the ORCID iD for a typo.",
            code="orcid_checksum",
            params={"value": value},
        )


def normalize_doi(value: str) -> str:
    value = value.strip()
    lowered = value.lower()
    for prefix in (*DOI_PREFIXES, "doi:"):
        if lowered.startswith(prefix):
            value = value[len(prefix) :].strip()
            break
    return value


def validate_doi(value: str) -> None:
    if not DOI_RE.match(value):
        raise ValidationError(
            "%(value)s is not a DOI: a DOI starts with 10., a registrant code, a slash "
            "and a suffix, like 10.4208/csiam-am.SO-2023-0020.",
            code="invalid_doi",
            params={"value": value},
        )


def normalize_arxiv_id(value: str) -> str:
    """Strip URL prefixes and the version: 'arXiv:2506.04805v2' -> '2506.04805'."""
    value = value.strip()
    lowered = value.lower()
    for prefix in ARXIV_PREFIXES:
        if lowered.startswith(prefix):
            value = value[len(prefix) :]
            break
    return ARXIV_VERSION_RE.sub("", value)


def validate_arxiv_id(value: str) -> None:
    if not (ARXIV_NEW_RE.match(value) or ARXIV_OLD_RE.match(value)):
        raise ValidationError(
            "%(value)s is not an arXiv identifier: expected YYMM.NNNNN (2506.04805) or "
            "archive/YYMMNNN (math.GT/0309136), without a version.",
            code="invalid_arxiv_id",
            params={"value": value},
        )
    if ARXIV_NEW_RE.match(value) and not 1 <= int(value[2:4]) <= 12:
        raise ValidationError(
            "%(value)s has month %(month)s; arXiv identifiers start with YYMM.",
            code="invalid_arxiv_id",
            params={"value": value, "month": value[2:4]},
        )


def validate_arxiv_category(value: str) -> None:
    if not ARXIV_CATEGORY_RE.match(value):
        raise ValidationError(
            "%(value)s is not an arXiv category such as cs.LG or math.OC.",
            code="invalid_arxiv_category",
            params={"value": value},
        )


def validate_ror_id(value: str) -> None:
    if not ROR_RE.match(value):
        raise ValidationError(
            "%(value)s is not a ROR id: nine characters starting with 0, like 0220qvk04.",
            code="invalid_ror",
            params={"value": value},
        )


def normalize_funder_id(value: str) -> str:
    """'https://doi.org/10.13039/501100001809' or '10.13039/501100001809' -> '501100001809'."""
    value = normalize_doi(value)
    if value.lower().startswith(FUNDER_DOI_PREFIX):
        value = value[len(FUNDER_DOI_PREFIX) :]
    return value.strip()


def validate_funder_id(value: str) -> None:
    if not FUNDER_ID_RE.match(value):
        raise ValidationError(
            "%(value)s is not a Crossref Funder ID: the digits after 10.13039/, like "
            "501100001809 (the DOI 10.13039/501100001809).",
            code="invalid_funder_id",
            params={"value": value},
        )


def validate_issn(value: str) -> None:
    if not ISSN_RE.match(value):
        raise ValidationError(
            "%(value)s is not an ISSN: expected NNNN-NNNC, like 2708-0579.",
            code="invalid_issn",
            params={"value": value},
        )
    digits = value.replace("-", "")
    total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    expected = "X" if check == 10 else str(check)
    if digits[7] != expected:
        raise ValidationError(
            "%(value)s has a wrong ISSN check digit.",
            code="issn_checksum",
            params={"value": value},
        )


def validate_openalex_author_id(value: str) -> None:
    if not OPENALEX_AUTHOR_RE.match(value):
        raise ValidationError(
            "%(value)s is not an OpenAlex author id such as A5023888391.",
            code="invalid_openalex_id",
            params={"value": value},
        )
