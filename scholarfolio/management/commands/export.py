from pathlib import Path
from urllib.parse import urljoin

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scholarfolio import exports


def default_base_url() -> str:
    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*"]
    return f"https://{hosts[0] if hosts else 'localhost'}/"


class Command(BaseCommand):
    help = (
        "Write the public papers (bibtex, ris, csljson), a researcher's JSON Resume (resume) "
        "or the talks (ics) of the whole site, one researcher or one event: the files the "
        "site's download links give."
    )

    def add_arguments(self, parser):
        parser.add_argument("fmt", metavar="format", choices=list(exports.FORMATS))
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--researcher", metavar="SLUG", help="One researcher's records.")
        scope.add_argument("--event", metavar="SLUG", help="An event's talks and its sessions'.")
        parser.add_argument("--output", type=Path, metavar="FILE", help="Default: stdout.")
        parser.add_argument(
            "--base-url",
            default=default_base_url(),
            help="Where the site is served, for links and calendar UIDs, which then match "
            "the site's own files. Default: https:// and the first ALLOWED_HOSTS name.",
        )

    def handle(self, *args, fmt, researcher, event, output, base_url, **options):
        scope = "researcher" if researcher else "event" if event else "site"
        try:
            file = exports.export(
                fmt, lambda path: urljoin(base_url, path), scope, researcher or event or ""
            )
        except (exports.NotFound, ValueError) as error:
            raise CommandError(str(error)) from error
        if output is None:
            self.stdout.write(file.content.decode(), ending="")
            return
        output.write_bytes(file.content)
        self.stderr.write(f"Wrote {file.filename} to {output}.")
