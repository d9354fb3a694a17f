from django.core.management.base import CommandError

from appraisal.results import as_document
from appraisal.rules import rule_set_for
from appraisal.selectors import results_for
from core.access import VIEW, unit_scope
from core.management.base import JsonCommand
from core.models import OrgUnit

LEVEL_NAMES = {"HTXS": "Hoàn thành xuất sắc", "HTT": "Hoàn thành tốt", "HT": "Hoàn thành",
               "KHT": "Không hoàn thành"}


class Command(JsonCommand):
    help = ("The appraisal results of a year: each person's annual score, level and its reasons, "
            "after the HTXS quota of each appraising unit and task group.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--unit",
                            help="code of a unit: only the people appraised in it and below")
        super().add_arguments(parser)

    def run(self, **options):
        year = options["year"]
        unit = None
        if options.get("unit"):
            unit = OrgUnit.objects.filter(code=options["unit"]).order_by("-valid_from").first()
            if unit is None:
                raise CommandError(f"Không tìm thấy đơn vị {options['unit']}")
        actor = self.actor(options)
        scope = unit_scope(actor, VIEW) if actor else None
        computed = results_for(year, unit=unit, scope=scope)
        return as_document(year, rule_set_for(year, "civil_servant").code, computed.results), True

    def render(self, document) -> str:
        lines = [
            f"Năm {document['year']} ({document['rule_set']}): {len(document['people'])} người"]
        for person in document["people"]:
            score = f"{person['score']:.2f}".replace(".",
                                                     ",") if person["score"] is not None else "—"
            level = LEVEL_NAMES.get(person["level"], "chưa xếp loại")
            lines.append(
                f"  {person['code']}  {person['name']}  {person['unit']}  {score}  {level}")
            lines.extend(f"      · {reason}" for reason in person["reasons"])
        return "\n".join(lines)
