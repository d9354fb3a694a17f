"""Pages of HR and the exam board: rounds, vacancies, applications and their review, round-1 and
round-2 marks, results with their ties explained, appeals, hiring, and the board of each round.

Who sees a round is ``selectors.visible_rounds``: provincial HR, managers of the agency's units,
and the exam-board members granted the round. A round outside that is 404; reshaping a round
(settings, vacancies, board) needs ``may_administer_round`` (403 otherwise).
"""
from functools import cached_property

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core import audit
from core.access import MANAGE, unit_scope
from core.exporting import xlsx_bytes
from core.text import unaccent
from core.views.edit import ObjectEditView, OutOfScope, unit_of
from core.views.generic import StaffRequiredMixin
from recruitment import forms, selectors, services
from recruitment.models import Appeal, Application, ApplicationDocument, RecruitmentRound
from recruitment.rules import GENERAL, LANGUAGE, PRIORITY_CATEGORIES, ROUND2_FORMS, rules_for_round

# Lazy: a module-level label evaluated at import would stay in the language of the first import.
COMPONENT_LABELS = {"written": gettext_lazy("Written"), "interview": gettext_lazy("Interview"),
                    "practical": gettext_lazy("Practical")}
RESULT_LABELS = {
    "PASSED": "Trúng tuyển", "FAILED": "Không trúng tuyển",
    "HEAD_DECIDES": "Người đứng đầu quyết định",
}


class RecruitmentStaffMixin(StaffRequiredMixin):
    """Staff who run recruitment (see ``selectors.may_run_recruitment``); everyone else 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.may_run_recruitment(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RoundMixin(RecruitmentStaffMixin):
    """A round the user may see (404 otherwise); ``administer`` views need more (403)."""

    administer = False
    round_kwarg = "pk"

    @cached_property
    def round(self) -> RecruitmentRound:
        return get_object_or_404(
            selectors.visible_rounds(self.request.user).select_related("agency"),
            pk=self.kwargs[self.round_kwarg],
        )

    @cached_property
    def can_administer(self) -> bool:
        return selectors.may_administer_round(self.request.user, self.round)

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if self.administer and user.is_authenticated and not getattr(user, "is_candidate", False) \
                and selectors.may_run_recruitment(user) and not self.can_administer:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(round=self.round, can_administer=self.can_administer,
                       rules=rules_for_round(announced_on=self.round.announced_on,
                                             round1_completed_on=self.round.round1_completed_on,
                                             on=timezone.localdate()))
        return context


class ApplicationMixin(RecruitmentStaffMixin):
    """An application of a round the user may see (404 otherwise)."""

    @cached_property
    def application(self) -> Application:
        return get_object_or_404(
            Application.objects.select_related(
                "round__agency", "vacancy__rank", "vacancy__unit"
            ).filter(round__in=selectors.visible_rounds(self.request.user)),
            pk=self.kwargs["pk"],
        )

    @property
    def round(self) -> RecruitmentRound:
        return self.application.round


class RecruitmentEditView(RecruitmentStaffMixin, ObjectEditView):
    """The write path of ``core.views.edit`` for recruitment. A round is scoped by
    ``selectors.visible_rounds`` (provincial HR, managers of its agency, its exam board, who may
    have no unit grant) rather than by a unit field, so the object comes from the round mixins and
    the re-check before commit asks the same question again."""

    require_scope = False  # exam-board members hold no unit grant: visible_rounds decides
    administer = False

    def in_scope(self, target) -> bool:
        """Whether ``target``, re-read, still belongs to a round this user may run (administer,
        when the view reshapes the round); anything else, such as the personnel record of a
        winner, to a unit the user manages."""
        fresh = type(target)._default_manager.get(pk=target.pk)
        round_ = fresh if isinstance(fresh, RecruitmentRound) else \
            fresh.application.round if isinstance(fresh, Appeal) else getattr(fresh, "round", None)
        if round_ is None:
            return self.manage_scope.contains(unit_of(fresh, self.unit_field))
        user = self.request.user
        return selectors.visible_rounds(user).filter(pk=round_.pk).exists() and (
            not self.administer or selectors.may_administer_round(user, round_))

    def check_scope(self, result) -> None:
        if not all(self.in_scope(target) for target in self.scope_targets(result)):
            raise OutOfScope


class InlineFormMixin:
    """A form shown on another page (the round's, the application's): the view answers POST only,
    and a refused form goes back to that page with its errors as messages."""

    http_method_names = ["post"]

    def form_invalid(self, form):
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(errors)
            messages.error(self.request, f"{label}: {text}" if label else text)
        return redirect(self.get_return_url())

    def get_return_url(self) -> str:
        return self.object.get_absolute_url()


class RoundEditView(RoundMixin, RecruitmentEditView):
    """A write on the round of the URL (404 outside ``visible_rounds``)."""

    object_kwarg = "round_"

    @cached_property
    def object(self) -> RecruitmentRound:
        return self.round


class ApplicationEditView(ApplicationMixin, RecruitmentEditView):
    """A write on the application of the URL (404 outside the user's rounds)."""

    @cached_property
    def object(self) -> Application:
        return self.application


# --- rounds ---------------------------------------------------------------------------------------

class RoundListView(RecruitmentStaffMixin, TemplateView):
    template_name = "recruitment/round_list.html"

    def get_context_data(self, **kwargs):
        rounds = (
            selectors.visible_rounds(self.request.user)
            .select_related("agency")
            .annotate(
                n_vacancies=Count("vacancies", distinct=True),
                n_applications=Count("applications", distinct=True),
            )
        )
        status = self.request.GET.get("status", "")
        if status in RecruitmentRound.Status.values:
            rounds = rounds.filter(status=status)
        page = Paginator(rounds.order_by("-announced_on", "code"), 30).get_page(
            self.request.GET.get("page")
        )
        user = self.request.user
        can_create = (
            user.is_superuser
            or user.has_perm("recruitment.run_round")
            or bool(unit_scope(user, MANAGE))
        )
        return super().get_context_data(
            page_obj=page, status=status, statuses=RecruitmentRound.Status.choices,
            can_create=can_create, **kwargs,
        )


class RoundCreateView(RecruitmentEditView):
    template_name = "recruitment/round_form.html"
    form_class = forms.RoundForm
    service = services.round_create
    form_scope = True
    administer = True  # the round written must be one the user may administer

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not getattr(user, "is_candidate", False) and not (
                user.is_superuser or user.has_perm("recruitment.run_round") or self.manage_scope):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"announced_on": timezone.localdate(), "written_weight": 100, "interview_weight": 0}

    def get_success_message(self, result):
        return _("Round %(code)s created under %(rules)s.") % {"code": result.code,
                                                               "rules": result.rule_set}


class RoundUpdateView(RoundEditView):
    template_name = "recruitment/round_form.html"
    form_class = forms.RoundForm
    service = services.round_update
    form_scope = True
    administer = True
    success_message = gettext_lazy("Round saved.")

    def service_kwargs(self, form):
        # The form has already set its values on the round it edits; the service compares the
        # stored round with them for the audit entry.
        return {**form.cleaned_data, "round_": RecruitmentRound.objects.get(pk=self.round.pk)}


NEXT_STATUS = {"draft": "open", "open": "review", "review": "exams", "results": "closed"}


class RoundDetailView(RoundMixin, TemplateView):
    template_name = "recruitment/round_detail.html"

    def get_context_data(self, **kwargs):
        from guardian.shortcuts import get_users_with_perms

        context = super().get_context_data(**kwargs)
        summary = selectors.round_summary(self.round)
        board = []
        if self.can_administer:
            board = sorted(get_users_with_perms(self.round, only_with_perms_in=["run_round"],
                                                with_group_users=False), key=lambda u: u.username)
            editors = set(get_users_with_perms(self.round, only_with_perms_in=["edit_questions"],
                                               with_group_users=False).values_list("pk", flat=True))
            for member in board:
                member.edits_questions = member.pk in editors
        next_status = NEXT_STATUS.get(self.round.status)
        context.update(
            summary=summary,
            totals={
                k: sum(s[k] for s in summary)
                for k in ("total", "eligible", "rejected", "waiting", "paid")
            },
            quota=sum(s["vacancy"].quota for s in summary),
            board=board,
            board_form=forms.GrantBoardForm() if self.can_administer else None,
            round_banks=self.round.banks.order_by("code"),
            blockers=self._blockers(),
            bank_choices=self._bank_choices() if self.can_administer else [],
            vacancy_form=forms.VacancyForm() if self.can_administer else None,
            next_status=next_status,
            next_status_label=RecruitmentRound.Status(next_status).label if next_status else "",
            unnumbered=selectors.awaiting_number(self.round).count(),
            deadline=services.appeal_deadline(self.round),
            pending_appeals=Appeal.objects.filter(
                application__round=self.round, status=Appeal.Status.PENDING
            ).count(),
        )
        return context


    def _blockers(self) -> list[str]:
        """Why numbering and the exams must wait (services._require_decided), said before a
        click."""
        if self.round.status not in (RecruitmentRound.Status.OPEN, RecruitmentRound.Status.REVIEW):
            return []
        blockers = []
        close = self.round.applications_close_on
        if close and timezone.localdate() <= close:
            blockers.append(
                _("applications are received until %(day)s") % {"day": close.strftime("%d/%m/%Y")}
            )
        waiting = services.undecided(self.round)
        if waiting:
            blockers.append(_("%(n)s applications are not decided yet") % {"n": waiting})
        return blockers

    def _bank_choices(self):
        from recruitment.exam.access import visible_banks

        return visible_banks(self.request.user).order_by("code")


class RoundStatusView(InlineFormMixin, RoundEditView):
    """Move the round to its next stage (publishing results has its own page)."""

    form_class = forms.RoundAdvanceForm
    service = services.round_advance
    administer = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "round_": self.round,
                "next_status": NEXT_STATUS.get(self.round.status)}

    def service_kwargs(self, form):
        return {"round_": self.round, "target": form.cleaned_data["status"],
                "reason": form.cleaned_data["reason"]}

    def get_success_message(self, result):
        return _("The round is now at: %(status)s.") % {"status": self.round.get_status_display()}


class VacancyCreateView(InlineFormMixin, RoundEditView):
    form_class = forms.VacancyForm
    service = services.vacancy_save
    administer = True

    def service_kwargs(self, form):
        return {**form.cleaned_data, "round_": self.round, "unit": self.round.agency}

    def get_success_message(self, result):
        return _("Position %(code)s saved.") % {"code": result.code}

    def get_success_url(self):
        return self.round.get_absolute_url()


class BoardGrantView(InlineFormMixin, RoundEditView):
    form_class = forms.GrantBoardForm
    service = services.board_grant
    administer = True

    def service_kwargs(self, form):
        self.member = form.cleaned_data["username"]
        return {"round_": self.round, "user": self.member,
                "edit_questions": form.cleaned_data["edit_questions"]}

    def get_success_message(self, result):
        return _("%(name)s may now run this round.") % {"name": self.member.get_full_name()}


class RoundBanksView(InlineFormMixin, RoundEditView):
    """Link the question banks the round draws on: its exam board reads them (and writes them
    with the edit grant). Only banks the administrator may read can be linked."""

    form_class = forms.RoundBanksForm
    service = services.round_banks_set
    administer = True

    def get_form_kwargs(self):
        from recruitment.exam.access import visible_banks

        return {**super().get_form_kwargs(), "banks": visible_banks(self.request.user)}

    def service_kwargs(self, form):
        return {"round_": self.round, "banks": list(form.cleaned_data["bank"])}

    def get_success_message(self, result):
        return _("%(n)s question banks linked to the round.") % {"n": self.round.banks.count()}


class BoardRevokeView(InlineFormMixin, RoundEditView):
    form_class = django_forms.Form  # nothing to fill in: the member is in the URL
    service = services.board_grant
    administer = True

    @cached_property
    def member(self):
        from core.models import User

        return get_object_or_404(User, pk=self.kwargs["user_pk"])

    def service_kwargs(self, form):
        return {"round_": self.round, "user": self.member, "grant": False}

    def get_success_message(self, result):
        return _("%(name)s no longer runs this round.") % {"name": self.member.get_full_name()}


# --- applications ---------------------------------------------------------------------------------

class ApplicationListView(RoundMixin, TemplateView):
    """Applications of the round with filters; the eligibility review happens from here."""

    template_name = "recruitment/application_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        get = self.request.GET
        applications = self.round.applications.select_related("vacancy").annotate(
            n_documents=Count("documents")
        )
        vacancy, status, fee, query = (
            get.get("vacancy", ""), get.get("status", ""), get.get("fee", ""),
            get.get("q", "").strip(),
        )
        if vacancy.isdigit():
            applications = applications.filter(vacancy_id=int(vacancy))
        if status in Application.Status.values:
            applications = applications.filter(status=status)
        if fee in Application.Fee.values:
            applications = applications.filter(fee_status=fee)
        if query:
            # Applications of one round are a few thousand at most: match without diacritics here.
            words = unaccent(query).split()
            ids = [
                pk
                for pk, name, number, nid in applications.values_list(
                    "pk", "full_name", "number", "national_id"
                )
                if all(w in unaccent(f"{name} {number} {nid}") for w in words)
            ]
            applications = applications.filter(pk__in=ids)
        applications = applications.order_by("vacancy__code", "number", "full_name")
        page = Paginator(applications, 50).get_page(get.get("page"))
        context.update(
            page_obj=page,
            vacancies=self.round.vacancies.all(),
            vacancy=vacancy,
            status=status,
            fee=fee,
            query=query,
            statuses=Application.Status.choices,
            fees=Application.Fee.choices,
            priority_names={c: n for c, (_p, n) in PRIORITY_CATEGORIES.items()},
        )
        return context


class NumbersAssignView(InlineFormMixin, RoundEditView):
    form_class = forms.NumbersForm
    service = services.numbers_assign

    def get_success_message(self, result):
        return _("%(count)s candidates received an exam number.") % {"count": result}

    def get_success_url(self):
        return self.round.get_absolute_url()


class ApplicationDetailView(ApplicationMixin, TemplateView):
    template_name = "recruitment/application_detail.html"

    def get_context_data(self, **kwargs):
        from core.models import AuditEntry

        context = super().get_context_data(**kwargs)
        application = self.application
        result = getattr(application, "result", None)
        target = application.vacancy.unit or application.round.agency
        can_hire = (
            result is not None
            and result.result == "PASSED"
            and not application.hired_id
            and target is not None
            and unit_scope(self.request.user, MANAGE).contains(target)
        )
        prefix = (target.code + "-") if target is not None else "CC-"
        context.update(
            application=application,
            round=application.round,
            documents=application.documents.all(),
            marks=application.marks.filter(replaced=False).order_by("component", "marker"),
            round1=application.round1_scores.all(),
            appeals=application.appeals.all(),
            result=result,
            priorities=[
                (c, PRIORITY_CATEGORIES[c][1], PRIORITY_CATEGORIES[c][0])
                for c in application.priority_codes
                if c in PRIORITY_CATEGORIES
            ],
            review_form=forms.ReviewForm(
                initial={
                    "decision": "eligible" if application.status != "rejected" else "rejected",
                    "reason": application.rejection_reason,
                }
            ),
            fee_form=forms.FeeForm(initial={"receipt": application.fee_receipt}),
            answer_form=forms.AppealAnswerForm(),
            hire_form=forms.HireForm(
                scope=unit_scope(self.request.user, MANAGE),
                initial={
                    "code": services.next_employee_code(prefix), "start_date": timezone.localdate(),
                    "unit": target,
                },
            )
            if can_hire
            else None,
            history=audit.for_display(
                AuditEntry.objects.filter(
                    content_type__app_label="recruitment", content_type__model="application",
                    object_id=str(application.pk),
                ).order_by("-timestamp")[:30],
                unit_scope(self.request.user, MANAGE),
            ),
        )
        return context


class ApplicationReviewView(InlineFormMixin, ApplicationEditView):
    form_class = forms.ReviewForm
    service = services.application_review
    success_message = gettext_lazy("Review saved.")

    def service_kwargs(self, form):
        return {"application": self.application, "reason": form.cleaned_data["reason"],
                "eligible": form.cleaned_data["decision"] == "eligible"}

    def get_success_url(self):
        next_pending = self.round.applications.filter(status=Application.Status.SUBMITTED) \
            .order_by("vacancy__code", "full_name").first()
        if next_pending and self.request.POST.get("next"):
            return next_pending.get_absolute_url()
        return self.application.get_absolute_url()


class ApplicationFeeView(InlineFormMixin, ApplicationEditView):
    form_class = forms.FeeForm
    service = services.fee_record
    success_message = gettext_lazy("Fee recorded.")


class ApplicationHireView(InlineFormMixin, ApplicationEditView):
    """Open the personnel record of a winner (recruitment event, probation by rank) in a unit the
    user manages; the record written is re-checked against those units before commit."""

    form_class = forms.HireForm
    service = services.winner_hire
    form_scope = True

    def service_kwargs(self, form):
        data = dict(form.cleaned_data)
        target = data.pop("unit") or self.application.vacancy.unit or self.round.agency
        if target is None or not self.manage_scope.contains(target):
            raise PermissionDenied
        return {**data, "application": self.application, "unit": target}

    def scope_targets(self, result):
        return [self.application, result]

    def get_success_message(self, result):
        return _("Personnel record %(code)s opened.") % {"code": result.code}


class DocumentDownloadView(ApplicationMixin, View):
    def get(self, request, pk, doc_pk):
        document = get_object_or_404(ApplicationDocument, pk=doc_pk, application=self.application)
        return FileResponse(
            document.file.open("rb"), as_attachment=True, filename=document.original_name
        )


# --- scores ---------------------------------------------------------------------------------------

class ScoreSheetMixin(RoundMixin):
    """Rows of the round's numbered candidates, filtered by position, 50 per page; the sheet's
    form has a cell per row and column and goes to one batch service (all cells or none)."""

    @cached_property
    def sheet(self):
        applications = (
            self.round.applications.filter(status=Application.Status.ELIGIBLE)
            .select_related("vacancy")
            .prefetch_related("marks", "round1_scores")
            .order_by("vacancy__code", "number", "full_name")
        )
        vacancy = self.request.GET.get("vacancy", "") or self.request.POST.get("vacancy", "")
        if vacancy.isdigit():
            applications = applications.filter(vacancy_id=int(vacancy))
        number = self.request.GET.get("page") or self.request.POST.get("page")
        page = Paginator(applications, 50).get_page(number)
        return page, vacancy

    def get_success_url(self):
        page, vacancy = self.sheet
        query = "&".join(p for p in (f"vacancy={vacancy}" if vacancy else "",
                                     f"page={page.number}" if page.number > 1 else "") if p)
        url = self.request.path
        return f"{url}?{query}" if query else url

    def sheet_errors(self, form) -> list[str]:
        """Every refused cell, said with its row and column, for the summary above the sheet."""
        return [*form.non_field_errors(),
                *(f"{form.fields[name].label}: {' '.join(errors)}"
                  for name, errors in form.errors.items() if name in form.fields)]

    def perform(self, form):
        # The service names each bad cell by its row and column: put its message on that cell.
        try:
            return super().perform(form)
        except ValidationError as exc:
            cells = {}
            for error in exc.error_list:
                params = error.params or {}
                name = self.cell_of(params)
                cells.setdefault(name if name in form.fields else NON_FIELD_ERRORS, []).append(
                    params.get("problem") if name in form.fields else error)
            raise ValidationError(cells) from None

    def service_kwargs(self, form):
        return {"round_": self.round, "entries": form.cleaned_data["entries"]}


class MarksView(ScoreSheetMixin, RecruitmentEditView):
    """Round-2 marks: two markers per paper, a reconciliation mark where they differ too much."""

    template_name = "recruitment/marks.html"
    form_class = forms.MarksForm
    service = services.marks_enter

    @cached_property
    def object(self) -> RecruitmentRound:
        return self.round

    def get_form_kwargs(self):
        components = ROUND2_FORMS[self.round.round2_form]
        return {**super().get_form_kwargs(), "applications": self.sheet[0],
                "components": components, "labels": COMPONENT_LABELS}

    def cell_of(self, params) -> str:
        return forms.MarksForm.cell_name(params.get("application"), params.get("component"),
                                         params.get("marker"))

    def get_success_message(self, result):
        return _("%(count)s marks saved.") % {"count": len(result)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, (page, vacancy) = context["form"], self.sheet
        components = ROUND2_FORMS[self.round.round2_form]
        rows = []
        for application in page:
            cells = []
            for component in components:
                score = selectors.component_score(
                    [m for m in application.marks.all() if m.component == component])
                fields = {f"m{marker}": form[form.cell_name(application.pk, component, marker)]
                          for marker in form.MARKERS}
                cells.append({"component": component, "label": COMPONENT_LABELS[component],
                              "score": score, **fields})
            rows.append({"application": application, "cells": cells,
                         "conflict": any(c["score"].conflict for c in cells)})
        context.update(page_obj=page, rows=rows,
                       components=[(c, COMPONENT_LABELS[c]) for c in components],
                       vacancies=self.round.vacancies.all(), vacancy=vacancy,
                       tolerance=selectors.MARK_TOLERANCE, sheet_errors=self.sheet_errors(form),
                       conflicts=sum(r["conflict"] for r in rows))
        return context


class Round1View(ScoreSheetMixin, RecruitmentEditView):
    """Round-1 results entered from paper or another system: correct answers per part."""

    template_name = "recruitment/round1.html"
    form_class = forms.Round1Form
    service = services.round1_scores_enter

    @cached_property
    def object(self) -> RecruitmentRound:
        return self.round

    @cached_property
    def rules(self):
        return rules_for_round(announced_on=self.round.announced_on).rule_set

    @cached_property
    def parts(self):
        return [p for p in self.rules.round1_parts if p.code in (GENERAL, LANGUAGE)]

    @cached_property
    def part_labels(self) -> dict:
        return {part.code: services.round1_part_label(part.code) for part in self.parts}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "applications": self.sheet[0], "parts": self.parts,
                "labels": self.part_labels, "skip": selectors.round1_part_skipped}

    def cell_of(self, params) -> str:
        return forms.Round1Form.cell_name(params.get("application"), params.get("part"))

    def get_success_message(self, result):
        return _("%(count)s results saved.") % {"count": result}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, (page, vacancy) = context["form"], self.sheet
        rows = []
        for application in page:
            scores = {s.part: (s.correct, s.questions) for s in application.round1_scores.all()}
            cells = []
            for part in self.parts:
                name = form.cell_name(application.pk, part.code)
                cells.append({"part": part, "label": self.part_labels.get(part.code, part.code),
                              "field": form[name] if name in form.fields else None})
            rows.append({"application": application, "cells": cells,
                         "passed": selectors.round1_passed(application, scores, self.rules)})
        context.update(page_obj=page, rows=rows, parts=self.parts, part_labels=self.part_labels,
                       vacancies=self.round.vacancies.all(), vacancy=vacancy,
                       sheet_errors=self.sheet_errors(form))
        return context


# --- results --------------------------------------------------------------------------------------

class ResultsView(RoundMixin, TemplateView):
    """The ranking as it stands (or as published), the ties explained, the distribution per
    position."""

    template_name = "recruitment/results.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("print"):  # the printable list is the signed paper (views/papers.py)
            return redirect("recruitment:results_paper", pk=self.round.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = selectors.round_results(
            self.round, on=self.round.results_published_on or timezone.localdate()
        )
        vacancy = self.request.GET.get("vacancy", "")
        rows = [
            r
            for r in results.rows
            if not vacancy.isdigit() or r.application.vacancy_id == int(vacancy)
        ]
        context.update(
            results=results,
            rows=rows,
            vacancies=self.round.vacancies.all(),
            vacancy=vacancy,
            chart=selectors.score_distribution(results),
            stats=selectors.position_statistics(results),
            result_labels=RESULT_LABELS,
            conflicts=sum(bool(r.conflicts) for r in results.rows),
            ties=[r for r in results.rows if r.result == "HEAD_DECIDES"],
            components=[(c, COMPONENT_LABELS[c]) for c in ROUND2_FORMS[self.round.round2_form]],
            published=self.round.results_published_on,
        )
        return context


class ResultsPublishView(InlineFormMixin, RoundEditView):
    form_class = django_forms.Form  # a confirmation: nothing to fill in
    service = services.results_publish
    administer = True

    def service_kwargs(self, form):
        return {"round_": RecruitmentRound.objects.get(pk=self.round.pk)}

    def get_success_message(self, result):
        return _("Results of %(count)s candidates published; candidates see their own.") \
            % {"count": result}

    def get_return_url(self):
        return reverse("recruitment:results", args=[self.round.pk])

    get_success_url = get_return_url


class ResultsExportView(RoundMixin, View):
    def get(self, request, pk):
        results = selectors.round_results(
            self.round, on=self.round.results_published_on or timezone.localdate()
        )
        components = ROUND2_FORMS[self.round.round2_form]
        headers = ["Số báo danh", "Họ và tên", "Ngày sinh", "Mã vị trí", "Vị trí", "Đạt vòng 1",
                   *[f"Điểm {COMPONENT_LABELS[c].lower()}" for c in components], "Điểm chuyên môn",
                   "Điểm ưu tiên", "Tổng điểm", "Thứ tự", "Kết quả", "Ghi chú"]
        rows = (
            [
                r.application.number, r.application.full_name,
                r.application.date_of_birth.strftime("%d/%m/%Y"), r.application.vacancy.code,
                r.application.vacancy.title, "Đạt" if r.round1_passed else "Không đạt",
                *[
                    float(r.components[c].score) if r.components[c].score is not None else None
                    for c in components
                ],
                float(r.professional) if r.professional is not None else None,
                float(r.priority),
                float(r.total) if r.total is not None else None,
                r.rank,
                RESULT_LABELS[r.result],
                r.note,
            ]
            for r in results.rows
        )
        body = xlsx_bytes(headers, rows, sheet_name="Kết quả")
        response = HttpResponse(
            body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="ket-qua-{self.round.code}.xlsx"'
        return response


class AdmissionListView(RoundMixin, TemplateView):
    """The printable list of candidates admitted to the exams (danh sách thí sinh đủ điều kiện)."""

    template_name = "recruitment/admission_list.html"

    def get_context_data(self, **kwargs):
        applications = (
            self.round.applications.filter(status=Application.Status.ELIGIBLE)
            .select_related("vacancy")
            .order_by("vacancy__code", "number", "full_name")
        )
        rejected = (
            self.round.applications.filter(status=Application.Status.REJECTED)
            .select_related("vacancy")
            .order_by("vacancy__code", "full_name")
        )
        return super().get_context_data(applications=applications, rejected=rejected, **kwargs)


class AppealListView(RoundMixin, TemplateView):
    template_name = "recruitment/appeal_list.html"

    def get_context_data(self, **kwargs):
        appeals = list(Appeal.objects.filter(application__round=self.round).select_related(
            "application__vacancy").order_by("status", "-submitted_at"))
        for appeal in appeals:  # one form per pending request, with ids of its own
            appeal.form = forms.AppealAnswerForm(auto_id=f"id_appeal{appeal.pk}_%s")
        return super().get_context_data(appeals=appeals,
                                        deadline=services.appeal_deadline(self.round),
                                        component_labels=COMPONENT_LABELS, **kwargs)


class AppealAnswerView(InlineFormMixin, RecruitmentEditView):
    form_class = forms.AppealAnswerForm
    service = services.appeal_resolve
    success_message = gettext_lazy("Answer saved. Publish the results again if a score changed.")

    @cached_property
    def object(self) -> Appeal:
        appeals = Appeal.objects.select_related("application__round").filter(
            application__round__in=selectors.visible_rounds(self.request.user))
        return get_object_or_404(appeals, pk=self.kwargs["pk"])

    def get_return_url(self):
        return reverse("recruitment:appeal_list", args=[self.object.application.round_id])

    get_success_url = get_return_url
