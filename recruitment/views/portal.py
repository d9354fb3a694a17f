"""The candidate portal: registration with e-mail verification, open rounds, the application form
with its evidence, the receipt, the summons, one's own results and re-marking requests.

A candidate sees only their own applications: every lookup goes through ``candidate=request.user``
(another candidate's application is 404, staff pages are 403). Their writes go through core's edit
view for owned records (OwnObjectEditView): the application is found through its candidate and
must still be theirs when the write commits.
"""
from functools import cached_property

from django.contrib import messages
from django.contrib.auth import login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from core.models import User
from core.views.edit import OwnObjectEditView
from recruitment import forms, notices, papers, selectors, services
from recruitment.models import Application, ApplicationDocument, QuestionBank, RecruitmentRound
from recruitment.rules import PRIORITY_CATEGORIES, ROUND2_FORMS
from recruitment.views.papers import PaperMixin
from recruitment.views.rounds import COMPONENT_LABELS, RESULT_LABELS


class CandidateMixin:
    """Candidate pages: staff accounts get 403 (they have their own side of the site)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not getattr(request.user, "is_candidate", False):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class OwnApplicationMixin(CandidateMixin):
    @cached_property
    def application(self) -> Application:
        return get_object_or_404(Application.objects.select_related("round", "vacancy__rank"),
                                 pk=self.kwargs["pk"], candidate=self.request.user)


def open_rounds():
    today = timezone.localdate()
    return (
        RecruitmentRound.objects.filter(status=RecruitmentRound.Status.OPEN)
        .filter(Q(applications_close_on__isnull=True) | Q(applications_close_on__gte=today))
        .select_related("agency")
    )


class CandidateWriteView(OwnObjectEditView):
    """A candidate's write on their own application, posted from the application's page: the
    page holds the forms, so errors go back to it as messages, like the success."""

    model = Application
    owner_field = "candidate"
    for_candidates = True
    object_kwarg = "application"
    http_method_names = ["post"]

    def form_invalid(self, form):
        for errors in form.errors.values():
            messages.error(self.request, " ".join(errors))
        return redirect(self.get_success_url())

    def get_success_url(self) -> str:
        return reverse("recruitment:my_application", args=[self.object.pk])


class RegisterView(FormView):
    # Not on the edit view: an anonymous visitor, no object, and the answer must be the same page
    # whether or not the address is registered (no enumeration), so it renders, never redirects.

    template_name = "recruitment/register.html"
    form_class = forms.RegisterForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("recruitment:portal" if request.user.is_candidate else "core:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        existing = User.objects.filter(
            Q(email__iexact=data["email"]) | Q(username=data["email"])
        ).first()
        if existing is not None:
            # The same page as for a new account, so the page tells nobody which addresses are
            # registered; the owner's mailbox gets the confirmation again or a notice.
            if services.candidate_unconfirmed(existing):
                notices.send_verification(existing, self.request)
            else:
                notices.send_existing_account_notice(existing, self.request)
            return render(self.request, "recruitment/register_done.html", {"email": data["email"]})
        user = services.candidate_register(
            full_name=data["full_name"], email=data["email"], password=data["password"]
        )
        notices.send_verification(user, self.request)
        return render(self.request, "recruitment/register_done.html", {"email": user.email})


class ResendConfirmationView(FormView):
    """A new confirmation link for an account not confirmed yet: reached from the login page, the
    "check your mail" page and the message of a login before confirming. The answer is the same
    whether or not the address has such an account (no enumeration)."""

    template_name = "recruitment/resend_confirmation.html"
    form_class = forms.ResendConfirmationForm
    # Not on the edit view: nothing is written (a mail is sent or not), and the answer is the same
    # page either way, for anonymous visitors.

    def get_initial(self):
        return {"email": self.request.GET.get("email", "")}

    def form_valid(self, form):
        email = form.cleaned_data["email"].lower()
        user = User.objects.filter(
            email__iexact=email, account_type=User.AccountType.CANDIDATE
        ).first()
        if user is not None and services.candidate_unconfirmed(user):
            notices.send_verification(user, self.request)
        return render(
            self.request, "recruitment/register_done.html", {"email": email, "resent": True}
        )


class VerifyView(View):
    def get(self, request, token):
        try:
            data = signing.loads(token, salt=notices.VERIFY_SALT, max_age=notices.VERIFY_MAX_AGE)
        except signing.SignatureExpired:
            return render(request, "recruitment/verify_failed.html", {"expired": True}, status=400)
        except signing.BadSignature:
            return render(request, "recruitment/verify_failed.html", {"expired": False}, status=400)
        user = User.objects.filter(pk=data.get("u"), email=data.get("e"),
                                   account_type=User.AccountType.CANDIDATE).first()
        if user is None:
            return render(request, "recruitment/verify_failed.html", {"expired": False}, status=400)
        services.candidate_activate(user)
        if not request.user.is_authenticated:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your e-mail address is confirmed. Welcome!"))
        return redirect("recruitment:portal")


class PortalView(CandidateMixin, TemplateView):
    """The candidate's own page: their applications, then the rounds open for applications."""

    template_name = "recruitment/portal.html"

    def get_context_data(self, **kwargs):
        applications = list(Application.objects.filter(candidate=self.request.user).select_related(
            "round", "vacancy").order_by("-submitted_at"))
        applied = {a.round_id for a in applications}
        rounds = [r for r in open_rounds().prefetch_related("vacancies") if r.pk not in applied]
        return super().get_context_data(applications=applications, rounds=rounds, **kwargs)


class ApplyView(OwnObjectEditView):
    """Apply to an open round (the pk of the address is the round's: this view creates)."""

    template_name = "recruitment/apply.html"
    form_class = forms.ApplicationForm
    model = Application
    owner_field = "candidate"
    for_candidates = True
    pk_url_kwarg = None
    service = services.application_submit
    success_message = gettext_lazy("Application submitted. Attach your documents below.")

    @cached_property
    def round(self) -> RecruitmentRound:
        return get_object_or_404(open_rounds(), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "round_": self.round}

    def get_initial(self):
        return {"full_name": self.request.user.full_name}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            round=self.round, vacancies=self.round.vacancies.select_related("rank"), **kwargs
        )

    def service_kwargs(self, form) -> dict:
        data = dict(form.cleaned_data)
        data.pop("commitment")  # a declaration on the form, not a field of the application
        return {**data, "candidate": self.request.user, "email": self.request.user.email}

    def get_success_url(self) -> str:
        return reverse("recruitment:my_application", args=[self.result.pk])


class MyApplicationView(OwnApplicationMixin, TemplateView):
    template_name = "recruitment/my_application.html"

    def get_context_data(self, **kwargs):
        application = self.application
        round_ = application.round
        published = round_.status in (
            RecruitmentRound.Status.RESULTS,
            RecruitmentRound.Status.CLOSED,
        )
        result = getattr(application, "result", None) if published else None
        deadline = services.appeal_deadline(round_) if published else None
        components = ROUND2_FORMS[round_.round2_form]
        marks = {}
        if result is not None:
            from recruitment.selectors import component_score

            all_marks = list(application.marks.all())
            marks = {
                COMPONENT_LABELS[c]: component_score(
                    [m for m in all_marks if m.component == c]
                ).score
                for c in components
            }
        appealable = selectors.appealable_components(application)
        can_appeal = (
            result is not None
            and deadline is not None
            and timezone.localdate() <= deadline
            and bool(appealable)
        )
        return super().get_context_data(
            application=application, round=round_, documents=application.documents.all(),
            document_form=forms.DocumentForm()
            if application.status == Application.Status.SUBMITTED
            else None,
            priorities=[
                (c, PRIORITY_CATEGORIES[c][1])
                for c in application.priority_codes
                if c in PRIORITY_CATEGORIES
            ],
            result=result,
            result_label=RESULT_LABELS.get(result.result) if result else "",
            marks=marks,
            deadline=deadline,
            appeal_form=forms.AppealForm(components=appealable) if can_appeal else None,
            appeals=application.appeals.all(),
            component_labels=COMPONENT_LABELS,
            attempts=application.attempts.filter(status="submitted").select_related("session"),
            part_labels=dict(QuestionBank.Part.choices),
            summons=selectors.summons_issued(application),
            **kwargs,
        )


class DocumentUploadView(CandidateWriteView):
    form_class = forms.DocumentForm
    service = services.document_attach
    success_message = gettext_lazy("Document attached.")

    def service_kwargs(self, form) -> dict:
        return {
            "application": self.object, "kind": form.cleaned_data["kind"],
            "upload": form.cleaned_data["file"],
        }


class MyDocumentView(OwnApplicationMixin, View):
    def get(self, request, pk, doc_pk):
        document = get_object_or_404(ApplicationDocument, pk=doc_pk, application=self.application)
        return FileResponse(
            document.file.open("rb"), as_attachment=True, filename=document.original_name
        )


class AppealCreateView(CandidateWriteView):
    # Every part is accepted by the form so that a refusal says why (services.appeal_submit).
    form_class = forms.AppealForm
    service = services.appeal_submit
    success_message = gettext_lazy("Your request for re-marking was sent.")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["reason"].error_messages["required"] = _("Give the reason for your request.")
        return form


class ReceiptView(OwnApplicationMixin, PaperMixin, TemplateView):
    """Giấy biên nhận hồ sơ: the application was received, with the fee's status."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            paper=papers.receipt_paper(self.application), application=self.application,
            back_url=reverse("recruitment:my_application", args=[self.application.pk]),
            back_label=_("Back to the application"), **kwargs)


class SummonsView(OwnApplicationMixin, PaperMixin, TemplateView):
    """Thông báo triệu tập: printable once the candidate is admitted and numbered (time, room,
    seat)."""

    def get(self, request, *args, **kwargs):
        if not selectors.summons_issued(self.application):
            messages.info(
                request, _("The summons is issued once you are admitted and given an exam number.")
            )
            return redirect("recruitment:my_application", pk=self.application.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            paper=papers.summons_paper(self.application), application=self.application,
            back_url=reverse("recruitment:my_application", args=[self.application.pk]),
            back_label=_("Back to the application"), **kwargs)
