"""Entry point of the ``qualify`` command.

Exit codes: 0 done, 1 a negative result the user asked for (``--fail``, lint findings), 2 an error.
Errors print one line per problem (file, sheet, row, column, what is wrong), never a traceback;
set ``QUALIFY_DEBUG=1`` to see one.
"""

from __future__ import annotations

import contextlib
import os
import sys

import typer

from qualify.cli.language import default_language
from qualify.core.errors import InvalidInput, QualifyError
from qualify.core.text import Lang

app = typer.Typer(
    name="qualify",
    help="Qualify: job qualification standards as data, explainable decisions, certification cycles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    # Each face of the CLI lives in its own module and adds its commands here.
    from qualify.cli import assess, audit, backup, standard, web

    standard.register(app)
    assess.register(app)
    web.register(app)
    audit.register(app)
    backup.register(app)


def error_language(argv: list[str]) -> Lang:
    """The language of error lines: the command's ``--lang``, else ``QUALIFY_LANG``, else Chinese
    (the same rule as the commands' own output, ``qualify.cli.language``)."""
    for i, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None)
        if value in {"zh", "en"}:
            return "en" if value == "en" else "zh"
    return default_language()


def report_error(error: QualifyError, lang: Lang = "en") -> None:
    label = "错误" if lang == "zh" else "error"
    # One line per problem, nothing else.
    lines = error.lines(lang) if isinstance(error, InvalidInput) else [f"{error.code} {error.message(lang)}"]
    for line in lines:
        typer.echo(f"{label}: {line}", err=True)


def main(argv: list[str] | None = None) -> int:
    _register()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = app(args=args, standalone_mode=False)
    except QualifyError as error:
        report_error(error, error_language(args))
        return 2
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 2
    except typer.TyperException as error:  # usage errors: bad option, missing argument
        show = getattr(error, "show", None)
        if callable(show):
            show()
        else:
            typer.echo(f"error: {error}", err=True)
        return 2
    except Exception as error:  # a user never sees a traceback
        if isinstance(error, BrokenPipeError):
            # the reader stopped reading (``qualify assess … | head``): nothing to say
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor at exit
            return 0
        if os.environ.get("QUALIFY_DEBUG"):
            raise
        typer.echo(f"error: internal error ({type(error).__name__}: {error}); "
                   "run again with QUALIFY_DEBUG=1 for details", err=True)
        return 2
    # In non-standalone mode a command's ``typer.Exit(code)`` comes back as the return value.
    return result if isinstance(result, int) else 0


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
