from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone

from core.access import UnitScope, unit_scope
from core.management.base import JsonCommand, cli_date
from core.models import OrgUnit
from personnel.ministry_reports import FORMS, ministry_report
from personnel.ministry_xlsx import ministry_report_xlsx


class Command(JsonCommand):
    help = ("The Ministry's report on the number and quality of staff as of a date, as .xlsx in "
            "the form's layout: BM01 (civil servants above the commune level, BM01/BNV), BM02 "
            "(commune cadres and civil servants, BM02/BNV), VC (public employees). --json prints "
            "{form, unit, date, rows, total}.")

    def add_arguments(self, parser):
        parser.add_argument("out", help="the .xlsx file to write")
        parser.add_argument("--form", required=True, choices=sorted(FORMS), help="BM01, BM02 or VC")
        parser.add_argument("--unit", required=True,
                            help="the unit whose subtree is reported (unit code)")
        parser.add_argument("--date",
                            help="as of this date (YYYY-MM-DD or dd/mm/yyyy); default today")
        super().add_arguments(parser)

    def run(self, **options):
        on = cli_date(options["date"]) if options.get("date") else timezone.localdate()
        actor = self.actor(options)
        scope = unit_scope(actor) if actor else UnitScope(everything=True)
        # The unit of that code on the date; else the latest one (a code may pass to a successor).
        root = (OrgUnit.objects.active_on(on).filter(code=options["unit"]).first()
                or OrgUnit.objects.filter(code=options["unit"]).order_by("-valid_from").first())
        if root is None or not (scope.contains(root) or scope.unit_ids(root)):
            raise CommandError(f"Không tìm thấy đơn vị {options['unit']}")
        if not root.is_active_on(on):
            # Counted all the same (the people list of that day would show the same), but say why it
            # is empty.
            start = f"{root.valid_from:%d/%m/%Y}" if root.valid_from else "…"
            end = f"{root.valid_to:%d/%m/%Y}" if root.valid_to else "nay"
            self.warn(f"Đơn vị {root.code} không tồn tại vào ngày {on:%d/%m/%Y} (hoạt động {start} "
                      f"– {end})")
        report = ministry_report(scope=scope, form=options["form"], root=root, on=on)
        Path(options["out"]).write_bytes(ministry_report_xlsx(report))
        self.warn(f"Đã ghi {options['out']}")
        return report.as_json(), True

    def render(self, document) -> str:
        total = document["total"]
        lines = [f"{document['form']} · {document['unit']} · {document['date']:%d/%m/%Y}",
                 f"{'Mã':<16} {'Đơn vị':<48} {'Tổng':>6} {'Nữ':>5} {'Đảng':>5} {'DTTS':>5}"]
        for row in document["rows"] + [{"code": "", "name": "Tổng số", **total}]:
            lines.append(f"{row['code']:<16} {row['name'][:48]:<48} {row['total']:>6} "
                         f"{row['female']:>5} {row['party']:>5} {row['ethnic_minority']:>5}")
        return "\n".join(lines)
