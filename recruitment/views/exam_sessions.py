"""Exam sessions for staff: a session of a round (its exam board and HR run it) or a practice
session (provincial HR and question managers), its candidates seated, papers made and one-time
passwords printed; the proctor's console and its actions on each candidate; the item analysis.

Every write is an ``ExamActionView`` (recruitment/views/exams.py): the session or the attempt is
fetched among those the user sees (404 otherwise) and re-checked inside the write's transaction."""

from functools import cached_property

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.views.edit import ActionForm
from core.views.generic import HtmxPartialMixin
from recruitment import forms, selectors
from recruitment.exam import analysis, services, throttle
from recruitment.exam import forms as exam_forms
from recruitment.exam.access import (
    may_manage_questions,
)
from recruitment.exam.marking import uses_negative_marking
from recruitment.exam.papers import essays
from recruitment.models import Attempt, ExamEvent, ExamSession, ItemStatistic, QuestionBank
from recruitment.tasks import generate_papers
from recruitment.views.exams import (
    ConsoleAnswerMixin,
    ExamActionView,
    ExamWriteView,
    visible_sessions,
)
from recruitment.views.rounds import RecruitmentStaffMixin

# --- sessions -------------------------------------------------------------------------------------


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
        sessions = (
            self.visible()
            .select_related("round", "blueprint")
            .annotate(candidates=Count("attempts"))
            .order_by("-starts_at")
        )
        page = Paginator(sessions, 30).get_page(self.request.GET.get("page"))
        return super().get_context_data(page_obj=page, **kwargs)

    def perform(self, form):
        data, user = form.cleaned_data, self.request.user
        if data["round"] is None and not (
            user.is_superuser
            or user.has_perm("recruitment.run_round")
            or may_manage_questions(user)
        ):
            raise PermissionDenied  # a practice session is HR's or the question managers'
        return services.session_create(
            actor=user,
            name=data["name"],
            blueprint=data["blueprint"],
            starts_at=data["starts_at"],
            round_=data["round"],
            room=data["room"],
            individual_start=data["individual_start"],
            practice=data["round"] is None,
        )

    def get_success_message(self, result) -> str:
        return _("Session created: seat the candidates, then make the papers.")


class SessionMixin(RecruitmentStaffMixin):
    @cached_property
    def session(self) -> ExamSession:
        return get_object_or_404(
            visible_sessions(self.request.user).select_related("round", "blueprint"),
            pk=self.kwargs["pk"],
        )


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
            total=Count("pk"),
            with_paper=Count("pk", filter=~Q(option_counts=[])),
            submitted=Count("pk", filter=Q(status=Attempt.Status.SUBMITTED)),
        )
        return super().get_context_data(
            session=session,
            counts=counts,
            parts=session.blueprint.parts.all(),
            shortfalls=services.blueprint_shortfalls(session.blueprint),
            minutes=services.test_minutes(session),
            essays=essays(session),
            negative=uses_negative_marking(session),
            **kwargs,
        )


class SessionSeatView(SessionActionView):
    action_label = gettext_lazy("Seat the admitted candidates")

    def perform(self, form):
        if self.session.round is None:
            raise ValidationError(
                _("A practice session gets its candidates from make_exam_session.")
            )
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
        ExamSession.objects.filter(pk=self.session.pk).update(
            status=ExamSession.Status.GENERATING, progress=0
        )
        return self.session

    def success_response(self, result):
        # Queued after the base's transaction has committed: the worker must read GENERATING.
        generate_papers.delay(self.session.pk)
        return super().success_response(result)


class SessionPasswordsView(SessionActionView):
    """New one-time passwords for the candidates who have not started, printed once (never
    stored)."""

    action_label = gettext_lazy("New passwords")
    success_message = ""

    def perform(self, form):
        self.issued = services.passwords_reissue(actor=self.request.user, session=self.session)
        return self.session

    def success_response(self, result):
        return render(
            self.request,
            "recruitment/exam/passwords.html",
            {"session": self.session, "issued": self.issued},
        )


PRESENCE_TIMEOUT = 45  # seconds without a request before a candidate shows as disconnected


def live_state(attempt: Attempt, seen: float | None, now: float, timeout: int) -> str:
    if attempt.status in (Attempt.Status.SUBMITTED, Attempt.Status.ABSENT):
        return attempt.status
    if attempt.status == Attempt.Status.NOT_STARTED:
        return "not_started" if seen is None else "waiting"
    return "answering" if seen is not None and now - seen <= timeout else "disconnected"


STATE_LABELS = {
    "not_started": gettext_lazy("Not started"),
    "waiting": gettext_lazy("Waiting for the start"),
    "answering": gettext_lazy("Answering"),
    "disconnected": gettext_lazy("Disconnected"),
    "submitted": gettext_lazy("Handed in"),
    "absent": gettext_lazy("Absent"),
}


class ProctorView(HtmxPartialMixin, SessionMixin, TemplateView):
    """Every candidate's live state, refreshed every few seconds; re-admission, extra time,
    incidents, and the numbers whose login is locked after too many wrong passwords."""

    template_name = "recruitment/exam/proctor.html"
    partial_template_name = "recruitment/exam/proctor_table.html"

    def get_context_data(self, **kwargs):
        from django.conf import settings

        session = self.session
        services.submit_due(session=session)  # hand in what is past its deadline, beat or no beat
        attempts = list(
            session.attempts.annotate(
                answered=Count("answers", filter=Q(answers__choice__isnull=False)),
                last_saved=Max("answers__saved_at"),
            ).order_by("number")
        )
        # Last seen: the latest request that touched the shared cache (login, paper, state) or the
        # latest answer saved, whichever is newer. A save writes no presence of its own: the answer
        # row is the trace, which keeps the exam day's hot path to one statement (issue 12, item 9).
        seen = cache.get_many([services.PRESENCE_KEY.format(a.pk) for a in attempts])
        now = timezone.now().timestamp()
        timeout = getattr(settings, "EXAM_PRESENCE_TIMEOUT", PRESENCE_TIMEOUT)
        totals = {key: 0 for key in STATE_LABELS}
        locked = throttle.locked_numbers(attempts)
        for attempt in attempts:
            attempt.login_locked = attempt.number in locked
            stamps = [seen.get(services.PRESENCE_KEY.format(attempt.pk)),
                      attempt.last_saved.timestamp() if attempt.last_saved else None]
            last = max((stamp for stamp in stamps if stamp is not None), default=None)
            attempt.live = live_state(attempt, last, now, timeout)
            attempt.live_label = STATE_LABELS[attempt.live]
            attempt.questions = len(attempt.option_counts)
            totals[attempt.live] += 1
        events = session.events.select_related("attempt", "by")[:50]
        return super().get_context_data(
            session=session,
            attempts=attempts,
            events=events,
            locked=sorted(locked),
            totals=[(STATE_LABELS[k], v, k) for k, v in totals.items()],
            extra_form=forms.ExtraTimeForm(),
            incident_form=forms.IncidentForm(),
            **kwargs,
        )


class AttemptActionView(ConsoleAnswerMixin, RecruitmentStaffMixin, ExamActionView):
    """The proctor's actions on one candidate: re-admit, extra time, hand in, mark absent."""

    ACTIONS = {
        "readmit": gettext_lazy("Re-admit"),
        "extra_time": gettext_lazy("Extra time"),
        "submit": gettext_lazy("Hand in"),
        "absent": gettext_lazy("Absent"),
    }

    def visible(self) -> QuerySet:
        return Attempt.objects.select_related("session__round").filter(
            session__in=visible_sessions(self.request.user)
        )

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
        return (
            _("Give the minutes and the reason.") if self.kwargs["action"] == "extra_time" else ""
        )

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
            "submit": _("%(number)s handed in by the proctor.") % {"number": number}
            if self.done
            else "",
            "absent": _("%(number)s marked absent.") % {"number": number},
        }
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
            raise ValidationError(
                _("No candidate with number %(number)s is seated in this session.")
                % {"number": number}
            )
        services.incident(
            actor=self.request.user,
            session=self.session,
            note=form.cleaned_data["note"],
            attempt=attempt,
        )
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
    success_message = gettext_lazy(
        "Item analysis done; questions that behave badly are flagged in the bank."
    )

    def get_context_data(self, **kwargs):
        session = self.session
        statistics = (
            ItemStatistic.objects.filter(session=session)
            .select_related("question")
            .order_by("facility")
        )
        summaries = analysis.summary_for(session) if statistics else {}
        for summary in summaries.values():
            summary.label = str(dict(QuestionBank.Part.choices).get(summary.part, summary.part))
        labels = [f"{i * 10}–{i * 10 + 10} %" for i in range(10)]
        chart = {
            "labels": labels,
            "datasets": [
                {"label": str(dict(QuestionBank.Part.choices).get(p, p)), "data": s.histogram}
                for p, s in summaries.items()
            ],
        }
        return super().get_context_data(
            session=session,
            statistics=statistics,
            summaries=summaries.values(),
            chart=chart,
            letters="ABCDEF",
            flagged=sum(1 for s in statistics if s.flag),
            events=ExamEvent.objects.filter(session=session).count(),
            **kwargs,
        )

    def perform(self, form):
        if not self.session.attempts.filter(status=Attempt.Status.SUBMITTED).exists():
            raise ValidationError(_("No test has been handed in yet."))
        analysis.analyse(self.session)
        return self.session

    def get_success_url(self) -> str:
        return reverse("recruitment:analysis", args=[self.session.pk])
