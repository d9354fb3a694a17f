"""Project-wide promises: translations complete, production settings pass check --deploy, demo
data."""
import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from core.models import OrgUnit, User

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("language", ["vi"])
def test_every_message_has_a_translation(language):
    catalogue = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    empty = [entry.msgid for entry in catalogue if not entry.obsolete and not entry.translated()]
    assert not empty, f"untranslated ({len(empty)}): {empty[:20]}"
    fuzzy = [entry.msgid for entry in catalogue if "fuzzy" in entry.flags]
    assert not fuzzy, f"fuzzy: {fuzzy[:20]}"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_compiled_catalogue_matches_the_source(language):
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    source = {(e.msgctxt, e.msgid): e.msgstr
              for e in polib.pofile(str(folder / "django.po")) if e.translated()}
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(folder / "django.mo"))}
    assert source == {k: v for k, v in compiled.items() if k[1]}, "run `make messages` to recompile"


def test_production_settings_pass_check_deploy(tmp_path):
    env = {**os.environ, "DJANGO_ENV": "production", "DEBUG": "", "VAR_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("SECRET_KEY", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level",
                             "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_debug(tmp_path):
    env = {**os.environ, "DJANGO_ENV": "production", "DEBUG": "1", "VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "DEBUG" in result.stderr


@pytest.mark.django_db
def test_demo_province_is_realistic_and_idempotent():
    from core.demo import load_accounts, load_units

    assert load_units() is True
    load_accounts()
    count = OrgUnit.objects.count()
    assert load_units() is False
    load_accounts()
    assert OrgUnit.objects.count() == count
    from datetime import date

    today = OrgUnit.objects.active_on(date(2026, 1, 1))
    province = today.get(code="TQ")
    assert today.filter(parent=province,
                        kind__in=["department", "office", "inspectorate"]).count() == 13
    assert today.filter(parent=province, kind="commune").count() == 40
    assert today.filter(kind="district").count() == 0
    before = OrgUnit.objects.active_on(date(2025, 6, 30))
    provinces = set(before.filter(kind="province").values_list("name", flat=True))
    assert provinces == {"Tỉnh Tuyên Quang", "Tỉnh Hà Giang"}
    assert before.filter(kind="district").count() == 16
    roles = {u.username: u for u in User.objects.all()}
    assert {"admin", "sonoivu", "tccb.snv", "truongphong.ccvc", "hoidong.snv", "hoidongthi",
            "thisinh"} <= set(roles)
    assert roles["thisinh"].is_candidate
