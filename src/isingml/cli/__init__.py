"""The ``isingml`` command: subcommands parse arguments, call the library and write files.

Every failure a user can cause (``isingml.errors.UserError``) ends in one line on stderr,
``isingml <command>: error: ...``, and exit status 2 (``-v`` adds the traceback); any other
exception is a bug and keeps its traceback. Nothing half-written is left under an output name.
"""

import argparse
import logging
import sys

from isingml.cli import analyze, estimators, learn, plan, plot, scan, simulate, studies
from isingml.errors import UserError


def build_parser():
    parser = argparse.ArgumentParser(prog="isingml", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (simulate, scan, learn, estimators, studies, analyze, plot, plan):
        module.add_commands(sub)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s isingml %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    try:
        args.func(args)
    except UserError as err:
        # Bad input is one line; any other exception is a bug and keeps its traceback.
        if args.verbose:
            logging.getLogger("isingml").exception("the traceback of this user error")
        name = " ".join(filter(None, [args.command, getattr(args, "analysis", None)]))
        parser.exit(2, f"isingml {name}: error: {err}\n")
    except KeyboardInterrupt:
        parser.exit(130, f"isingml {args.command}: interrupted; no partial output was kept\n")
    return 0
