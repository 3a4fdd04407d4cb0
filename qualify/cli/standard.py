"""``qualify standard list|show|compare|lint|export|import``."""

from __future__ import annotations

import typer

from qualify.services.standards import list_standards

standard_app = typer.Typer(help="Read, compare, lint, export and import qualification standards.",
                           no_args_is_help=True)


@standard_app.command("list")
def list_cmd() -> None:
    """The standards shipped with Qualify and their status."""
    for std in list_standards():
        typer.echo(f"{std.id}\t{std.status.value}\t{std.name.zh} / {std.name.en}")


def register(app: typer.Typer) -> None:
    app.add_typer(standard_app, name="standard")
