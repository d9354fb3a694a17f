"""Pages of the exam engine for staff: question banks and their review, blueprints, sessions with
their papers and one-time passwords, the proctor console, and the item analysis.

Question banks are secret: question managers (``recruitment.manage_questions``) see them all, an
exam-board member the banks of the rounds granted to them (``recruitment.exam.access``): read
with the round, written with its ``edit_questions`` grant. A session belongs to a round (its exam
board and HR see it) or is a practice session (provincial HR and question managers)."""
import tempfile
from functools import cached_property
from pathlib import Path

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.text import unaccent
from core.views.generic import HtmxPartialMixin, StaffRequiredMixin
from recruitment import forms, selectors
from recruitment.exam import analysis, services, throttle
from recruitment.exam.access import (
    editable_banks,
    may_edit_bank,
    may_manage_questions,
    may_see_banks,
    visible_banks,
    visible_blueprints,
)
from recruitment.exam.importers import QuestionImporter
from recruitment.exam.papers import essays
from recruitment.models import Attempt, ExamEvent, ExamSession, ItemStatistic, Question, QuestionBank
from recruitment.tasks import generate_papers
from recruitment.views.rounds import RecruitmentStaffMixin


def visible_sessions(user):
    sessions = Q(round__in=selectors.visible_rounds(user))
    if user.is_superuser or user.has_perm("recruitment.run_round") or may_manage_questions(user):
        sessions |= Q(round__isnull=True)
    return ExamSession.objects.filter(sessions)


class QuestionManagerMixin(StaffRequiredMixin):
    """Pages of the banks: for question managers and the exam boards of rounds with banks."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not getattr(request.user, "is_candidate", False) \
                and not may_see_banks(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def require_edit(self, bank: QuestionBank) -> None:
        if not may_edit_bank(self.request.user, bank):
            raise PermissionDenied


# --- question banks ---------------------------------------------------------------------------------------------

class BankListView(QuestionManagerMixin, TemplateView):
    template_name = "recruitment/exam/bank_list.html"

    def get_context_data(self, **kwargs):
        approved = Q(questions__status=Question.Status.APPROVED)
        banks = visible_banks(self.request.user).annotate(
            approved=Count("questions", filter=approved),
            drafts=Count("questions", filter=Q(questions__status=Question.Status.DRAFT)),
            flagged=Count("questions", filter=approved & ~Q(questions__flagged="")))
        kwargs.setdefault("form", forms.QuestionImportForm())
        return super().get_context_data(banks=banks, **kwargs)

    def post(self, request):
        if request.POST.get("preview"):
            return self.import_previewed(request)
        form = forms.QuestionImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        data = form.cleaned_data
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload.name).name
            with open(path, "wb") as target:
                for chunk in upload.chunks():
                    target.write(chunk)
            importer = self.importer(request, data["bank"], data["part"], dry_run=data["dry_run"],
                                     skip_invalid=data["skip_invalid"])
            summary = importer.run(path)
            preview = ""
            if data["dry_run"] and summary["rows"] > summary["rejected"] and summary["errors"]:
                preview = self.keep_for_preview(request, path, data)
        return self.answer(request, form, importer, summary, preview=preview)

    def importer(self, request, bank, part, *, dry_run, skip_invalid):
        writable = None if may_manage_questions(request.user) else editable_banks(request.user)
        return QuestionImporter(actor=request.user, bank=bank, part=part, dry_run=dry_run, writable=writable,
                                skip_invalid=skip_invalid)

    @staticmethod
    def keep_for_preview(request, path: Path, data: dict) -> str:
        """The checked file, kept (for this user's session only) so that its valid questions can be
        imported from the preview without uploading it again."""
        import shutil
        import uuid

        from django.conf import settings

        token = uuid.uuid4().hex
        folder = Path(settings.VAR_DIR) / "question-previews"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, folder / f"{token}{path.suffix.lower()}")
        request.session["question_preview"] = {"token": token, "suffix": path.suffix.lower(), "name": path.stem,
                                               "bank": data["bank"], "part": data["part"]}
        return token

    def import_previewed(self, request):
        kept = request.session.get("question_preview") or {}
        if not kept or kept.get("token") != request.POST.get("preview"):
            messages.error(request, _("The previewed file is no longer available: upload it again."))
            return redirect("recruitment:bank_list")
        from django.conf import settings

        stored = Path(settings.VAR_DIR) / "question-previews" / f"{kept['token']}{kept['suffix']}"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{kept['name']}{kept['suffix']}"  # the bank of a text file is its name
            path.write_bytes(stored.read_bytes())
            importer = self.importer(request, kept["bank"], kept["part"], dry_run=False, skip_invalid=True)
            summary = importer.run(path)
        stored.unlink(missing_ok=True)
        del request.session["question_preview"]
        return self.answer(request, forms.QuestionImportForm(), importer, summary, skipped=True)

    def answer(self, request, form, importer, summary, *, preview="", skipped=None):
        for warning in importer.warnings:
            messages.warning(request, warning)
        dry_run = not skipped and form.cleaned_data.get("dry_run", False) if form.is_bound else False
        summary["skipped"] = skipped if skipped is not None else form.cleaned_data["skip_invalid"]
        summary["dry_run"] = dry_run
        summary["valid"] = summary["rows"] - summary["rejected"]
        summary["preview"] = preview
        written = not dry_run and (not summary["errors"] or summary["skipped"])
        if written:
            messages.success(request, _("%(created)s questions added, %(updated)s changed, %(unchanged)s unchanged. "
                                        "They wait for a reviewer's approval.") % summary)
        if written and not summary["errors"]:
            return redirect("recruitment:bank_list")
        return self.render_to_response(self.get_context_data(form=form, summary=summary))


class BankDetailView(QuestionManagerMixin, TemplateView):
    template_name = "recruitment/exam/bank_detail.html"

    @cached_property
    def bank(self) -> QuestionBank:
        return get_object_or_404(visible_banks(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        get = self.request.GET
        questions = self.bank.questions.exclude(status=Question.Status.RETIRED).annotate(
            used=Count("paper_items")).order_by("family", "-version")
        status, topic, difficulty, query = get.get("status", ""), get.get("topic", ""), get.get("difficulty", ""), \
            get.get("q", "").strip()
        if status in Question.Status.values:
            questions = questions.filter(status=status)
        if get.get("flagged"):
            questions = questions.exclude(flagged="")
        if topic:
            questions = questions.filter(topic=topic)
        if difficulty in Question.Difficulty.values:
            questions = questions.filter(difficulty=difficulty)
        if query:
            words = unaccent(query).split()
            ids = [pk for pk, family, text in questions.values_list("pk", "family", "text")
                   if all(w in unaccent(f"{family} {text}") for w in words)]
            questions = questions.filter(pk__in=ids)
        page = Paginator(questions, 50).get_page(get.get("page"))
        topics = self.bank.questions.exclude(topic="").values_list("topic", flat=True).distinct().order_by("topic")
        return super().get_context_data(bank=self.bank, page_obj=page, topics=topics, status=status, topic=topic,
                                        difficulty=difficulty, query=query, statuses=Question.Status.choices,
                                        difficulties=Question.Difficulty.choices, **kwargs)

    def post(self, request, pk):
        """Approve the ticked drafts (each by someone other than its author)."""
        self.require_edit(self.bank)
        ids = [int(i) for i in request.POST.getlist("question") if i.isdigit()]
        approved, refused = 0, []
        for question in self.bank.questions.filter(pk__in=ids, status=Question.Status.DRAFT):
            try:
                services.question_approve(actor=request.user, question=question)
                approved += 1
            except ValidationError as exc:
                refused.append(f"{question.family}: {' '.join(exc.messages)}")
        if approved:
            messages.success(request, _("%(n)s questions approved.") % {"n": approved})
        if refused:
            messages.error(request, "; ".join(refused))
        return redirect("recruitment:bank_detail", pk=pk)


class QuestionDetailView(QuestionManagerMixin, TemplateView):
    template_name = "recruitment/exam/question_detail.html"

    @cached_property
    def question(self) -> Question:
        return get_object_or_404(Question.objects.select_related("bank", "created_by", "approved_by").filter(
            bank__in=visible_banks(self.request.user)), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        question = self.question
        kwargs.setdefault("form", forms.QuestionForm(initial=forms.QuestionForm.initial_for(question)))
        versions = question.bank.questions.filter(family=question.family).order_by("-version")
        statistics = ItemStatistic.objects.filter(question__in=versions).select_related("session").order_by(
            "-session__starts_at")
        form = kwargs["form"]
        rows = [{"letter": letter, "option": form[f"option_{letter.lower()}"],
                 "weight": form[f"weight_{letter.lower()}"], "index": i}
                for i, letter in enumerate(forms.QuestionForm.LETTERS)]
        return super().get_context_data(question=question, versions=versions, statistics=statistics,
                                        used=question.paper_items.count(), rows=rows, preview=_preview(question),
                                        letters="ABCDEFGH", **kwargs)

    def post(self, request, pk):
        self.require_edit(self.question.bank)
        form = forms.QuestionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        if self.question.text_format == Question.Format.HTML:  # stored sanitised, as an import stores it
            from recruitment.exam.gift import sanitise

            data["text"], data["options"] = sanitise(data["text"]), [sanitise(o) for o in data["options"]]
        try:
            outcome = services.question_save(
                actor=request.user, bank=self.question.bank, family=self.question.family, text=data["text"],
                options=data["options"], correct=int(data["correct"]), topic=data["topic"],
                difficulty=data["difficulty"], competency=self.question.competency, kind=data["kind"],
                key=data["key"], feedback={**(self.question.feedback or {}), **data["feedback"]},
                text_format=self.question.text_format)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form))
        if outcome == "unchanged":
            messages.info(request, _("Nothing changed."))
        elif self.question.status == Question.Status.DRAFT:
            messages.success(request, _("Draft saved."))
        else:
            messages.success(request, _("Saved as a new draft version; the approved version stays in use until the "
                                        "new one is approved."))
        latest = self.question.bank.questions.filter(family=self.question.family).order_by("-version").first()
        return redirect(latest)


class BankExportView(QuestionManagerMixin, View):
    """The bank's questions in use (newest version of each, retired ones left out) as Moodle XML."""

    def get(self, request, pk):
        from django.http import HttpResponse

        from recruitment.exam import moodle_xml

        bank = get_object_or_404(visible_banks(request.user), pk=pk)
        newest: dict[str, Question] = {}
        for question in bank.questions.exclude(status=Question.Status.RETIRED).select_related("bank") \
                .prefetch_related("images").order_by("family", "-version"):
            newest.setdefault(question.family, question)
        response = HttpResponse(moodle_xml.export(newest.values()), content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{bank.code}.xml"'
        return response


class QuestionImageView(QuestionManagerMixin, View):
    """A picture of a question, for who reads its bank (candidates get theirs through the exam API)."""

    def get(self, request, pk, name):
        from django.http import HttpResponse

        from recruitment.models import QuestionImage

        image = get_object_or_404(QuestionImage.objects.filter(question__bank__in=visible_banks(request.user)),
                                  question_id=pk, name=name)
        response = HttpResponse(bytes(image.data), content_type=image.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=600"
        return response


def _preview(question: Question) -> dict:
    """The question as the candidate's page shows it (templates/exam/_question.html), options in the
    author's order (each candidate gets them shuffled)."""
    from django.urls import reverse

    from recruitment.exam.views import _prepare

    pictures = reverse("recruitment:question_image", args=[question.pk, "f"])[:-1]
    preview = {"n": 1, "part": question.bank.part, "kind": question.kind, "html": question.text_format == "html",
               "text": question.text.replace("@@PLUGINFILE@@/", pictures),
               "options": [o.replace("@@PLUGINFILE@@/", pictures) for o in question.options]}
    if question.kind == "matching":
        preview["stems"] = question.stems
    _prepare(preview, None)
    return preview


class QuestionStatusView(QuestionManagerMixin, View):
    def post(self, request, pk, action):
        question = get_object_or_404(Question.objects.filter(bank__in=visible_banks(request.user)), pk=pk)
        self.require_edit(question.bank)
        try:
            if action == "approve":
                services.question_approve(actor=request.user, question=question)
                messages.success(request, _("Question approved."))
            elif action == "retire":
                services.question_retire(actor=request.user, question=question, reason=request.POST.get("reason", ""))
                messages.success(request, _("Question retired: no new paper will use it."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(question)


# --- blueprints ---------------------------------------------------------------------------------------------------

class BlueprintListView(QuestionManagerMixin, TemplateView):
    template_name = "recruitment/exam/blueprint_list.html"

    def get_context_data(self, **kwargs):
        blueprints = list(visible_blueprints(self.request.user).prefetch_related("parts__rules__bank")
                          .order_by("-created_at")[:100])
        for blueprint in blueprints:
            blueprint.shortfalls = services.blueprint_shortfalls(blueprint)
        kwargs.setdefault("form", forms.BlueprintForm(banks=visible_banks(self.request.user)))
        return super().get_context_data(blueprints=blueprints, **kwargs)

    def post(self, request):
        form = forms.BlueprintForm(request.POST, banks=visible_banks(request.user))
        if form.is_valid():
            try:
                blueprint = services.blueprint_create(actor=request.user, name=form.cleaned_data["name"],
                                                      parts=form.parts())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Blueprint “%(name)s” saved.") % {"name": blueprint.name})
                return redirect("recruitment:blueprint_list")
        return self.render_to_response(self.get_context_data(form=form))


# --- sessions -------------------------------------------------------------------------------------------------------

class SessionListView(RecruitmentStaffMixin, TemplateView):
    template_name = "recruitment/exam/session_list.html"

    def get_context_data(self, **kwargs):
        sessions = visible_sessions(self.request.user).select_related("round", "blueprint").annotate(
            candidates=Count("attempts")).order_by("-starts_at")
        page = Paginator(sessions, 30).get_page(self.request.GET.get("page"))
        kwargs.setdefault("form", forms.SessionForm(rounds=selectors.visible_rounds(self.request.user),
                                                    initial={"starts_at": timezone.localtime().replace(
                                                        second=0, microsecond=0)}))
        return super().get_context_data(page_obj=page, **kwargs)

    def post(self, request):
        form = forms.SessionForm(request.POST, rounds=selectors.visible_rounds(request.user))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        if data["round"] is None and not (request.user.is_superuser or request.user.has_perm("recruitment.run_round")
                                          or may_manage_questions(request.user)):
            raise PermissionDenied
        session = services.session_create(actor=request.user, name=data["name"], blueprint=data["blueprint"],
                                          starts_at=data["starts_at"], round_=data["round"], room=data["room"],
                                          individual_start=data["individual_start"],
                                          practice=data["round"] is None)
        messages.success(request, _("Session created: seat the candidates, then make the papers."))
        return redirect(session)


class SessionMixin(RecruitmentStaffMixin):
    @cached_property
    def session(self) -> ExamSession:
        return get_object_or_404(visible_sessions(self.request.user).select_related("round", "blueprint"),
                                 pk=self.kwargs["pk"])


class SessionDetailView(HtmxPartialMixin, SessionMixin, TemplateView):
    template_name = "recruitment/exam/session_detail.html"
    partial_template_name = "recruitment/exam/session_progress.html"

    def get_context_data(self, **kwargs):
        session = self.session
        services.submit_due(session=session)
        counts = session.attempts.aggregate(
            total=Count("pk"), with_paper=Count("pk", filter=~Q(option_counts=[])),
            submitted=Count("pk", filter=Q(status=Attempt.Status.SUBMITTED)))
        return super().get_context_data(session=session, counts=counts, parts=session.blueprint.parts.all(),
                                        shortfalls=services.blueprint_shortfalls(session.blueprint),
                                        minutes=services.test_minutes(session), essays=essays(session), **kwargs)


class SessionSeatView(SessionMixin, View):
    def post(self, request, pk):
        if self.session.round is None:
            messages.error(request, _("A practice session gets its candidates from make_exam_session."))
        else:
            seated = services.attempts_from_round(actor=request.user, session=self.session)
            messages.success(request, _("%(n)s admitted candidates seated.") % {"n": len(seated)})
        return redirect(self.session)


class SessionPapersView(SessionMixin, View):
    def post(self, request, pk):
        problems = services.blueprint_shortfalls(self.session.blueprint)
        if problems:
            messages.error(request, "; ".join(problems))
            return redirect(self.session)
        ExamSession.objects.filter(pk=pk).update(status=ExamSession.Status.GENERATING, progress=0)
        generate_papers.delay(self.session.pk)
        messages.info(request, _("The papers are being made; this page shows the progress."))
        return redirect(self.session)


class SessionPasswordsView(SessionMixin, View):
    """New one-time passwords for the candidates who have not started, printed once (never stored)."""

    def post(self, request, pk):
        issued = services.passwords_reissue(actor=request.user, session=self.session)
        return render(request, "recruitment/exam/passwords.html", {"session": self.session, "issued": issued})


PRESENCE_TIMEOUT = 45  # seconds without a request before a candidate shows as disconnected


def live_state(attempt: Attempt, seen: float | None, now: float, timeout: int) -> str:
    if attempt.status in (Attempt.Status.SUBMITTED, Attempt.Status.ABSENT):
        return attempt.status
    if attempt.status == Attempt.Status.NOT_STARTED:
        return "not_started" if seen is None else "waiting"
    return "answering" if seen is not None and now - seen <= timeout else "disconnected"


STATE_LABELS = {"not_started": gettext_lazy("Not started"), "waiting": gettext_lazy("Waiting for the start"),
                "answering": gettext_lazy("Answering"), "disconnected": gettext_lazy("Disconnected"),
                "submitted": gettext_lazy("Handed in"), "absent": gettext_lazy("Absent")}


class ProctorView(HtmxPartialMixin, SessionMixin, TemplateView):
    """Every candidate's live state, refreshed every few seconds; re-admission, extra time,
    incidents, and the numbers whose login is locked after too many wrong passwords."""

    template_name = "recruitment/exam/proctor.html"
    partial_template_name = "recruitment/exam/proctor_table.html"

    def get_context_data(self, **kwargs):
        from django.conf import settings

        session = self.session
        services.submit_due(session=session)  # hand in what is past its deadline, beat or no beat
        attempts = list(session.attempts.annotate(answered=Count("answers", filter=Q(answers__choice__isnull=False)))
                        .order_by("number"))
        seen = cache.get_many([services.PRESENCE_KEY.format(a.pk) for a in attempts])
        now = timezone.now().timestamp()
        timeout = getattr(settings, "EXAM_PRESENCE_TIMEOUT", PRESENCE_TIMEOUT)
        totals = {key: 0 for key in STATE_LABELS}
        locked = throttle.locked_numbers(attempts)
        for attempt in attempts:
            attempt.login_locked = attempt.number in locked
            attempt.live = live_state(attempt, seen.get(services.PRESENCE_KEY.format(attempt.pk)), now, timeout)
            attempt.live_label = STATE_LABELS[attempt.live]
            attempt.questions = len(attempt.option_counts)
            totals[attempt.live] += 1
        events = session.events.select_related("attempt", "by")[:50]
        return super().get_context_data(session=session, attempts=attempts, events=events,
                                        locked=sorted(locked),
                                        totals=[(STATE_LABELS[k], v, k) for k, v in totals.items()],
                                        extra_form=forms.ExtraTimeForm(), incident_form=forms.IncidentForm(),
                                        **kwargs)


class AttemptActionView(RecruitmentStaffMixin, View):
    """The proctor's actions on one candidate: re-admit, extra time, hand in, mark absent."""

    def post(self, request, pk, action):
        attempt = get_object_or_404(Attempt.objects.select_related("session__round").filter(
            session__in=visible_sessions(request.user)), pk=pk)
        try:
            if action == "readmit":
                services.readmit(actor=request.user, attempt=attempt, reason=request.POST.get("reason", ""))
                messages.success(request, _("%(number)s may log in again.") % {"number": attempt.number})
            elif action == "extra_time":
                form = forms.ExtraTimeForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Give the minutes and the reason."))
                services.extra_time(actor=request.user, attempt=attempt, **form.cleaned_data)
                messages.success(request, _("%(number)s: %(minutes)s more minutes.")
                                 % {"number": attempt.number, "minutes": form.cleaned_data["minutes"]})
            elif action == "submit":
                if services.attempt_submit(attempt=attempt, reason="proctor", actor=request.user):
                    messages.success(request, _("%(number)s handed in by the proctor.") % {"number": attempt.number})
            elif action == "absent":
                services.mark_absent(actor=request.user, attempt=attempt)
                messages.success(request, _("%(number)s marked absent.") % {"number": attempt.number})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("recruitment:proctor", pk=attempt.session_id)


class SessionIncidentView(SessionMixin, View):
    def post(self, request, pk):
        form = forms.IncidentForm(request.POST)
        number = request.POST.get("number", "").strip()
        attempt = self.session.attempts.filter(number=number).first() if number else None
        if number and attempt is None:
            # A number not seated here would be dropped silently: the log would blame no one.
            messages.error(request, _("No candidate with number %(number)s is seated in this session.")
                           % {"number": number})
        elif form.is_valid():
            services.incident(actor=request.user, session=self.session, note=form.cleaned_data["note"],
                              attempt=attempt)
            messages.success(request, _("Incident recorded."))
        else:
            messages.error(request, _("Describe the incident."))
        return redirect("recruitment:proctor", pk=pk)


class SessionUnlockView(SessionMixin, View):
    """The proctor unlocks the login of a number of this session (throttle.attempt_unlock)."""

    def post(self, request, pk):
        attempt = self.session.attempts.filter(number=request.POST.get("number", "")).first()
        if attempt is None:
            messages.error(request, _("There is no such candidate number in this session."))
            return redirect("recruitment:proctor", pk=pk)
        try:
            throttle.attempt_unlock(actor=request.user, attempt=attempt)
            messages.success(request, _("%(number)s may log in now.") % {"number": attempt.number})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("recruitment:proctor", pk=pk)


class AnalysisView(SessionMixin, TemplateView):
    template_name = "recruitment/exam/analysis.html"

    def get_context_data(self, **kwargs):
        session = self.session
        statistics = ItemStatistic.objects.filter(session=session).select_related("question").order_by(
            "facility")
        summaries = analysis.summary_for(session) if statistics else {}
        for summary in summaries.values():
            summary.label = str(dict(QuestionBank.Part.choices).get(summary.part, summary.part))
        labels = [f"{i * 10}–{i * 10 + 10} %" for i in range(10)]
        chart = {"labels": labels, "datasets": [{"label": str(dict(QuestionBank.Part.choices).get(p, p)),
                                                 "data": s.histogram} for p, s in summaries.items()]}
        return super().get_context_data(session=session, statistics=statistics, summaries=summaries.values(),
                                        chart=chart, letters="ABCDEF",
                                        flagged=sum(1 for s in statistics if s.flag),
                                        events=ExamEvent.objects.filter(session=session).count(), **kwargs)

    def post(self, request, pk):
        if not self.session.attempts.filter(status=Attempt.Status.SUBMITTED).exists():
            messages.error(request, _("No test has been handed in yet."))
        else:
            analysis.analyse(self.session)
            messages.success(request, _("Item analysis done; questions that behave badly are flagged in the bank."))
        return redirect("recruitment:analysis", pk=pk)
