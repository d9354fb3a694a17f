"""The exam HTTP API (JSON), used by the exam page and by load tests.

``POST /exam/api/login`` gives an attempt and a bearer token; the other calls carry
``Authorization: Bearer <token>`` (the exam page may use its session cookie with CSRF instead).
A token opens only its own attempt: another attempt's id is 404. The paper never carries the key.
"""
import functools
import json
from collections.abc import Mapping

from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import (
    APIException,
    AuthenticationFailed,
    NotAuthenticated,
    NotFound,
    ParseError,
    PermissionDenied,
)
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from core.client_ip import client_ip
from recruitment.exam import services, throttle
from recruitment.exam.papers import paper_document
from recruitment.models import Attempt

# The largest numbers the API takes, from the columns behind them: ids are bigints, question
# numbers and choices smallints (Answer.n, Answer.choice); seq is services.SEQ_MAX.
ID_MAX = 2**63 - 1
SMALL_MAX = 2**15 - 1
PATH_BOUNDS = {"attempt": ID_MAX, "n": SMALL_MAX}  # URL numbers, each from 1
TEXT_MAX = 64  # longer than any candidate number (20 characters) or password (8)



class ExamCandidate:
    """The caller of the exam API: one attempt, nothing else (not a user of the site)."""

    is_authenticated = True
    is_anonymous = False
    is_candidate = True
    is_superuser = False
    pk = None

    def __init__(self, attempt: Attempt | None = None, *, attempt_id: int | None = None,
                 token: str = "", refusal: APIException | None = None):
        self._attempt, self.token, self.refusal = attempt, token, refusal
        self.attempt_id = attempt.pk if attempt is not None else attempt_id

    @property
    def attempt(self) -> Attempt:
        """The attempt, read on first use when the authentication deferred it (``defer_attempt``):
        ``refusal`` when the token does not open it."""
        if self._attempt is None:
            self._attempt = services.attempt_for_token(self.attempt_id, self.token)
            if self._attempt is None:
                raise self.refusal or NotFound()
        return self._attempt


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


class ExamAuthentication(BaseAuthentication):
    """A bearer token for the attempt in the URL, or the exam page's session (with CSRF).

    A view with ``defer_attempt`` gets the token unchecked: its own statement checks it (the
    answer save checks it in the upsert), and the attempt is read only if that one fails."""

    def authenticate(self, request):
        attempt_id = request.parser_context["kwargs"].get("attempt")
        defer = getattr(request.parser_context.get("view"), "defer_attempt", False)
        header = get_authorization_header(request).split()
        if header and header[0].lower() == b"bearer":
            if len(header) != 2:
                raise AuthenticationFailed(_("Malformed token."))
            # A wrong token and someone else's attempt look the same: 404.
            return self.candidate(attempt_id, header[1].decode("latin-1"), NotFound(), defer), None
        session = request._request.session
        if session.get("exam_attempt") is None:
            return None
        if session.get("exam_attempt") != attempt_id:
            raise NotFound
        logged_out = AuthenticationFailed(_("You were logged out: log in again."))
        candidate = self.candidate(attempt_id, session.get("exam_token", ""), logged_out, defer)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            check = _CsrfCheck(lambda r: None)
            check.process_request(request._request)
            reason = check.process_view(request._request, None, (), {})
            if reason:
                raise PermissionDenied(f"CSRF: {reason}")
        return candidate, None

    @staticmethod
    def candidate(attempt_id: int, token: str, refusal: APIException, defer: bool) -> ExamCandidate:
        candidate = ExamCandidate(attempt_id=attempt_id, token=token, refusal=refusal)
        if not defer:
            candidate.attempt  # noqa: B018 (read now: refused here when the token does not open it)
        return candidate

    def authenticate_header(self, request):
        return 'Bearer realm="exam"'


class IsExamCandidate(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.user, ExamCandidate)


# --- input: one check for every endpoint ------------------------------------------------------

class InvalidInput(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"


class _SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:  # "[[[[…" nested past the decoder's depth
            raise ParseError from None


class JSONInteger(serializers.IntegerField):
    """A JSON integer: not a string of digits, not a fraction, not true/false (a bool is an int
    in Python)."""

    def to_internal_value(self, data):
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


def exam_exception_handler(exc, context):
    """Every error of the exam API as ``{"detail": …, "code": …}``, as the page expects."""
    if isinstance(exc, ParseError):
        exc = InvalidInput(_("The request body is not valid JSON."))
    elif isinstance(exc, NotAuthenticated):  # DRF's own words are English
        exc = NotAuthenticated(_("You are not logged in to the exam: log in "
                                 "with your candidate number and password."))
    response = exception_handler(exc, context)
    if response is not None and isinstance(getattr(exc, "detail", None), str):
        response.data = {"detail": str(exc.detail), "code": getattr(exc.detail, "code", "error")}
    return response


class ExamAPIView(APIView):
    """The base of every exam API view: its input is checked before anything reads it. The numbers
    in the URL first (the token's check looks the attempt up by id), then, once the caller is let
    in, the body: it must be a JSON object, and a view with a ``body`` serializer gets its values,
    bounded to their columns, in ``self.input``. Anything else is a 400 refusal, so no input
    reaches a query it would overflow."""

    # JSON out only: no negotiation with the browsable API on every save.
    authentication_classes = [ExamAuthentication]
    permission_classes = [IsExamCandidate]
    renderer_classes = [JSONRenderer]
    parser_classes = [_SafeJSONParser, FormParser, MultiPartParser]
    body: type[serializers.Serializer] | None = None  # what a POST or PUT sends
    # Exam day's hot requests: a function of the request and the URL's arguments that answers the
    # well-formed ones without DRF, or None to leave the request to the view.
    quick = None

    @classmethod
    def as_view(cls, **initkwargs):
        """The view, behind ``quick`` when the class has one (answered before DRF is entered;
        anything ``quick`` leaves goes through DRF and the view's own checks)."""
        view = super().as_view(**initkwargs)
        if cls.quick is None:
            return view
        quick = cls.quick

        @functools.wraps(view)  # keeps csrf_exempt and what the schema generator reads (cls)
        def answer(request, *args, **kwargs):
            return quick(request, **kwargs) or view(request, *args, **kwargs)

        return answer

    @property
    def attempt(self) -> Attempt:
        return self.request.user.attempt

    def get_exception_handler(self):
        return exam_exception_handler

    def perform_authentication(self, request):
        for name, highest in PATH_BOUNDS.items():
            if name in self.kwargs and not 1 <= self.kwargs[name] <= highest:
                raise InvalidInput(_("A number in the address is out of range."))
        super().perform_authentication(request)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.input = self.checked_body(request)

    def checked_body(self, request) -> dict:
        if request.method not in ("POST", "PUT", "PATCH"):
            return {}
        if not isinstance(request.data, Mapping):
            raise InvalidInput(_("The request body must be a JSON object."))
        if self.body is None:
            return {}
        serializer = self.body(data=request.data)
        if not serializer.is_valid():
            raise InvalidInput(self.invalid_body())
        return serializer.validated_data

    def invalid_body(self) -> str:
        """The message when the body does not fit ``body``."""
        return _("The request body is not valid.")


class ExamLoginSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=TEXT_MAX)
    password = serializers.CharField(max_length=TEXT_MAX)


LoginResponse = inline_serializer("ExamLoginResult", {"attempt": serializers.IntegerField(),
                                                      "token": serializers.CharField()})
Refusal = inline_serializer("ExamRefusal", {"detail": serializers.CharField(),
                                            "code": serializers.CharField()})


class LoginView(ExamAPIView):
    """Candidate number and one-time room password → the attempt and a bearer token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    body = ExamLoginSerializer

    def invalid_body(self) -> str:
        return _("Send the candidate number and the password as text.")

    @extend_schema(request=ExamLoginSerializer, tags=["exam"], responses={
        200: LoginResponse, 400: Refusal, 403: Refusal, 429: Refusal})
    def post(self, request):
        # Not on ObjectEditView: a JSON endpoint for a candidate who is no user of the site (no
        # unit scope, no form page); the exam service throttles and answers in the API's shapes.
        code, document = login_answer(
            self.input["number"], self.input["password"], client_ip(request)
        )
        return Response(document, status=code)

    @staticmethod
    def quick(request, **kwargs):
        return quick_login(request)  # a well-formed body; any other gets the view's 400


def login_answer(number: str, password: str, ip: str | None) -> tuple[int, dict]:
    """The login's status and body, for :class:`LoginView` and :func:`quick_login` alike: the
    lockout per number and address first, then the exam service; wrong passwords are counted."""
    number = number.upper()
    before = throttle.counted(number, ip)
    if before.locked:
        return status.HTTP_429_TOO_MANY_REQUESTS, {
            "detail": _("Too many wrong passwords for this number: ask the proctor."),
            "code": "locked",
        }
    try:
        attempt, token = services.attempt_login(number=number, password=password)
    except services.ExamRefused as exc:
        if exc.code == "credentials":
            throttle.login_failed(number, ip)
        return status.HTTP_403_FORBIDDEN, {"detail": str(exc), "code": exc.code}
    throttle.login_succeeded(number, before)
    services.touch(attempt)
    return status.HTTP_200_OK, {"attempt": attempt.pk, "token": token}


QUICK_LOGIN_MAX = 512  # bytes; a login is {"number": "TT00100001", "password": "ABCD2345"}


def _refuse_constant(name: str):
    raise ValueError(name)  # NaN, Infinity: not JSON, as DRF's strict parser says


def _login_text(value) -> str | None:
    """``value`` as ExamLoginSerializer's CharField takes it (text, trimmed, not blank, at most
    TEXT_MAX, no NUL or surrogate), or None for anything the serializer is to judge."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if (
        not value
        or len(value) > TEXT_MAX
        or "\x00" in value
        or any("\ud800" <= c <= "\udfff" for c in value)
    ):
        return None
    return value


def quick_login(request) -> HttpResponse | None:
    """Exam day's first request (``benchmarks/exam_starts.py``): a JSON object with the number and
    the password as text is answered by :func:`login_answer` without DRF's request, negotiation
    and serializer. None sends the request on to :class:`LoginView`, before anything is counted or
    written: any other body gets the view's checks and its 400."""
    length = request.META.get("CONTENT_LENGTH", "")
    if (
        request.method != "POST"
        or request.content_type != "application/json"
        or not _json_accepted(request)
        or request.content_params.get("charset", "utf-8").lower() not in ("utf-8", "utf8")
        or not (length.isascii() and length.isdigit() and int(length) <= QUICK_LOGIN_MAX)
    ):
        return None
    try:
        body = json.loads(request.body.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return None
    if not isinstance(body, dict):
        return None
    number, password = _login_text(body.get("number")), _login_text(body.get("password"))
    if number is None or password is None:
        return None
    code, document = login_answer(number, password, client_ip(request))
    return _json_response(document, code)


def _json_accepted(request) -> bool:
    """Would DRF's negotiation pick the exam API's only renderer, JSON? (Not asked for at all, or
    asked for by name or by */*; anything else is left to DRF and its 406.)"""
    accept = request.META.get("HTTP_ACCEPT", "")
    if "format" in request.GET or "indent" in accept:  # DRF's own choices of output
        return False
    return not accept or any(
        kind.split(";")[0].strip() in ("application/json", "*/*", "application/*")
        for kind in accept.split(",")
    )


def _json_response(document: dict, code: int = 200) -> HttpResponse:
    """The document as the exam views' JSONRenderer writes it (the same bytes)."""
    return HttpResponse(
        JSONRenderer().render(document), status=code, content_type="application/json"
    )


Paper = inline_serializer(
    "ExamPaper",
    {
        "attempt": serializers.IntegerField(),
        "number": serializers.CharField(),
        "full_name": serializers.CharField(),
        "status": serializers.CharField(),
        "server_time": serializers.DateTimeField(),
        "starts_at": serializers.DateTimeField(),
        "deadline": serializers.DateTimeField(allow_null=True),
        "parts": serializers.ListField(child=serializers.DictField()),
        "questions": serializers.ListField(child=serializers.DictField()),
        "answers": serializers.DictField(),
        "scores": serializers.DictField(allow_null=True),
    },
)


class AttemptView(ExamAPIView):
    """The paper without the key, the server's time and deadline, and the saved answers.
    ``?brief=1`` leaves out the questions (the page's heartbeat and clock sync)."""

    @extend_schema(responses={200: Paper}, tags=["exam"])
    def get(self, request, attempt):
        return Response(paper_answer(self.attempt, brief=request.query_params.get("brief") == "1"))

    @staticmethod
    def quick(request, **kwargs):
        return quick_paper(request, **kwargs)  # a GET with the attempt's bearer token


def paper_answer(attempt: Attempt, *, brief: bool) -> dict:
    """The paper document for its candidate, once the clock has started (and the test is handed in
    if its deadline has passed); the candidate is seen now (presence)."""
    current = services.submit_if_due(services.attempt_begin(attempt))
    services.touch(current)
    return paper_document(current, brief=brief)


def quick_paper(request, attempt: int) -> HttpResponse | None:
    """Exam day's second request (``benchmarks/exam_starts.py``): the paper for a GET carrying the
    attempt's token, checked as ExamAuthentication checks it, without DRF's request and negotiation.
    None sends the request on to :class:`AttemptView`: the exam page's session, another or no
    token (its 401 or 404), a number out of range, another output asked for."""
    if request.method != "GET" or not 1 <= attempt <= ID_MAX or not _json_accepted(request):
        return None
    token = _bearer(request)
    if not token:
        return None
    current = services.attempt_for_token(attempt, token)
    if current is None:
        return None
    return _json_response(paper_answer(current, brief=request.GET.get("brief") == "1"))


class ExamAnswerSerializer(serializers.Serializer):
    choice = JSONInteger(allow_null=True, default=None, min_value=0, max_value=SMALL_MAX,
                         help_text="index of the option as shown; null clears")
    seq = JSONInteger(min_value=1, max_value=services.SEQ_MAX,
                      help_text="grows with every click of this candidate")


class ExamAnswerDocument(ExamAnswerSerializer):
    """The body as the schema describes it. ``response`` is read from the body by the view and
    checked by services.checked_response: a serializer field more costs every save (the
    benchmarked path)."""

    response = serializers.JSONField(required=False, allow_null=True, default=None,
                                     help_text='other types than single choice: '
                                               '{"choices": [...]}, {"pairs": [...]} '
                                               'or {"text": "..."}; null clears')


AnswerResponse = inline_serializer("ExamAnswerSaved", {
    "saved": serializers.IntegerField(), "stale": serializers.BooleanField(required=False)})


class AnswerView(ExamAPIView):
    """Save the choice for question ``n``; ``{"saved": seq}`` is sent only once it is committed.
    An older ``seq`` than the stored one changes nothing (``stale``)."""

    body = ExamAnswerSerializer
    defer_attempt = True  # the token is checked by the upsert itself (services.answer_save_checked)

    def invalid_body(self) -> str:
        return _("choice must be an option number or null, and seq a whole number from 1 to "
                 "%(max)s.") % {"max": services.SEQ_MAX}

    @extend_schema(request=ExamAnswerDocument, tags=["exam"], responses={
        200: AnswerResponse, 409: Refusal, 400: Refusal})
    def put(self, request, attempt, n):
        choice, seq, response = (
            self.input["choice"], self.input["seq"], request.data.get("response"),
        )
        now = timezone.now()
        if response is None and not getattr(request._request, "exam_save_tried", False):
            candidate = request.user
            saved = services.answer_save_checked(
                attempt_id=candidate.attempt_id, token=candidate.token, n=n, choice=choice, seq=seq,
                now=now,
            )
            if saved is not None:  # the answer's saved_at is the console's sign of presence
                return Response({"saved": saved.seq})
        # Refused, stale, another type of question, or not this token: the attempt says which.
        current = self.attempt
        try:
            saved = services.answer_save(
                attempt=current, n=n, choice=choice, seq=seq, now=now, response=response
            )
        except services.ExamRefused as exc:
            if exc.code == "deadline":
                services.submit_if_due(current, now=now)
            code = (
                status.HTTP_400_BAD_REQUEST if exc.code == "invalid" else status.HTTP_409_CONFLICT
            )
            return Response({"detail": str(exc), "code": exc.code}, status=code)
        services.touch(current)
        body = {"saved": saved.seq}
        if saved.stale:
            body["stale"] = True
        return Response(body)


    @staticmethod
    def quick(request, **kwargs):
        return quick_save(request, **kwargs)  # a click that is well formed and accepted


QUICK_BODY_MAX = 256  # bytes; a click is {"choice": 3, "seq": 1234}


def _whole(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def quick_save(request, attempt: int, n: int) -> HttpResponse | None:
    """Exam day's hot path (``benchmarks/exam_saves.py``): a choice sent with the attempt's token
    (or by the exam page, with its session and CSRF token) is checked and stored by one statement
    (services.answer_save_checked) without DRF's request, negotiation and serializer, which cost
    more CPU than the save itself. None sends the request on to :class:`AnswerView`: any other body,
    a refusal, a stale ``seq``, another token; they all get their answer (and its checks) there."""
    length = request.META.get("CONTENT_LENGTH", "")
    if request.method != "PUT" or request.content_type != "application/json" \
            or not (1 <= attempt <= ID_MAX and 1 <= n <= SMALL_MAX) \
            or not (length.isascii() and length.isdigit() and int(length) <= QUICK_BODY_MAX):
        return None  # a larger body is no click: the view answers it
    token = _quick_token(request, attempt)
    if not token:
        return None
    try:
        body = json.loads(request.body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(body, dict) or body.get("response") is not None:
        return None
    choice, seq = body.get("choice"), body.get("seq")
    if not _whole(seq, 1, services.SEQ_MAX) or not (choice is None or _whole(choice, 0, SMALL_MAX)):
        return None
    request.exam_save_tried = True  # the view need not run the same statement again
    saved = services.answer_save_checked(attempt_id=attempt, token=token, n=n, choice=choice,
                                         seq=seq, now=timezone.now())
    if saved is None:
        return None
    # No presence write: the console reads the answer's saved_at as the candidate's last sign.
    return HttpResponse(b'{"saved":%d}' % saved.seq, content_type="application/json")


def _bearer(request) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, "" for another kind of header, None
    without one."""
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    if not header:
        return None
    return header[1] if len(header) == 2 and header[0].lower() == "bearer" else ""


def _quick_token(request, attempt: int) -> str:
    """The token as ExamAuthentication reads it, or "" to leave the request to the view."""
    token = _bearer(request)
    if token is not None:
        return token
    session = request.session
    if session.get("exam_attempt") != attempt:
        return ""
    check = _CsrfCheck(lambda r: None)
    check.process_request(request)
    return "" if check.process_view(request, None, (), {}) else session.get("exam_token", "")


class ImageView(ExamAPIView):
    """A picture of question ``n`` of this attempt's paper, while the attempt runs (the token or the
    exam page's session decides whose paper it is; another paper's picture is 404)."""

    @extend_schema(responses={200: bytes, 404: Refusal}, tags=["exam"])
    def get(self, request, attempt, n, name):
        from django.http import HttpResponse

        from recruitment.models import QuestionImage

        current = self.attempt
        if current.status != Attempt.Status.ANSWERING:
            raise NotFound
        image = QuestionImage.objects.filter(question__paper_items__attempt=current,
                                             question__paper_items__n=n, name=name).first()
        if image is None:
            raise NotFound
        response = HttpResponse(bytes(image.data), content_type=image.content_type)
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response


SubmitResponse = inline_serializer("ExamScore", {"status": serializers.CharField(),
                                                 "scores": serializers.DictField()})


class SubmitView(ExamAPIView):
    """Hand in the test; the score per part comes back at once (asking again gives the same)."""

    @extend_schema(request=None, responses={200: SubmitResponse, 409: Refusal}, tags=["exam"])
    def post(self, request, attempt):
        # Not on ObjectEditView: the exam token, not a user's units, is the scope, and the hand-in
        # is one conditional update (services.attempt_submit) answered as JSON.
        current = self.attempt
        if current.status == Attempt.Status.NOT_STARTED:
            return Response({"detail": _("The test has not started."), "code": "not_started"},
                            status=status.HTTP_409_CONFLICT)
        if current.status == Attempt.Status.ANSWERING:
            services.attempt_submit(attempt=current, reason="candidate")
            current.refresh_from_db()
        return Response({"status": current.status, "scores": current.scores})



class ExamAuthenticationScheme(OpenApiAuthenticationExtension):
    """The OpenAPI description of the exam token (bearer) for the generated schema."""

    target_class = "recruitment.exam.api.ExamAuthentication"
    name = "examToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http", "scheme": "bearer",
            "description": "the token returned by /exam/api/login",
        }
