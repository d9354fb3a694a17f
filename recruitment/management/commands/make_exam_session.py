from django.core.management.base import CommandError
from django.utils import timezone

from core.management.base import JsonCommand
from recruitment.exam import services
from recruitment.exam.demo import load_demo_bank
from recruitment.models import Question, QuestionBank


class Command(JsonCommand):
    help = ("Create a practice exam session from the demo bank, open from now, and print its "
            "candidates' numbers and one-time passwords (for training days and load tests). The "
            "passwords are shown only here.")

    def add_arguments(self, parser):
        parser.add_argument("--candidates", type=int, required=True)
        parser.add_argument("--questions", type=int, required=True)
        parser.add_argument("--minutes", type=int, required=True)
        parser.add_argument(
            "--bank", default="", help="approved bank to draw from (default: the demo bank)"
        )
        super().add_arguments(parser)

    def run(self, **options):
        count, questions, minutes = options["candidates"], options["questions"], options["minutes"]
        if count < 1 or questions < 1 or minutes < 1:
            raise CommandError("--candidates, --questions và --minutes phải lớn hơn 0")
        bank = (
            QuestionBank.objects.filter(code=options["bank"]).first()
            if options["bank"]
            else load_demo_bank()
        )
        if bank is None:
            raise CommandError(f"Không tìm thấy ngân hàng câu hỏi {options['bank']}")
        have = bank.questions.filter(status=Question.Status.APPROVED).count()
        if have < questions:
            raise CommandError(
                f"Ngân hàng {bank.code} chỉ có {have} câu hỏi đã duyệt (cần {questions})"
            )
        actor = self.actor(options)
        now = timezone.now().replace(microsecond=0)
        blueprint = services.blueprint_create(
            actor=actor,
            name=f"Thi thử {questions} câu, {minutes} phút",
            parts=[services.PartSpec(bank.part, minutes, (services.RuleSpec(bank, questions),))],
        )
        name = f"Thi thử {timezone.localtime(now):%d/%m/%Y %H:%M}"
        session = services.session_create(
            actor=actor, name=name, blueprint=blueprint, starts_at=now, individual_start=True,
            practice=True,
        )
        seated = services.attempts_add(actor=actor, session=session, candidates=[
            {"number": f"TT{session.pk:03d}{i:05d}", "full_name": f"Thí sinh thi thử {i}"}
            for i in range(1, count + 1)])
        # The command is already background work: papers are made here, with progress on stderr.
        services.papers_generate(
            session, progress=lambda percent: self.warn(f"Tạo đề: {percent} %")
        )
        return {
            "session": session.pk,
            "name": session.name,
            "starts_at": session.starts_at.isoformat(),
            "minutes": minutes,
            "questions": questions,
            "status": session.status,
            "candidates": [{"number": a.number, "password": p} for a, p in seated],
        }, True

    def render(self, document) -> str:
        lines = [f"Ca thi {document['session']}: {document['name']} ({document['questions']} câu, "
                 f"{document['minutes']} phút)", "Số báo danh  Mật khẩu"]
        lines += [f"{c['number']}  {c['password']}" for c in document["candidates"]]
        return "\n".join(lines)
