"""What crawlers read of a profile: schema.org ``ProfilePage`` JSON-LD with the person as
its ``mainEntity`` (Google's profile-page rich result, and what ORCID-aware harvesters
match on), and the page's Signposting (core.signposting). Built from what the profile
view has already loaded: no query of its own."""

from collections.abc import Callable, Iterable

from core.signposting import Signpost, schema_type
from profiles.models import Organization, Researcher

JSON = "application/json"


def organization(org: Organization) -> dict:
    data = {"@type": "Organization", "name": org.name}
    if org.ror_id:
        data["@id"] = f"https://ror.org/{org.ror_id}"
    if org.url:
        data["url"] = org.url
    return data


def person_id(researcher: Researcher, page_url: str) -> str:
    """The person's identifier: their ORCID iD, else a fragment of their profile's URL."""
    return f"https://orcid.org/{researcher.orcid}" if researcher.orcid else f"{page_url}#person"


def profile_page(
    researcher: Researcher,
    organizations: Iterable[Organization],
    absolute_url: Callable[[str], str],
) -> dict:
    """``organizations``: where they work now, as the profile's header names them."""
    url = absolute_url(researcher.get_absolute_url())
    person = {
        "@type": "Person",
        "@id": person_id(researcher, url),
        "name": researcher.full_name,
        "url": url,
    }
    if researcher.given_name:
        person["givenName"] = researcher.given_name
    if researcher.family_name:
        person["familyName"] = researcher.family_name
    if researcher.native_name:
        person["alternateName"] = researcher.native_name
    if researcher.headline:
        person["jobTitle"] = researcher.headline
    if affiliations := [organization(org) for org in organizations]:
        person["affiliation"] = affiliations
    if researcher.photo:
        person["image"] = absolute_url(researcher.photo.url)
    if same_as := [link.url for link in researcher.identity_links]:
        person["sameAs"] = same_as
    if researcher.orcid:
        person["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "ORCID",
            "value": researcher.orcid,
        }
    return {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": url,
        "dateCreated": researcher.created.isoformat(),
        "dateModified": researcher.updated.isoformat(),
        "mainEntity": person,
    }


def profile_signposts(researcher: Researcher, resume_url: str) -> list[Signpost]:
    """An author page's Signposting: the ORCID iD as the person's persistent identifier
    (``cite-as``), their JSON Resume as the record describing them, and the types: a page
    about (AboutPage, as Signposting types landing pages) a Person. ``resume_url`` is
    absolute."""
    posts = []
    if researcher.orcid:
        posts.append(Signpost(f"https://orcid.org/{researcher.orcid}", "cite-as"))
    posts.append(Signpost(resume_url, "describedby", JSON))
    posts += [schema_type("AboutPage"), schema_type("Person")]
    return posts
