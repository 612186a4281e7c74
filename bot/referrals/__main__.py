"""``python -m bot.referrals worker [--once]`` and the other referral staff commands."""

from __future__ import annotations

import argparse

from bot.referrals.cli import add_commands


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.referrals", description=__doc__)
    add_commands(parser)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
