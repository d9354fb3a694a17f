from django.core.management.base import CommandError

from core.access import UnitScope, unit_scope
from core.management.base import JsonCommand, cli_date
from core.models import OrgUnit
from personnel.models import CivilServant
from personnel.rules.retirement import NoRetirementRule
from personnel.selectors import retiring_between

EVERYTHING = UnitScope(everything=True)


class Command(JsonCommand):
    help = ("List everyone whose retirement date (ND 135/2020 roadmap) falls between --from and "
            "--to: code, name, sex, date of birth, retirement date, pension start.")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD or dd/mm/yyyy")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD or dd/mm/yyyy")
        parser.add_argument("--unit", help="only this unit and its sub-units (unit code)")
        super().add_arguments(parser)

    def run(self, **options):
        start, end = cli_date(options["start"]), cli_date(options["end"])
        if end < start:
            raise CommandError("--to phải sau --from")
        actor = self.actor(options)
        scope = unit_scope(actor) if actor else EVERYTHING
        unit = None
        if options.get("unit"):
            unit = OrgUnit.objects.open().filter(code=options["unit"]).first() or \
                OrgUnit.objects.filter(code=options["unit"]).order_by("-valid_from").first()
            if unit is None:
                raise CommandError(f"Không tìm thấy đơn vị {options['unit']}")
        # Working people and those already recorded as retired: a past range lists who retired then.
        people = scope.filter(CivilServant.objects.filter(
            status__in=[CivilServant.Status.ACTIVE, CivilServant.Status.RETIRED]), "unit")
        try:
            rows = retiring_between(scope=scope, start=start, end=end, unit=unit, people=people)
        except NoRetirementRule as exc:
            raise CommandError(str(exc)) from None
        return [{"code": r.servant.code, "name": r.servant.full_name, "sex": r.servant.sex,
                 "date_of_birth": r.servant.date_of_birth, "retirement_date": r.retirement_date,
                 "pension_start_date": r.pension_start} for r in rows], True

    def render(self, document) -> str:
        lines = [f"{len(document)} người nghỉ hưu trong khoảng thời gian này."]
        for row in document:
            lines.append(f"  {row['code']:<12} {row['name']:<30} {row['date_of_birth']:%d/%m/%Y} → "
                         f"nghỉ hưu {row['retirement_date']:%d/%m/%Y}, "
                         f"hưởng lương hưu từ {row['pension_start_date']:%d/%m/%Y}")
        return "\n".join(lines)
