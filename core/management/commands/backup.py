from pathlib import Path

from django.core.management.base import CommandError

from core import backup
from core.management.base import JsonCommand


class Command(JsonCommand):
    help = ("Back up the database (pg_dump custom format on PostgreSQL, SQLite's online backup "
            "API on SQLite) and the files under MEDIA_ROOT (media.tar) into an empty directory "
            "OUT_DIR.")

    def add_arguments(self, parser):
        parser.add_argument("out_dir", help="an empty or new directory")
        parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")

    def run(self, **options):
        try:
            result = backup.backup(Path(options["out_dir"]))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        return {"dir": str(result.directory), "engine": result.engine, "database": result.database,
                "media_files": result.media_files, "bytes": result.bytes}, True

    def render(self, document) -> str:
        return (f"Đã sao lưu {document['engine']} và {document['media_files']} tệp vào "
                f"{document['dir']} ({document['bytes']:,} byte)\n")
