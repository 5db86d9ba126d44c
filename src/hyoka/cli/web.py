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
        Path, typer.Option("--database", help="SQLite file of the demo (replaced on each run)")
    ] = DEMO_DATABASE,
    keep: Annotated[
        bool,
        typer.Option(
            "--keep",
            help="Keep the demo file when it is there (its sheets, edits and added accounts)",
        ),
    ] = False,
) -> None:
    """Serve a SQLite store with the sample sheets and three accounts whose passwords it prints.

    The store is made afresh on each run unless --keep; the demo accounts (admin, editor,
    reviewer) get new random passwords at every start.
    """
    from rich.table import Table

    from hyoka.web.demo import create_demo_accounts, create_demo_database, demo_url

    try:
        if keep and database.exists():
            url = demo_url(database)
            out.print(f"{database} をそのまま使います（--keep）", highlight=False)
        else:
            url = create_demo_database(database)
            out.print(f"見本のシートを {database} に取り込みました", highlight=False)
        demo_accounts = create_demo_accounts(url)
    except FileNotFoundError as error:
        err.print(f"[red]エラー[/red] {error}", highlight=False)
        raise typer.Exit(1) from None
    table = Table("ログイン名", "役割", "パスワード", "部局・課", title="見本のアカウント")
    for account in demo_accounts:
        table.add_row(account.login, account.role.label, account.password, account.scope)
    table.columns[2].no_wrap = True
    out.print(table)
    out.print(
        f"ログイン: http://{host}:{port}/login — アカウントの管理は hyoka user … --db {database}",
        highlight=False,
    )
    _serve(url, host, port)
