"""The exam HTTP API (JSON), used by the exam page and by load tests.

``POST /exam/api/login`` gives an attempt and a bearer token; the other calls carry
``Authorization: Bearer <token>`` (the exam page may use its session cookie with CSRF instead).
A token opens only its own attempt: another attempt's id is 404. The paper never carries the key.
"""
from django.core.cache import cache
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, NotFound, PermissionDenied
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from recruitment.exam import services
from recruitment.exam.papers import paper_document
from recruitment.models import Attempt

LOGIN_FAILURES_KEY = "exam:login-failures:{}"
LOGIN_FAILURES_MAX = 10  # wrong passwords per candidate number per 10 minutes
LOGIN_FAILURES_WINDOW = 600


class ExamCandidate:
    """The caller of the exam API: one attempt, nothing else (not a user of the site)."""

    is_authenticated = True
    is_anonymous = False
    is_candidate = True
    is_superuser = False
    pk = None

    def __init__(self, attempt: Attempt):
        self.attempt = attempt


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


class ExamAuthentication(BaseAuthentication):
    """A bearer token for the attempt in the URL, or the exam page's session (with CSRF)."""

    def authenticate(self, request):
        attempt_id = request.parser_context["kwargs"].get("attempt")
        header = get_authorization_header(request).split()
        if header and header[0].lower() == b"bearer":
            if len(header) != 2:
                raise AuthenticationFailed(_("Malformed token."))
            attempt = services.attempt_for_token(attempt_id, header[1].decode("latin-1"))
            if attempt is None:
                raise NotFound  # a wrong token and someone else's attempt look the same
            return ExamCandidate(attempt), None
        session = request._request.session
        if session.get("exam_attempt") is None:
            return None
        if session.get("exam_attempt") != attempt_id:
            raise NotFound
        attempt = services.attempt_for_token(attempt_id, session.get("exam_token", ""))
        if attempt is None:
            raise AuthenticationFailed(_("You were logged out: log in again."))
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            check = _CsrfCheck(lambda r: None)
            check.process_request(request._request)
            reason = check.process_view(request._request, None, (), {})
            if reason:
                raise PermissionDenied(f"CSRF: {reason}")
        return ExamCandidate(attempt), None

    def authenticate_header(self, request):
        return 'Bearer realm="exam"'


class IsExamCandidate(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.user, ExamCandidate)


class ExamAPIView(APIView):
    # JSON out only: no negotiation with the browsable API on every save.
    authentication_classes = [ExamAuthentication]
    permission_classes = [IsExamCandidate]
    renderer_classes = [JSONRenderer]

    @property
    def attempt(self) -> Attempt:
        return self.request.user.attempt


LoginRequest = inline_serializer("ExamLogin", {"number": serializers.CharField(),
                                               "password": serializers.CharField()})
LoginResponse = inline_serializer("ExamLoginResult", {"attempt": serializers.IntegerField(),
                                                      "token": serializers.CharField()})
Refusal = inline_serializer("ExamRefusal", {"detail": serializers.CharField(), "code": serializers.CharField()})


class LoginView(APIView):
    """Candidate number and one-time room password → the attempt and a bearer token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    @extend_schema(request=LoginRequest, responses={200: LoginResponse, 403: Refusal}, tags=["exam"])
    def post(self, request):
        number = str(request.data.get("number", "")).strip().upper()
        password = str(request.data.get("password", ""))
        key = LOGIN_FAILURES_KEY.format(number)
        if cache.get(key, 0) >= LOGIN_FAILURES_MAX:
            return Response({"detail": _("Too many wrong passwords for this number: ask the proctor."),
                             "code": "locked"}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        try:
            attempt, token = services.attempt_login(number=number, password=password)
        except services.ExamRefused as exc:
            if exc.code == "credentials":
                cache.add(key, 0, LOGIN_FAILURES_WINDOW)
                cache.incr(key)
            return Response({"detail": str(exc), "code": exc.code}, status=status.HTTP_403_FORBIDDEN)
        services.touch(attempt)
        return Response({"attempt": attempt.pk, "token": token})


Paper = inline_serializer("ExamPaper", {
    "attempt": serializers.IntegerField(), "number": serializers.CharField(), "full_name": serializers.CharField(),
    "status": serializers.CharField(), "server_time": serializers.DateTimeField(),
    "starts_at": serializers.DateTimeField(), "deadline": serializers.DateTimeField(allow_null=True),
    "parts": serializers.ListField(child=serializers.DictField()),
    "questions": serializers.ListField(child=serializers.DictField()),
    "answers": serializers.DictField(), "scores": serializers.DictField(allow_null=True)})


class AttemptView(ExamAPIView):
    """The paper without the key, the server's time and deadline, and the saved answers.
    ``?brief=1`` leaves out the questions (the page's heartbeat and clock sync)."""

    @extend_schema(responses={200: Paper}, tags=["exam"])
    def get(self, request, attempt):
        current = services.submit_if_due(services.attempt_begin(self.attempt))
        services.touch(current)
        return Response(paper_document(current, brief=request.query_params.get("brief") == "1"))


AnswerRequest = inline_serializer("ExamAnswer", {
    "choice": serializers.IntegerField(allow_null=True, help_text="index of the option as shown; null clears"),
    "seq": serializers.IntegerField(min_value=1, help_text="grows with every click of this candidate")})
AnswerResponse = inline_serializer("ExamAnswerSaved", {
    "saved": serializers.IntegerField(), "stale": serializers.BooleanField(required=False)})


class AnswerView(ExamAPIView):
    """Save the choice for question ``n``; ``{"saved": seq}`` is sent only once it is committed.
    An older ``seq`` than the stored one changes nothing (``stale``)."""

    @extend_schema(request=AnswerRequest, responses={200: AnswerResponse, 409: Refusal, 400: Refusal},
                   tags=["exam"])
    def put(self, request, attempt, n):
        choice, seq = request.data.get("choice"), request.data.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1 or \
                (choice is not None and (not isinstance(choice, int) or isinstance(choice, bool))):
            return Response({"detail": _("choice must be an integer or null, seq a positive integer."),
                             "code": "invalid"}, status=status.HTTP_400_BAD_REQUEST)
        current = self.attempt
        now = timezone.now()
        try:
            saved = services.answer_save(attempt=current, n=n, choice=choice, seq=seq, now=now)
        except services.ExamRefused as exc:
            if exc.code == "deadline":
                services.submit_if_due(current, now=now)
            code = status.HTTP_400_BAD_REQUEST if exc.code == "invalid" else status.HTTP_409_CONFLICT
            return Response({"detail": str(exc), "code": exc.code}, status=code)
        services.touch(current)
        body = {"saved": saved.seq}
        if saved.stale:
            body["stale"] = True
        return Response(body)


SubmitResponse = inline_serializer("ExamScore", {"status": serializers.CharField(),
                                                 "scores": serializers.DictField()})


class SubmitView(ExamAPIView):
    """Hand in the test; the score per part comes back at once (asking again gives the same)."""

    @extend_schema(request=None, responses={200: SubmitResponse, 409: Refusal}, tags=["exam"])
    def post(self, request, attempt):
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
        return {"type": "http", "scheme": "bearer", "description": "the token returned by /exam/api/login"}
