"""Identifier fields that store the canonical form of whatever an editor pastes."""

from django.db import models

from core.validators import (
    normalize_arxiv_id,
    normalize_doi,
    normalize_funder_id,
    normalize_orcid,
    validate_arxiv_id,
    validate_doi,
    validate_funder_id,
    validate_orcid,
)


class NormalizedCharField(models.CharField):
    """Normalises before validation (``to_python``) and before saving (``pre_save``)."""

    normalize = staticmethod(str.strip)

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalize(value) if value else value

    def pre_save(self, model_instance, add):
        value = self.to_python(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


class DOIField(NormalizedCharField):
    normalize = staticmethod(normalize_doi)
    default_validators = [validate_doi]


class ArxivIdField(NormalizedCharField):
    normalize = staticmethod(normalize_arxiv_id)
    default_validators = [validate_arxiv_id]


class OrcidField(NormalizedCharField):
    normalize = staticmethod(normalize_orcid)
    default_validators = [validate_orcid]


class FunderIdField(NormalizedCharField):
    normalize = staticmethod(normalize_funder_id)
    default_validators = [validate_funder_id]

    def formfield(self, **kwargs):
        # Room for the DOI or its URL as pasted; the digits kept fit the column.
        return super().formfield(**{"max_length": 100, **kwargs})
