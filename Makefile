# One command per task. `make run` and `make test` set up everything they need.
DB ?= var/hyoka.sqlite
SAMPLES := tests/data/seeds/000_8759d722d40dd0bd.txt tests/data/seeds/003_2d038c51f7766a6a.txt

.PHONY: setup run check test test-fast lint schema bench

setup:
	bash scripts/install-system-packages.sh
	# Bytecode at install: where PYTHONDONTWRITEBYTECODE is set (as on our machines) every
	# process would otherwise compile its imports again, ~2 s per start of hyoka or a worker.
	uv sync --frozen --compile-bytecode
	# uv compiles the installed packages, not hyoka's own sources (an editable install).
	uv run python -m compileall -q src

# The web portal on a fresh local SQLite database holding the sample sheets
# (http://127.0.0.1:8000/; Ctrl-C stops it).
run: setup
	uv run hyoka demo

# The command-line path: import the samples into var/hyoka.sqlite and show the findings.
check: setup
	uv run hyoka import --db $(DB) --accept-incomplete $(SAMPLES)
	uv run hyoka check --db $(DB)

test: setup
	HYOKA_REQUIRE_POSTGRES=1 uv run pytest -n 2
	uv run ruff check src tests
	uv run ruff format --check src tests
	uv run mypy

test-fast:
	uv run pytest -x -q

lint:
	uv run ruff check --fix src tests
	uv run ruff format src tests

schema:
	uv run hyoka schema -o docs/sheet.schema.json

# Benchmarks print figures (docs/benchmarks.md); the national data is read by path.
bench:
	uv run python bench/cli_startup.py
	uv run python bench/render.py
	uv run python bench/import.py ../shared/data/judgit/20*.ndjson.gz
	uv run python bench/web.py
