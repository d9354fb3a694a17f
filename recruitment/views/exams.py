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
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.text import unaccent
from core.views.edit import ActionForm, ObjectActionView, ObjectEditView, OutOfScope
from core.views.generic import HtmxPartialMixin, StaffRequiredMixin
from recruitment import forms, selectors
from recruitment.exam import analysis, services, throttle
from recruitment.exam import forms as exam_forms
from recruitment.exam.access import (
    editable_banks,
    may_manage_questions,
    may_see_banks,
    visible_banks,
    visible_blueprints,
)
from recruitment.exam.editor import question_edit
from recruitment.exam.importers import QuestionImporter
from recruitment.exam.marking import uses_negative_marking
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



# --- question banks ---------------------------------------------------------------------------------------------

class ExamWriteView(ObjectEditView):
    """A write on an exam object (bank, question, blueprint, session, attempt) through the one write
    path of core/views/edit.py.

    Exam objects have no unit: a session is scoped by its round (``visible_sessions``), a bank by
    the exam board's grants (``recruitment.exam.access``). ``visible()`` gives what the user may
    see (404 outside), ``writable()`` what they may write (403 when only seen); the base's re-check
    inside the write transaction reads ``writable()`` instead of the unit scope. A page that shows
    the object to its readers and takes the writes of its writers sets ``read_on_get``."""

    require_scope = False
    unit_field = None
    read_on_get = False

    def visible(self) -> QuerySet:
        raise ImproperlyConfigured(f"{type(self).__name__} needs visible()")

    def writable(self) -> QuerySet:
        return self.visible()

    @cached_property
    def object(self):
        if self.pk_url_kwarg not in self.kwargs:
            return None
        obj = get_object_or_404(self.visible(), pk=self.kwargs[self.pk_url_kwarg])
        reading = self.read_on_get and self.request.method in ("GET", "HEAD")
        if not reading and not self.writable().filter(pk=obj.pk).exists():
            raise PermissionDenied
        self.check_object(obj)
        return obj

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not getattr(user, "is_candidate", False) and self.pk_url_kwarg in kwargs:
            self.object  # noqa: B018 - 404/403 before the form is even built
        # ObjectEditView.dispatch checks the unit scope, which exam objects do not have: skip it.
        return super(ObjectEditView, self).dispatch(request, *args, **kwargs)

    def check_scope(self, result) -> None:
        allowed = self.writable()
        for target in self.scope_targets(result):
            if isinstance(target, allowed.model) and not allowed.filter(pk=target.pk).exists():
                raise OutOfScope


class ExamActionView(ExamWriteView, ObjectActionView):
    """A one-click action (seat, make papers, approve …) on an exam object."""


class ConsoleAnswerMixin:
    """The console's buttons post from the session's pages: a refusal goes back there as a message
    (the page the proctor was watching), not to a form page of its own."""

    invalid_message = ""  # said instead of the fields' own errors (a service's refusal is said as is)

    def form_invalid(self, form):
        fields_wrong = any(name != NON_FIELD_ERRORS for name in form.errors)
        errors = [str(self.invalid_message)] if self.invalid_message and fields_wrong \
            else [e for field in form.errors.values() for e in field]
        messages.error(self.request, " ".join(errors))
        return redirect(self.get_success_url())

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


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
        # Not on ObjectEditView: an upload is no "form → service → redirect" write. The importer
        # writes in its own transaction (all rows or the valid ones), and the answer is its summary
        # on this page, or the preview of a dry run whose checked file is kept for this user.
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


class BankDetailView(QuestionManagerMixin, ExamWriteView):
    """A bank's questions for its readers; its writers approve the ticked drafts here (each by
    someone other than its author)."""

    template_name = "recruitment/exam/bank_detail.html"
    form_class = exam_forms.ApproveForm
    read_on_get = True

    def visible(self) -> QuerySet:
        return visible_banks(self.request.user)

    def writable(self) -> QuerySet:
        return editable_banks(self.request.user)

    @property
    def bank(self) -> QuestionBank:
        return self.object

    def get_form_kwargs(self):
        drafts = self.bank.questions.filter(status=Question.Status.DRAFT).values_list("pk", flat=True)
        return {**super().get_form_kwargs(), "drafts": list(drafts)}

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

    def perform(self, form):
        # One approval per ticked draft, each in its own savepoint: a refused one (its author is
        # the reviewer) is reported and the others stay approved, as a reviewer expects.
        self.approved, self.refused = 0, []
        for question in self.bank.questions.filter(pk__in=form.cleaned_data["question"],
                                                   status=Question.Status.DRAFT):
            try:
                services.question_approve(actor=self.request.user, question=question)
                self.approved += 1
            except ValidationError as exc:
                self.refused.append(f"{question.family}: {' '.join(exc.messages)}")
        return self.bank

    def get_success_message(self, result) -> str:
        if self.refused:
            messages.error(self.request, "; ".join(self.refused))
        return _("%(n)s questions approved.") % {"n": self.approved} if self.approved else ""


class QuestionDetailView(QuestionManagerMixin, ExamWriteView):
    """A question with its versions and statistics, and the editor: any type, 2–8 options with the
    key chosen among them, feedback and a picture per option; saved as a new draft version when
    the question is approved (papers keep the version they were made with)."""

    template_name = "recruitment/exam/question_detail.html"
    form_class = exam_forms.QuestionEditForm
    read_on_get = True

    def visible(self) -> QuerySet:
        return Question.objects.select_related("bank", "created_by", "approved_by").filter(
            bank__in=visible_banks(self.request.user))

    def writable(self) -> QuerySet:
        return Question.objects.filter(bank__in=editable_banks(self.request.user))

    @property
    def question(self) -> Question:
        return self.object

    def get_initial(self):
        return exam_forms.QuestionEditForm.initial_for(self.question)

    def get_context_data(self, **kwargs):
        question = self.question
        versions = question.bank.questions.filter(family=question.family).order_by("-version")
        statistics = ItemStatistic.objects.filter(question__in=versions).select_related("session").order_by(
            "-session__starts_at")
        form = kwargs.setdefault("form", self.get_form())
        rows = [{"letter": letter, "option": form[f"option_{letter.lower()}"],
                 "weight": form[f"weight_{letter.lower()}"], "feedback": form[f"feedback_{letter.lower()}"],
                 "picture": form[f"picture_{letter.lower()}"], "index": i}
                for i, letter in enumerate(exam_forms.QuestionEditForm.LETTERS)]
        return super().get_context_data(question=question, versions=versions, statistics=statistics,
                                        used=question.paper_items.count(), rows=rows, preview=_preview(question),
                                        letters="ABCDEFGH", **kwargs)

    def perform(self, form):
        self.outcome, latest = question_edit(actor=self.request.user, question=self.question,
                                             data=form.cleaned_data)
        return latest

    def get_success_message(self, result) -> str:
        if self.outcome == "unchanged":
            return _("Nothing changed.")
        if self.question.status == Question.Status.DRAFT:
            return _("Draft saved.")
        return _("Saved as a new draft version; the approved version stays in use until the new one is approved.")


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
    from recruitment.exam.views import _prepare

    pictures = reverse("recruitment:question_image", args=[question.pk, "f"])[:-1]
    preview = {"n": 1, "part": question.bank.part, "kind": question.kind, "html": question.text_format == "html",
               "text": question.text.replace("@@PLUGINFILE@@/", pictures),
               "options": [o.replace("@@PLUGINFILE@@/", pictures) for o in question.options]}
    if question.kind == "matching":
        preview["stems"] = question.stems
    _prepare(preview, None)
    return preview


class QuestionStatusView(ConsoleAnswerMixin, QuestionManagerMixin, ExamActionView):
    """Approve a draft, or retire a question (no new paper uses it; papers made keep it)."""

    ACTIONS = {"approve": gettext_lazy("Approve"), "retire": gettext_lazy("Retire")}

    def visible(self) -> QuerySet:
        return Question.objects.filter(bank__in=visible_banks(self.request.user))

    def writable(self) -> QuerySet:
        return Question.objects.filter(bank__in=editable_banks(self.request.user))

    def check_object(self, obj) -> None:
        if self.kwargs["action"] not in self.ACTIONS:
            raise Http404

    @property
    def action_label(self):
        return self.ACTIONS[self.kwargs["action"]]

    def perform(self, form):
        if self.kwargs["action"] == "approve":
            return services.question_approve(actor=self.request.user, question=self.object)
        return services.question_retire(actor=self.request.user, question=self.object,
                                        reason=form.cleaned_data["reason"])

    def get_success_message(self, result) -> str:
        if self.kwargs["action"] == "approve":
            return _("Question approved.")
        return _("Question retired: no new paper will use it.")


# --- blueprints ---------------------------------------------------------------------------------------------------

class BlueprintListView(QuestionManagerMixin, ExamWriteView):
    """The blueprints whose banks the user reads, and the form of a new one."""

    template_name = "recruitment/exam/blueprint_list.html"
    form_class = forms.BlueprintForm

    def visible(self) -> QuerySet:
        return visible_blueprints(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "banks": visible_banks(self.request.user)}

    def get_context_data(self, **kwargs):
        blueprints = list(self.visible().prefetch_related("parts__rules__bank").order_by("-created_at")[:100])
        for blueprint in blueprints:
            blueprint.shortfalls = services.blueprint_shortfalls(blueprint)
        return super().get_context_data(blueprints=blueprints, **kwargs)

    def perform(self, form):
        return services.blueprint_create(actor=self.request.user, name=form.cleaned_data["name"],
                                         parts=form.parts())

    def get_success_message(self, result) -> str:
        return _("Blueprint “%(name)s” saved.") % {"name": result.name}

    def get_success_url(self) -> str:
        return reverse("recruitment:blueprint_list")


# --- sessions -------------------------------------------------------------------------------------------------------

class SessionListView(RecruitmentStaffMixin, ExamWriteView):
    """The sessions of the rounds the user runs (and practice sessions for HR), and a new one."""

    template_name = "recruitment/exam/session_list.html"
    form_class = forms.SessionForm

    def visible(self) -> QuerySet:
        return visible_sessions(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rounds": selectors.visible_rounds(self.request.user)}

    def get_initial(self):
        return {"starts_at": timezone.localtime().replace(second=0, microsecond=0)}

    def get_context_data(self, **kwargs):
        sessions = self.visible().select_related("round", "blueprint").annotate(
            candidates=Count("attempts")).order_by("-starts_at")
        page = Paginator(sessions, 30).get_page(self.request.GET.get("page"))
        return super().get_context_data(page_obj=page, **kwargs)

    def perform(self, form):
        data, user = form.cleaned_data, self.request.user
        if data["round"] is None and not (user.is_superuser or user.has_perm("recruitment.run_round")
                                          or may_manage_questions(user)):
            raise PermissionDenied  # a practice session is HR's or the question managers'
        return services.session_create(actor=user, name=data["name"], blueprint=data["blueprint"],
                                       starts_at=data["starts_at"], round_=data["round"], room=data["room"],
                                       individual_start=data["individual_start"], practice=data["round"] is None)

    def get_success_message(self, result) -> str:
        return _("Session created: seat the candidates, then make the papers.")


class SessionMixin(RecruitmentStaffMixin):
    @cached_property
    def session(self) -> ExamSession:
        return get_object_or_404(visible_sessions(self.request.user).select_related("round", "blueprint"),
                                 pk=self.kwargs["pk"])


class SessionActionView(ConsoleAnswerMixin, RecruitmentStaffMixin, ExamActionView):
    """A button of a session's page or console: the session is the object (seen → written, as the
    proctor's console is for who sees the session)."""

    def visible(self) -> QuerySet:
        return visible_sessions(self.request.user).select_related("round", "blueprint")

    @property
    def session(self) -> ExamSession:
        return self.object


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
                                        minutes=services.test_minutes(session), essays=essays(session),
                                        negative=uses_negative_marking(session), **kwargs)


class SessionSeatView(SessionActionView):
    action_label = gettext_lazy("Seat the admitted candidates")

    def perform(self, form):
        if self.session.round is None:
            raise ValidationError(_("A practice session gets its candidates from make_exam_session."))
        self.seated = services.attempts_from_round(actor=self.request.user, session=self.session)
        return self.session

    def get_success_message(self, result) -> str:
        return _("%(n)s admitted candidates seated.") % {"n": len(self.seated)}


class SessionPapersView(SessionActionView):
    action_label = gettext_lazy("Make the papers")
    success_message = gettext_lazy("The papers are being made; this page shows the progress.")

    def perform(self, form):
        problems = services.blueprint_shortfalls(self.session.blueprint)
        if problems:
            raise ValidationError("; ".join(problems))
        ExamSession.objects.filter(pk=self.session.pk).update(status=ExamSession.Status.GENERATING, progress=0)
        return self.session

    def success_response(self, result):
        # Queued after the base's transaction has committed: the worker must read GENERATING.
        generate_papers.delay(self.session.pk)
        return super().success_response(result)


class SessionPasswordsView(SessionActionView):
    """New one-time passwords for the candidates who have not started, printed once (never stored)."""

    action_label = gettext_lazy("New passwords")
    success_message = ""

    def perform(self, form):
        self.issued = services.passwords_reissue(actor=self.request.user, session=self.session)
        return self.session

    def success_response(self, result):
        return render(self.request, "recruitment/exam/passwords.html", {"session": self.session,
                                                                        "issued": self.issued})


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


class AttemptActionView(ConsoleAnswerMixin, RecruitmentStaffMixin, ExamActionView):
    """The proctor's actions on one candidate: re-admit, extra time, hand in, mark absent."""

    ACTIONS = {"readmit": gettext_lazy("Re-admit"), "extra_time": gettext_lazy("Extra time"),
               "submit": gettext_lazy("Hand in"), "absent": gettext_lazy("Absent")}

    def visible(self) -> QuerySet:
        return Attempt.objects.select_related("session__round").filter(
            session__in=visible_sessions(self.request.user))

    def check_object(self, obj) -> None:
        if self.kwargs["action"] not in self.ACTIONS:
            raise Http404
        # Handed in first, outside the write's transaction, when its deadline has passed (no beat
        # needed): a refused re-admission or extra time must not undo the hand-in.
        services.submit_if_due(obj)

    @property
    def action_label(self):
        return self.ACTIONS[self.kwargs["action"]]

    @property
    def invalid_message(self):
        return _("Give the minutes and the reason.") if self.kwargs["action"] == "extra_time" else ""

    def get_form_class(self):
        return forms.ExtraTimeForm if self.kwargs["action"] == "extra_time" else ActionForm

    def perform(self, form):
        attempt, user, action = self.object, self.request.user, self.kwargs["action"]
        self.done = True
        if action == "readmit":
            services.readmit(actor=user, attempt=attempt, reason=form.cleaned_data["reason"])
        elif action == "extra_time":
            self.minutes = form.cleaned_data["minutes"]
            services.extra_time(actor=user, attempt=attempt, **form.cleaned_data)
        elif action == "submit":
            self.done = services.attempt_submit(attempt=attempt, reason="proctor", actor=user)
        else:
            services.mark_absent(actor=user, attempt=attempt)
        return attempt

    def get_success_message(self, result) -> str:
        number = self.object.number
        messages_by_action = {
            "readmit": _("%(number)s may log in again.") % {"number": number},
            "extra_time": _("%(number)s: %(minutes)s more minutes.")
            % {"number": number, "minutes": getattr(self, "minutes", "")},
            "submit": _("%(number)s handed in by the proctor.") % {"number": number} if self.done else "",
            "absent": _("%(number)s marked absent.") % {"number": number}}
        return messages_by_action[self.kwargs["action"]]

    def get_success_url(self) -> str:
        return reverse("recruitment:proctor", args=[self.object.session_id])


class SessionIncidentView(SessionActionView):
    """An incident in the room log, of a seated candidate or of the room."""

    form_class = exam_forms.IncidentNumberForm
    action_label = gettext_lazy("Record an incident")
    invalid_message = gettext_lazy("Describe the incident.")
    success_message = gettext_lazy("Incident recorded.")

    def perform(self, form):
        number = form.cleaned_data["number"].strip()
        attempt = self.session.attempts.filter(number=number).first() if number else None
        if number and attempt is None:
            # A number not seated here would be dropped silently: the log would blame no one.
            raise ValidationError(_("No candidate with number %(number)s is seated in this session.")
                                  % {"number": number})
        services.incident(actor=self.request.user, session=self.session, note=form.cleaned_data["note"],
                          attempt=attempt)
        return self.session

    def get_success_url(self) -> str:
        return reverse("recruitment:proctor", args=[self.session.pk])


class SessionUnlockView(SessionActionView):
    """The proctor unlocks the login of a number of this session (throttle.attempt_unlock)."""

    form_class = exam_forms.NumberForm
    action_label = gettext_lazy("Unlock")

    def perform(self, form):
        self.attempt = self.session.attempts.filter(number=form.cleaned_data["number"]).first()
        if self.attempt is None:
            raise ValidationError(_("There is no such candidate number in this session."))
        throttle.attempt_unlock(actor=self.request.user, attempt=self.attempt)
        return self.session

    def get_success_message(self, result) -> str:
        return _("%(number)s may log in now.") % {"number": self.attempt.number}

    def get_success_url(self) -> str:
        return reverse("recruitment:proctor", args=[self.session.pk])


class AnalysisView(SessionActionView):
    """The item analysis of a session (read by who sees the session); the button runs it again."""

    template_name = "recruitment/exam/analysis.html"
    read_on_get = True
    action_label = gettext_lazy("Analyse")
    success_message = gettext_lazy("Item analysis done; questions that behave badly are flagged in the bank.")

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

    def perform(self, form):
        if not self.session.attempts.filter(status=Attempt.Status.SUBMITTED).exists():
            raise ValidationError(_("No test has been handed in yet."))
        analysis.analyse(self.session)
        return self.session

    def get_success_url(self) -> str:
        return reverse("recruitment:analysis", args=[self.session.pk])
