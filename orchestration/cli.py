"""`o2c`: the command line that fronts the common tasks.

Each subcommand lives in the module that does the work and is imported only when that
subcommand runs, so `o2c --help` works even while one of them is broken. A module named
below may provide `add_arguments(parser)` to declare its options; the entry function then
gets the parsed options:

  demo     extractors.demo_erp.cli    run(args) -> int
  run      orchestration.pipeline     run_pipeline(**options)
  extract  extractors.extract         run_extraction(**options)
  mine     mining.cli                 run(args) -> int

`run_pipeline` and `run_extraction` return an exit code or anything else (taken as success).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from importlib.metadata import PackageNotFoundError, version

# name: (module, entry function, pass options as keywords, help)
SUBCOMMANDS = {
    "demo": (
        "extractors.demo_erp.cli",
        "run",
        False,
        "generate or grow the demo ERP (a simulated SAP and CRM source with its ground truth)",
    ),
    "run": (
        "orchestration.pipeline",
        "run_pipeline",
        True,
        "run the whole pipeline once (generates the demo ERP first when it is the source)",
    ),
    "extract": (
        "extractors.extract",
        "run_extraction",
        True,
        "load the source tables into the raw schemas of the DuckDB warehouse",
    ),
    "mine": (
        "mining.cli",
        "run",
        False,
        "discover the process, check conformance and rules, find bottlenecks, draw maps",
    ),
}


def _version() -> str:
    try:
        return version("o2c-pipeline")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="o2c", description="Order-to-Cash process mining pipeline."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (_module, _entry, _keywords, help_text) in SUBCOMMANDS.items():
        # The subcommand's own options are parsed after its module is imported.
        commands.add_parser(name, help=help_text, description=help_text, add_help=False)
    return parser


def _dispatch(name: str, rest: list[str]) -> int:
    module_name, entry, keywords, help_text = SUBCOMMANDS[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name is None or not f"{module_name}.".startswith(f"{error.name}."):
            raise  # a dependency is missing, not the subcommand: show the whole story
        print(f"o2c {name}: not available yet ({module_name} is missing)", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog=f"o2c {name}", description=help_text)
    if hasattr(module, "add_arguments"):
        module.add_arguments(parser)
    args = parser.parse_args(rest)
    function = getattr(module, entry)
    result = function(**vars(args)) if keywords else function(args)
    return result if isinstance(result, int) and not isinstance(result, bool) else 0


def main(argv: list[str] | None = None) -> int:
    args, rest = build_parser().parse_known_args(argv)
    return _dispatch(args.command, rest)


if __name__ == "__main__":
    sys.exit(main())
