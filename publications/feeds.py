from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from profiles.models import Researcher
from publications import citation
from publications.models import Publication

FEED_LENGTH = 50


class PublicationFeed(Feed):
    """The site's papers, newest on the site first."""

    feed_type = Atom1Feed

    def title(self):
        return f"{settings.SITE_NAME}: publications"

    def subtitle(self):
        return f"Papers by the researchers of {settings.SITE_NAME}."

    def link(self):
        return reverse("publications:list")

    def publications(self):
        return Publication.objects.public().with_authors().order_by("-created", "-year")

    def items(self):
        return self.publications()[:FEED_LENGTH]

    def item_title(self, item):
        return citation.title(item)

    def item_description(self, item):
        if item.rendered_abstract:
            return item.rendered_abstract
        return escape(f"{citation.venue_name(item) or item.get_kind_display()}, {item.year}.")

    def item_author_name(self, item):
        return ", ".join(authorship.display_name for authorship in item.authorships.all())

    def item_pubdate(self, item):
        return item.created

    def item_updateddate(self, item):
        return item.updated


class ResearcherPublicationFeed(PublicationFeed):
    """One member's papers; no feed for a hidden profile or a name-only co-author."""

    def get_object(self, request, slug):
        return get_object_or_404(Researcher.objects.public_members(), slug=slug)

    def title(self, obj):
        return f"{obj.full_name}: publications"

    def subtitle(self, obj):
        return f"Papers by {obj.full_name} on {settings.SITE_NAME}."

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return self.publications().for_researcher(obj)[:FEED_LENGTH]
