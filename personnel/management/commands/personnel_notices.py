from django.utils import timezone

from core.management.base import JsonCommand, cli_date
from personnel.notices import notices_send


class Command(JsonCommand):
    help = ("Notify the HR officers of each person's unit (in Công vụ and by e-mail, once) of the "
            "retirement notices (6 months ahead) and decisions (3 months ahead) due, the step "
            "raises due and the contracts ending soon. Safe to run twice. JSON: {\"date\", "
            "\"retirement_6_months\", \"retirement_3_months\", \"raises_due\", "
            "\"contracts_expiring\", \"notified\", \"emailed\"}.")

    def add_arguments(self, parser):
        parser.add_argument("--date",
                            help="the day to run for, YYYY-MM-DD or dd/mm/yyyy (default: today)")
        super().add_arguments(parser)

    def run(self, **options):
        day = cli_date(options["date"]) if options.get("date") else timezone.localdate()
        return notices_send(today=day), True

    def render(self, document) -> str:
        return (f"Ngày {document['date']:%d/%m/%Y}: thông báo nghỉ hưu "
                f"{document['retirement_6_months']}, quyết định nghỉ hưu "
                f"{document['retirement_3_months']}, nâng bậc lương {document['raises_due']}, hợp "
                f"đồng sắp hết hạn {document['contracts_expiring']}; {document['notified']} thông "
                f"báo mới, {document['emailed']} thư đã gửi.")
