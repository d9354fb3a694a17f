from django.core.management.base import CommandError
from django.utils import timezone

from core.access import UnitScope, unit_scope
from core.management.base import JsonCommand, cli_date
from core.models import OrgUnit
from personnel.staffing import staffing_report


class Command(JsonCommand):
    help = ("Staffing report per unit: headcount, leaders, deputies, non-leaders, the deputy norm "
            "(ND 370/2025), the quota, and the flags LEADERS_NOT_FEWER_THAN_STAFF, "
            "DEPUTIES_OVER_NORM, DEPUTIES_OVER_PARENT, BELOW_MINIMUM_POSTS, OVER_QUOTA.")

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="only this unit and its sub-units (unit code)")
        parser.add_argument("--date",
                            help="as of this date (YYYY-MM-DD or dd/mm/yyyy); default today")
        super().add_arguments(parser)

    def run(self, **options):
        on = cli_date(options["date"]) if options.get("date") else timezone.localdate()
        actor = self.actor(options)
        scope = unit_scope(actor) if actor else UnitScope(everything=True)
        root = None
        if options.get("unit"):
            root = OrgUnit.objects.active_on(on).filter(code=options["unit"]).first()
            if root is None:
                raise CommandError(f"Không tìm thấy đơn vị {options['unit']} vào ngày "
                                   f"{on:%d/%m/%Y}")
        rows = staffing_report(scope=scope, on=on, root=root)
        return {"units": [row.as_json() for row in rows]}, True

    def render(self, document) -> str:
        header = (f"{'Mã':<16} {'Đơn vị':<48} {'Người':>6} {'LĐ':>4} {'Phó':>4} {'Tối đa':>6} "
                  f"{'Biên chế':>8}  Cảnh báo")
        lines = [header]
        for u in document["units"]:
            limit = u["max_deputies"] if u["max_deputies"] is not None else "—"
            quota = u["quota"] if u["quota"] is not None else "—"
            lines.append(f"{u['code']:<16} {u['name'][:48]:<48} {u['headcount']:>6} "
                         f"{u['leaders']:>4} {u['deputies']:>4} {limit:>6} {quota:>8}  "
                         f"{', '.join(u['flags'])}")
        return "\n".join(lines)
