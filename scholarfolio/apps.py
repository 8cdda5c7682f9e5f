from django.apps import AppConfig


class ScholarfolioConfig(AppConfig):
    name = "scholarfolio"
    verbose_name = "Scholarfolio"
