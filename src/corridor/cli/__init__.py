"""Layer 4: the ``corridor`` command line (Typer + Rich).

Exit status: 0 success, 1 the job failed, 2 bad input or usage. Errors are one line per problem
(``file:line: field: message``), never a traceback (set ``CORRIDOR_DEBUG=1`` to see one).
"""

from __future__ import annotations

import os
import sys

import typer

from corridor.cli.analytics import app as analytics_app
from corridor.cli.assign import assign
from corridor.cli.calibrate import calibrate
from corridor.cli.demo import demo
from corridor.cli.hub import app as hub_app
from corridor.cli.network import app as network_app
from corridor.cli.route import route
from corridor.cli.runs import app as runs_app
from corridor.cli.scenario import app as scenario_app
from corridor.cli.serve import serve

__all__ = ["app", "main"]

app = typer.Typer(
    name="corridor",
    help="Plan freight corridors between China, Central Asia, the Caucasus, Türkiye and Europe.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(network_app, name="network")
app.command("route")(route)
app.command("assign")(assign)
app.command("calibrate")(calibrate)
app.add_typer(hub_app, name="hub")
app.add_typer(scenario_app, name="scenario")
app.add_typer(runs_app, name="runs")
app.command("demo")(demo)
app.command("serve")(serve)
app.add_typer(analytics_app, name="analytics")


def _print_version(value: bool) -> None:
    if value:
        from corridor._version import __version__

        typer.echo(f"corridor {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True,
                                 callback=_print_version),
) -> None:
    """Plan freight corridors between China, Central Asia, the Caucasus, Türkiye and Europe."""


_FLAGS = {"avoid_countries": "--avoid-country", "avoid_nodes": "--avoid-node", "avoid_links": "--avoid-link",
          "modes": "--mode", "scenario": "FILE", "config": "--config", "net": "--network"}
"""Python API arguments whose command-line flag is not ``--`` + the name with dashes."""


def _flag(field: str) -> str:
    return _FLAGS.get(field, "--" + field.replace("_", "-"))


def _problem_lines(e: BaseException) -> str:
    """One ``error:`` line per problem; arguments of the Python API are named by their flags."""
    problems = getattr(e, "problems", None)
    if not problems:
        return "\n".join(f"error: {line}" for line in str(e).splitlines())
    lines = []
    for p in problems:
        if p.where == "argument":
            text = f"{_flag(p.field)}: {p.message}"
        elif p.where.startswith("--") and p.field.replace("_", "-") == p.where[2:]:
            text = f"{p.where}: {p.message}"  # the flag names the field already
        else:
            text = str(p)
        lines.append(f"error: {text}")
    return "\n".join(lines)


def _exit_code(e: BaseException) -> tuple[int, str]:
    """Map an exception escaping a command to an exit status and a message."""
    from corridor.exceptions import CorridorError, InputError, NodeNotFound

    if isinstance(e, InputError | NodeNotFound):
        return 2, _problem_lines(e)
    if isinstance(e, OSError):
        return 2, f"error: {e.filename or ''}: {e.strerror or e}"
    if isinstance(e, CorridorError):
        return 1, f"error: {e}"
    if isinstance(e, KeyboardInterrupt):
        return 130, "interrupted"
    return 1, f"internal error: {type(e).__name__}: {e} (set CORRIDOR_DEBUG=1 for details)"


def _usage_error(e: BaseException) -> str | None:
    """A usage error of the command line (bad flag value, unknown option) as one line; None for others.

    Typer's own errors (a vendored click ``ClickException``) are recognised by their interface.
    """
    if not (hasattr(e, "format_message") and hasattr(e, "exit_code")):
        return None
    if type(e).__name__ == "NoArgsIsHelpError":
        return ""  # the help has been printed
    ctx = getattr(e, "ctx", None)
    hint = f" (see {ctx.command_path} --help)" if ctx is not None else ""
    return f"error: {e.format_message()}{hint}"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit status instead of raising ``SystemExit``."""
    try:
        rv = app(args=argv, prog_name="corridor", standalone_mode=False)
    except SystemExit as e:
        code = e.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except (Exception, KeyboardInterrupt) as e:
        if os.environ.get("CORRIDOR_DEBUG"):
            raise
        usage = _usage_error(e)
        if usage is not None:
            if usage:
                print(usage, file=sys.stderr)
            return int(getattr(e, "exit_code", 2))
        code, message = _exit_code(e)
        print(message, file=sys.stderr)
        return code
    return rv if isinstance(rv, int) else 0


def _entry() -> None:  # pragma: no cover - console-script shim
    sys.exit(main())
