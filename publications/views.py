from functools import cached_property

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.views.generic import DetailView

from core.cache import reads_query
from core.markup import plain_text
from core.signposting import add_link_header
from publications import citation, facets
from publications.filters import PublicationFilter
from publications.models import Publication
from publications.rendering import entry_for

PAGE_SIZE = 25


class CountedPaginator(Paginator):
    """A paginator told how many rows there are, rather than counting them."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self):
        return self._count


def entry_items(papers) -> SafeString:
    """The list's items, each paper's stored entry, joined here rather than by an include
    per paper (the includes were a quarter of the page's render)."""
    return mark_safe("".join(f"<li>{entry_for(paper)}\n</li>\n    " for paper in papers))


@reads_query(*PublicationFilter.base_filters, "page")
def publication_list(request):
    filterset = PublicationFilter(request.GET, queryset=Publication.objects.public())
    page = None
    facet_list = filterset.facets(unfiltered_counts=facets.stored)
    if filterset.is_valid():
        # A list item is the paper's stored entry, and nothing else of it.
        papers = filterset.qs.only("rendered_entry")
        if filterset.unfiltered():
            # Every public paper has a year: the stored year counts add up to them all.
            total = sum(option.count for option in facet_list[0].options)
            paginator = CountedPaginator(papers, PAGE_SIZE, total)
        else:
            paginator = Paginator(papers, PAGE_SIZE)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(str(error)) from error
    return render(
        request,
        "publications/publication_list.html",
        {
            "filterset": filterset,
            "facets": facet_list,
            "filtered": any(facet.selected_label for facet in facet_list),
            "page_obj": page,
            "entries": entry_items(page) if page is not None else "",
        },
        # A filter value that names nothing is the link's fault: say so, list nothing.
        status=400 if page is None else 200,
    )


class PublicationDetailView(DetailView):
    queryset = Publication.objects.public().with_authors().defer("search_vector", "rendered_entry")
    template_name = "publications/publication_detail.html"
    context_object_name = "publication"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        publication = self.object
        absolute = self.request.build_absolute_uri
        context.update(
            has_marks=any(
                a.equal_contribution or a.corresponding for a in publication.authorships.all()
            ),
            pdf_url=citation.pdf_url(publication),
            scholar_meta=citation.scholar_meta(publication),
            json_ld=citation.scholarly_article(publication, absolute),
            canonical_url=absolute(publication.get_absolute_url()),
            title=citation.title(publication),
            description=Truncator(plain_text(publication.abstract)).words(50)
            or f"{citation.title(publication)} ({publication.year})",
            signposts=citation.signposts(
                publication,
                bibtex_url=absolute(reverse("site:publication_bibtex", args=[publication.slug])),
                csl_json_url=absolute(reverse("site:publication_csljson", args=[publication.slug])),
            ),
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return add_link_header(response, context["signposts"])
