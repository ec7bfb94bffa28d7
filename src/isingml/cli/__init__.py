"""The ``isingml`` command: subcommands parse arguments, call the library and write files.

Every failure a user can cause (``isingml.errors.UserError``) ends in one line on stderr,
``isingml <command>: error: ...``, and exit status 2 (``-v`` adds the traceback); any other
exception is a bug and keeps its traceback. Nothing half-written is left under an output name.
"""

import argparse
import logging
import sys

from isingml import __version__
from isingml.cli import analyze, estimators, learn, plan, plot, scan, simulate, studies, transfer
from isingml.errors import UserError

DESCRIPTION = """\
Sample the 2D Ising model, train neural networks to tell its phases apart, and read the
critical temperature T_c off them by finite-size scaling, beside the Binder cumulant and
Onsager's exact value. Each command is one step of the Snakemake workflow (`snakemake --cores
all` runs them all from config.yaml); run one by hand to redo or inspect a step. `isingml plan`
prints what a configuration will cost before anything runs. `isingml COMMAND --help` says what
each option does."""


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Every option's default after its help, where it has one worth showing: not for options
    without a default (their help says what leaving them out does) nor for flags."""

    def _get_help_string(self, action):
        text = action.help or ""
        shown = action.default not in (None, argparse.SUPPRESS, []) and action.default is not False
        if not shown or action.required or "default" in text:
            return text
        return super()._get_help_string(action)


class TopFormatter(argparse.RawDescriptionHelpFormatter, HelpFormatter):
    pass


def _each_parser(parser):
    """``parser`` and every subcommand's parser under it; a subcommand's one-line help becomes
    the description its own --help shows, where it has none of its own."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                sub = action.choices[choice.dest]
                if sub.description is None and choice.help:
                    sub.description = choice.help[0].upper() + choice.help[1:] + "."
                yield from _each_parser(sub)


def build_parser():
    parser = argparse.ArgumentParser(prog="isingml", description=DESCRIPTION)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging, and the "
                        "traceback of an error")  # fmt: skip
    parser.add_argument("--version", action="version", version=f"isingml {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (simulate, scan, learn, estimators, studies, transfer, analyze, plot, plan):
        module.add_commands(sub)
    for p in _each_parser(parser):
        p.formatter_class = HelpFormatter
    parser.formatter_class = TopFormatter  # DESCRIPTION's paragraphs as written
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
