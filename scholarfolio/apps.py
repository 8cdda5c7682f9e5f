from django.apps import AppConfig


class ScholarfolioConfig(AppConfig):
    name = "scholarfolio"
    verbose_name = "Scholarfolio"

    def ready(self):
        from core.cache import register_page_scopes
        from scholarfolio import scopes

        scopes.register()
        register_page_scopes(scopes.PAGE_SCOPES)
