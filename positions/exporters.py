"""Export of job positions with their current description and framework, in the import's layout
(two sheets), so the file can be edited and imported back."""
import io

import xlsxwriter
from django.db.models import QuerySet

from core.exporting import safe_cell
from positions import services
from positions.importers import (
    FRAMEWORK_COLUMNS,
    FRAMEWORK_SHEET,
    MAIN_COLUMNS,
    MAIN_SHEET,
    TEXT_HEADERS,
)

GROUP_LABELS = {"leadership": "Lãnh đạo, quản lý", "professional": "Chuyên môn, nghiệp vụ",
                "support": "Hỗ trợ, phục vụ"}


def positions_xlsx(positions: QuerySet) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                "text_wrap": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    main, framework = workbook.add_worksheet(MAIN_SHEET), workbook.add_worksheet(FRAMEWORK_SHEET)
    main.write_row(0, 0, [c.header for c in MAIN_COLUMNS], bold)
    framework.write_row(0, 0, [c.header for c in FRAMEWORK_COLUMNS], bold)
    main.set_column(0, 2, 18)
    main.set_column(6, 6 + len(TEXT_HEADERS), 40)
    line, framework_line = 1, 1
    positions = positions.select_related("unit", "rank").prefetch_related(
        "descriptions__requirements__competency")
    for position in positions:
        description = (services.approved_description(position)
                       or services.latest_description(position))
        values = [position.unit.code, position.code, position.title,
                  GROUP_LABELS.get(position.group, ""), position.rank.code if position.rank else "",
                  position.posts,
                  *[getattr(description, field) if description else ""
                    for _header, field in TEXT_HEADERS]]
        main.write_row(line, 0, [safe_cell(v) for v in values], wrap)
        line += 1
        for requirement in description.requirements.all() if description else []:
            framework.write_row(framework_line, 0,
                                [position.unit.code, position.code, requirement.competency.code,
                                 requirement.level])
            framework_line += 1
    workbook.close()
    return buffer.getvalue()
