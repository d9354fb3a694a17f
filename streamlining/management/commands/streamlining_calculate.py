"""``streamlining_calculate FILE.xlsx [--json]``: price a batch of streamlining cases.

Prints ``{"cases": [{"code", "rule_set", "option", "months_early", "years_early", "si_years",
"amounts": {...}, "total"}]}`` with amounts in whole VND; when a row is refused, nothing is priced
and the import summary (``rows`` … ``errors`` with row, column and reason) is printed instead and
the command exits 1. Headers: streamlining.importers.COLUMNS (README, "Streamlining allowances").
"""
import sys
import traceback
from pathlib import Path

from django.core.management.base import CommandError

from core.importing import ImportFileError, summary_document
from core.management.base import JsonCommand, render_import_summary
from streamlining.importers import StreamliningCaseImporter
from streamlining.rules import OPTION_LABELS


class Command(JsonCommand):
    help = ("Price the exit allowances of a batch of streamlining cases from an .xlsx file (Mã cán "
            "bộ, Giới tính, Ngày sinh, Loại cán bộ, Ngày nghỉ, Phương án, Căn cứ, Hệ số lương, "
            "the allowances, Số tháng đóng BHXH, Ngày quyết định sắp xếp). Nothing is priced if "
            "any row is refused; nothing is written.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        super().add_arguments(parser)

    def run(self, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}")
        importer = StreamliningCaseImporter()
        try:
            table, good, errors = importer.validate(path)
        except ImportFileError as exc:
            return summary_document(rows=0, errors=exc.errors), False
        # The promise is one JSON document, whatever happens.
        except Exception as exc:  # noqa: BLE001
            traceback.print_exc(file=sys.stderr)
            return summary_document(rows=0, errors=[{"row": 0, "column": "", "message": (
                f"Lỗi không lường trước ({type(exc).__name__}); không tính được.")}]), False
        finally:
            for warning in importer.warnings:
                self.warn(warning)
        if errors or not table.rows:
            if not table.rows:
                errors = [{"row": 0, "column": "", "message": "Tệp không có dòng nào để tính."}]
            return summary_document(rows=len(table.rows), rejected=len(table.rows) - len(good),
                                    errors=errors), False
        self._calculations = [row.values["calculation"] for row in good]
        return {"cases": [c.as_json() for c in self._calculations]}, True

    def render(self, document) -> str:
        if "cases" not in document:
            return render_import_summary(document)
        blocks = []
        for calculation in self._calculations:
            head = (f"{calculation.code} · {calculation.rule_set} · "
                    f"{OPTION_LABELS[calculation.option]} · "
                    f"tổng {calculation.total:,} đ").replace(",", ".")
            blocks.append("\n".join([head, *(f"  {line}" for line in calculation.lines),
                                     *(f"  Lưu ý: {note}" for note in calculation.notes)]))
        return "\n\n".join(blocks)
