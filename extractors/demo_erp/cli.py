"""`o2c demo`: generate the demo ERP, or continue it by some days of business.

    o2c demo --items 10000 --seed 42 --flavour ecc
    o2c demo --days 7                      # grow the source in --output by a week
    o2c demo --formats sqlite --postgres-url postgresql://user@host:5432/db

The password of --postgres-url is read from O2C_SAP_PASSWORD, never from the URL.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from extractors.catalogue import FLAVOURS

DEFAULT_OUTPUT = Path("warehouse", "demo_erp")
DEFAULT_FORMATS = "sqlite,csv,parquet"
PROG = "o2c demo"


class UsageError(ValueError):
    """A bad option: reported on one line, exit code 2."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--items", type=_positive, metavar="N",
        help="order items to generate (default: `items` of the configuration)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=42, metavar="N", help="random seed (42)")
    parser.add_argument(
        "--flavour", choices=FLAVOURS,
        help="SAP flavour: ecc (VBUK/VBUP) or s4 (default: the configuration's)",
    )  # fmt: skip
    parser.add_argument(
        "--config", metavar="FILE",
        help="YAML file overriding extractors/demo_erp/defaults.yaml (only the keys it names)",
    )  # fmt: skip
    parser.add_argument(
        "--output", default=str(DEFAULT_OUTPUT), metavar="DIR",
        help=f"output folder (default: {DEFAULT_OUTPUT} in the current directory)",
    )  # fmt: skip
    parser.add_argument(
        "--formats", default=DEFAULT_FORMATS, metavar="LIST",
        help=f"comma-separated outputs of the SAP tables ({DEFAULT_FORMATS}); "
        "the CRM tables are always written as CSV",
    )  # fmt: skip
    parser.add_argument(
        "--postgres-url", metavar="URL",
        help="also load the SAP tables into this PostgreSQL database "
        "(no password in the URL: set O2C_SAP_PASSWORD)",
    )  # fmt: skip
    parser.add_argument(
        "--postgres-schema", default="public", metavar="NAME",
        help="PostgreSQL schema of the tables (public)",
    )  # fmt: skip
    parser.add_argument(
        "--days", type=_positive, metavar="N",
        help="continue the existing source in --output by N more days of business",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    try:
        options = _options(args)
    except UsageError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2

    from extractors.demo_erp import generate

    try:
        result = generate(**options)
    except FileNotFoundError as error:
        if not options["continue_days"]:
            raise
        # Continuing needs an earlier generation in --output.
        print(f"{PROG}: error: nothing to continue in {args.output}: {error}", file=sys.stderr)
        return 2
    print(_summary(args, result))
    return 0


def _options(args: argparse.Namespace) -> dict:
    """generate()'s keyword arguments, with every option checked."""
    formats = tuple(f.strip().lower() for f in args.formats.split(",") if f.strip())
    from extractors.demo_erp.writers import FORMATS

    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(
            f"--formats: unknown format {', '.join(unknown)} (choose from {', '.join(FORMATS)})"
        )
    if not formats and not args.postgres_url:
        raise UsageError("--formats: name at least one of " + ", ".join(FORMATS))
    if args.config and not Path(args.config).is_file():
        raise UsageError(f"--config: no such file: {args.config}")
    _check_config(args)
    if args.postgres_url:
        _check_postgres_url(args.postgres_url)
    out_dir = Path(args.output)
    if args.days and not out_dir.is_dir():
        raise UsageError(f"--days: no demo ERP to continue in {args.output}")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--output: {args.output} is not a folder")
    return {
        "out_dir": out_dir,
        "items": args.items,
        "seed": args.seed,
        "flavour": args.flavour,
        "config_file": args.config,
        "formats": formats,
        "postgres_url": args.postgres_url,
        "postgres_schema": args.postgres_schema,
        "continue_days": args.days,
    }


def _check_config(args: argparse.Namespace) -> None:
    """Load the configuration once so a bad file or value is a usage error, not a trace."""
    import yaml

    from extractors.demo_erp.config import DemoConfig

    overrides = {"items": args.items, "flavour": args.flavour}
    try:
        config = DemoConfig.load(args.config, **overrides)
    except (ValueError, TypeError, KeyError, yaml.YAMLError, OSError) as error:
        where = f"--config {args.config}" if args.config else "configuration"
        raise UsageError(f"{where}: {_one_line(error)}") from None
    flavour = config.raw.get("flavour")
    if flavour not in FLAVOURS:
        raise UsageError(f"flavour {flavour!r} in the configuration: choose ecc or s4")


def _check_postgres_url(url: str) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from extractors.settings import PASSWORD_ENV

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise UsageError("--postgres-url: not a database URL") from None
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise UsageError("--postgres-url: not a PostgreSQL URL (postgresql://user@host/db)")
    if parsed.password:
        raise UsageError(f"--postgres-url must not contain a password: set {PASSWORD_ENV}")


def _summary(args: argparse.Namespace, result) -> str:
    rows = dict(getattr(result, "rows", {}) or {})
    items = getattr(result, "items", None)
    orders = getattr(result, "orders", None)
    items = rows.get("VBAP", 0) if items is None else items
    orders = rows.get("VBAK", 0) if orders is None else orders
    what = f"continued by {args.days} days" if args.days else "written"
    return (
        f"demo ERP {what} in {args.output}\n"
        f"  as of {getattr(result, 'as_of', '?')}: {items:,} items, {orders:,} orders, "
        f"{sum(rows.values()):,} rows in {len(rows)} tables, "
        f"{float(getattr(result, 'seconds', 0.0)):.1f} s"
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
