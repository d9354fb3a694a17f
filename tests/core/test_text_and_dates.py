"""Vietnamese text and date handling that users notice: search without diacritics, name order,
dd/mm/yyyy."""
from datetime import date

import pytest

from core.dates import DatePrecision, add_months, last_day_of_month, parse_date
from core.text import clean, header_key, name_sort_key, search_key, unaccent


def test_search_key_ignores_diacritics_case_and_d_stroke():
    assert unaccent("NGUYỄN Văn Đức") == "nguyen van duc"
    assert "nguyen van a" in search_key("Nguyễn Văn A")


def test_text_is_stored_nfc_and_trimmed():
    decomposed = "Nguye\u0302\u0303n  Va\u0306n   A "  # NFD input as some Excel exports produce
    assert clean(decomposed) == "Nguyễn Văn A"


def test_names_sort_by_given_name_then_middle_then_family():
    names = ["Trần Văn Bình", "Nguyễn Thị Anh", "Lê Văn An", "Phạm Thị Ánh", "Đỗ Văn Đạt",
             "Ngô Văn Dũng"]
    assert sorted(names, key=name_sort_key) == [
        "Lê Văn An", "Nguyễn Thị Anh", "Phạm Thị Ánh", "Trần Văn Bình", "Ngô Văn Dũng",
        "Đỗ Văn Đạt"]


def test_vietnamese_letters_follow_the_alphabet_not_unicode():
    # a < ă < â and d < đ in the Vietnamese alphabet.
    names = ["Lê Văn Âu", "Lê Văn Ăn", "Lê Văn An", "Lê Văn Đông", "Lê Văn Dũng"]
    assert sorted(names, key=name_sort_key) == ["Lê Văn An", "Lê Văn Ăn", "Lê Văn Âu",
                                                "Lê Văn Dũng", "Lê Văn Đông"]


def test_headers_match_ignoring_case_diacritics_and_spacing():
    assert header_key(" MÃ  ĐƠN VỊ ") == header_key("Mã đơn vị") == header_key("ma don vi")


@pytest.mark.parametrize(("raw", "expected"), [
    ("05/07/1980", date(1980, 7, 5)), ("5/7/1980", date(1980, 7, 5)),
    ("1980-07-05", date(1980, 7, 5)), (29407, date(1980, 7, 5)), (29407.0, date(1980, 7, 5)),
    (date(1980, 7, 5), date(1980, 7, 5)),
])
def test_dates_as_offices_write_them(raw, expected):
    assert parse_date(raw).value == expected


def test_a_bare_year_counts_from_the_first_of_january():
    parsed = parse_date("1975", allow_partial=True)
    assert parsed.value == date(1975, 1, 1) and parsed.precision == DatePrecision.YEAR


@pytest.mark.parametrize("raw", ["31/02/2020", "hôm qua", "2020/13/01"])
def test_impossible_dates_are_refused(raw):
    with pytest.raises(ValueError):
        parse_date(raw)


def test_month_arithmetic_clips_to_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert last_day_of_month(date(2026, 2, 10)) == date(2026, 2, 28)
