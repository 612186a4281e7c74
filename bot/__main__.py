"""``ajc <command>`` (or ``python -m bot <command>``): every staff and developer command.

A module joins by having a ``register(subcommands)`` function that adds its parser and sets
``handler`` (a function of the parsed arguments returning an exit code), and by being listed
in COMMAND_MODULES. Modules are imported only here, so one broken module names itself.

``language`` and ``web`` keep their own argument parsing (``python -m bot.language`` and
``python -m bot.web`` still work, scripts use them): the rest of the line is handed to their
``main`` as it is.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

COMMAND_MODULES = ("bot.referrals.cli", "bot.report.cli", "bot.conversations.cli")
PASS_THROUGH = {
    "language": ("bot.language.__main__", 'which language a message is in: [--explain] "text"'),
    "web": ("bot.web", "serve the demo page and the chat widget (see --help)"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in PASS_THROUGH:
        module_name, _ = PASS_THROUGH[argv[0]]
        return importlib.import_module(module_name).main(argv[1:]) or 0
    prog = "ajc" if Path(sys.argv[0]).name == "ajc" else "python -m bot"
    parser = argparse.ArgumentParser(prog=prog, description="AJC assistant commands")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subcommands)
    for name, (_, summary) in PASS_THROUGH.items():
        subcommands.add_parser(name, help=summary, add_help=False)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
