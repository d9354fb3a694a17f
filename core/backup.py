"""Backup and restore of the whole site: the database and the files under MEDIA_ROOT (issue 16).

A backup is a directory:

* ``database.dump``: ``pg_dump --format=custom`` of the PostgreSQL database, or
  ``database.sqlite3``: a copy of the SQLite database made with SQLite's online backup API (a ``cp``
  of a live file in WAL mode can miss the pages still in the ``-wal`` file, or catch a half-written
  one);
* ``media.tar``: every file under MEDIA_ROOT (documents of the personal file, photos, exam images,
  candidates' documents);
* ``manifest.json``: what the directory holds, to refuse restoring a PostgreSQL dump into SQLite.

The database is copied first, then the media: a file is stored before the row naming it commits and
is never deleted (records are withdrawn, not deleted), so every file a restored row names is in the
tar. Restoring refuses a database that already has tables unless ``force`` is given.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection

MANIFEST = "manifest.json"
MEDIA_TAR = "media.tar"
DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for the operator (Vietnamese)."""


@dataclass(frozen=True)
class Result:
    directory: Path
    engine: str
    database: str
    media_files: int
    bytes: int


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DUMP:
        raise BackupError(f"Không hỗ trợ sao lưu cơ sở dữ liệu {vendor}")
    return vendor


def backup(out_dir: Path) -> Result:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.iterdir()):
        raise BackupError(f"Thư mục {out_dir} đã có dữ liệu: hãy chọn một thư mục trống")
    kind = engine()
    database = out_dir / DUMP[kind]
    if kind == "postgresql":
        _pg_run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                 f"--file={database}"])
    else:
        _sqlite_backup(database)
    media_files = _tar_media(out_dir / MEDIA_TAR)
    manifest = {"format": 1, "engine": kind, "database": database.name, "media": MEDIA_TAR,
                "media_files": media_files, "created_at": datetime.now(UTC).isoformat()}
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    size = sum(f.stat().st_size for f in out_dir.iterdir())
    return Result(out_dir, kind, database.name, media_files, size)


def restore(in_dir: Path, *, force: bool = False) -> Result:
    in_dir = Path(in_dir)
    try:
        manifest = json.loads((in_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{in_dir} không phải là một bản sao lưu (thiếu {MANIFEST})") from None
    kind = engine()
    if manifest.get("engine") != kind:
        raise BackupError(
            f"Bản sao lưu là của {manifest.get('engine')}, cơ sở dữ liệu hiện tại là {kind}")
    database = in_dir / DUMP[kind]
    if not database.is_file():
        raise BackupError(f"Thiếu tệp {database}")
    tables = _tables()
    if tables and not force:
        raise BackupError(f"Cơ sở dữ liệu đã có {tables} bảng: không khôi phục đè lên dữ liệu "
                          "hiện có (dùng --force nếu chắc chắn)")
    if kind == "postgresql":
        connection.close()  # pg_restore --clean would wait on this session's locks
        args = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                "--single-transaction"]
        if tables:
            args += ["--clean", "--if-exists"]
        _pg_run([*args, str(database)])
        connection.close()
    else:
        _sqlite_restore(database)
    ContentType.objects.clear_cache()  # ids of the restored database, not of the one replaced
    media_files = _untar_media(in_dir / MEDIA_TAR)
    size = sum(f.stat().st_size for f in in_dir.iterdir() if f.is_file())
    return Result(in_dir, kind, database.name, media_files, size)


# --- PostgreSQL -----------------------------------------------------------------------------------

def _pg_run(args: list[str]) -> None:
    db = settings.DATABASES["default"]
    if shutil.which(args[0]) is None:
        raise BackupError(f"Không tìm thấy {args[0]}: cài gói postgresql-client")
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                      ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    if args[0] == "pg_restore":
        args = [*args[:-1], f"--dbname={db['NAME']}", args[-1]]
    completed = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BackupError(f"{args[0]} thất bại: {completed.stderr.strip()[-2000:]}")


def _tables() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT "
                           "LIKE 'sqlite_%'")
        return cursor.fetchone()[0]


# --- SQLite ---------------------------------------------------------------------------------------

def _sqlite_backup(target: Path) -> None:
    """Copy through the live connection's database with the online backup API: a consistent snapshot
    even while other processes write."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def _sqlite_restore(source_path: Path) -> None:
    """Replace every page of the database in use (a file, or the in-memory test database) with the
    backup's, through the same API; the live connection then sees the restored database."""
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


# --- Media ----------------------------------------------------------------------------------------

def _tar_media(target: Path) -> int:
    root = Path(settings.MEDIA_ROOT)
    count = 0
    with tarfile.open(target, "w") as tar:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=str(path.relative_to(root)), recursive=False)
                    count += 1
    return count


def _untar_media(source: Path) -> int:
    if not source.is_file():
        raise BackupError(f"Thiếu tệp {source}")
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source) as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        # The "data" filter refuses absolute paths, "..", links out of MEDIA_ROOT and device files.
        tar.extractall(root, members=members, filter="data")
    return len(members)
