# The project's vocabulary: run, test, bench, lint.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_MEETINGS ?= 5000

.PHONY: install run serve test bench bench-outage bench-suggestions lint format messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# Migrate the embedded database, load the gazetteer once and, on an empty database, sample data.
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_gazetteer
	$(BIN)/python manage.py load_demo --if-empty --meetings $(DEMO_MEETINGS)
	@echo "Two searches to try once it serves:"
	@echo "  http://$(HOST):$(PORT)/meetings/?q=Chicago"
	@echo "  http://$(HOST):$(PORT)/es/meetings/?q=Portland%2C+OR&prefer_philosophy=secular"
	$(MAKE) serve

serve:
	@echo "Serving on http://$(HOST):$(PORT)/"
	$(BIN)/gunicorn directory.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 2

test: install
	$(BIN)/pytest

bench: install
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.load

# PostgreSQL stopped for 10 s under search load, in a private throwaway cluster (needs initdb).
bench-outage: install
	$(BIN)/python -m bench.outage

# 50 suggestions at once over 8 connections: with the database cache, and Redis if REDIS_URL is set.
bench-suggestions: install
	$(BIN)/python -m bench.suggestions

# Gather the translatable text into locale/*/LC_MESSAGES/django.po and compile the catalogs
# (needs GNU gettext; the compiled .mo files are committed, so nothing else does).
messages: install
	$(BIN)/python manage.py makemessages --all --no-obsolete --add-location file \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'bench/*' --ignore 'tests/*' --ignore 'tools/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
