"""Leaders are read off the title (chức vụ): deputies are the titles beginning with "Phó"; heads
are the titles naming the head of a unit (Trưởng phòng, Giám đốc, Chủ tịch, Chánh Văn phòng,
Chi cục trưởng, Hiệu trưởng …). Team leaders and chief accountants are not unit leaders."""
from core.text import unaccent

HEAD_PREFIXES = ("truong ", "giam doc", "chu tich", "chanh ", "bi thu", "thu truong",
                 "tong bien tap", "tong giam doc", "chu nhiem")
HEAD_SUFFIX_WORDS = ("chi cuc truong", "cuc truong", "vu truong", "hieu truong", "vien truong",
                     "tram truong", "truong ban", "truong phong", "truong khoa", "giam doc")
NOT_LEADERS = ("to truong", "ke toan truong", "to pho", "pho to", "doi truong", "truong thon",
               "truong ban cong tac")


def leadership_of(title: str) -> str:
    """'head', 'deputy' or '' for a title."""
    key = unaccent(title)
    if not key or key.startswith(NOT_LEADERS):
        return ""
    if key.startswith("pho "):
        return "deputy"
    if key.startswith(HEAD_PREFIXES) or key.startswith(HEAD_SUFFIX_WORDS):
        return "head"
    return ""
