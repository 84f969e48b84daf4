"""`steward data generate`: deterministic synthetic landing data for the four countries."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from steward.cli.options import add_examples, add_options, add_subcommands, emit
from steward.data import DayProgress, GenerationConfig, GenerationResult, generate
from steward.data.model import DEFAULT_START
from steward.data.volume import MIN_ROWS_PER_DAY, Volume, check_rows_per_day, volume
from steward.errors import UserError

GENERATE_DESCRIPTION = """\
Write deterministic synthetic smart-meter data, as the four countries deliver it:

  <out>/landing/de/arrival_date=D/readings_de_YYYYMMDD_NN.csv     15-min kWh, local time
  <out>/landing/fr/arrival_date=D/readings_fr_YYYYMMDD_NN.jsonl   30-min watts, UTC
  <out>/landing/nl/arrival_date=D/readings_nl_YYYYMMDD_NN.csv     hourly T1/T2 registers
  <out>/landing/lu/arrival_date=D/readings_lu_YYYYMMDD_NN.parquet hourly kWh, UTC
  <out>/landing/reference/{meters,regions,tariffs}.csv            master data
  <out>/truth/intervals.parquet, <out>/truth/manifest.json        the ground truth

--rows-per-day is met in whole meters: a meter delivers every interval of its day (DE 96,
FR 48, NL 24, LU 24), so a day has the readings asked for to within half a meter-day per
country, at least MINIMUM; DE's daylight-saving days and the first day's NL opening
readings differ from it. The summary says how many each day has, and why.

About 1 % of the rows arrive 1-3 days late (..._late_NN files), about 5 % of the daily
files are re-sent (..._resent_NN) and about 0.1 % of the rows are malformed.
The same arguments always give byte-identical files.

Existing <out>/landing and <out>/truth are REPLACED WHOLE: the data is written to a
temporary directory inside <out> and moved into place only when it is complete.
Progress goes to stderr, the summary to stdout (or --output). Exit 0, 2 on bad input.
""".replace("MINIMUM", str(MIN_ROWS_PER_DAY))


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "data",
        help="synthetic landing data for the platform",
        description="Synthetic landing data for GridUnion's four countries.",
    )
    add_examples(parser, "steward data generate                      # 3 days, 20,000 a day")
    commands = add_subcommands(parser, "data")
    generate_parser = commands.add_parser(
        "generate",
        help="write landing data and its ground truth (replaces <out>/landing and <out>/truth)",
        description=GENERATE_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    generate_parser.add_argument(
        "--start",
        default=DEFAULT_START.isoformat(),
        metavar="YYYY-MM-DD",
        help="first day (default: %(default)s; the default 3 days include the DST change)",
    )
    generate_parser.add_argument(
        "--days", default="3", metavar="N", help="number of days (default: %(default)s)"
    )
    generate_parser.add_argument(
        "--rows-per-day",
        default="20000",
        metavar="N",
        help="readings per day over all countries: DE 40 %%, FR 25 %%, NL 20 %%, LU 15 %%, "
        f"in whole meters, at least {MIN_ROWS_PER_DAY} (default: %(default)s)",
    )
    generate_parser.add_argument(
        "--seed", default="42", metavar="N", help="random seed (default: %(default)s)"
    )
    generate_parser.add_argument(
        "--out",
        default="data",
        metavar="DIR",
        help="output directory; its landing/ and truth/ are replaced (default: %(default)s)",
    )
    add_options(
        generate_parser,
        formats=("text", "json"),
        output=True,
        project_dir=False,
        help_texts={
            "--format": "the summary's format",
            "--output": "write the summary to FILE, not stdout",
        },
        format_purposes={"text": "a table, for reading"},
    )
    add_examples(
        generate_parser,
        "steward data generate                              # the demo's three days",
        "steward data generate --start 2026-10-24 --days 2  # the autumn fall-back day",
        "steward data generate --rows-per-day 500000 --days 4 --out /tmp/big --format json",
    )
    generate_parser.set_defaults(handler=run_generate)


def run_generate(args: argparse.Namespace) -> int:
    config = GenerationConfig(
        start=_date(args.start),
        days=_integer("--days", args.days),
        rows_per_day=_integer("--rows-per-day", args.rows_per_day),
        seed=_integer("--seed", args.seed),
        out=Path(args.out),
    )
    check_rows_per_day(config.rows_per_day)
    written = volume(config.rows_per_day, config.dates)
    notes = {day.day: day.notes for day in written.days}

    def progress(day: DayProgress) -> None:
        _print_progress(day, notes[day.day])

    result = generate(config, progress=progress)
    if args.format == "json":
        text = json.dumps({**result.summary(), "readings": written.summary()}, indent=2)
    else:
        text = render_text(result, written)
    emit(text + "\n", args.output)
    return 0


def render_text(result: GenerationResult, written: Volume | None = None) -> str:
    config = result.config
    written = written or volume(config.rows_per_day, config.dates)
    columns = ("meters", "landing_rows", "files", "late_rows", "malformed_rows", "duplicate_files")
    titles = ("meters", "landing rows", "files", "late rows", "malformed rows", "duplicate files")
    widths = [max(len(title), 10) for title in titles]
    lines = [
        f"Wrote {config.out}/landing and {config.out}/truth: {config.days} day(s) from "
        f"{config.start}, seed {config.seed} ({result.seconds:.1f} s); {written.explain()}",
        "country  " + "  ".join(t.rjust(w) for t, w in zip(titles, widths, strict=True)),
    ]
    rows: list[tuple[str, dict[str, Any]]] = [(c.country, c.totals()) for c in result.countries]
    rows.append(("total", result.totals()))
    for name, totals in rows:
        cells = (f"{totals[c]:,}".rjust(w) for c, w in zip(columns, widths, strict=True))
        lines.append(f"{name:<7}  " + "  ".join(cells))
    return "\n".join(lines)


def _print_progress(progress: DayProgress, notes: tuple[str, ...] = ()) -> None:
    rows = "  ".join(f"{country} {count:,}" for country, count in progress.rows)
    total = sum(count for _, count in progress.rows)
    why = f"; {'; '.join(notes)}" if notes else ""
    print(
        f"day {progress.number}/{progress.days} {progress.day}: {total:,} rows ({rows}{why}) "
        f"({progress.seconds:.2f} s)",
        file=sys.stderr,
        flush=True,
    )


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--start must be a date as YYYY-MM-DD, got {text!r}") from None


def _integer(option: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UserError(f"{option} must be a whole number, got {text!r}") from None
