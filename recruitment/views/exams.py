"""Pages of the exam engine for staff: question banks and their review, and blueprints; the write
views of every exam page stand on ``ExamWriteView`` here (sessions: views/exam_sessions.py).

Question banks are secret: question managers (``recruitment.manage_questions``) see them all, an
exam-board member the banks of the rounds granted to them (``recruitment.exam.access``): read
with the round, written with its ``edit_questions`` grant. A session belongs to a round (its exam
board and HR see it) or is a practice session (provincial HR and question managers)."""

import tempfile
from functools import cached_property
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.text import unaccent
from core.views.edit import ObjectActionView, ObjectEditView, OutOfScope
from core.views.generic import StaffRequiredMixin
from recruitment import forms, selectors
from recruitment.exam import forms as exam_forms
from recruitment.exam import services
from recruitment.exam.access import (
    editable_banks,
    may_manage_questions,
    may_see_banks,
    visible_banks,
    visible_blueprints,
)
from recruitment.exam.editor import question_edit
from recruitment.exam.importers import QuestionImporter
from recruitment.models import ExamSession, ItemStatistic, Question, QuestionBank


def visible_sessions(user):
    sessions = Q(round__in=selectors.visible_rounds(user))
    if user.is_superuser or user.has_perm("recruitment.run_round") or may_manage_questions(user):
        sessions |= Q(round__isnull=True)
    return ExamSession.objects.filter(sessions)


class QuestionManagerMixin(StaffRequiredMixin):
    """Pages of the banks: for question managers and the exam boards of rounds with banks."""

    def dispatch(self, request, *args, **kwargs):
        if (
            request.user.is_authenticated
            and not getattr(request.user, "is_candidate", False)
            and not may_see_banks(request.user)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# --- the write path of the exam pages -------------------------------------------------------------


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
        if (
            user.is_authenticated
            and not getattr(user, "is_candidate", False)
            and self.pk_url_kwarg in kwargs
        ):
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

    invalid_message = (
        ""  # said instead of the fields' own errors (a service's refusal is said as is)
    )

    def form_invalid(self, form):
        fields_wrong = any(name != NON_FIELD_ERRORS for name in form.errors)
        errors = (
            [str(self.invalid_message)]
            if self.invalid_message and fields_wrong
            else [e for field in form.errors.values() for e in field]
        )
        messages.error(self.request, " ".join(errors))
        return redirect(self.get_success_url())

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


# --- question banks -------------------------------------------------------------------------------


class BankListView(QuestionManagerMixin, TemplateView):
    template_name = "recruitment/exam/bank_list.html"

    def get_context_data(self, **kwargs):
        approved = Q(questions__status=Question.Status.APPROVED)
        banks = visible_banks(self.request.user).annotate(
            approved=Count("questions", filter=approved),
            drafts=Count("questions", filter=Q(questions__status=Question.Status.DRAFT)),
            flagged=Count("questions", filter=approved & ~Q(questions__flagged="")),
        )
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
            importer = self.importer(
                request,
                data["bank"],
                data["part"],
                dry_run=data["dry_run"],
                skip_invalid=data["skip_invalid"],
            )
            summary = importer.run(path)
            preview = ""
            if data["dry_run"] and summary["rows"] > summary["rejected"] and summary["errors"]:
                preview = self.keep_for_preview(request, path, data)
        return self.answer(request, form, importer, summary, preview=preview)

    def importer(self, request, bank, part, *, dry_run, skip_invalid):
        writable = None if may_manage_questions(request.user) else editable_banks(request.user)
        return QuestionImporter(
            actor=request.user,
            bank=bank,
            part=part,
            dry_run=dry_run,
            writable=writable,
            skip_invalid=skip_invalid,
        )

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
        request.session["question_preview"] = {
            "token": token,
            "suffix": path.suffix.lower(),
            "name": path.stem,
            "bank": data["bank"],
            "part": data["part"],
        }
        return token

    def import_previewed(self, request):
        kept = request.session.get("question_preview") or {}
        if not kept or kept.get("token") != request.POST.get("preview"):
            messages.error(
                request, _("The previewed file is no longer available: upload it again.")
            )
            return redirect("recruitment:bank_list")
        from django.conf import settings

        stored = Path(settings.VAR_DIR) / "question-previews" / f"{kept['token']}{kept['suffix']}"
        with tempfile.TemporaryDirectory() as folder:
            path = (
                Path(folder) / f"{kept['name']}{kept['suffix']}"
            )  # the bank of a text file is its name
            path.write_bytes(stored.read_bytes())
            importer = self.importer(
                request, kept["bank"], kept["part"], dry_run=False, skip_invalid=True
            )
            summary = importer.run(path)
        stored.unlink(missing_ok=True)
        del request.session["question_preview"]
        return self.answer(request, forms.QuestionImportForm(), importer, summary, skipped=True)

    def answer(self, request, form, importer, summary, *, preview="", skipped=None):
        for warning in importer.warnings:
            messages.warning(request, warning)
        dry_run = (
            not skipped and form.cleaned_data.get("dry_run", False) if form.is_bound else False
        )
        summary["skipped"] = skipped if skipped is not None else form.cleaned_data["skip_invalid"]
        summary["dry_run"] = dry_run
        summary["valid"] = summary["rows"] - summary["rejected"]
        summary["preview"] = preview
        written = not dry_run and (not summary["errors"] or summary["skipped"])
        if written:
            messages.success(
                request,
                _(
                    "%(created)s questions added, %(updated)s changed, %(unchanged)s unchanged. "
                    "They wait for a reviewer's approval."
                )
                % summary,
            )
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
        drafts = self.bank.questions.filter(status=Question.Status.DRAFT).values_list(
            "pk", flat=True
        )
        return {**super().get_form_kwargs(), "drafts": list(drafts)}

    def get_context_data(self, **kwargs):
        get = self.request.GET
        questions = (
            self.bank.questions.exclude(status=Question.Status.RETIRED)
            .annotate(used=Count("paper_items"))
            .order_by("family", "-version")
        )
        status, topic, difficulty, query = (
            get.get("status", ""),
            get.get("topic", ""),
            get.get("difficulty", ""),
            get.get("q", "").strip(),
        )
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
            ids = [
                pk
                for pk, family, text in questions.values_list("pk", "family", "text")
                if all(w in unaccent(f"{family} {text}") for w in words)
            ]
            questions = questions.filter(pk__in=ids)
        page = Paginator(questions, 50).get_page(get.get("page"))
        topics = (
            self.bank.questions.exclude(topic="")
            .values_list("topic", flat=True)
            .distinct()
            .order_by("topic")
        )
        return super().get_context_data(
            bank=self.bank,
            page_obj=page,
            topics=topics,
            status=status,
            topic=topic,
            difficulty=difficulty,
            query=query,
            statuses=Question.Status.choices,
            difficulties=Question.Difficulty.choices,
            **kwargs,
        )

    def perform(self, form):
        # One approval per ticked draft, each in its own savepoint: a refused one (its author is
        # the reviewer) is reported and the others stay approved, as a reviewer expects.
        self.approved, self.refused = 0, []
        for question in self.bank.questions.filter(
            pk__in=form.cleaned_data["question"], status=Question.Status.DRAFT
        ):
            try:
                services.question_approve(actor=self.request.user, question=question)
                self.approved += 1
            except ValidationError as exc:
                self.refused.append(f"{question.family}: {' '.join(exc.messages)}")
        return self.bank

    def get_success_message(self, result) -> str:
        if self.refused:  # said beside the approvals that went through
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
            bank__in=visible_banks(self.request.user)
        )

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
        statistics = (
            ItemStatistic.objects.filter(question__in=versions)
            .select_related("session")
            .order_by("-session__starts_at")
        )
        form = kwargs.setdefault("form", self.get_form())
        rows = [
            {
                "letter": letter,
                "option": form[f"option_{letter.lower()}"],
                "weight": form[f"weight_{letter.lower()}"],
                "feedback": form[f"feedback_{letter.lower()}"],
                "picture": form[f"picture_{letter.lower()}"],
                "index": i,
            }
            for i, letter in enumerate(exam_forms.QuestionEditForm.LETTERS)
        ]
        return super().get_context_data(
            question=question,
            versions=versions,
            statistics=statistics,
            used=question.paper_items.count(),
            rows=rows,
            preview=_preview(question),
            letters="ABCDEFGH",
            **kwargs,
        )

    def perform(self, form):
        self.outcome, latest = question_edit(
            actor=self.request.user, question=self.question, data=form.cleaned_data
        )
        return latest

    def get_success_message(self, result) -> str:
        if self.outcome == "unchanged":
            return _("Nothing changed.")
        if self.question.status == Question.Status.DRAFT:
            return _("Draft saved.")
        return _(
            "Saved as a new draft version; the approved version stays in use until the new one "
            "is approved."
        )


class BankExportView(QuestionManagerMixin, View):
    """The bank's questions in use (newest version of each, retired ones left out) as Moodle XML."""

    def get(self, request, pk):
        from django.http import HttpResponse

        from recruitment.exam import moodle_xml

        bank = get_object_or_404(visible_banks(request.user), pk=pk)
        newest: dict[str, Question] = {}
        for question in (
            bank.questions.exclude(status=Question.Status.RETIRED)
            .select_related("bank")
            .prefetch_related("images")
            .order_by("family", "-version")
        ):
            newest.setdefault(question.family, question)
        response = HttpResponse(
            moodle_xml.export(newest.values()), content_type="application/xml; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{bank.code}.xml"'
        return response


class QuestionImageView(QuestionManagerMixin, View):
    """A picture of a question, for who reads its bank (candidates get theirs through the exam
    API)."""

    def get(self, request, pk, name):
        from django.http import HttpResponse

        from recruitment.models import QuestionImage

        image = get_object_or_404(
            QuestionImage.objects.filter(question__bank__in=visible_banks(request.user)),
            question_id=pk,
            name=name,
        )
        response = HttpResponse(bytes(image.data), content_type=image.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=600"
        return response


def _preview(question: Question) -> dict:
    """The question as the candidate's page shows it (templates/exam/_question.html), options in the
    author's order (each candidate gets them shuffled)."""
    from recruitment.exam.views import _prepare

    pictures = reverse("recruitment:question_image", args=[question.pk, "f"])[:-1]
    preview = {
        "n": 1,
        "part": question.bank.part,
        "kind": question.kind,
        "html": question.text_format == "html",
        "text": question.text.replace("@@PLUGINFILE@@/", pictures),
        "options": [o.replace("@@PLUGINFILE@@/", pictures) for o in question.options],
    }
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
        return services.question_retire(
            actor=self.request.user, question=self.object, reason=form.cleaned_data["reason"]
        )

    def get_success_message(self, result) -> str:
        if self.kwargs["action"] == "approve":
            return _("Question approved.")
        return _("Question retired: no new paper will use it.")


# --- blueprints -----------------------------------------------------------------------------------


class BlueprintListView(QuestionManagerMixin, ExamWriteView):
    """The blueprints whose banks the user reads, and the form of a new one."""

    template_name = "recruitment/exam/blueprint_list.html"
    form_class = forms.BlueprintForm

    def visible(self) -> QuerySet:
        return visible_blueprints(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "banks": visible_banks(self.request.user)}

    def get_context_data(self, **kwargs):
        blueprints = list(
            self.visible().prefetch_related("parts__rules__bank").order_by("-created_at")[:100]
        )
        for blueprint in blueprints:
            blueprint.shortfalls = services.blueprint_shortfalls(blueprint)
        return super().get_context_data(blueprints=blueprints, **kwargs)

    def perform(self, form):
        return services.blueprint_create(
            actor=self.request.user, name=form.cleaned_data["name"], parts=form.parts()
        )

    def get_success_message(self, result) -> str:
        return _("Blueprint “%(name)s” saved.") % {"name": result.name}

    def get_success_url(self) -> str:
        return reverse("recruitment:blueprint_list")
