import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from config.database import embedded_pgdata


class Command(BaseCommand):
    help = (
        "Create the local 'admin' account on the embedded database and print its password. "
        "With DATABASE_URL set it creates nothing and says so (make run goes on to serve)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not settings.EMBEDDED_DATABASE:
            self.stdout.write(
                "DATABASE_URL is set: no local admin account made; create accounts there with "
                "`manage.py createsuperuser`."
            )
            return
        self.stdout.write(f"Embedded PostgreSQL data: {embedded_pgdata(settings.BASE_DIR)}")
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is not None:
            self.stdout.write(
                f"Admin account '{username}' exists; its password is unchanged. "
                "Reset it with `manage.py changepassword admin`."
            )
            return
        password = secrets.token_urlsafe(12)
        user_model.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin account created: user '{username}', password '{password}' "
                "(http://127.0.0.1:8000/admin/)"
            )
        )
