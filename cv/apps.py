from django.apps import AppConfig


class CvConfig(AppConfig):
    name = "cv"
    verbose_name = "CV entries and whole records"
