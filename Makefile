# Công vụ: the two Quick-start commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-postgres test-integration test-e2e install lint messages worker clean backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# pytest exits 5 when a selection collects no test; that alone is not a failure.
PYTEST = $(BIN)/python -m pytest -q

# make test and make test-postgres run on one pytest-xdist worker per core (auto: 2 on a 2-core machine),
# each with its own test database (test_<name>_gw0, ...) and MEDIA_ROOT; PYTEST_WORKERS=0 runs in one
# process (and --pdb does). loadgroup: the tests that build the whole demo province share one worker
# and are handed out first (tests/conftest.py: DEMO_PROVINCE_MODULES); every other test goes to the next
# free worker.
# test-integration and test-e2e stay serial: one Celery worker, one browser.
PYTEST_WORKERS ?= auto
PARALLEL = -n $(PYTEST_WORKERS) --dist loadgroup

test: install
	$(PYTEST) $(PARALLEL) $(PYTEST_ARGS) || [ $$? -eq 5 ]

# The same suite on PostgreSQL (DATABASE_URL, default a local server's cong_vu). The database is
# created when missing, so a fresh server works; pytest-django creates and drops test_<name> beside it.
PG_URL ?= postgres://postgres@127.0.0.1:5432/cong_vu
test-postgres: export DATABASE_URL := $(or $(DATABASE_URL),$(PG_URL))
test-postgres: install
	$(BIN)/python scripts/ensure_database.py "$$DATABASE_URL"
	$(PYTEST) $(PARALLEL) $(PYTEST_ARGS) || [ $$? -eq 5 ]

test-integration: install
	$(PYTEST) -m integration tests/integration $(PYTEST_ARGS) || [ $$? -eq 5 ]

test-e2e: install
	$(PYTEST) -m e2e tests/e2e $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: install
	$(BIN)/ruff check .

# Re-extract and compile translations (needs GNU gettext for extraction only).
messages: install
	$(BIN)/python manage.py makemessages -l vi -l en --no-obsolete --ignore=.venv --ignore=var
	$(BIN)/python manage.py compile_translations

worker: install
	$(BIN)/celery -A config worker --loglevel=info

# Backup and restore of the database (pg_dump custom format / SQLite online backup) and MEDIA_ROOT.
# `make restore BACKUP_DIR=var/backups/…` refuses a database with tables; add FORCE=1 to replace it.
BACKUP_DIR ?= var/backups/$(shell date +%Y%m%d-%H%M%S)

backup: install
	$(BIN)/python manage.py backup $(BACKUP_DIR)

restore: install
	@test "$(origin BACKUP_DIR)" != file || \
		{ echo "make restore BACKUP_DIR=<a directory written by make backup> [FORCE=1]"; exit 2; }
	$(BIN)/python manage.py restore $(BACKUP_DIR) $(if $(FORCE),--force)

clean:
	rm -rf $(VENV) var
