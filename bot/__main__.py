"""``python -m bot <command>``: staff commands, one subcommand per module.

A module joins by having a ``register(subcommands)`` function that adds its parser and sets
``handler`` (a function of the parsed arguments returning an exit code), and by being listed
in COMMAND_MODULES. Modules are imported only here, so one broken module names itself.
"""

from __future__ import annotations

import argparse
import importlib

COMMAND_MODULES = ("bot.referrals.cli", "bot.report.cli", "bot.conversations.cli")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="AJC assistant commands")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subcommands)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
