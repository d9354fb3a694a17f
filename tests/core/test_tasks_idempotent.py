"""Every Celery task of the project is safe to run twice (issue 16).

Tasks are acknowledged late (CELERY_TASK_ACKS_LATE): a task whose worker died is delivered again,
and the beat may send a daily job twice around a restart. Each task below runs (eagerly) on a state
where it has work to do, then again with the same arguments: the second run changes no row of any
table and sends no e-mail. A task added to the project without a scenario here fails
``test_every_task_has_a_scenario``."""
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from config.celery import app
from core.dates import add_months
from core.services.imports import import_job_confirm, import_job_create
from personnel.models import CivilServant
from positions.models import Rank
from tests.factories import UserFactory, make_servant
from tests.recruitment.test_exam_runtime import make_bank
from tests.xlsx import write_workbook

pytestmark = pytest.mark.django_db


def database_state() -> dict:
    """Every row of every table of the project (and Django's), as values, in key order."""
    state = {}
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            state[model._meta.label] = list(model._base_manager.order_by("pk").values())
    return state


def changes(before: dict, after: dict) -> dict:
    return {label: (len(before[label]),
                    len(after[label])) for label in before if before[label] != after[label]}


def twice(task, *args, **kwargs):
    """Run ``task`` twice with the same arguments; the second run must change nothing."""
    first = task.apply(args=args, kwargs=kwargs).get()
    before, sent = database_state(), len(mail.outbox)
    second = task.apply(args=args, kwargs=kwargs).get()
    assert changes(before, database_state()) == {}, f"{task.name} changed rows on its second run"
    assert len(mail.outbox) == sent, f"{task.name} sent e-mail again"
    return first, second


# --- one scenario per task: a state where the first run has work to do ----------------------------

def scenario_ping(world, officer_a, tmp_path):
    assert twice(app.tasks["core.tasks.ping"], "x") == ("x", "x")


def _units_file(tmp_path):
    return write_workbook(tmp_path / "don-vi.xlsx",
                          [["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Loại đơn vị"],
                                                     ["A1-X", "Phòng Thử nghiệm", "A", "Phòng"]])


def _job(officer_a, tmp_path):
    path = _units_file(tmp_path)
    return import_job_create(actor=officer_a, kind="units",
                             upload=SimpleUploadedFile("don-vi.xlsx", path.read_bytes()))


def scenario_validate_import(world, officer_a, tmp_path):
    from core.tasks import validate_import

    job = _job(officer_a, tmp_path)
    first, second = twice(validate_import, str(job.pk))
    assert first == second == "validated", job.__class__.objects.get(pk=job.pk).summary


def scenario_run_import(world, officer_a, tmp_path):
    from core.models import OrgUnit
    from core.tasks import run_import, validate_import

    job = _job(officer_a, tmp_path)
    validate_import.apply(args=[str(job.pk)]).get()
    # its on_commit task does not run inside the test's transaction
    import_job_confirm(actor=officer_a, job=job)
    assert twice(run_import, str(job.pk)) == ("done", "done")
    assert OrgUnit.objects.filter(code="A1-X").count() == 1


def scenario_open_cycle(world, officer_a, tmp_path):
    from appraisal.tasks import open_cycle

    for i in range(3):
        make_servant(world.unit_a1, code=f"OC-{i}")
    first, second = twice(open_cycle, unit_id=world.unit_a.pk, year=2026, period_kind="quarter",
                          actor_id=officer_a.pk)
    assert first == second == 3


def scenario_send_reminders(world, officer_a, tmp_path):
    from appraisal import services
    from appraisal.tasks import send_reminders

    for i in range(2):
        servant = make_servant(world.unit_a1, code=f"NR-{i}")
        user = UserFactory(username=f"nr{i}", role="civil_servant", email=f"nr{i}@example.gov.vn")
        CivilServant.objects.filter(pk=servant.pk).update(account=user)
    services.cycle_open(actor=None, unit=world.unit_a, year=2026)
    first, _second = twice(send_reminders, day="2026-05-28")
    assert first["sent"] >= 2 and len(mail.outbox) >= 2


def scenario_generate_papers(world, officer_a, tmp_path):
    from recruitment.tasks import generate_papers

    session = _session()
    assert twice(generate_papers, session.pk)[0] == 3


def _session():
    from recruitment.exam import services

    blueprint = services.blueprint_create(actor=None, name="Đề", parts=[
        services.PartSpec("general", 30, (services.RuleSpec(make_bank(), 6),))])
    session = services.session_create(actor=None, name="Ca", blueprint=blueprint,
                                      starts_at=timezone.now() - timedelta(minutes=1))
    session.seated = services.attempts_add(actor=None, session=session, candidates=[
        {"number": f"ID{i:03d}", "full_name": f"Thí sinh {i}"} for i in range(3)])
    return session


def scenario_submit_due_attempts(world, officer_a, tmp_path):
    from recruitment.exam import services
    from recruitment.models import Attempt
    from recruitment.tasks import submit_due_attempts

    session = _session()
    services.papers_generate(session)
    for attempt, password in session.seated[:2]:
        started, _token = services.attempt_login(number=attempt.number, password=password)
        services.answer_save(attempt=started, n=1, choice=0, seq=1)
    Attempt.objects.filter(session=session, status="answering").update(
        deadline=timezone.now() - timedelta(minutes=1))
    assert twice(submit_due_attempts) == (2, 0)


def scenario_send_notices(world, officer_a, tmp_path):
    from personnel.tasks import send_notices

    # Retires 30/06/2026: the notice and the decision are due on 15/04/2026
    # (tests/personnel/test_notices.py).
    make_servant(world.unit_a1, code="R1", full_name="Lê Văn Sớm", date_of_birth=date(1964, 12, 5),
                 step_date=date(2025, 1, 1))
    first, second = twice(send_notices, day="2026-04-15")
    assert first["notified"] >= 1 and second["notified"] == 0


def scenario_salary_roll_forward(world, officer_a, tmp_path):
    from personnel.services.servants import servant_set_salary
    from personnel.tasks import salary_roll_forward

    today = timezone.localdate()
    since = add_months(today, -36) + timedelta(days=20)  # step 4 due 20 days from today
    person = make_servant(world.unit_a1, step=3, step_date=since)
    due = add_months(since, 36)
    servant_set_salary(actor=None, servant=person, rank=Rank.objects.get(code="01.003"), step=4,
                       start_date=due)
    assert twice(salary_roll_forward, due.isoformat()) == (1, 0)
    person.refresh_from_db()
    assert person.salary_step == 4 and person.salary_step_date == due


SCENARIOS = {
    "core.tasks.ping": scenario_ping,
    "core.tasks.validate_import": scenario_validate_import,
    "core.tasks.run_import": scenario_run_import,
    "appraisal.tasks.open_cycle": scenario_open_cycle,
    "appraisal.tasks.send_reminders": scenario_send_reminders,
    "recruitment.tasks.generate_papers": scenario_generate_papers,
    "recruitment.tasks.submit_due_attempts": scenario_submit_due_attempts,
    "personnel.tasks.send_notices": scenario_send_notices,
    "personnel.tasks.salary_roll_forward": scenario_salary_roll_forward,
}


def project_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_every_task_has_a_scenario():
    assert project_tasks() == set(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_task_run_twice_changes_nothing_the_second_time(name, world, officer_a, tmp_path,
                                                          settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert settings.CELERY_TASK_ALWAYS_EAGER
    SCENARIOS[name](world, officer_a, tmp_path)


