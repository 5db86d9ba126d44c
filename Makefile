# One command per task. `make run` and `make test` set up everything they need.
DB ?= var/hyoka.sqlite
SAMPLES := tests/data/seeds/000_8759d722d40dd0bd.txt tests/data/seeds/003_2d038c51f7766a6a.txt

.PHONY: setup run test test-fast lint schema

setup:
	bash scripts/install-system-packages.sh
	uv sync --frozen

# Import the sample sheets into a local SQLite database and show what the rules find.
run: setup
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
