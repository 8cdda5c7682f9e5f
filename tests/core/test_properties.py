"""Property tests: whatever text a user types, validators answer with a validation error
at worst, and rendering answers with safe HTML."""

import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import validators
from core.filters import StrictBooleanField, YearFilter
from core.markup import render_inline_math, render_markdown, render_math

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)
# Printable text with the characters that break parsers: braces, dollars, backslashes, tags.
TYPED = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]) | st.sampled_from("{}$\\<>&\"'^_/-."),
    max_size=200,
)
UNSAFE = re.compile(r"<script|<[^>]*\son\w+\s*=|<a\b[^>]*href=\"\s*javascript:", re.IGNORECASE)


def assert_safe(html: str) -> None:
    assert not UNSAFE.search(html), html


IDENTIFIER_CHECKS = [
    (validators.normalize_orcid, validators.validate_orcid),
    (validators.normalize_doi, validators.validate_doi),
    (validators.normalize_arxiv_id, validators.validate_arxiv_id),
    (str, validators.validate_arxiv_category),
    (str, validators.validate_ror_id),
    (str, validators.validate_issn),
    (str, validators.validate_openalex_author_id),
]


@pytest.mark.parametrize(("normalize", "validate"), IDENTIFIER_CHECKS)
@PROPERTY
@given(text=TYPED)
def test_identifiers_fail_only_with_a_validation_error(normalize, validate, text):
    try:
        validate(normalize(text))
    except ValidationError as error:
        assert error.messages and all(error.messages)


@PROPERTY
@given(text=TYPED)
def test_markdown_with_math_renders_without_raw_tags(text):
    html = render_markdown(text)
    assert "<script" not in html.lower()
    assert "javascript:" not in html.lower() or 'href="javascript:' not in html.lower()


@PROPERTY
@given(latex=TYPED)
def test_math_renders_or_shows_the_source_escaped(latex):
    for html in (render_math(latex), render_math(latex, display=True), render_inline_math(latex)):
        assert_safe(html)


@settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
@given(text=TYPED)
def test_query_values_fail_only_with_a_validation_error(text):
    for field in (StrictBooleanField(required=False), YearFilter().field):
        try:
            field.clean(text)
        except ValidationError as error:
            assert error.messages
