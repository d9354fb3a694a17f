"""The permission matrix: every URL pattern of the project, every persona, allowed or denied.

A URL pattern without an entry in MATRIX fails ``test_every_url_pattern_is_in_the_matrix``, so a
view added later cannot ship without its access rules. Objects are taken from unit A1 (inside
officer_a's grant on A, outside officer_b's grant on B): out of scope is 404, visible but not
editable 403, anonymous visitors go to the login page.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from appraisal import ledger
from appraisal import services as appraisal_services
from appraisal.models import Petition
from core.models import ImportJob
from personnel.models import CivilServant
from positions.models import Competency, PositionDossier
from positions.services import position_create
from recruitment import services
from recruitment.exam import services as exam_services
from recruitment.models import Appeal, ApplicationDocument, QuestionImage
from tests.conftest import PERSONA_MAKERS, build_world
from tests.factories import UserFactory, make_application, make_round, make_servant

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous", "candidate", "no_grant", "viewer_a", "officer_a", "officer_b", "provincial_hr",
    "superuser", "board_reader", "board_editor",
]
# Exam-board members of A1's round, with no unit grant: board_reader runs the round and reads its
# banks, board_editor also writes them. Outside recruitment they are staff without units
# (no_grant's answer) unless a case names them.
BOARD = ("board_reader", "board_editor")
SAME = object()  # the case's default
LOGIN = "login"  # redirected to the login page
OK = 200


@dataclass
class Case:
    expect: dict[str, object]  # persona → status code or LOGIN; missing personas take `default`
    default: object = OK
    kwargs: Callable[[dict], dict] = lambda objs: {}
    method: str = "get"
    data: dict | Callable[[dict], dict] = field(default_factory=dict)
    anonymous: object = LOGIN

    def expected(self, persona: str):
        if persona == "anonymous":
            return self.anonymous
        if persona in BOARD and persona not in self.expect:
            persona = "no_grant"
        answer = self.expect.get(persona, self.default)
        return self.default if answer is SAME else answer


STAFF_ONLY = {"candidate": 403}
SCOPED = {**STAFF_ONLY, "no_grant": 403}
MANAGERS = {**SCOPED, "viewer_a": 403}
PROVINCIAL = {**SCOPED, "viewer_a": 403, "officer_a": 403, "officer_b": 403}
# Import jobs belong to officer_a: other managers get 404.
JOB_OWNER = {**MANAGERS, "officer_b": 404, "provincial_hr": 404}

OUTSIDE_B = {**SCOPED, "officer_b": 404}
MANAGE_PERSON = {**MANAGERS, "officer_b": 404}
# Leaders' writes need the assign_work permission, checked before any lookup.
LEADERS = {**SCOPED, "officer_a": 403, "officer_b": 403}


# Recruitment is for those who run it: managers of units, provincial HR (and
# exam boards, tested apart).
RECRUITERS = {**SCOPED, "viewer_a": 403, "board_reader": SAME, "board_editor": SAME}
ROUND_OF_A = {**RECRUITERS, "officer_b": 404}
# Reshaping a round (settings, stages, vacancies, board, banks, publication) is not the board's.
ROUND_ADMIN = {**ROUND_OF_A, "board_reader": 403, "board_editor": 403}
# Banks: question managers (provincial HR) all; the round's board reads them, the editor writes.
BANK_READERS = {**PROVINCIAL, "board_reader": SAME, "board_editor": SAME}
BANK_WRITERS = {**PROVINCIAL, "board_reader": 403, "board_editor": SAME}


def ROUND(objects):  # noqa: N802
    return {"pk": objects["round"].pk}


def APPLICATION(objects):  # noqa: N802
    return {"pk": objects["application"].pk}


def SESSION(objects):  # noqa: N802
    return {"pk": objects["session"].pk}


def PERSON(objects):  # noqa: N802 - reads like the other constants in the table
    return {"pk": objects["person"].pk}


def POSITION(objects):  # noqa: N802
    return {"pk": objects["position"].pk}


def TOKEN(objects):  # noqa: N802 - an API token of officer_a, made when a case needs it
    from datetime import timedelta

    from core.api_tokens import token_create

    if "token" not in objects:
        objects["token"], _key = token_create(
            actor=objects["officer_a"], name="HRM", scopes=["units:read"],
            expires_on=timezone.localdate() + timedelta(days=30),
        )
    return {"pk": objects["token"].pk}


def _record_part(kind: str, objects: dict):
    """A part of the person's record (personnel.services.record_parts), made when a case needs
    it."""
    from personnel.services import record_parts as parts

    person, pdf, jpeg = objects["person"], b"%PDF-1.4\n%%EOF\n", b"\xff\xd8\xff\xe0" + b"\x00" * 16
    make = {
        "family": lambda: parts.family_member_add(
            actor=None, servant=person, relation="Mẹ", full_name="Lê Thị Cúc"
        ),
        "attachment": lambda: parts.attachment_add(
            actor=None, servant=person, title="Quyết định", upload=SimpleUploadedFile("qd.pdf", pdf)
        ),
        "photo": lambda: parts.photo_set(
            actor=None, servant=person, photo=SimpleUploadedFile("anh.jpg", jpeg)
        ),
        "allowance": lambda: parts.allowance_add(
            actor=None, servant=person, kind="position", percent=10, start_date=date(2025, 1, 1)
        ),
        "leave": lambda: parts.leave_record(
            actor=None, servant=person, kind="sick", start_date=date(2026, 1, 5),
            end_date=date(2026, 1, 6),
        ),
        "contract": lambda: parts.contract_record(
            actor=None, servant=person, kind="indefinite", start_date=date(2020, 1, 1)
        ),
    }
    key = f"part_{kind}"
    if key not in objects:
        objects[key] = make[kind]()
    return objects[key]


def PART(kind: str):  # noqa: N802 - the person and one part of their record
    return lambda objects: {"pk": objects["person"].pk, "part_pk": _record_part(kind, objects).pk}


# a streamlining plan or case of unit A1, made when a case needs it
def STREAM(kind: str):  # noqa: N802
    def kwargs(objects):
        from streamlining import services as streamlining

        key = f"stream_{kind}"
        if key not in objects:
            objects[key] = (
                streamlining.plan_save(
                    actor=None, unit=objects["a1"], year=2026, title="Kế hoạch",
                    targets=[("ND154", "civil_servant", "government", 2)],
                )
                if kind == "plan"
                else streamlining.case_open(
                    actor=None, servant=objects["person"], ground="ND154", case_number=6,
                    option="resignation", leaving_date=date(2027, 1, 1),
                )
            )
        return {"pk": objects[key].pk}
    return kwargs


MATRIX: dict[str, Case] = {
    "login": Case({}, default=302, anonymous=OK),
    "logout": Case({}, default=302, method="post", anonymous=302),
    "password_change": Case({}),
    "password_change_done": Case({}),
    "set_language": Case(
        {}, default=302, method="post", data={"language": "en", "next": "/"}, anonymous=302
    ),
    "healthz": Case({}, anonymous=OK),
    # The API answers anonymous callers itself, with 401 JSON (WWW-Authenticate: Bearer) rather
    # than a login redirect. Tokens and their scopes: tests/api/test_api_matrix.py.
    "api_schema": Case({}, anonymous=401),
    "api_docs": Case({}, anonymous=401),
    "api:api-root": Case({}, anonymous=401),
    "api:unit-list": Case({"candidate": 403}, anonymous=401),
    "api:unit-detail": Case(
        {"candidate": 403, "no_grant": 404, "officer_b": 404}, kwargs=lambda o: {"pk": o["a1"].pk},
        anonymous=401,
    ),
    "api:person-list": Case(SCOPED, anonymous=401),
    "api:person-detail": Case(OUTSIDE_B, kwargs=PERSON, anonymous=401),
    "api:position-list": Case(SCOPED, anonymous=401),
    "api:position-detail": Case(OUTSIDE_B, kwargs=POSITION, anonymous=401),
    "api:recruitment-round-list": Case(RECRUITERS, anonymous=401),
    "api:recruitment-round-detail": Case(ROUND_OF_A, kwargs=ROUND, anonymous=401),
    # The matrix's round has no published results: 404 for whoever may see the round.
    "api:recruitment-round-results": Case(
        {**ROUND_OF_A, "board_reader": 404, "board_editor": 404}, default=404, kwargs=ROUND,
        anonymous=401,
    ),
    # One's own tokens: every staff member has the page; a token is revoked by its owner only.
    "core:api_tokens": Case(STAFF_ONLY),
    "core:api_token_revoke": Case(
        {**STAFF_ONLY, "officer_a": 302}, default=404, method="post", kwargs=TOKEN
    ),
    # Period scores from other systems: only those who manage some unit may send them (each row is
    # then checked against the units they manage, tests/appraisal/test_api.py); the API takes JSON
    # only, so the form this matrix posts is refused with 415 once the caller is let in.
    "api:appraisal-score-list": Case(
        {"candidate": 403, "no_grant": 403, "viewer_a": 403}, default=415, method="post",
        anonymous=401,
    ),
    # The year's results, narrowed to the caller's units (none for no_grant: an empty list).
    "api:appraisal-result-list": Case({"candidate": 403}, data={"year": 2026}, anonymous=401),
    "core:dashboard": Case({"candidate": 302}),
    "core:unit_list": Case(SCOPED),
    "core:unit_create": Case(MANAGERS),
    "core:unit_reorganize": Case(PROVINCIAL),
    "core:unit_detail": Case({**SCOPED, "officer_b": 404}, kwargs=lambda o: {"pk": o["a1"].pk}),
    "core:unit_update": Case({**MANAGERS, "officer_b": 404}, kwargs=lambda o: {"pk": o["a1"].pk}),
    "core:unit_dissolve": Case(PROVINCIAL, kwargs=lambda o: {"pk": o["a1"].pk}),
    "core:import_list": Case(MANAGERS),
    "core:import_create": Case(MANAGERS, kwargs=lambda o: {"kind": "units"}),
    "core:import_template": Case(MANAGERS, kwargs=lambda o: {"kind": "units"}),
    "core:import_detail": Case(JOB_OWNER, kwargs=lambda o: {"pk": o["job"].pk}),
    # Only the uploader confirms an import, even a superuser may only look at it.
    "core:import_confirm": Case(
        {**JOB_OWNER, "superuser": 403}, default=302, method="post",
        kwargs=lambda o: {"pk": o["job"].pk},
    ),
    "core:import_errors": Case(JOB_OWNER, kwargs=lambda o: {"pk": o["job"].pk}),
    "core:access_list": Case(PROVINCIAL),
    # Locked logins and their unlock (tests/core/test_login_security.py); who read whose data.
    "core:lockout_list": Case(PROVINCIAL),
    "core:lockout_clear": Case(PROVINCIAL, default=302, method="post", data={"username": "nobody"}),
    "core:access_record_list": Case(PROVINCIAL),
    # Two-factor sign-in (tests/core/test_two_factor.py): the code step needs a password given first
    # (else back to the login page); one's own device for staff; the reset is provincial HR's.
    "core:login_code": Case({}, default=302),
    "core:two_factor": Case(STAFF_ONLY),
    "core:two_factor_reset": Case(
        PROVINCIAL, default=302, method="post", kwargs=lambda o: {"pk": o["officer_b"].pk}
    ),
    # The owner's way back in: open to anyone, signed in or not.
    "core:password_reset": Case({}, anonymous=OK),
    "core:password_reset_done": Case({}, anonymous=OK),
    "core:password_reset_confirm": Case(
        {}, anonymous=OK, kwargs=lambda o: {"uidb64": "MQ", "token": "bad-token"}
    ),
    "core:password_reset_complete": Case({}, anonymous=OK),
    "core:account_create": Case(PROVINCIAL),
    "core:access_user": Case(PROVINCIAL, kwargs=lambda o: {"pk": o["officer_a"].pk}),
    "core:account_active": Case(
        PROVINCIAL, default=302, method="post", kwargs=lambda o: {"pk": o["officer_b"].pk}
    ),
    "core:access_revoke": Case(
        PROVINCIAL,
        default=302,
        method="post",
        kwargs=lambda o: {"pk": o["officer_b"].pk, "unit_pk": o["b"].pk},
    ),
    "core:audit_list": Case(SCOPED),
    # Each staff member's own notifications
    # (tests/core/test_notifications.py); candidates have none.
    "core:notification_list": Case(STAFF_ONLY),
    "core:notification_bell": Case(STAFF_ONLY),
    "core:notification_read": Case(STAFF_ONLY, default=302, method="post"),
    # Recruitment: the round belongs to A1; staff pages for those who run recruitment (managers,
    # provincial HR, the round's exam board), the candidate's pages for their own application only.
    "recruitment:round_list": Case(RECRUITERS),
    "recruitment:round_create": Case({**RECRUITERS, "board_reader": 403, "board_editor": 403}),
    "recruitment:round_detail": Case(ROUND_OF_A, kwargs=ROUND),
    "recruitment:round_update": Case(ROUND_ADMIN, kwargs=ROUND),
    "recruitment:round_status": Case(
        ROUND_ADMIN, default=302, method="post", kwargs=ROUND, data={"status": "review"}
    ),
    "recruitment:vacancy_create": Case(
        ROUND_ADMIN, default=302, method="post", kwargs=ROUND,
        data={"code": "V2", "title": "Chuyên viên", "quota": 1},
    ),
    "recruitment:board_grant": Case(
        ROUND_ADMIN, default=302, method="post", kwargs=ROUND, data={"username": "officer_b"}
    ),
    "recruitment:board_revoke": Case(
        ROUND_ADMIN,
        default=302,
        method="post",
        kwargs=lambda o: {"pk": o["round"].pk, "user_pk": o["officer_b"].pk},
    ),
    "recruitment:application_list": Case(ROUND_OF_A, kwargs=ROUND),
    "recruitment:numbers_assign": Case(ROUND_OF_A, default=302, method="post", kwargs=ROUND),
    "recruitment:admission_list": Case(ROUND_OF_A, kwargs=ROUND),
    "recruitment:room_list": Case(ROUND_OF_A, kwargs=ROUND),
    "recruitment:admission_paper": Case(ROUND_OF_A, kwargs=ROUND),
    "recruitment:round1": Case(ROUND_OF_A, kwargs=ROUND),
    "recruitment:marks": Case(ROUND_OF_A, kwargs=ROUND),
    "recruitment:results": Case(ROUND_OF_A, kwargs=ROUND),
    "recruitment:results_paper": Case(ROUND_OF_A, kwargs=ROUND),
    "recruitment:results_export": Case(ROUND_OF_A, kwargs=ROUND),
    "recruitment:results_publish": Case(ROUND_ADMIN, default=302, method="post", kwargs=ROUND),
    "recruitment:appeal_list": Case(ROUND_OF_A, kwargs=ROUND),
    "recruitment:appeal_answer": Case(
        ROUND_OF_A, default=302, method="post", kwargs=lambda o: {"pk": o["appeal"].pk},
        data={"answer": "Giữ nguyên điểm"},
    ),
    "recruitment:application_detail": Case(ROUND_OF_A, kwargs=APPLICATION),
    "recruitment:application_review": Case(
        ROUND_OF_A, default=302, method="post", kwargs=APPLICATION, data={"decision": "eligible"}
    ),
    "recruitment:application_fee": Case(
        ROUND_OF_A, default=302, method="post", kwargs=APPLICATION, data={"receipt": "BL-1"}
    ),
    "recruitment:application_hire": Case(
        ROUND_OF_A, default=302, method="post", kwargs=APPLICATION
    ),
    "recruitment:document_download": Case(
        ROUND_OF_A, kwargs=lambda o: {"pk": o["application"].pk, "doc_pk": o["document"].pk}
    ),
    # The exam engine: banks and blueprints are secret (question managers: provincial HR); a session
    # of A1's round is for those who see the round.
    "recruitment:round_banks": Case(
        ROUND_ADMIN, default=302, method="post", kwargs=ROUND,
        data=lambda o: {"bank": [o["bank"].pk]},
    ),
    "recruitment:bank_list": Case(BANK_READERS),
    "recruitment:bank_detail": Case(BANK_READERS, kwargs=lambda o: {"pk": o["bank"].pk}),
    "recruitment:question_detail": Case(BANK_READERS, kwargs=lambda o: {"pk": o["question"].pk}),
    "recruitment:bank_export": Case(BANK_READERS, kwargs=lambda o: {"pk": o["bank"].pk}),
    "recruitment:question_image": Case(
        BANK_READERS, kwargs=lambda o: {"pk": o["question"].pk, "name": "plan.png"}
    ),
    "recruitment:question_status": Case(
        BANK_WRITERS,
        default=302,
        method="post",
        kwargs=lambda o: {"pk": o["question"].pk, "action": "retire"},
    ),
    "recruitment:blueprint_list": Case(BANK_READERS),
    "recruitment:session_list": Case(RECRUITERS),
    "recruitment:session_detail": Case(ROUND_OF_A, kwargs=SESSION),
    "recruitment:session_seat": Case(ROUND_OF_A, default=302, method="post", kwargs=SESSION),
    "recruitment:session_papers": Case(ROUND_OF_A, default=302, method="post", kwargs=SESSION),
    "recruitment:session_passwords": Case(ROUND_OF_A, method="post", kwargs=SESSION),
    "recruitment:proctor": Case(ROUND_OF_A, kwargs=SESSION),
    "recruitment:session_incident": Case(
        ROUND_OF_A, default=302, method="post", kwargs=SESSION, data={"note": "Mất điện 2 phút"}
    ),
    # Unlocking a number whose login is locked (tests/recruitment/test_exam_throttle.py).
    "recruitment:session_unlock": Case(
        ROUND_OF_A, default=302, method="post", kwargs=SESSION, data={"number": "TD0001"}
    ),
    "recruitment:analysis": Case(ROUND_OF_A, kwargs=SESSION),
    # Marking (negative marking, essays) is the board's and provincial HR's: the agency's HR sees
    # the session but does not mark it.
    "recruitment:session_marking": Case({**ROUND_OF_A, "officer_a": 403}, kwargs=SESSION),
    "recruitment:session_essays": Case({**ROUND_OF_A, "officer_a": 403}, kwargs=SESSION),
    "recruitment:attempt_action": Case(
        ROUND_OF_A,
        default=302,
        method="post",
        kwargs=lambda o: {"pk": o["attempt"].pk, "action": "readmit"},
    ),
    "recruitment:register": Case({}, default=302, anonymous=OK),
    "recruitment:verify": Case(
        {}, default=400, kwargs=lambda o: {"token": "forged"}, anonymous=400
    ),
    # A new confirmation link: open to anyone (the answer never says whether
    # an address is registered).
    "recruitment:resend_confirmation": Case({}, anonymous=OK),
    "recruitment:portal": Case({"candidate": OK}, default=403),
    # The exam site: candidates there are not users of the site; everything hangs on the attempt's
    # token (tested in tests/recruitment/test_exam_runtime.py). Without one: the exam login page.
    "exam:login": Case({}, anonymous=OK),
    "exam:paper": Case({}, default=302, anonymous=302),
    "exam:submit": Case({}, default=302, method="post", anonymous=302),
    "exam:logout": Case({}, default=302, method="post", anonymous=302),
    "exam:api_login": Case(
        {}, default=403, method="post", data={"number": "X", "password": "Y"}, anonymous=403
    ),
    "exam:api_attempt": Case({}, default=401, kwargs=lambda o: {"attempt": 1}, anonymous=401),
    "exam:api_answer": Case(
        {}, default=401, method="put", kwargs=lambda o: {"attempt": 1, "n": 1}, anonymous=401
    ),
    "exam:api_submit": Case(
        {}, default=401, method="post", kwargs=lambda o: {"attempt": 1}, anonymous=401
    ),
    "exam:api_image": Case(
        {}, default=401, kwargs=lambda o: {"attempt": 1, "n": 1, "name": "plan.png"}, anonymous=401
    ),
    "recruitment:apply": Case({"candidate": OK}, default=403, kwargs=ROUND),
    "recruitment:my_application": Case({"candidate": OK}, default=403, kwargs=APPLICATION),
    "recruitment:my_document_upload": Case(
        {"candidate": 302}, default=403, method="post", kwargs=APPLICATION
    ),
    "recruitment:my_document": Case(
        {"candidate": OK},
        default=403,
        kwargs=lambda o: {"pk": o["application"].pk, "doc_pk": o["document"].pk},
    ),
    "recruitment:my_appeal": Case(
        {"candidate": 302}, default=403, method="post", kwargs=APPLICATION
    ),
    "recruitment:my_receipt": Case({"candidate": OK}, default=403, kwargs=APPLICATION),
    "recruitment:my_summons": Case({"candidate": OK}, default=403, kwargs=APPLICATION),
    # Personnel: the person lives in A1 (officer_a manages, viewer_a views, officer_b is outside).
    # Appraisal: boards are read by everyone who sees the unit; the committee's word needs its
    # permission or the unit's management (tests/appraisal/test_pages.py walks the committee).
    "appraisal:cycle_list": Case(SCOPED),
    "appraisal:cycle_open": Case(MANAGERS),
    "appraisal:board": Case(OUTSIDE_B, kwargs=lambda o: {"pk": o["cycle"].pk}),
    "appraisal:cycle_close": Case(MANAGE_PERSON, kwargs=lambda o: {"pk": o["cycle"].pk}),
    "appraisal:cycle_export": Case(OUTSIDE_B, kwargs=lambda o: {"pk": o["cycle"].pk}),
    # Where the year stands: read like the board; the bar of an opening
    # answers its poll the same way.
    "appraisal:open_progress": Case(OUTSIDE_B, kwargs=lambda o: {"pk": o["cycle"].pk}),
    "appraisal:progress": Case(OUTSIDE_B, kwargs=lambda o: {"pk": o["cycle"].pk}),
    # Units' own results: read in scope, recorded and corrected by those who manage the unit (the
    # form without a pk, to record one, is walked in tests/appraisal/test_unit_results.py).
    "appraisal:unit_results": Case(SCOPED),
    "appraisal:unit_result_edit": Case(MANAGE_PERSON, kwargs=lambda o: {"pk": o["unit_result"].pk}),
    "appraisal:committee_decide": Case(MANAGE_PERSON, kwargs=lambda o: {"pk": o["appraisal"].pk}),
    # Streamlining (issue 13): pages read in scope; plans and cases written by who manages the unit;
    # a case is opened for a person of the writer's units (officer_b may not pick A1's person).
    "streamlining:dashboard": Case(SCOPED),
    "streamlining:plan_create": Case(MANAGERS),
    "streamlining:plan_detail": Case(OUTSIDE_B, kwargs=STREAM("plan")),
    "streamlining:plan_approve": Case(MANAGE_PERSON, kwargs=STREAM("plan")),
    "streamlining:screen": Case(SCOPED),
    "streamlining:reorganisation": Case(SCOPED),
    "streamlining:case_list": Case(SCOPED),
    "streamlining:case_create": Case(
        {**MANAGERS, "officer_b": 403}, data=lambda o: {"servant": o["person"].pk}
    ),
    "streamlining:case_detail": Case(OUTSIDE_B, kwargs=STREAM("case")),
    "streamlining:case_propose": Case(MANAGE_PERSON, kwargs=STREAM("case")),
    "streamlining:case_review": Case(MANAGE_PERSON, kwargs=STREAM("case")),
    "streamlining:case_decide": Case(MANAGE_PERSON, kwargs=STREAM("case")),
    "streamlining:case_refuse": Case(MANAGE_PERSON, kwargs=STREAM("case")),
    "streamlining:case_pay": Case(MANAGE_PERSON, kwargs=STREAM("case")),
    "streamlining:report": Case(SCOPED),
    "streamlining:refund_watch": Case(SCOPED),
    "appraisal:person_scores": Case(OUTSIDE_B, kwargs=PERSON),
    # The work ledger: HR keeps the catalogue (manage), leaders (assign_work: unit heads, provincial
    # HR) assign and review in the units they see; a person's own pages need an account linked to
    # their record, which no persona here has (tests/appraisal/test_self_service.py walks that one).
    "appraisal:period_score": Case(LEADERS, kwargs=lambda o: {"pk": o["appraisal"].pk}),
    "appraisal:appraisal_form": Case(
        {**STAFF_ONLY, "no_grant": 404, "officer_b": 404},
        kwargs=lambda o: {"pk": o["appraisal"].pk},
    ),
    "appraisal:catalogue": Case(SCOPED),
    "appraisal:work_item_add": Case(MANAGERS),
    "appraisal:work_item_edit": Case(MANAGE_PERSON, kwargs=lambda o: {"pk": o["work_item"].pk}),
    "appraisal:work_item_withdraw": Case(MANAGE_PERSON, kwargs=lambda o: {"pk": o["work_item"].pk}),
    "appraisal:ledger": Case(SCOPED),
    "appraisal:work_assign": Case(LEADERS),
    "appraisal:work_review": Case(LEADERS, kwargs=lambda o: {"pk": o["assignment"].pk}),
    "appraisal:work_exempt": Case(LEADERS, kwargs=lambda o: {"pk": o["assignment"].pk}),
    "appraisal:work_cancel": Case(LEADERS, kwargs=lambda o: {"pk": o["assignment"].pk}),
    "appraisal:work_file": Case(
        {**STAFF_ONLY, "no_grant": 404, "officer_b": 404},
        kwargs=lambda o: {"pk": o["assignment"].pk},
    ),
    "appraisal:me": Case({}, default=403),
    "appraisal:my_report": Case({}, default=403, kwargs=lambda o: {"pk": o["assignment"].pk}),
    "appraisal:my_score": Case({}, default=403, kwargs=lambda o: {"pk": o["appraisal"].pk}),
    "appraisal:my_self_assess": Case({}, default=403, kwargs=lambda o: {"pk": o["appraisal"].pk}),
    "personnel:accounts_create": Case(MANAGERS),
    # The committee's procedure: everyone who sees the unit follows it; HR (manage) moves it on.
    "appraisal:workflow": Case(OUTSIDE_B, kwargs=lambda o: {"pk": o["cycle"].pk}),
    "appraisal:meeting": Case(
        MANAGE_PERSON, kwargs=lambda o: {"pk": o["cycle"].pk}, data=lambda o: {"unit": o["a1"].pk}
    ),
    "appraisal:consolidate": Case(MANAGE_PERSON, kwargs=lambda o: {"pk": o["cycle"].pk}),
    "appraisal:decision": Case(MANAGE_PERSON, kwargs=lambda o: {"pk": o["cycle"].pk}),
    "appraisal:publish": Case(MANAGE_PERSON, kwargs=lambda o: {"pk": o["cycle"].pk}),
    "appraisal:party_opinion": Case(
        MANAGE_PERSON, kwargs=lambda o: {"pk": o["leader_appraisal"].pk}
    ),
    "appraisal:petition_file": Case(MANAGE_PERSON, kwargs=lambda o: {"pk": o["appraisal"].pk}),
    "appraisal:petition_answer": Case(MANAGE_PERSON, kwargs=lambda o: {"pk": o["petition"].pk}),
    "appraisal:my_petition": Case({}, default=403, kwargs=lambda o: {"pk": o["appraisal"].pk}),
    "personnel:servant_list": Case(SCOPED),
    "personnel:servant_export": Case(SCOPED),
    "personnel:servant_create": Case(MANAGERS),
    "personnel:servant_detail": Case(OUTSIDE_B, kwargs=PERSON),
    # The résumé carries the ID number, health and family: only those who manage the person.
    "personnel:servant_resume": Case(OUTSIDE_B, kwargs=PERSON),
    "personnel:servant_resume_xlsx": Case(OUTSIDE_B, kwargs=PERSON),
    "personnel:servant_update": Case(MANAGE_PERSON, kwargs=PERSON),
    "personnel:servant_assign": Case(MANAGE_PERSON, kwargs=PERSON),
    "personnel:servant_salary": Case(MANAGE_PERSON, kwargs=PERSON),
    "personnel:servant_leave": Case(MANAGE_PERSON, kwargs=PERSON),
    "personnel:servant_event": Case(MANAGE_PERSON, kwargs=PERSON),
    "personnel:discipline_create": Case(MANAGE_PERSON, kwargs=PERSON),
    "personnel:reward_create": Case(MANAGE_PERSON, kwargs=PERSON),
    "personnel:training_create": Case(MANAGE_PERSON, kwargs=PERSON),
    "personnel:event_correct": Case(
        MANAGE_PERSON, kwargs=lambda o: {"pk": o["person"].pk, "event_pk": o["event"].pk}
    ),
    "personnel:retirement": Case(SCOPED),
    "personnel:raises": Case(SCOPED),
    # The two pages' exports and print views show the reader's own units
    # (tests/personnel/test_notices.py).
    "personnel:retirement_export": Case(SCOPED),
    "personnel:retirement_print": Case(SCOPED),
    "personnel:raises_export": Case(SCOPED),
    "personnel:raises_print": Case(SCOPED),
    "personnel:raises_decision": Case(SCOPED, data={"number": "01/QĐ-SNV"}),
    # Documents and decisions: only for people the user manages.
    "personnel:retirement_document": Case(
        MANAGE_PERSON, kwargs=lambda o: {"pk": o["person"].pk, "kind": "notice"}
    ),
    "personnel:retirement_documents": Case(
        MANAGE_PERSON, data=lambda o: {"ids": o["person"].pk, "doc": "decision"}
    ),
    "personnel:retirement_notices_record": Case(
        MANAGE_PERSON,
        default=302,
        method="post",
        data=lambda o: {"ids": o["person"].pk, "number": "01/TB-SNV", "date": "2026-12-01"},
    ),
    # The person has no raise due in the matrix's data: refused with a message, back to the page.
    "personnel:raises_decide": Case(
        MANAGE_PERSON, default=302, method="post",
        data=lambda o: {
            "ids": o["person"].pk, "decision_number": "01/QĐ", "decision_date": "01/12/2026",
        },
    ),
    "personnel:training_plan": Case(SCOPED),
    "personnel:stats": Case(SCOPED),
    "personnel:staffing": Case(SCOPED),
    # Counts only, of the reader's own units (the unit list and the default are narrowed to them).
    "personnel:ministry_report": Case(SCOPED),
    "personnel:training_needs": Case(SCOPED),
    "personnel:assessment_create": Case(MANAGE_PERSON, kwargs=PERSON),
    # Parts of the record (tests/personnel/test_record_parts.py): written by who manages the person;
    # documents read by who sees the person, the photo only by who sees private fields.
    "personnel:family_create": Case(MANAGE_PERSON, kwargs=PERSON),
    "personnel:family_update": Case(MANAGE_PERSON, kwargs=PART("family")),
    "personnel:attachment_create": Case(MANAGE_PERSON, kwargs=PERSON),
    "personnel:attachment_download": Case(OUTSIDE_B, kwargs=PART("attachment")),
    "personnel:attachment_withdraw": Case(MANAGE_PERSON, kwargs=PART("attachment")),
    "personnel:servant_photo": Case(
        MANAGE_PERSON, kwargs=lambda o: {"pk": _record_part("photo", o).pk}
    ),
    "personnel:servant_photo_update": Case(MANAGE_PERSON, kwargs=PERSON),
    "personnel:allowance_create": Case(MANAGE_PERSON, kwargs=PERSON),
    "personnel:allowance_end": Case(MANAGE_PERSON, kwargs=PART("allowance")),
    "personnel:leave_record_create": Case(MANAGE_PERSON, kwargs=PERSON),
    "personnel:leave_record_cancel": Case(MANAGE_PERSON, kwargs=PART("leave")),
    "personnel:contract_create": Case(MANAGE_PERSON, kwargs=PERSON),
    "personnel:contract_end": Case(MANAGE_PERSON, kwargs=PART("contract")),
    # Verification is for the HR level above the person's agency (A1 belongs to department A):
    # officer_a manages A but not the province above it (tests/personnel/test_verification.py).
    "personnel:servant_verify": Case({**MANAGE_PERSON, "officer_a": 403}, kwargs=PERSON),
    "personnel:readiness": Case(SCOPED),
    "personnel:readiness_export": Case(SCOPED),
    "personnel:readiness_verify": Case(SCOPED, default=302, method="post"),
    # Positions: the position lives in A1 like the person.
    "positions:position_list": Case(SCOPED),
    "positions:position_create": Case(MANAGERS),
    "positions:position_export": Case(SCOPED),
    "positions:position_detail": Case(OUTSIDE_B, kwargs=POSITION),
    "positions:position_print": Case(OUTSIDE_B, kwargs=POSITION),
    "positions:position_update": Case(MANAGE_PERSON, kwargs=POSITION),
    "positions:description_update": Case(MANAGE_PERSON, kwargs=POSITION),
    "positions:framework_update": Case(MANAGE_PERSON, kwargs=POSITION),
    "positions:description_new_version": Case(
        MANAGE_PERSON, default=302, method="post", kwargs=POSITION
    ),
    "positions:dossier_list": Case(SCOPED),
    "positions:dossier_create": Case(MANAGERS, default=302, method="post"),
    "positions:dossier_detail": Case(OUTSIDE_B, kwargs=lambda o: {"pk": o["dossier"].pk}),
    "positions:quota_list": Case(SCOPED),
    "positions:catalogue": Case(STAFF_ONLY),
    "positions:ratio_caps": Case(STAFF_ONLY),
    "positions:competency_create": Case(PROVINCIAL),
    "positions:competency_update": Case(PROVINCIAL, kwargs=lambda o: {"pk": o["competency"].pk}),
}


def _walk(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _walk(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}"


def project_url_names() -> set[str]:
    # The Django admin is superuser-only by construction; it is checked separately below.
    return {n for n in _walk(get_resolver().url_patterns) if not n.startswith("admin:")}


def test_every_url_pattern_is_in_the_matrix():
    missing = sorted(project_url_names() - set(MATRIX))
    assert not missing, f"URL patterns without access rules in the permission matrix: {missing}"


# The day the matrix is run on: the appraisal year, the petition and the leave below are dated 2026,
# and the exam session starts "now"; the clock keeps ticking from here so deadlines behave.
MATRIX_DAY = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(scope="module")
def matrix_objects(django_db_setup, django_db_blocker, tmp_path_factory):
    """The ~35 objects of the matrix, built once for the module's ~2,000 cases.

    They are written inside a transaction kept open for the whole module and rolled back at its end;
    each test runs in pytest-django's usual atomic block, which nests as a savepoint inside it and
    is rolled back after the test, so every case still starts from these objects and nothing else
    (on SQLite and PostgreSQL alike).
    """
    clock = time_machine.travel(MATRIX_DAY, tick=True)
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("matrix-media"),
                              PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    clock.start()
    media.enable()
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            yield _build_objects()
            transaction.set_rollback(True)
    finally:
        media.disable()
        clock.stop()


@pytest.fixture
def objects(matrix_objects, db):
    # A copy per test: the PART cases add the record part they need to it, and it must
    # not outlive the test's savepoint. The cases read only primary keys, so the
    # instances themselves are shared.
    return dict(matrix_objects)


def _build_objects() -> dict:
    world = build_world()
    users = {name: make(world) for name, make in PERSONA_MAKERS.items()}
    officer_a, candidate = users["officer_a"], users["candidate"]
    upload = SimpleUploadedFile(
        "u.csv", "Mã đơn vị;Tên đơn vị;Mã đơn vị cấp trên\nZ1;Phòng Z;A\n".encode()
    )
    job = ImportJob.objects.create(kind="units", created_by=officer_a, original_name="u.csv",
                                   status=ImportJob.Status.VALIDATED)
    job.file.save("perm-test.csv", upload)
    person = make_servant(world.unit_a1, full_name="Hoàng Thị Mai", sex="female")
    position = position_create(actor=None, unit=world.unit_a1, code="VT-1", title="Chuyên viên")
    dossier = PositionDossier.objects.create(unit=world.unit_a1, title="Hồ sơ")
    round_ = make_round(world.unit_a1, code="TD-M", status="open")
    vacancy = services.vacancy_save(
        actor=None, round_=round_, code="V1", title="Chuyên viên", quota=1
    )
    application = make_application(vacancy, candidate=candidate, eligible=True)
    services.numbers_assign(actor=None, round_=round_)
    appeal = Appeal.objects.create(application=application, component="written", reason="Phúc khảo")
    document = ApplicationDocument(application=application, kind="Bằng", original_name="bang.pdf")
    document.file.save("perm-bang.pdf", SimpleUploadedFile("bang.pdf", b"%PDF-1.4"), save=True)
    bank = exam_services.bank_create(actor=None, code="KTC", name="Kiến thức chung", part="general")
    for i in range(3):
        exam_services.question_save(
            actor=None, bank=bank, family=f"Q{i}", text=f"Câu {i}?", options=["A", "B"], correct=0
        )
    question = bank.questions.first()
    QuestionImage.objects.create(
        question=question, name="plan.png", content_type="image/png", data=b"\x89PNG"
    )
    blueprint = exam_services.blueprint_create(actor=None, name="Đề", parts=[
        exam_services.PartSpec("general", 30, (exam_services.RuleSpec(bank, 2),))])
    session = exam_services.session_create(
        actor=None, name="Ca 1", blueprint=blueprint, round_=round_, starts_at=timezone.now()
    )
    [(attempt, _password)] = exam_services.attempts_from_round(actor=None, session=session)
    leader = make_servant(world.unit_a1, code="A1-HEAD", full_name="Trần Văn Trưởng")
    CivilServant.objects.filter(pk=leader.pk).update(leadership="head")
    cycle = appraisal_services.cycle_open(actor=None, unit=world.unit_a, year=2026)
    unit_result = appraisal_services.unit_result_save(
        actor=None, unit=world.unit_a1, year=2026, targets_planned=10, targets_on_time=8,
        targets_exceeded=1, level="HTT",
    )
    petition = Petition.objects.create(
        appraisal=cycle.appraisals.get(servant=person), filed_on=date(2026, 12, 1),
        text="Đề nghị xem xét lại", rule_set="APPR-PETITION-KN2011",
    )
    work_item = ledger.work_item_save(
        actor=None, position=position, code="VB", name="Văn bản", output_unit="văn bản",
        coefficient=Decimal(1),
    )
    assignment = ledger.work_assign(
        actor=None, appraisal=cycle.appraisals.get(servant=person), item=work_item,
        due_date=date(2026, 3, 31),
    )
    ledger.work_report(
        actor=None, assignment=assignment, completed=Decimal(1), completed_on=date(2026, 3, 30),
        attachment=SimpleUploadedFile("vb.pdf", b"%PDF-1.4"),
    )
    board_reader = UserFactory(username="board_reader", role="exam_board")
    board_editor = UserFactory(username="board_editor", role="exam_board")
    services.board_grant(actor=None, round_=round_, user=board_reader)
    services.board_grant(actor=None, round_=round_, user=board_editor, edit_questions=True)
    return {
        "cycle": cycle, "appraisal": cycle.appraisals.get(servant=person),
        "board_reader": board_reader, "board_editor": board_editor, "unit_result": unit_result,
        "work_item": work_item, "assignment": assignment, "petition": petition,
        "leader_appraisal": cycle.appraisals.get(servant=leader), "round": round_,
        "application": application, "appeal": appeal, "document": document, "bank": bank,
        "question": question, "session": session, "attempt": attempt, "a1": world.unit_a1,
        "b": world.unit_b, "job": job, "person": person, "event": person.events.first(),
        "position": position, "dossier": dossier, "competency": Competency.objects.first(),
        "world": world, **users,
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(client, objects, name, persona):
    case = MATRIX[name]
    if persona != "anonymous":
        client.force_login(objects[persona])
    url = reverse(name, kwargs=case.kwargs(objects))
    response = getattr(client, case.method)(
        url, case.data(objects) if callable(case.data) else case.data
    )
    expected = case.expected(persona)
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), \
            f"{name} as {persona}: {response.status_code} {response.get('Location')}"
    else:
        assert response.status_code == expected, (
            f"{name} as {persona}: {response.status_code}, expected {expected}"
        )


ADMIN_SAMPLE_KWARGS = {
    "object_id": "1", "app_label": "core", "content_type_id": "1", "id": "1", "user_id": "1",
}


@pytest.mark.parametrize("persona", ["anonymous", "candidate", "officer_a", "provincial_hr"])
def test_the_admin_site_is_for_superusers_only(client, objects, persona):
    admin_names = sorted(n for n in _walk(get_resolver().url_patterns) if n.startswith("admin:"))
    assert len(admin_names) > 10
    if persona != "anonymous":
        client.force_login(objects[persona])
    for name in admin_names:
        try:
            url = reverse(name)
        except Exception:  # noqa: BLE001 - patterns with arguments
            continue
        response = client.get(url)
        if name in ("admin:login", "admin:logout"):
            continue
        assert response.status_code in (302, 404), f"{name} as {persona}: {response.status_code}"
        if response.status_code == 302:
            assert "/login/" in response["Location"], f"{name} as {persona}: {response['Location']}"
