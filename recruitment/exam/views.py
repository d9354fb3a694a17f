"""The candidate's exam page: a lean layout that works on old browsers and slow links.

The page is plain HTML (radio buttons in a form that can be posted without JavaScript) and one
small script: it saves each click at once through the API, shows "saved" per question, keeps an
offline queue that it resends until acknowledged, and counts down from the server's deadline.
The candidate is not a user of the site: the attempt and its token live in the session.
"""
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View

from core.client_ip import client_ip
from recruitment.exam import services, throttle
from recruitment.exam.papers import paper_document
from recruitment.models import Attempt


def current_attempt(request) -> Attempt | None:
    attempt_id, token = request.session.get("exam_attempt"), request.session.get("exam_token", "")
    if attempt_id is None:
        return None
    return services.attempt_for_token(attempt_id, token)


@method_decorator(login_not_required, name="dispatch")
class ExamLoginView(View):
    template_name = "exam/login.html"

    def get(self, request):
        if current_attempt(request) is not None:
            return redirect("exam:paper")
        return render(request, self.template_name, {})

    def post(self, request):
        # Not on ObjectEditView: the candidate is no user of the site and has no unit or object to
        # scope; the login is the exam service's (throttled per number and address) and answers
        # with this page again, a 429 or a 403.
        number, password = request.POST.get("number", ""), request.POST.get("password", "")
        ip = client_ip(request)
        before = throttle.counted(number, ip)
        if before.locked:
            return render(request, self.template_name, {"number": number[:40], "error": _(
                "Too many wrong passwords for this number: ask the proctor.")}, status=429)
        try:
            attempt, token = services.attempt_login(number=number, password=password)
        except services.ExamRefused as exc:
            if exc.code == "credentials":
                throttle.login_failed(number, ip)
            return render(
                request, self.template_name, {"error": str(exc), "number": number[:40]}, status=403
            )
        throttle.login_succeeded(number, before)
        request.session.cycle_key()
        request.session["exam_attempt"], request.session["exam_token"] = attempt.pk, token
        services.touch(attempt)
        return redirect("exam:paper")


@method_decorator(login_not_required, name="dispatch")
class PaperView(View):
    """The paper (or the waiting room before the start, or the score after the end)."""

    def get(self, request):
        attempt = current_attempt(request)
        if attempt is None:
            return redirect("exam:login")
        attempt = services.submit_if_due(services.attempt_begin(attempt))
        services.touch(attempt)
        document = paper_document(attempt)
        if document["status"] == Attempt.Status.SUBMITTED:
            return render(request, "exam/result.html", {"attempt": attempt, "document": document})
        if document["status"] in ("waiting", Attempt.Status.NOT_STARTED):
            return render(
                request,
                "exam/waiting.html",
                {
                    "attempt": attempt, "document": document,
                    "config": _config(request, attempt, document),
                },
            )
        answers = document["answers"]
        for question in document["questions"]:
            _prepare(question, answers.get(str(question["n"])))
        return render(request, "exam/paper.html", {"attempt": attempt, "document": document,
                                                   "config": _config(request, attempt, document)})

    def post(self, request):
        """Without JavaScript the form posts every choice at once; each is saved like a click."""
        # Not on ObjectEditView: the attempt comes from the exam session's token, not from a user's
        # scope, and each answer is its own autocommitted upsert (services.answer_save): one
        # transaction around them all would hold the acknowledgement of every click.
        attempt = current_attempt(request)
        if attempt is None:
            return redirect("exam:login")
        attempt = services.submit_if_due(attempt)
        if attempt.status == Attempt.Status.ANSWERING:
            stored = dict(attempt.answers.values_list("n", "choice"))
            responses = dict(attempt.answers.exclude(response=None).values_list("n", "response"))
            seq = max(attempt.answers.values_list("seq", flat=True), default=0) + 1
            for n in range(1, len(attempt.option_counts) + 1):
                shape = attempt.option_counts[n - 1]
                if isinstance(shape, dict):  # the other types: their whole response
                    response = _posted_response(request.POST, n, shape)
                    empty = response in (
                        {"choices": []}, {"text": ""}, {"pairs": [None] * shape["stems"]},
                    )
                    if (
                        response is None
                        or responses.get(n) == response
                        or (empty and n not in responses)
                    ):
                        continue
                    try:
                        services.answer_save(
                            attempt=attempt, n=n, choice=None, seq=seq, response=response
                        )
                    except services.ExamRefused:
                        break
                    seq += 1
                    continue
                raw = request.POST.get(f"q{n}")
                # isascii: "²".isdigit() is true, but int("²") fails.
                if not (raw and raw.isascii() and raw.isdigit()) or stored.get(n) == int(raw):
                    continue
                try:
                    services.answer_save(attempt=attempt, n=n, choice=int(raw), seq=seq)
                except services.ExamRefused:
                    break
                seq += 1
        if request.POST.get("submit"):
            services.attempt_submit(attempt=attempt, reason="candidate")
        return redirect("exam:paper")


@method_decorator(login_not_required, name="dispatch")
class SubmitView(View):
    def post(self, request):
        # Not on ObjectEditView: no form and no user scope (the exam session's token); the hand-in
        # is one conditional update in services.attempt_submit, exactly once whoever asks.
        attempt = current_attempt(request)
        if attempt is not None and attempt.status == Attempt.Status.ANSWERING:
            # The page hands in by itself when its countdown ends: that is the
            # deadline, not the candidate.
            due = attempt.deadline is not None and timezone.now() >= attempt.deadline
            services.attempt_submit(attempt=attempt, reason="deadline" if due else "candidate")
        return redirect("exam:paper")


@method_decorator(login_not_required, name="dispatch")
class LogoutView(View):
    def post(self, request):
        # Not on ObjectEditView: it writes no record, it only ends the candidate's exam session.
        request.session.flush()
        return redirect("exam:login")


LETTERS = "ABCDEFGH"


def _prepare(question: dict, saved: dict | None) -> None:
    """What the template needs of one question: its options lettered (HTML ones sanitised again
    before they are marked safe: the stored text is never trusted as such), and the saved answer."""
    from recruitment.exam.gift import sanitise

    html = question.get("html")
    # safe: nh3 output
    question["safe_text"] = mark_safe(sanitise(question["text"])) if html else ""  # noqa: S308
    question["shown_options"] = [
        {"letter": LETTERS[i] if i < len(LETTERS) else str(i + 1), "plain": strip_tags(option),
         "text": mark_safe(sanitise(option)) if html else option}  # noqa: S308 - nh3 output
        for i, option in enumerate(question["options"])]
    response = (saved or {}).get("response") or {}
    question["saved"] = bool(saved) and (saved.get("choice") is not None or bool(response))
    question["chosen"] = saved["choice"] if saved else None
    question["ticked"] = response.get("choices", [])
    question["typed"] = response.get("text", "")
    pairs = response.get("pairs", [])
    question["stem_rows"] = [{"text": stem, "chosen": pairs[i] if i < len(pairs) else None}
                             for i, stem in enumerate(question.get("stems", []))]


def _posted_response(post, n: int, shape: dict):
    """A response of the form posted without JavaScript, as the API takes it (None: not
    answered)."""
    kind = shape["kind"]
    if kind == "multiple":
        values = [int(v) for v in post.getlist(f"q{n}") if v.isascii() and v.isdigit()]
        return {"choices": values}
    if kind == "matching":
        pairs = []
        for i in range(shape["stems"]):
            raw = post.get(f"q{n}-{i}", "")
            pairs.append(int(raw) if raw.isascii() and raw.isdigit() else None)
        return {"pairs": pairs}
    raw = post.get(f"q{n}")
    return None if raw is None else {"text": raw}


def _config(request, attempt: Attempt, document: dict) -> dict:
    seqs = [a["seq"] for a in document["answers"].values()]
    return {
        "attempt": attempt.pk,
        "status": document["status"],
        "serverTime": timezone.now().timestamp() * 1000,
        "startsAt": document["starts_at"].timestamp() * 1000,
        "deadline": document["deadline"].timestamp() * 1000 if document["deadline"] else None,
        "answers": document["answers"],
        "maxSeq": max(seqs, default=0),
        "answerUrl": reverse("exam:api_answer", args=[attempt.pk, 0]).rsplit("/0", 1)[0] + "/",
        "attemptUrl": reverse("exam:api_attempt", args=[attempt.pk]),
        "submitUrl": reverse("exam:submit"),
        "paperUrl": reverse("exam:paper"),
        "text": {
            "saved": _("Saved"), "saving": _("Saving…"),
            "queued": _("Not saved yet: will be sent again"),
            "offline": _(
                "Connection lost: your answers are kept on this computer and sent when it returns."
            ),
            "online": _("Connected"),
            "timeUp": _("Time is up: your test is being handed in."),
            "confirm": _("Hand in your test now? You cannot change your answers afterwards."),
            "unsaved": _(
                "Some answers have not reached the server yet. Check the connection "
                "(or call the proctor) and hand in again: nothing has been handed in."
            ),
        },
    }
