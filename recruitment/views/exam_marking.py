"""The exam board's marking pages of a session: negative marking on or off, and the essay answers
marked by the examiners (by candidate number only). For provincial HR and the exam-board members
granted the session's round (``recruitment.exam.marking.markable_sessions``); the others who see
the session (its agency's HR) get 403."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recruitment.exam import marking
from recruitment.exam.forms import EssayMarkForm, NegativeMarkingForm
from recruitment.views.exams import ExamWriteView, visible_sessions
from recruitment.views.rounds import RecruitmentStaffMixin


class _MarkingView(RecruitmentStaffMixin, ExamWriteView):
    def visible(self) -> QuerySet:
        return visible_sessions(self.request.user).select_related("round", "blueprint")

    def writable(self) -> QuerySet:
        return marking.markable_sessions(self.request.user)

    @property
    def session(self):
        return self.object


class SessionNegativeMarkingView(_MarkingView):
    """Negative marking of the session's multiple-response questions, as its exam rules allow."""

    template_name = "generic/object_form.html"
    form_class = NegativeMarkingForm
    success_message = gettext_lazy("Marking of the session saved.")

    def get_initial(self):
        return {"negative_marking": marking.uses_negative_marking(self.session)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Marking of %(session)s") % {"session": self.session.name},
            intro=_(
                "With negative marking a wrong option of a multiple-response question "
                "subtracts its weight and a question may count below zero. It can change "
                "until the first test is handed in."
            ),
            cancel_url=self.session.get_absolute_url(),
            **kwargs,
        )

    def perform(self, form):
        return marking.session_negative_marking_set(
            actor=self.request.user,
            session=self.session,
            negative_marking=form.cleaned_data["negative_marking"],
        )


class SessionEssaysView(_MarkingView):
    """The essay answers of the handed-in tests, each with its mark (0 to 1 point): a mark saved
    updates the candidate's score at once."""

    template_name = "recruitment/exam/essays.html"
    form_class = EssayMarkForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            session=self.session, essays=marking.essays_to_mark(self.session), **kwargs
        )

    def perform(self, form):
        data = self.marked = form.cleaned_data
        attempt = self.session.attempts.filter(number=data["number"]).first()
        if attempt is None:
            raise ValidationError(_("There is no such candidate number in this session."))
        return marking.essay_mark(
            actor=self.request.user, attempt=attempt, n=data["n"], mark=data["mark"]
        )

    def get_success_message(self, result) -> str:
        return _("Mark saved: %(number)s, question %(n)s.") % {
            "number": result.number,
            "n": self.marked["n"],
        }

    def get_success_url(self) -> str:
        return reverse("recruitment:session_essays", args=[self.session.pk])
