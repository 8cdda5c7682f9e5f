from django.apps import AppConfig


class CvConfig(AppConfig):
    name = "cv"
    verbose_name = "CV entries and whole records"

    def ready(self):
        from cv import grants
        from publications.importer import works_imported

        works_imported.connect(grants.works_imported, dispatch_uid="cv.grants")
