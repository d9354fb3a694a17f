from django.core.management.base import CommandError
from django.utils import timezone

from appraisal.reminders import reminders_send
from core.management.base import JsonCommand, cli_date


class Command(JsonCommand):
    help = ("E-mail the reminders of the periods closing within --days days (default 3): to each "
            "person with an account whose self-score is missing or who has products due, to each "
            "unit head with products awaiting review. A reminder already sent is not sent again. "
            "JSON: {\"date\", \"sent\", \"skipped\"}.")

    def add_arguments(self, parser):
        parser.add_argument("--date",
                            help="the day to run for, YYYY-MM-DD or dd/mm/yyyy (default: today)")
        parser.add_argument("--days", type=int, default=3,
                            help="days before the end of a period (default 3)")
        super().add_arguments(parser)

    def run(self, **options):
        day = cli_date(options["date"]) if options.get("date") else timezone.localdate()
        if options["days"] < 0:
            raise CommandError("--days phải từ 0 trở lên")
        return reminders_send(today=day, days=options["days"]), True

    def render(self, document) -> str:
        return (f"Ngày {document['date']:%d/%m/%Y}: đã gửi {document['sent']} thư nhắc, "
                f"bỏ qua {document['skipped']}.")
