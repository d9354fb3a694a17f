"""Printable documents filled from the record: the retirement notice (Thông báo nghỉ hưu) and the
retirement decision (Quyết định nghỉ hưu).

The agency gives the written notice 6 months before the retirement time and issues the decision 3
months before (ND 170/2025 Art 61–63; ND 46/2010 Art 9–11 before; DOMAIN-RULES §5.4). The dates
and the legal basis of the age come from the retirement rule set of the person (RET-ND135 …).
The header follows the layout of administrative documents (ND 30/2020/ND-CP, Appendix I): the
issuing agency and its superior on the left, the national motto on the right, the number, then
the place and date line; the number, date, place and signer are entered once by the officer.
"""
from dataclasses import dataclass
from datetime import date

from core.models import OrgUnit
from personnel.models import CivilServant, Sex
from personnel.rules.retirement import Retirement, retirement_of

DOCUMENTS = {"notice": "TB", "decision": "QĐ"}


@dataclass(frozen=True)
class DocumentHeader:
    """What the officer enters once for one or several documents."""

    number: str = ""
    place: str = ""
    day: date | None = None
    signer: str = ""
    signer_title: str = ""


@dataclass(frozen=True)
class RetirementDocument:
    servant: CivilServant
    retirement: Retirement
    agency: OrgUnit  # the issuing agency: the department, commune or unit just below the province
    superior: OrgUnit | None
    header: DocumentHeader

    @property
    def honorific(self) -> str:
        return "Bà" if self.servant.sex == Sex.FEMALE else "Ông"

    @property
    def date_line(self) -> str:
        return date_line(self.header.place, self.header.day)


def date_line(place: str, day: date | None) -> str:
    """"Hà Giang, ngày 05 tháng 02 năm 2026": days below 10 and months 1–2 with a leading zero
    (ND 30/2020, Appendix I, item 4); dotted blanks when not given, to be filled by hand."""
    place = place or "……………"
    if day is None:
        return f"{place}, ngày …… tháng …… năm ……"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def retirement_documents(people: list[CivilServant],
                         header: DocumentHeader) -> list[RetirementDocument]:
    """One document per person, soonest retirement first; the agencies read in one query."""
    wanted = set()
    for servant in people:
        ids = servant.unit.ancestor_ids()
        wanted.update(ids[:2])
    units = OrgUnit.objects.in_bulk(wanted)
    documents = []
    for servant in people:
        ids = servant.unit.ancestor_ids()
        agency = units.get(ids[1]) if len(ids) > 1 else servant.unit
        superior = units.get(ids[0]) if len(ids) > 1 else None
        documents.append(RetirementDocument(servant,
                                            retirement_of(servant.date_of_birth, servant.sex),
                                            agency, superior, header))
    return sorted(documents, key=lambda d: (d.retirement.retirement_date, d.servant.sort_key))
