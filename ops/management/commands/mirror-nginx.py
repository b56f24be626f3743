"""veche mirror-nginx: nginx's configuration for answering anonymous readers' article pages
from the folder Veche writes them to (VECHE_PAGE_MIRROR_DIR; core.mirror, ops.nginx,
docs/deploy.md "Pages from disk")."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops import nginx


class Command(BaseCommand):
    help = "Print nginx's configuration for serving article pages from VECHE_PAGE_MIRROR_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--upstream", default="veche", help="the name of the upstream of Veche's processes")
        parser.add_argument("--http", action="store_true", help="the site is served over plain http (no HSTS)")
        parser.add_argument("--brotli", action="store_true",
                            help="nginx has the brotli_static module (Debian: libnginx-mod-http-brotli-static)")
        parser.add_argument("--whole", metavar="LISTEN",
                            help="a whole nginx.conf listening at LISTEN (host:port) in front of --app")
        parser.add_argument("--app", default="127.0.0.1:8000", help="with --whole: where `veche serve` listens")
        parser.add_argument("--work", help="with --whole: a folder of nginx's own (its pid, log, buffers)")
        parser.add_argument("--no-kept-files", action="store_true",
                            help="open each page at every request (open_file_cache off): for a folder on NFS, "
                                 "or a machine whose clock may be stepped back")

    def handle(self, *args, **options):
        folder = settings.VECHE_PAGE_MIRROR_DIR
        if not folder:
            raise CommandError("VECHE_PAGE_MIRROR_DIR is not set: Veche writes no pages to disk for nginx to serve.")
        view_log = settings.VECHE_VIEW_LOG
        if not view_log:
            self.stderr.write("VECHE_VIEW_LOG is not set: the views of pages nginx serves will not be counted.")
        https = not options["http"]
        if options["whole"]:
            if not options["work"]:
                raise CommandError("--whole needs --work: a folder for nginx's pid, log and buffers.")
            self.stdout.write(nginx.whole(folder, options["whole"], options["app"], https=https,
                                          brotli=options["brotli"], view_log=view_log, work=options["work"],
                                          kept_files=not options["no_kept_files"]))
            return
        self.stdout.write(nginx.http_part(view_log, https=https))
        self.stdout.write(nginx.server_part(folder, upstream=options["upstream"], https=https,
                                            brotli=options["brotli"], view_log=view_log,
                                            kept_files=not options["no_kept_files"]))
