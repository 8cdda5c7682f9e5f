import pytest
from django.core.exceptions import ValidationError

from core.validators import (
    normalize_arxiv_id,
    normalize_doi,
    normalize_orcid,
    validate_arxiv_category,
    validate_arxiv_id,
    validate_doi,
    validate_issn,
    validate_openalex_author_id,
    validate_orcid,
    validate_ror_id,
)


@pytest.mark.parametrize(
    "orcid", ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"]
)
def test_valid_orcid_ids_pass(orcid):
    validate_orcid(orcid)


def test_orcid_with_wrong_check_digit_names_the_checksum():
    with pytest.raises(ValidationError, match="wrong check digit") as info:
        validate_orcid("0000-0002-1825-0098")
    assert info.value.code == "orcid_checksum"


@pytest.mark.parametrize("bad", ["0000-0002-1825", "0000000218250097", "abcd-0002-1825-0097", ""])
def test_malformed_orcid_is_rejected(bad):
    with pytest.raises(ValidationError, match="not an ORCID iD"):
        validate_orcid(bad)


def test_orcid_url_is_shortened():
    assert normalize_orcid(" https://orcid.org/0000-0002-1694-233x ") == "0000-0002-1694-233X"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://doi.org/10.4208/csiam-am.SO-2023-0020", "10.4208/csiam-am.SO-2023-0020"),
        ("doi:10.1000/xyz", "10.1000/xyz"),
        ("http://dx.doi.org/10.1000/abc ", "10.1000/abc"),
        ("10.1000/abc", "10.1000/abc"),
    ],
)
def test_doi_is_normalised(raw, expected):
    assert normalize_doi(raw) == expected


@pytest.mark.parametrize("bad", ["11.1000/abc", "10.12/abc", "10.1000", "doi 10.1000/x y"])
def test_bad_doi_is_rejected(bad):
    with pytest.raises(ValidationError, match="is not a DOI"):
        validate_doi(bad)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("arXiv:2506.04805v2", "2506.04805"),
        ("https://arxiv.org/abs/2211.11623v1", "2211.11623"),
        ("2405.13787", "2405.13787"),
        ("math.GT/0309136v3", "math.GT/0309136"),
    ],
)
def test_arxiv_id_loses_prefix_and_version(raw, expected):
    assert normalize_arxiv_id(raw) == expected
    validate_arxiv_id(expected)


@pytest.mark.parametrize("bad", ["2506.048", "25060.4805", "2513.04805", "2506.04805v2", "hello"])
def test_bad_arxiv_id_is_rejected(bad):
    with pytest.raises(ValidationError, match=r"arXiv identifier|YYMM"):
        validate_arxiv_id(bad)


def test_arxiv_category_shape():
    validate_arxiv_category("cs.LG")
    validate_arxiv_category("math.OC")
    with pytest.raises(ValidationError, match="not an arXiv category"):
        validate_arxiv_category("Machine Learning")


def test_issn_check_digit():
    validate_issn("2708-0579")
    with pytest.raises(ValidationError, match="check digit"):
        validate_issn("2708-0578")
    with pytest.raises(ValidationError, match="not an ISSN"):
        validate_issn("27080579")


def test_ror_and_openalex_shapes():
    validate_ror_id("0220qvk04")
    validate_openalex_author_id("A5023888391")
    with pytest.raises(ValidationError, match="ROR"):
        validate_ror_id("https://ror.org/0220qvk04")
    with pytest.raises(ValidationError, match="OpenAlex"):
        validate_openalex_author_id("5023888391")
