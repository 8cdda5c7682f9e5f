from publications.management.commands.import_doi import Command as ImportDoi
from publications.sources import Arxiv


class Command(ImportDoi):
    help = "Import papers by arXiv id, from arXiv's API, in one transaction."
    source_class = Arxiv
