"""``hyoka serve`` and ``hyoka demo``: the web portal over a store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hyoka.cli._common import DatabaseOption, app, database_url, err, out

HostOption = Annotated[
    str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only)")
]
PortOption = Annotated[int, typer.Option("--port", help="Port to listen on")]
DEMO_DATABASE = Path("var") / "demo.sqlite"


def _serve(url: str, host: str, port: int) -> None:
    import uvicorn

    from hyoka.settings import Settings
    from hyoka.web.app import create_app

    settings = Settings(database_url=url)
    check = getattr(settings, "check_secret_for_host", None)
    if check is not None:
        try:
            check(host)
        except ValueError as error:
            err.print(f"[red]エラー[/red] {error}", highlight=False)
            raise typer.Exit(2) from None
    application = create_app(settings)
    out.print(f"hyoka: http://{host}:{port}/ で公開しています（終了は Ctrl+C）", highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="info", proxy_headers=True)


@app.command()
def serve(
    db: DatabaseOption = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
) -> None:
    """Serve the web portal (public pages, API, staff pages) over the store."""
    _serve(database_url(db), host, port)


@app.command()
def demo(
    port: PortOption = 8000,
    host: HostOption = "127.0.0.1",
    database: Annotated[
        Path, typer.Option("--database", help="SQLite file to create (replaced on each run)")
    ] = DEMO_DATABASE,
) -> None:
    """Create a fresh SQLite store with the sample sheets and serve it."""
    from hyoka.web.demo import create_demo_database

    try:
        url = create_demo_database(database)
    except FileNotFoundError as error:
        err.print(f"[red]エラー[/red] {error}", highlight=False)
        raise typer.Exit(1) from None
    out.print(f"見本のシートを {database} に取り込みました", highlight=False)
    _serve(url, host, port)
