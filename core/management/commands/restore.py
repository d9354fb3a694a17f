from pathlib import Path

from django.core.management.base import CommandError

from core import backup
from core.management.base import JsonCommand


class Command(JsonCommand):
    help = ("Restore a directory written by `backup` into the configured database and MEDIA_ROOT; "
            "refuses a database that already has tables unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("dir", help="a directory written by the backup command")
        parser.add_argument("--force", action="store_true",
                            help="replace the tables of a non-empty database")
        parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")

    def run(self, **options):
        try:
            result = backup.restore(Path(options["dir"]), force=options["force"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        return {"dir": str(result.directory), "engine": result.engine, "database": result.database,
                "media_files": result.media_files, "forced": options["force"]}, True

    def render(self, document) -> str:
        return (f"Đã khôi phục {document['engine']} và {document['media_files']} tệp từ "
                f"{document['dir']}\n")
