"""personnel_notices: retirement notices and decisions, raises and contract ends due, told to the
HR officers of the person's unit, in Công vụ and by e-mail, once."""
import io
import json
import re
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.dates import add_months
from core.models import Notification
from personnel.models import CareerEvent, CivilServant, Contract
from personnel.rules.retirement import retirement_of
from personnel.services.servants import event_record
from tests.factories import make_servant

pytestmark = pytest.mark.django_db
TODAY = date(2026, 4, 15)
KEYS = {"date", "retirement_6_months", "retirement_3_months", "raises_due", "contracts_expiring",
        "notified", "emailed"}


def run(capsys, day=TODAY) -> dict:
    call_command("personnel_notices", "--date", day.isoformat(), "--json")
    return json.loads(capsys.readouterr().out)


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def people(world):
    return {
        # Retires 30/06/2026: within 3 months of the end of July, so both the notice and the
        # decision.
        "soon": make_servant(world.unit_a1, code="R1", full_name="Lê Văn Sớm",
                             date_of_birth=date(1964, 12, 5), step_date=date(2025, 1, 1)),
        # Retires 30/09/2026: the notice only (6 months ahead).
        "later": make_servant(world.unit_a1, code="R2", full_name="Nguyễn Văn Nam",
                              date_of_birth=date(1965, 3, 10), step_date=date(2025, 1, 1)),
        # Retires 30/11/2026: nothing yet on 15/04/2026.
        "not_yet": make_servant(world.unit_a1, code="R3", full_name="Trần Thị Nữ", sex="female",
                                date_of_birth=date(1969, 11, 2), step_date=date(2025, 1, 1)),
        # Step 3 since 01/05/2023, 36 months: step 4 due 01/05/2026.
        "raise": make_servant(world.unit_b, code="S1", full_name="Phạm Văn Lương", step=3,
                              step_date=date(2023, 5, 1)),
        # Due 01/01/2027: not within 30 days.
        "raise_later": make_servant(world.unit_b, code="S2", full_name="Đỗ Văn Chờ", step=3,
                                    step_date=date(2024, 1, 1)),
    }


@pytest.fixture
def contracts(world, people):
    ending = Contract.objects.create(servant=people["not_yet"], kind=Contract.Kind.FIXED_TERM,
                                     number="HĐ-01", start_date=date(2023, 6, 1),
                                     end_date=date(2026, 6, 1))
    Contract.objects.create(servant=people["raise_later"], kind=Contract.Kind.FIXED_TERM,
                            number="HĐ-02", start_date=date(2023, 8, 1), end_date=date(2026, 8, 1))
    return ending


def test_the_json_document_has_the_documented_keys(world, capsys):
    document = run(capsys)
    assert set(document) == KEYS and document["date"] == "2026-04-15"


def test_each_due_fact_is_counted_in_its_window(people, contracts, officer_a, officer_b, capsys):
    document = run(capsys)
    assert document["retirement_6_months"] == 2 and document["retirement_3_months"] == 1
    assert document["raises_due"] == 1 and document["contracts_expiring"] == 1


def test_the_officers_of_the_unit_are_told_and_emailed_once(people, contracts, officer_a, officer_b,
                                                            provincial_hr, capsys):
    first = run(capsys)
    # A1 (officer_a, provincial HR): 2 notices + 1 decision + 1 contract; B (officer_b, provincial
    # HR): 1 raise.
    assert set(Notification.objects.filter(recipient=officer_a).values_list("kind", flat=True)) == {
        "retirement_notice", "retirement_decision", "contract_expiring"}
    assert Notification.objects.filter(recipient=officer_a).count() == 4
    kinds = Notification.objects.filter(recipient=officer_b).values_list("kind", flat=True)
    assert list(kinds) == ["raise_due"]
    assert Notification.objects.filter(recipient=provincial_hr).count() == 5
    assert first["notified"] == 10 and first["emailed"] == 3
    to_a = next(m for m in mail.outbox if m.to == [officer_a.email])
    assert "Lê Văn Sớm" in to_a.body
    assert "30/06/2026" in to_a.body
    assert "Phạm Văn Lương" not in to_a.body
    to_b = next(m for m in mail.outbox if m.to == [officer_b.email])
    assert "Phạm Văn Lương" in to_b.body and "01/05/2026" in to_b.body

    second = run(capsys)
    assert second["notified"] == 0 and second["emailed"] == 0 and len(mail.outbox) == 3
    # The next day nothing new is due either; the same facts are not told again.
    assert run(capsys, date(2026, 4, 16))["notified"] == 0


def test_an_officer_of_another_unit_hears_nothing(people, officer_b, capsys):
    run(capsys)
    assert not Notification.objects.filter(recipient=officer_b,
                                           body__contains="Lê Văn Sớm").exists()
    assert not Notification.objects.filter(recipient=officer_b,
                                           kind__startswith="retirement").exists()


def test_a_notice_on_record_is_not_asked_for_again(people, officer_a, capsys):
    event_record(actor=None, servant=people["later"], kind=CareerEvent.Kind.RETIREMENT_NOTICE,
                 effective_date=date(2026, 3, 31), summary="Thông báo nghỉ hưu")
    document = run(capsys)
    assert document["retirement_6_months"] == 1
    titles = list(Notification.objects.filter(recipient=officer_a).values_list("title", flat=True))
    assert not any("Nguyễn Văn Nam" in t for t in titles)


def test_the_beat_schedule_runs_the_task_daily(settings):
    from personnel.tasks import send_notices

    entry = settings.CELERY_BEAT_SCHEDULE["personnel-notices"]
    assert entry["task"] == send_notices.name


def test_the_task_runs_the_same_job(people, officer_a):
    from personnel.tasks import send_notices

    result = send_notices.apply(kwargs={"day": TODAY.isoformat()}).get()
    # 2 notices and 1 decision in A1
    assert result["date"] == "2026-04-15" and result["notified"] == 3


# --- the retirement and raises-due pages: export, print, documents, decisions ---------------------

def _table_ids(html: str, testid: str) -> list[int]:
    table = re.search(rf'data-testid="{testid}".*?</table>', html, re.S).group(0)
    return [int(pk) for pk in re.findall(r'<tr data-person="(\d+)"', table)]


def _sheet_names(book, sheet: int) -> list[str]:
    return [row[0] for row in book.worksheets[sheet].iter_rows(min_row=4, values_only=True)
            if row[0]]


def _names(ids: list[int]) -> list[str]:
    people = CivilServant.objects.in_bulk(ids)
    return [people[pk].full_name for pk in ids]


def _born_to_retire_within(months: int, sex: str = "male") -> date:
    """A birth date whose retirement falls within ``months`` of today (the page's notice tables)."""
    today = timezone.localdate()
    for year in range(today.year - 63, today.year - 55):
        for month in range(1, 13):
            born = date(year, month, 10)
            if today < retirement_of(born, sex).retirement_date <= add_months(today, months):
                return born
    raise AssertionError("no birth date found")


@pytest.fixture
def retiring(world):
    return [make_servant(world.unit_a1, code="N1", full_name="Vũ Văn Hưu",
                         date_of_birth=_born_to_retire_within(2)),
            make_servant(world.unit_a1, code="N2", full_name="Đặng Thị Nghỉ", sex="female",
                         date_of_birth=_born_to_retire_within(5, "female")),
            make_servant(world.unit_b, code="N3", full_name="Bùi Văn Khác",
                         date_of_birth=_born_to_retire_within(2))]


def test_the_retirement_export_has_exactly_the_rows_of_the_page(
    client, officer_a, retiring, people):
    client.force_login(officer_a)
    query = f"?from={timezone.localdate().year}&years=3"
    html = client.get(reverse("personnel:retirement") + query).content.decode()
    response = client.get(reverse("personnel:retirement_export") + query)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    # Sheets in the page's order: forecast by unit, notices, decisions, early raises, everyone
    # retiring.
    pairs = {"notice-table": 1, "decision-table": 2, "retiring-table": 4}
    for testid, sheet in pairs.items():
        assert _sheet_names(book, sheet) == _names(_table_ids(html, testid)), sheet
    assert book.sheetnames[2] == "Quyết định 3 tháng" and "Vũ Văn Hưu" in _sheet_names(book, 2)
    assert "Bùi Văn Khác" not in str([_sheet_names(book, i) for i in range(5)])  # officer_b's unit


def test_the_raises_export_has_exactly_the_rows_of_the_page(client, officer_parent, people, world):
    client.force_login(officer_parent)
    for query in ("?month=2026-05&months=1", f"?month=2026-05&months=12&unit={world.unit_b.pk}",
                  f"?month=2026-05&months=12&unit={world.unit_a.pk}"):
        html = client.get(reverse("personnel:raises") + query).content.decode()
        export = client.get(reverse("personnel:raises_export") + query)
        book = load_workbook(io.BytesIO(export.content))
        assert _sheet_names(book, 0) == _names(_table_ids(html, "raises-table")), query
    printed = client.get(reverse("personnel:raises_print") + "?month=2026-05&months=12")
    assert _names(_table_ids(printed.content.decode(), "raises-table")) == [
        "Phạm Văn Lương", "Đỗ Văn Chờ"]


@pytest.fixture
def due_in_a1(world):
    # Step 3 since 01/05/2023 → step 4 on 01/05/2026; step 5 since 01/06/2023 → step 6 on
    # 01/06/2026.
    return [make_servant(world.unit_a1, code="L1", full_name="Hồ Văn Một", step=3,
                         step_date=date(2023, 5, 1)),
            make_servant(world.unit_a1, code="L2", full_name="Mai Thị Hai", sex="female", step=5,
                         step_date=date(2023, 6, 1))]


def _decide(client, page_query: str, ids: list[int], **changes):
    html = client.get(reverse("personnel:raises") + page_query).content.decode()
    data = {"ids": ids, "decision_number": "15/QĐ-SNV", "decision_date": "20/04/2026",
            "signer": "Nguyễn Văn Ký", "next": reverse("personnel:raises") + page_query}
    for pk in ids:
        data[f"due_{pk}"] = re.search(rf'name="due_{pk}" value="([^"]*)"', html).group(1)
    data.update(changes)
    return client.post(reverse("personnel:raises_decide"), data)


def test_a_raise_decision_records_each_persons_due_step_and_prints_the_list(
    client, officer_a, due_in_a1):
    client.force_login(officer_a)
    one, two = due_in_a1
    response = _decide(client, "?month=2026-05&months=2", [one.pk, two.pk])
    assert response.status_code == 302 and "number=15/Q" in response["Location"]
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.salary_step, one.salary_step_date) == (4, date(2026, 5, 1))
    assert (two.salary_step, two.salary_step_date) == (6, date(2026, 6, 1))
    event = one.events.get(decision_number="15/QĐ-SNV")
    assert event.decision_date == date(2026, 4, 20) and event.signer == "Nguyễn Văn Ký"
    page = client.get(response["Location"]).content.decode()
    assert "DANH SÁCH NÂNG BẬC LƯƠNG" in page and "Hồ Văn Một" in page and "Mai Thị Hai" in page
    assert "Bậc 4" in page and "01/06/2026" in page


def test_a_raise_decision_refuses_everyone_if_one_is_wrong(client, officer_a, due_in_a1):
    client.force_login(officer_a)
    one, two = due_in_a1
    response = _decide(client, "?month=2026-05&months=2", [one.pk, two.pk],
                       **{f"due_{two.pk}": "7:2026-06-01"})
    assert response.status_code == 302
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "Mai Thị Hai" in text and "Hồ Văn Một" not in text
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.salary_step, two.salary_step) == (3, 5)
    assert not CareerEvent.objects.filter(decision_number="15/QĐ-SNV").exists()


def test_a_raise_decision_without_number_or_date_records_nothing(client, officer_a, due_in_a1):
    client.force_login(officer_a)
    _decide(client, "?month=2026-05&months=2", [due_in_a1[0].pk], decision_number="")
    due_in_a1[0].refresh_from_db()
    assert due_in_a1[0].salary_step == 3


def test_a_raise_decision_for_someone_outside_my_units_is_not_found(
    client, officer_b, viewer_a, due_in_a1):
    client.force_login(officer_b)
    assert client.post(reverse("personnel:raises_decide"), {
        "ids": due_in_a1[0].pk, "decision_number": "1",
        "decision_date": "20/04/2026"}).status_code == 404
    client.force_login(viewer_a)
    assert client.post(reverse("personnel:raises_decide"),
                       {"ids": due_in_a1[0].pk}).status_code == 403
    due_in_a1[0].refresh_from_db()
    assert due_in_a1[0].salary_step == 3


def test_the_retirement_notice_of_one_person_is_filled_from_the_record(client, officer_a, people):
    client.force_login(officer_a)
    url = reverse("personnel:retirement_document", args=[people["later"].pk, "notice"])
    page = client.get(url, {"number": "25/TB-SNV", "place": "Hà Giang", "date": "2026-03-05",
                            "signer": "Trần Văn Ký", "signer_title": "Giám đốc"}).content.decode()
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "THÔNG BÁO",
                 "25/TB-SNV", "Hà Giang, ngày 05 tháng 3 năm 2026", "Nguyễn Văn Nam", "10/03/1965",
                 "30/09/2026", "01/10/2026", "135/2020/NĐ-CP", "SỞ NỘI VỤ", "GIÁM ĐỐC",
                 "Trần Văn Ký"):
        assert text in page, text


def test_the_retirement_decisions_of_several_people_one_sheet_each(client, officer_a, people):
    client.force_login(officer_a)
    page = client.get(reverse("personnel:retirement_documents"), {
        "ids": [people["soon"].pk, people["later"].pk], "doc": "decision"}).content.decode()
    assert page.count('data-testid="retirement-document"') == 2
    assert "QUYẾT ĐỊNH" in page and "Lê Văn Sớm" in page and "Nguyễn Văn Nam" in page
    assert "01/07/2026" in page and "01/10/2026" in page  # the pension starts
    # Nothing entered: the place and date line left dotted, to be filled by hand.
    assert "……………, ngày …… tháng …… năm ……" in page


def test_documents_of_people_outside_my_units_are_not_found(client, officer_b, viewer_a, people):
    client.force_login(officer_b)
    url = reverse("personnel:retirement_documents")
    assert client.get(url, {"ids": [people["soon"].pk], "doc": "notice"}).status_code == 404
    # One of mine and one not: nothing printed.
    assert client.get(url,
                      {"ids": [people["raise"].pk, people["soon"].pk],
                       "doc": "notice"}).status_code == 404
    assert client.get(reverse("personnel:retirement_document", args=[people["soon"].pk, "decision"])
                      ).status_code == 404
    client.force_login(viewer_a)
    assert client.get(url, {"ids": [people["soon"].pk], "doc": "notice"}).status_code == 403


def test_the_persons_page_links_to_their_retirement_documents_for_those_who_manage_them(
    client, officer_a, viewer_a, people):
    url = reverse("personnel:retirement_document", args=[people["later"].pk, "decision"])
    client.force_login(officer_a)
    assert url in client.get(people["later"].get_absolute_url()).content.decode()
    client.force_login(viewer_a)
    assert url not in client.get(people["later"].get_absolute_url()).content.decode()


def test_a_raise_decision_at_the_last_step_gives_the_excess_seniority_allowance(
    client, officer_a, world):
    from personnel.selectors import _last_steps

    last = _last_steps()[make_servant(world.unit_b, code="TMP").rank.salary_group_id]
    person = make_servant(world.unit_a1, code="X1", full_name="Lý Văn Vượt", step=last,
                          step_date=date(2023, 5, 1))
    client.force_login(officer_a)
    _decide(client, "?month=2026-05&months=1", [person.pk])
    person.refresh_from_db()
    assert (person.salary_step, person.excess_seniority_percent) == (last, 5)
    assert person.salary_records.get(end_date__isnull=True).kind == "excess"


def test_the_job_reads_and_writes_in_the_same_number_of_queries_for_more_people(
    world, officer_a, officer_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from personnel.notices import notices_send

    def add(n: int) -> None:
        for i in range(n):
            make_servant(world.unit_a1, full_name=f"Hưu {n}-{i}",
                         date_of_birth=date(1964, 12, 1 + i), step_date=date(2025, 1, 1))
            make_servant(world.unit_b, full_name=f"Lương {n}-{i}", step=3,
                         step_date=date(2023, 5, 1 + i))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert notices_send(today=TODAY)["emailed"] == 2  # one message to each officer
        return len(captured.captured_queries)

    add(1)
    few = queries()
    add(6)
    assert queries() == few


def test_printed_notices_are_recorded_in_the_history_all_or_nothing(
    client, officer_a, people, capsys):
    client.force_login(officer_a)
    ids = [people["soon"].pk, people["later"].pk]
    page = client.get(reverse("personnel:retirement_documents"), {
        "ids": ids, "doc": "notice", "number": "30/TB-SNV", "date": "31/03/2026",
        "signer": "Trần Văn Ký"})
    assert 'data-testid="record-notices"' in page.content.decode()
    assert "Sau khi ký và giao, ghi thông báo số 30/TB-SNV ngày 31/03/2026" in page.content.decode()
    url = reverse("personnel:retirement_notices_record")
    data = {"ids": ids, "number": "30/TB-SNV", "date": "2026-03-31", "signer": "Trần Văn Ký"}
    assert client.post(url, data).status_code == 302
    event = people["later"].events.get(kind=CareerEvent.Kind.RETIREMENT_NOTICE)
    assert (event.decision_number, event.effective_date, event.rule_set) == (
        "30/TB-SNV", date(2026, 3, 31), "RET-ND135")
    # The nightly job no longer asks for their notice (only for the decision of the one due soon).
    assert run(capsys)["retirement_6_months"] == 0
    # Again with a third person: refused for all, the two named, the third left without a notice.
    response = client.post(url, {**data, "ids": [*ids, people["not_yet"].pk]})
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "Lê Văn Sớm" in text and "Nguyễn Văn Nam" in text
    assert not people["not_yet"].events.filter(kind=CareerEvent.Kind.RETIREMENT_NOTICE).exists()


def test_notices_of_people_outside_my_units_are_not_recorded(client, officer_b, people):
    client.force_login(officer_b)
    response = client.post(reverse("personnel:retirement_notices_record"), {
        "ids": [people["soon"].pk], "number": "1", "date": "2026-03-31"})
    assert response.status_code == 404
    assert not CareerEvent.objects.filter(kind=CareerEvent.Kind.RETIREMENT_NOTICE).exists()
