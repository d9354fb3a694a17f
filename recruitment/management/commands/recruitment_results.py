from django.core.management.base import CommandError

from core.management.base import JsonCommand
from recruitment.models import RecruitmentRound
from recruitment.selectors import results_document, round_results


class Command(JsonCommand):
    help = ("Results of a round by position: round-1 pass, "
            "professional score, priority points, total, rank, result.")

    def add_arguments(self, parser):
        parser.add_argument("round", help="round code (Mã đợt)")
        super().add_arguments(parser)

    def run(self, **options):
        round_ = RecruitmentRound.objects.filter(code=options["round"]).first()
        if round_ is None:
            raise CommandError(f"Không có đợt tuyển dụng {options['round']}")
        results = round_results(round_)
        for row in results.rows:
            if row.conflicts:
                self.warn(f"{row.application.number}: chênh lệch điểm chấm "
                          f"{', '.join(row.conflicts)}, cần chấm thẩm định")
        return results_document(results), True

    def render(self, document) -> str:
        lines = [f"Đợt {document['round']} — {document['rule_set']}"]
        for c in document["candidates"]:
            lines.append(f"  {c['number']:<8} {c['name']:<28} {c['position']:<12} vòng 1 "
                         f"{'đạt' if c['round1_passed'] else 'không đạt'}  điểm "
                         f"{c['professional_score']}  ưu tiên {c['priority_points']}  tổng "
                         f"{c['total']}  hạng {c['rank']}  {c['result']}")
        return "\n".join(lines)
