"""Real databases for the tests: a fresh SQLite file, and a PostgreSQL server of our own.

The PostgreSQL server is started once per test session (so once per pytest-xdist worker)
from the Debian binaries under /usr/lib/postgresql/*/bin, in a temporary folder, with trust
authentication, listening on a unix socket in that folder and on 127.0.0.1 at a free port.
Each test gets a database of its own. Without the binaries the PostgreSQL tests are
skipped, loudly; with HYOKA_REQUIRE_POSTGRES=1 (as in CI) they fail instead.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest
from sqlalchemy import Engine

from hyoka.store.database import create_engine_for, migrate

INSTALL_HINT = "install it with: apt-get install -y postgresql"
UNAVAILABLE = "PostgreSQL tests cannot run"
# Filled from test reports, so that it also works in the pytest-xdist controller.
_skip_reasons: set[str] = set()


@dataclass(frozen=True)
class PostgresServer:
    folder: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def connect_admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        )


def find_postgres_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: Debian's newest, else the ones on PATH."""

    def version(folder: Path) -> tuple[int, ...]:
        number = folder.parent.name
        return tuple(int(part) for part in number.split(".") if part.isdigit())

    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True):
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    return None


def _unavailable(reason: str) -> NoReturn:
    message = f"{UNAVAILABLE}: {reason}"
    if os.environ.get("HYOKA_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{message} (HYOKA_REQUIRE_POSTGRES=1 requires them)", pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_owner(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: hand its commands to the postgres user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _run(command: list[str]) -> None:
    done = subprocess.run(_as_owner(command), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )


def _start(binaries: Path, folder: Path) -> int:
    """Start the server and return its port; retry if another process took the port."""
    log = folder / "server.log"
    for _attempt in range(5):
        log.unlink(missing_ok=True)
        port = _free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=50 -c shared_buffers=16MB"
        )
        command = [str(binaries / "pg_ctl"), "-D", str(folder / "data"), "-l", str(log)]
        try:
            _run([*command, "-w", "-t", "60", "-o", options, "start"])
        except RuntimeError as error:
            server_log = log.read_text(errors="replace") if log.exists() else ""
            if "could not bind" in server_log:
                continue
            raise RuntimeError(f"{error}\nserver log:\n{server_log}") from None
        return port
    raise RuntimeError("PostgreSQL found no free port in 5 attempts")


def _postgres_user() -> pwd.struct_passwd | None:
    """As root, the user the server must run as; None when we are not root."""
    if os.geteuid() != 0:
        return None
    if shutil.which("runuser") is None:
        _unavailable("running as root but runuser (util-linux) is missing")
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        _unavailable(f"running as root but there is no postgres user; {INSTALL_HINT}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test session (one per xdist worker)."""
    binaries = find_postgres_binaries()
    if binaries is None:
        _unavailable(
            f"initdb and pg_ctl not found in /usr/lib/postgresql/*/bin or on PATH; {INSTALL_HINT}"
        )
    owner = _postgres_user()

    # In /tmp, not pytest's tmp_path: the postgres user must be able to reach the folder.
    folder = Path(tempfile.mkdtemp(prefix="hyoka-pg-"))
    try:
        if owner is not None:
            os.chown(folder, owner.pw_uid, owner.pw_gid)
        _run(
            [
                str(binaries / "initdb"),
                "-D",
                str(folder / "data"),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ]
        )
        port = _start(binaries, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        yield PostgresServer(folder=folder, port=port)
    finally:
        _run(
            [str(binaries / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "-w", "stop"]
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    """A database migrated once per session; test databases are copies of it.

    Running every migration per test costs 1–7 s on a loaded machine; CREATE DATABASE …
    TEMPLATE copies the migrated files in milliseconds. migrate() on a copy is a no-op.
    """
    name = "hyoka_template"
    with postgres_server.connect_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    engine = create_engine_for(postgres_server.url(name))
    migrate(engine)
    engine.dispose()
    return name


@pytest.fixture
def postgres_url(postgres_server: PostgresServer, postgres_template: str) -> Iterator[str]:
    """The URL of a new database on the session's PostgreSQL server, already migrated."""
    name = f"hyoka_test_{uuid.uuid4().hex[:12]}"
    with postgres_server.connect_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    yield postgres_server.url(name)
    with postgres_server.connect_admin() as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """The URL of a new SQLite file (its folder does not exist yet: the store makes it)."""
    return f"sqlite:///{tmp_path / 'store' / 'hyoka.sqlite'}"


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def db_url(request: pytest.FixtureRequest) -> str:
    """The URL of a new database: the test runs once on SQLite and once on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per session (per xdist worker)."""
    path = tmp_path_factory.mktemp("template") / "hyoka.sqlite"
    engine = create_engine_for(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture
def engine(db_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated store on each database (SQLite: a copy of the migrated template file)."""
    if db_url.startswith("sqlite:///"):
        target = Path(db_url.removeprefix("sqlite:///"))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
    created = create_engine_for(db_url)
    migrate(created)
    yield created
    created.dispose()


@pytest.fixture
def other_engine(
    engine: Engine, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Engine]:
    """A second migrated store on the same database as ``engine`` (to compare two ways of
    storing the same sheets)."""
    if engine.dialect.name == "sqlite":
        target = tmp_path / "other" / "hyoka.sqlite"
        target.parent.mkdir(parents=True)
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        created = create_engine_for(f"sqlite:///{target}")
        yield created
        created.dispose()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    template: str = request.getfixturevalue("postgres_template")
    name = f"hyoka_other_{uuid.uuid4().hex[:12]}"
    with server.connect_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    created = create_engine_for(server.url(name))
    yield created
    created.dispose()
    with server.connect_admin() as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "postgres_url" in names or "postgres_server" in names:
            item.add_marker(pytest.mark.postgres)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2]).removeprefix("Skipped: ")
        if reason.startswith(UNAVAILABLE):
            _skip_reasons.add(reason)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _skip_reasons:
        terminalreporter.section("PostgreSQL tests skipped", sep="!", red=True, bold=True)
        for reason in sorted(_skip_reasons):
            terminalreporter.line(reason, red=True)
