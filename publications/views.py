from django.views.generic import DetailView

from publications.models import Publication


class PublicationDetailView(DetailView):
    queryset = Publication.objects.public().with_authors()
    template_name = "publications/publication_detail.html"
    context_object_name = "publication"
