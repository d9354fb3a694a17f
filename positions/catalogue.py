"""Competency catalogue and leadership titles, loaded by a data migration and editable by
provincial HR afterwards.

The 7 general competency groups come from the ND 361/2025 project (DOMAIN-RULES §4.2, draft);
the official level descriptors (TT 12/2022/TT-BNV, the ND 361 templates) were not retrievable, so
every descriptor below is a working text marked unconfirmed, shown as such in the UI until
provincial HR replaces it with the official wording.
"""

GENERAL = [
    ("NLC01", "Đạo đức công vụ và liêm chính",
     "Tuân thủ pháp luật, quy tắc ứng xử; trung thực, khách quan, "
     "không vụ lợi; chịu trách nhiệm về kết quả công việc."),
    ("NLC02", "Tổ chức thực hiện công việc",
     "Lập kế hoạch, sắp xếp thứ tự ưu tiên, theo dõi tiến độ và "
     "hoàn thành nhiệm vụ đúng thời hạn, bảo đảm chất lượng."),
    ("NLC03", "Soạn thảo và ban hành văn bản",
     "Soạn thảo văn bản hành chính, văn bản chuyên môn đúng thể thức, "
     "kỹ thuật trình bày và thẩm quyền."),
    ("NLC04", "Giao tiếp, ứng xử",
     "Giao tiếp với người dân, doanh nghiệp và đồng nghiệp tôn trọng, rõ ràng, "
     "lắng nghe và phản hồi kịp thời."),
    ("NLC05", "Quan hệ phối hợp",
     "Phối hợp với cá nhân, đơn vị trong và ngoài cơ quan để giải quyết công việc."),
    ("NLC06", "Sử dụng công nghệ thông tin",
     "Sử dụng phần mềm, cơ sở dữ liệu, dịch vụ công trực tuyến và "
     "bảo đảm an toàn thông tin trong công việc."),
    ("NLC07", "Sử dụng ngoại ngữ",
     "Đọc, hiểu, trao đổi bằng ngoại ngữ ở mức yêu cầu của vị trí việc làm."),
]
MANAGERIAL = [
    ("NLQL01", "Tầm nhìn chiến lược",
     "Xác định mục tiêu, định hướng phát triển của cơ quan, lĩnh vực phụ trách."),
    ("NLQL02", "Lãnh đạo, điều hành",
     "Chỉ đạo, điều hành, kiểm tra, đôn đốc việc thực hiện nhiệm vụ của đơn vị."),
    ("NLQL03", "Ra quyết định",
     "Phân tích thông tin, đánh giá rủi ro và quyết định kịp thời trong thẩm quyền."),
    ("NLQL04", "Quản lý nguồn lực", "Bố trí nhân lực, tài chính, tài sản hợp lý, hiệu quả."),
    ("NLQL05", "Phát triển đội ngũ",
     "Đánh giá, hướng dẫn, bồi dưỡng và tạo động lực cho công chức thuộc quyền."),
    ("NLQL06", "Quản lý sự thay đổi",
     "Dẫn dắt cải cách, chuyển đổi số và sắp xếp tổ chức trong đơn vị."),
]
PROFESSIONAL = [
    ("CM-NV01", "Quản lý tổ chức bộ máy và biên chế", "Nội vụ"),
    ("CM-NV02", "Quản lý cán bộ, công chức, viên chức", "Nội vụ"),
    ("CM-NV03", "Thi đua, khen thưởng", "Nội vụ"),
    ("CM-TP01", "Xây dựng và thẩm định văn bản quy phạm pháp luật", "Tư pháp"),
    ("CM-TC01", "Quản lý ngân sách nhà nước", "Tài chính"),
    ("CM-TC02", "Kế toán hành chính sự nghiệp", "Tài chính"),
    ("CM-TTr01", "Thanh tra, giải quyết khiếu nại, tố cáo", "Thanh tra"),
    ("CM-MT01", "Quản lý đất đai", "Nông nghiệp và Môi trường"),
    ("CM-YT01", "Quản lý y tế dự phòng", "Y tế"),
    ("CM-GD01", "Quản lý giáo dục phổ thông", "Giáo dục và Đào tạo"),
    ("CM-VP01", "Tham mưu tổng hợp", "Văn phòng"),
    ("CM-VP02", "Văn thư, lưu trữ", "Văn phòng"),
]
# Working descriptors of levels 1–5 (unconfirmed): the same progression for every competency.
LEVELS = [
    "Hiểu biết cơ bản; thực hiện được khi có hướng dẫn, kiểm tra.",
    "Vận dụng được trong công việc thường xuyên, cần hỗ trợ khi gặp vấn đề phức tạp.",
    "Vận dụng thành thạo, độc lập trong phạm vi vị trí việc làm.",
    "Xử lý được vấn đề phức tạp, hướng dẫn, kèm cặp người khác.",
    "Dẫn dắt, định hướng, đề xuất chính sách trong lĩnh vực.",
]
LEADERSHIP_TITLES = [
    ("Giám đốc Sở", "head", "department"), ("Phó Giám đốc Sở", "deputy", "department"),
    ("Chánh Văn phòng", "head", "office"), ("Phó Chánh Văn phòng", "deputy", "office"),
    ("Chánh Thanh tra", "head", "inspectorate"), ("Phó Chánh Thanh tra", "deputy", "inspectorate"),
    ("Trưởng phòng", "head", "division"), ("Phó Trưởng phòng", "deputy", "division"),
    ("Chi cục trưởng", "head", "sub_department"),
    ("Phó Chi cục trưởng", "deputy", "sub_department"),
    ("Chủ tịch Ủy ban nhân dân", "head", "commune"),
    ("Phó Chủ tịch Ủy ban nhân dân", "deputy", "commune"),
    ("Giám đốc", "head", "public_service_unit"), ("Phó Giám đốc", "deputy", "public_service_unit"),
]


def load(apps) -> None:
    """Insert the catalogue (idempotent)."""
    competency_model = apps.get_model("positions", "Competency")
    level_model = apps.get_model("positions", "CompetencyLevel")
    title_model = apps.get_model("positions", "LeadershipTitle")
    rows = [(code, name, "general", text, "") for code, name, text in GENERAL]
    rows += [(code, name, "managerial", text, "") for code, name, text in MANAGERIAL]
    rows += [(code, name, "professional", "", field) for code, name, field in PROFESSIONAL]
    for order, (code, name, group, text, field) in enumerate(rows, start=1):
        # Loaded unconfirmed: the TT 12/2022 level descriptors were not retrievable
        # (DOMAIN-RULES §4.2).
        competency, created = competency_model.objects.get_or_create(
            code=code, defaults={"name": name, "group": group, "description": text, "field": field,
                                 "sort_order": order, "confirmed": False})
        # Levels only for a competency made here: descriptors HR has since edited are left alone.
        if created:
            for level, descriptor in enumerate(LEVELS, start=1):
                level_model.objects.create(competency=competency, level=level,
                                           descriptor=descriptor, confirmed=False)
    for order, (name, level, kind) in enumerate(LEADERSHIP_TITLES, start=1):
        title_model.objects.get_or_create(name=name,
                                          defaults={"level": level, "unit_kind": kind,
                                                    "sort_order": order})
