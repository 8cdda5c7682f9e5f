from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from core.markup import plain_text
from events.views import published_talks


class TalkFeed(Feed):
    """The site's talks, latest date first: upcoming ones lead the feed."""

    feed_type = Atom1Feed
    link = reverse_lazy("events:talk_list")
    subtitle = "Talks, seminars and posters given by the group."
    description_template = "events/feeds/talk_description.html"
    limit = 50

    def title(self):
        return f"Talks · {settings.SITE_NAME}"

    def items(self):
        return published_talks().order_by("-date", "-start")[: self.limit]

    def item_title(self, talk):
        return plain_text(talk.title)

    def item_author_name(self, talk):
        return ", ".join(link.researcher.full_name for link in talk.speaker_links.all())

    def item_pubdate(self, talk):
        return talk.created

    def item_updateddate(self, talk):
        return talk.updated

    def item_categories(self, talk):
        return [talk.get_kind_display()]
