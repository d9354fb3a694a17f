"""Pages of HR and the exam board: rounds, vacancies, applications and their review, round-1 and
round-2 marks, results with their ties explained, appeals, hiring, and the board of each round.

Who sees a round is ``selectors.visible_rounds``: provincial HR, managers of the agency's units,
and the exam-board members granted the round. A round outside that is 404; reshaping a round
(settings, vacancies, board) needs ``may_administer_round`` (403 otherwise).
"""
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from core import audit
from core.access import MANAGE, unit_scope
from core.exporting import xlsx_bytes
from core.text import unaccent
from core.views.generic import StaffRequiredMixin
from core.views.units import form_errors_from
from recruitment import forms, selectors, services
from recruitment.models import Appeal, Application, ApplicationDocument, RecruitmentRound
from recruitment.rules import GENERAL, LANGUAGE, PRIORITY_CATEGORIES, ROUND2_FORMS, rules_for_round

# Lazy: a module-level label evaluated at import would stay in the language of the first import.
COMPONENT_LABELS = {"written": gettext_lazy("Written"), "interview": gettext_lazy("Interview"),
                    "practical": gettext_lazy("Practical")}
RESULT_LABELS = {"PASSED": "Trúng tuyển", "FAILED": "Không trúng tuyển", "HEAD_DECIDES": "Người đứng đầu quyết định"}


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
        return get_object_or_404(selectors.visible_rounds(self.request.user).select_related("agency"),
                                 pk=self.kwargs[self.round_kwarg])

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
        return get_object_or_404(Application.objects.select_related("round__agency", "vacancy__rank", "vacancy__unit")
                                 .filter(round__in=selectors.visible_rounds(self.request.user)), pk=self.kwargs["pk"])

    @property
    def round(self) -> RecruitmentRound:
        return self.application.round


# --- rounds -------------------------------------------------------------------------------------------------

class RoundListView(RecruitmentStaffMixin, TemplateView):
    template_name = "recruitment/round_list.html"

    def get_context_data(self, **kwargs):
        rounds = selectors.visible_rounds(self.request.user).select_related("agency").annotate(
            n_vacancies=Count("vacancies", distinct=True), n_applications=Count("applications", distinct=True))
        status = self.request.GET.get("status", "")
        if status in RecruitmentRound.Status.values:
            rounds = rounds.filter(status=status)
        page = Paginator(rounds.order_by("-announced_on", "code"), 30).get_page(self.request.GET.get("page"))
        user = self.request.user
        can_create = user.is_superuser or user.has_perm("recruitment.run_round") or bool(unit_scope(user, MANAGE))
        return super().get_context_data(page_obj=page, status=status, statuses=RecruitmentRound.Status.choices,
                                        can_create=can_create, **kwargs)


class RoundCreateView(RecruitmentStaffMixin, FormView):
    template_name = "recruitment/round_form.html"
    form_class = forms.RoundForm

    @cached_property
    def manage_scope(self):
        return unit_scope(self.request.user, MANAGE)

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not getattr(user, "is_candidate", False) and not (
                user.is_superuser or user.has_perm("recruitment.run_round") or self.manage_scope):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": self.manage_scope}

    def get_initial(self):
        return {"announced_on": timezone.localdate(), "written_weight": 100, "interview_weight": 0}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        agency = data.pop("agency")
        if agency is not None and not self.manage_scope.contains(agency):
            raise PermissionDenied
        try:
            round_ = services.round_create(actor=self.request.user, agency=agency, **data)
        except ValidationError as exc:
            form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Round %(code)s created under %(rules)s.")
                         % {"code": round_.code, "rules": round_.rule_set})
        return redirect(round_)


class RoundUpdateView(RoundMixin, FormView):
    template_name = "recruitment/round_form.html"
    form_class = forms.RoundForm
    administer = True

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "scope": unit_scope(self.request.user, MANAGE)}
        kwargs["instance"] = self.round
        return kwargs

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        agency = data.pop("agency")
        if agency != self.round.agency and agency is not None and \
                not unit_scope(self.request.user, MANAGE).contains(agency):
            raise PermissionDenied
        round_ = RecruitmentRound.objects.get(pk=self.round.pk)
        try:
            services.round_update(actor=self.request.user, round_=round_, agency=agency, **data)
        except ValidationError as exc:
            form_errors_from(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Round saved."))
        return redirect(round_)


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
        context.update(summary=summary, totals={k: sum(s[k] for s in summary) for k in
                                                 ("total", "eligible", "rejected", "waiting", "paid")},
                       quota=sum(s["vacancy"].quota for s in summary), board=board,
                       board_form=forms.GrantBoardForm() if self.can_administer else None,
                       round_banks=self.round.banks.order_by("code"),
                       blockers=self._blockers(),
                       bank_choices=self._bank_choices() if self.can_administer else [],
                       vacancy_form=forms.VacancyForm() if self.can_administer else None,
                       next_status=next_status,
                       next_status_label=RecruitmentRound.Status(next_status).label if next_status else "",
                       unnumbered=self.round.applications.filter(status=Application.Status.ELIGIBLE,
                                                                 number="").count(),
                       deadline=services.appeal_deadline(self.round),
                       pending_appeals=Appeal.objects.filter(application__round=self.round,
                                                             status=Appeal.Status.PENDING).count())
        return context


    def _blockers(self) -> list[str]:
        """Why numbering and the exams must wait (services._require_decided), said before a click."""
        if self.round.status not in (RecruitmentRound.Status.OPEN, RecruitmentRound.Status.REVIEW):
            return []
        blockers = []
        close = self.round.applications_close_on
        if close and timezone.localdate() <= close:
            blockers.append(_("applications are received until %(day)s") % {"day": close.strftime("%d/%m/%Y")})
        waiting = services.undecided(self.round)
        if waiting:
            blockers.append(_("%(n)s applications are not decided yet") % {"n": waiting})
        return blockers

    def _bank_choices(self):
        from recruitment.exam.access import visible_banks

        return visible_banks(self.request.user).order_by("code")


class RoundStatusView(RoundMixin, View):
    """Move the round to its next stage (publishing results has its own page)."""

    administer = True

    def post(self, request, pk):
        target = request.POST.get("status", "")
        if target not in NEXT_STATUS.values() or NEXT_STATUS.get(self.round.status) != target:
            messages.error(request, _("The round cannot move to that stage from here."))
            return redirect(self.round)
        round_ = RecruitmentRound.objects.get(pk=self.round.pk)
        try:
            services.round_advance(actor=request.user, round_=round_, target=target,
                                   reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(round_)
        messages.success(request, _("The round is now at: %(status)s.") % {"status": round_.get_status_display()})
        return redirect(round_)


class VacancyCreateView(RoundMixin, View):
    administer = True

    def post(self, request, pk):
        form = forms.VacancyForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {' '.join(errors)}")
            return redirect(self.round)
        services.vacancy_save(actor=request.user, round_=self.round, unit=self.round.agency, **form.cleaned_data)
        messages.success(request, _("Position %(code)s saved.") % {"code": form.cleaned_data["code"]})
        return redirect(self.round)


class BoardGrantView(RoundMixin, View):
    administer = True

    def post(self, request, pk):
        form = forms.GrantBoardForm(request.POST)
        if form.is_valid():
            services.board_grant(actor=request.user, round_=self.round, user=form.cleaned_data["username"],
                                 edit_questions=form.cleaned_data["edit_questions"])
            messages.success(request, _("%(name)s may now run this round.")
                             % {"name": form.cleaned_data["username"].get_full_name()})
        else:
            messages.error(request, _("Choose a staff account."))
        return redirect(self.round)


class RoundBanksView(RoundMixin, View):
    """Link the question banks the round draws on: its exam board reads them (and writes them
    with the edit grant). Only banks the administrator may read can be linked."""

    administer = True

    def post(self, request, pk):
        from recruitment.exam.access import visible_banks
        from recruitment.services import round_banks_set

        ids = [int(i) for i in request.POST.getlist("bank") if i.isdigit()]
        banks = list(visible_banks(request.user).filter(pk__in=ids))
        round_banks_set(actor=request.user, round_=self.round, banks=banks)
        messages.success(request, _("%(n)s question banks linked to the round.") % {"n": len(banks)})
        return redirect(self.round)


class BoardRevokeView(RoundMixin, View):
    administer = True

    def post(self, request, pk, user_pk):
        from core.models import User

        member = get_object_or_404(User, pk=user_pk)
        services.board_grant(actor=request.user, round_=self.round, user=member, grant=False)
        messages.success(request, _("%(name)s no longer runs this round.") % {"name": member.get_full_name()})
        return redirect(self.round)


# --- applications ---------------------------------------------------------------------------------------

class ApplicationListView(RoundMixin, TemplateView):
    """Applications of the round with filters; the eligibility review happens from here."""

    template_name = "recruitment/application_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        get = self.request.GET
        applications = self.round.applications.select_related("vacancy").annotate(n_documents=Count("documents"))
        vacancy, status, fee, query = get.get("vacancy", ""), get.get("status", ""), get.get("fee", ""), \
            get.get("q", "").strip()
        if vacancy.isdigit():
            applications = applications.filter(vacancy_id=int(vacancy))
        if status in Application.Status.values:
            applications = applications.filter(status=status)
        if fee in Application.Fee.values:
            applications = applications.filter(fee_status=fee)
        if query:
            # Applications of one round are a few thousand at most: match without diacritics here.
            words = unaccent(query).split()
            ids = [pk for pk, name, number, nid in applications.values_list("pk", "full_name", "number",
                                                                              "national_id")
                   if all(w in unaccent(f"{name} {number} {nid}") for w in words)]
            applications = applications.filter(pk__in=ids)
        applications = applications.order_by("vacancy__code", "number", "full_name")
        page = Paginator(applications, 50).get_page(get.get("page"))
        context.update(page_obj=page, vacancies=self.round.vacancies.all(), vacancy=vacancy, status=status,
                       fee=fee, query=query, statuses=Application.Status.choices, fees=Application.Fee.choices,
                       priority_names={c: n for c, (_p, n) in PRIORITY_CATEGORIES.items()})
        return context


class NumbersAssignView(RoundMixin, View):
    def post(self, request, pk):
        try:
            count = services.numbers_assign(actor=request.user, round_=self.round,
                                            prefix=request.POST.get("prefix", ""),
                                            reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.round)
        messages.success(request, _("%(count)s candidates received an exam number.") % {"count": count})
        return redirect(self.round)


class ApplicationDetailView(ApplicationMixin, TemplateView):
    template_name = "recruitment/application_detail.html"

    def get_context_data(self, **kwargs):
        from core.models import AuditEntry

        context = super().get_context_data(**kwargs)
        application = self.application
        result = getattr(application, "result", None)
        target = application.vacancy.unit or application.round.agency
        can_hire = result is not None and result.result == "PASSED" and not application.hired_id and \
            target is not None and unit_scope(self.request.user, MANAGE).contains(target)
        prefix = (target.code + "-") if target is not None else "CC-"
        context.update(
            application=application, round=application.round, documents=application.documents.all(),
            marks=application.marks.filter(replaced=False).order_by("component", "marker"),
            round1=application.round1_scores.all(), appeals=application.appeals.all(), result=result,
            priorities=[(c, PRIORITY_CATEGORIES[c][1], PRIORITY_CATEGORIES[c][0]) for c in application.priority_codes
                        if c in PRIORITY_CATEGORIES],
            review_form=forms.ReviewForm(initial={"decision": "eligible" if application.status != "rejected"
                                                  else "rejected", "reason": application.rejection_reason}),
            fee_form=forms.FeeForm(initial={"receipt": application.fee_receipt}),
            answer_form=forms.AppealAnswerForm(),
            hire_form=forms.HireForm(scope=unit_scope(self.request.user, MANAGE), initial={
                "code": services.next_employee_code(prefix), "start_date": timezone.localdate(), "unit": target})
            if can_hire else None,
            history=audit.for_display(AuditEntry.objects.filter(
                content_type__app_label="recruitment", content_type__model="application",
                object_id=str(application.pk)).order_by("-timestamp")[:30], unit_scope(self.request.user, MANAGE)))
        return context


class ApplicationReviewView(ApplicationMixin, View):
    def post(self, request, pk):
        form = forms.ReviewForm(request.POST)
        if form.is_valid():
            try:
                services.application_review(actor=request.user, application=self.application,
                                            eligible=form.cleaned_data["decision"] == "eligible",
                                            reason=form.cleaned_data["reason"])
                messages.success(request, _("Review saved."))
                next_pending = self.round.applications.filter(status=Application.Status.SUBMITTED) \
                    .order_by("vacancy__code", "full_name").first()
                if next_pending and request.POST.get("next"):
                    return redirect(next_pending)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        else:
            messages.error(request, _("Choose eligible or not eligible."))
        return redirect(self.application)


class ApplicationFeeView(ApplicationMixin, View):
    def post(self, request, pk):
        form = forms.FeeForm(request.POST)
        if form.is_valid():
            services.fee_record(actor=request.user, application=self.application, receipt=form.cleaned_data["receipt"],
                                waived=form.cleaned_data["waived"])
            messages.success(request, _("Fee recorded."))
        else:
            messages.error(request, _("Enter the receipt number."))
        return redirect(self.application)


class ApplicationHireView(ApplicationMixin, View):
    """Open the personnel record of a winner (recruitment event, probation by rank)."""

    def post(self, request, pk):
        scope = unit_scope(request.user, MANAGE)
        form = forms.HireForm(request.POST, scope=scope)
        if not form.is_valid():
            messages.error(request, "; ".join(f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}"
                                              for f, e in form.errors.items()))
            return redirect(self.application)
        data = form.cleaned_data
        target = data["unit"] or self.application.vacancy.unit or self.round.agency
        if target is None or not scope.contains(target):
            raise PermissionDenied
        try:
            servant = services.winner_hire(actor=request.user, application=self.application, code=data["code"],
                                           start_date=data["start_date"], unit=target,
                                           decision_number=data["decision_number"],
                                           decision_date=data["decision_date"], signer=data["signer"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.application)
        messages.success(request, _("Personnel record %(code)s opened.") % {"code": servant.code})
        return redirect(servant)


class DocumentDownloadView(ApplicationMixin, View):
    def get(self, request, pk, doc_pk):
        document = get_object_or_404(ApplicationDocument, pk=doc_pk, application=self.application)
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name)


# --- scores ---------------------------------------------------------------------------------------------------

def _decimal(value: str) -> Decimal | None:
    value = (value or "").strip().replace(",", ".")
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}) from None


class ScoreSheetMixin(RoundMixin):
    """Rows of the round's numbered candidates, filtered by position, 50 per page."""

    def rows(self):
        applications = self.round.applications.filter(status=Application.Status.ELIGIBLE).select_related(
            "vacancy").prefetch_related("marks", "round1_scores").order_by("vacancy__code", "number", "full_name")
        vacancy = self.request.GET.get("vacancy", "") or self.request.POST.get("vacancy", "")
        if vacancy.isdigit():
            applications = applications.filter(vacancy_id=int(vacancy))
        return Paginator(applications, 50).get_page(self.request.GET.get("page") or self.request.POST.get("page")), \
            vacancy


class MarksView(ScoreSheetMixin, TemplateView):
    """Round-2 marks: two markers per paper, a reconciliation mark where they differ too much."""

    template_name = "recruitment/marks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page, vacancy = self.rows()
        components = ROUND2_FORMS[self.round.round2_form]
        rows = []
        for application in page:
            cells = []
            for component in components:
                current = {m.marker: m.score for m in application.marks.all()
                           if m.component == component and not m.replaced}
                score = selectors.component_score([m for m in application.marks.all() if m.component == component])
                cells.append({"component": component, "label": COMPONENT_LABELS[component], "m1": current.get(1),
                              "m2": current.get(2), "m3": current.get(3), "m0": current.get(0), "score": score})
            rows.append({"application": application, "cells": cells,
                         "conflict": any(c["score"].conflict for c in cells)})
        context.update(page_obj=page, rows=rows, components=[(c, COMPONENT_LABELS[c]) for c in components],
                       vacancies=self.round.vacancies.all(), vacancy=vacancy,
                       tolerance=selectors.MARK_TOLERANCE,
                       conflicts=sum(r["conflict"] for r in rows))
        return context

    def post(self, request, pk):
        page, vacancy = self.rows()
        components = ROUND2_FORMS[self.round.round2_form]
        saved, errors = 0, []
        for application in page:
            current = {(m.component, m.marker): m.score for m in application.marks.all() if not m.replaced}
            for component in components:
                for marker in (1, 2, 3):
                    raw = request.POST.get(f"m-{application.pk}-{component}-{marker}")
                    if raw is None:
                        continue
                    try:
                        value = _decimal(raw)
                        if value is None or value == current.get((component, marker)):
                            continue
                        services.mark_enter(actor=request.user, application=application, component=component,
                                            marker=marker, score=value)
                        saved += 1
                    except ValidationError as exc:
                        errors.append(f"{application.number or application.full_name} · "
                                      f"{COMPONENT_LABELS[component]} ({marker}): {' '.join(exc.messages)}")
        if errors:
            messages.error(request, _("Not saved: %(errors)s") % {"errors": "; ".join(errors)})
        messages.success(request, _("%(count)s marks saved.") % {"count": saved})
        url = reverse("recruitment:marks", args=[self.round.pk])
        query = "&".join(p for p in (f"vacancy={vacancy}" if vacancy else "",
                                     f"page={page.number}" if page.number > 1 else "") if p)
        return redirect(f"{url}?{query}" if query else url)


class Round1View(ScoreSheetMixin, TemplateView):
    """Round-1 results entered from paper or another system: correct answers per part."""

    template_name = "recruitment/round1.html"

    def parts(self):
        rules = rules_for_round(announced_on=self.round.announced_on).rule_set
        return [p for p in rules.round1_parts if p.code in (GENERAL, LANGUAGE)], rules

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page, vacancy = self.rows()
        parts, rules = self.parts()
        rows = []
        part_labels = {GENERAL: _("General knowledge"), LANGUAGE: _("Foreign language")}
        for application in page:
            scores = {s.part: (s.correct, s.questions) for s in application.round1_scores.all()}
            rows.append({"application": application,
                         "cells": [{"part": p, "label": part_labels.get(p.code, p.code),
                                    "correct": scores.get(p.code, (None,))[0],
                                    "skip": p.code == LANGUAGE and (not application.vacancy.foreign_language
                                                                    or application.language_exempt)}
                                   for p in parts],
                         "passed": selectors.round1_passed(application, scores, rules)})
        context.update(page_obj=page, rows=rows, parts=parts, part_labels=part_labels,
                       vacancies=self.round.vacancies.all(), vacancy=vacancy)
        return context

    def post(self, request, pk):
        page, vacancy = self.rows()
        parts, _rules = self.parts()
        saved, errors = 0, []
        for application in page:
            current = {s.part: s.correct for s in application.round1_scores.all()}
            for part in parts:
                raw = (request.POST.get(f"r1-{application.pk}-{part.code}") or "").strip()
                if not raw:
                    continue
                if not raw.isdigit() or int(raw) > part.questions:
                    errors.append(_("%(who)s: %(value)s is not a count between 0 and %(max)s.")
                                  % {"who": application.number or application.full_name, "value": raw,
                                     "max": part.questions})
                    continue
                if current.get(part.code) != int(raw):
                    services.round1_score_set(actor=request.user, application=application, part=part.code,
                                              correct=int(raw), questions=part.questions, source="paper")
                    saved += 1
        if errors:
            messages.error(request, _("Not saved: %(errors)s") % {"errors": "; ".join(errors)})
        messages.success(request, _("%(count)s results saved.") % {"count": saved})
        url = reverse("recruitment:round1", args=[self.round.pk])
        return redirect(f"{url}?vacancy={vacancy}" if vacancy else url)


# --- results -------------------------------------------------------------------------------------------------

class ResultsView(RoundMixin, TemplateView):
    """The ranking as it stands (or as published), the ties explained, the distribution per position."""

    template_name = "recruitment/results.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("print"):  # the printable list is the signed paper (views/papers.py)
            return redirect("recruitment:results_paper", pk=self.round.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = selectors.round_results(self.round, on=self.round.results_published_on or timezone.localdate())
        vacancy = self.request.GET.get("vacancy", "")
        rows = [r for r in results.rows if not vacancy.isdigit() or r.application.vacancy_id == int(vacancy)]
        context.update(results=results, rows=rows, vacancies=self.round.vacancies.all(), vacancy=vacancy,
                       chart=selectors.score_distribution(results), stats=selectors.position_statistics(results),
                       result_labels=RESULT_LABELS, conflicts=sum(bool(r.conflicts) for r in results.rows),
                       ties=[r for r in results.rows if r.result == "HEAD_DECIDES"],
                       components=[(c, COMPONENT_LABELS[c]) for c in ROUND2_FORMS[self.round.round2_form]],
                       published=self.round.results_published_on)
        return context


class ResultsPublishView(RoundMixin, View):
    administer = True

    def post(self, request, pk):
        round_ = RecruitmentRound.objects.get(pk=self.round.pk)
        try:
            count = services.results_publish(actor=request.user, round_=round_)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("recruitment:results", pk=round_.pk)
        messages.success(request, _("Results of %(count)s candidates published; candidates see their own.")
                         % {"count": count})
        return redirect("recruitment:results", pk=round_.pk)


class ResultsExportView(RoundMixin, View):
    def get(self, request, pk):
        results = selectors.round_results(self.round, on=self.round.results_published_on or timezone.localdate())
        components = ROUND2_FORMS[self.round.round2_form]
        headers = ["Số báo danh", "Họ và tên", "Ngày sinh", "Mã vị trí", "Vị trí", "Đạt vòng 1",
                   *[f"Điểm {COMPONENT_LABELS[c].lower()}" for c in components], "Điểm chuyên môn",
                   "Điểm ưu tiên", "Tổng điểm", "Thứ tự", "Kết quả", "Ghi chú"]
        rows = ([r.application.number, r.application.full_name, r.application.date_of_birth.strftime("%d/%m/%Y"),
                 r.application.vacancy.code, r.application.vacancy.title, "Đạt" if r.round1_passed else "Không đạt",
                 *[float(r.components[c].score) if r.components[c].score is not None else None for c in components],
                 float(r.professional) if r.professional is not None else None, float(r.priority),
                 float(r.total) if r.total is not None else None, r.rank, RESULT_LABELS[r.result], r.note]
                for r in results.rows)
        body = xlsx_bytes(headers, rows, sheet_name="Kết quả")
        response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="ket-qua-{self.round.code}.xlsx"'
        return response


class AdmissionListView(RoundMixin, TemplateView):
    """The printable list of candidates admitted to the exams (danh sách thí sinh đủ điều kiện)."""

    template_name = "recruitment/admission_list.html"

    def get_context_data(self, **kwargs):
        applications = self.round.applications.filter(status=Application.Status.ELIGIBLE).select_related(
            "vacancy").order_by("vacancy__code", "number", "full_name")
        rejected = self.round.applications.filter(status=Application.Status.REJECTED).select_related(
            "vacancy").order_by("vacancy__code", "full_name")
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


class AppealAnswerView(RecruitmentStaffMixin, View):
    def post(self, request, pk):
        appeal = get_object_or_404(Appeal.objects.select_related("application__round").filter(
            application__round__in=selectors.visible_rounds(request.user)), pk=pk)
        form = forms.AppealAnswerForm(request.POST)
        if form.is_valid() and appeal.status == Appeal.Status.PENDING:
            services.appeal_resolve(actor=request.user, appeal=appeal, answer=form.cleaned_data["answer"],
                                    new_score=form.cleaned_data["new_score"])
            messages.success(request, _("Answer saved. Publish the results again if a score changed."))
        elif appeal.status != Appeal.Status.PENDING:
            messages.error(request, _("This request was answered already."))
        else:
            messages.error(request, _("Write the answer to the candidate."))
        return redirect("recruitment:appeal_list", pk=appeal.application.round_id)
