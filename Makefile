# Công vụ: the two Quick-start commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-postgres test-integration test-e2e install lint messages worker clean

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

test: install
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-integration: install
	$(BIN)/python -m pytest -q -m integration tests/integration $(PYTEST_ARGS)

test-e2e: install
	$(BIN)/python -m pytest -q -m e2e tests/e2e $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# Re-extract and compile translations (needs GNU gettext for extraction only).
messages: install
	$(BIN)/python manage.py makemessages -l vi -l en --no-obsolete --ignore=.venv --ignore=var
	$(BIN)/python manage.py compile_translations

worker: install
	$(BIN)/celery -A config worker --loglevel=info

clean:
	rm -rf $(VENV) var
