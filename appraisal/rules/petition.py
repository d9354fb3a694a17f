"""Petitions against a published appraisal level (rule family ``appraisal_petition``): how long a
person has to file and how long the deciding level has to answer, by the date of publication and
the person's category.

* ``APPR-PETITION-LVC2025``: public employees from 1 July 2026 (Law on Public Employees 2025,
  DOMAIN-RULES §2.5 and §2.2 step 7): a written petition within 5 days of publication, resolved by
  dialogue or in writing within 10 working days, and the resolution is not reviewed again.
* ``APPR-PETITION-KN2011``: everyone else (ND 90/2020 sends complaints to the law on complaints;
  its detailed deadlines are UNCONFIRMED for appraisal results): 90 days to file and 30 days to
  answer, as the Law on Complaints 2011 (Art 9, Art 28) sets for a first complaint, kept as data
  with a note so that a confirmed figure replaces it without touching code.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.rules import registry
from core.rules.registry import RuleSet


@dataclass(frozen=True, kw_only=True)
class PetitionRuleSet(RuleSet):
    file_days: int  # calendar days after publication
    answer_days: int
    answer_in_working_days: bool
    final: bool = False  # the answer is not reviewed again
    notes: str = ""
    unconfirmed: dict[str, str] = field(default_factory=dict)

    def last_filing_day(self, published_on: date) -> date:
        return published_on + timedelta(days=self.file_days)

    def answer_due(self, filed_on: date) -> date:
        if not self.answer_in_working_days:
            return filed_on + timedelta(days=self.answer_days)
        from positions.services import add_working_days

        return add_working_days(filed_on, self.answer_days)


APPR_PETITION_KN2011 = registry.register(PetitionRuleSet(
    code="APPR-PETITION-KN2011", family="appraisal_petition",
    title="Khiếu nại kết quả đánh giá, xếp loại theo pháp luật về khiếu nại",
    legal_basis="Nghị định 90/2020/NĐ-CP; Luật Khiếu nại 2011 Điều 9, Điều 28",
    valid_from=date(2020, 1, 1), file_days=90, answer_days=30, answer_in_working_days=False,
    unconfirmed={
        "file_days": "Thời hạn riêng cho khiếu nại kết quả xếp loại chưa xác nhận (DOMAIN-RULES "
                     "§2.2 bước 7); dùng thời hiệu 90 ngày của Luật Khiếu nại 2011 Điều 9.",
        "answer_days": "Dùng thời hạn giải quyết lần đầu 30 ngày của Luật Khiếu nại 2011 Điều 28 "
        "(chưa xác nhận cho kết quả xếp loại)."},
))

APPR_PETITION_LVC2025 = registry.register(PetitionRuleSet(
    code="APPR-PETITION-LVC2025", family="appraisal_petition",
    title="Kiến nghị về kết quả đánh giá, xếp loại viên chức",
    legal_basis="Luật Viên chức 2025 (hiệu lực 01/07/2026)",
    valid_from=date(2026, 7, 1), categories=frozenset({"public_employee"}),
    file_days=5, answer_days=10, answer_in_working_days=True, final=True,
    notes="Kiến nghị bằng văn bản trong 05 ngày kể từ ngày công khai kết quả, gửi cấp đánh giá "
          "hoặc cấp trên trực tiếp; giải quyết bằng đối thoại hoặc văn bản trong 10 ngày làm "
          "việc; kết quả giải quyết không xem xét lại.",
))


def petition_rules(published_on: date, category: str) -> PetitionRuleSet:
    return registry.for_date("appraisal_petition", published_on, category)
