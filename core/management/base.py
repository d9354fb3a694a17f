"""Conventions of DESIGN.md §4 for every command: ``--json`` prints exactly one JSON document on
stdout (dates ISO), progress and warnings go to stderr, a failure exits non-zero; dates on the
command line are ISO or dd/mm/yyyy; changes are audited as coming from a command."""
import json
import sys
import traceback
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.access import MANAGE, unit_scope
from core.audit import audit_context
from core.dates import parse_cli_date
from core.models import AuditEntry, User


def _default(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def cli_date(raw: str) -> date:
    try:
        return parse_cli_date(raw)
    except ValueError:
        raise CommandError(f"Ngày không hợp lệ: {raw} (dùng YYYY-MM-DD hoặc dd/mm/yyyy)") from None


class JsonCommand(BaseCommand):
    """Subclasses implement ``run(**options)`` returning (document, ok) and ``render(document)``."""

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")
        parser.add_argument("--user", help="act as this user (their unit scope applies)")

    def actor(self, options) -> User | None:
        username = options.get("user")
        if not username:
            return None
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"Không có tài khoản {username}") from None

    def warn(self, message: str) -> None:
        sys.stderr.write(f"{message}\n")

    def handle(self, *args, **options):
        with audit_context(source=AuditEntry.Source.COMMAND):
            document, ok = self.run(**options)
        # self.stdout is the process's stdout, or the stream given to call_command(stdout=…).
        if options["json"]:
            self.stdout.write(json.dumps(document, ensure_ascii=False, default=_default),
                              ending="\n")
        else:
            self.stdout.write(self.render(document))
        if not ok:
            self.stdout.flush()
            sys.exit(1)

    def run(self, **options) -> tuple[object, bool]:
        raise NotImplementedError

    def render(self, document) -> str:
        return json.dumps(document, ensure_ascii=False, indent=2, default=_default)


class ImportCommand(JsonCommand):
    """``import_… FILE [--dry-run] [--skip-invalid] [--json]`` over an
    :class:`core.importing.Importer`: subclasses say how to build it (``make_importer``). The file
    must exist; the importer's warnings go to stderr; the command fails when a row is bad (with
    ``--skip-invalid``, only when no row was good)."""

    skip_invalid = False  # whether the command offers --skip-invalid

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true",
                            help="validate and count, write nothing")
        if self.skip_invalid:
            parser.add_argument("--skip-invalid", action="store_true",
                                help="import the good rows, report the bad")
        self.add_import_arguments(parser)
        super().add_arguments(parser)

    def add_import_arguments(self, parser) -> None:
        """Options of this import beyond the common ones."""

    def make_importer(self, options: dict, actor: User | None):
        raise NotImplementedError

    @staticmethod
    def manage_scope(actor: User | None):
        """The units ``actor`` may edit (None: a command run without --user may import anywhere)."""
        return unit_scope(actor, MANAGE) if actor else None

    def run(self, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}")
        importer = self.make_importer(options, self.actor(options))
        try:
            summary = importer.run(path)
        # The promise is one JSON document, whatever happens.
        except Exception as exc:  # noqa: BLE001
            traceback.print_exc(file=sys.stderr)
            error = {"row": 0, "column": "",
                     "message": f"Lỗi không lường trước ({type(exc).__name__}); "
                                "không có gì được ghi."}
            summary = {"rows": 0, "created": 0, "updated": 0, "unchanged": 0, "rejected": 0,
                       "errors": [error]}
        for warning in importer.warnings:
            self.warn(warning)
        # With --skip-invalid the good rows are imported, so it fails only when no row was good.
        ok = not summary["errors"] or (options.get("skip_invalid", False)
                                       and summary["rows"] > summary["rejected"])
        return summary, ok

    def render(self, document) -> str:
        return render_import_summary(document)


def render_import_summary(summary: dict) -> str:
    lines = [
        f"Số dòng: {summary['rows']} · thêm mới: {summary['created']} · "
        f"cập nhật: {summary['updated']} · không đổi: {summary['unchanged']} · "
        f"bị loại: {summary['rejected']}",
    ]
    for error in summary["errors"]:
        column = f", cột “{error['column']}”" if error["column"] else ""
        lines.append(f"  Dòng {error['row']}{column}: {error['message']}")
    return "\n".join(lines)
