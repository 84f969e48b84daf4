"""Progress of the long steps of a report (dbt's parse, Spark's queries), on stderr with
rich: a bar when stderr is a terminal, one line a step otherwise (CI logs)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Step(Protocol):
    def __call__(self, description: str) -> None: ...


@contextmanager
def steps(title: str, total: int) -> Iterator[Step]:
    """`step(description)` starts the next of `total` steps."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if not console.is_terminal:

        def log(description: str) -> None:
            console.print(f"{title}: {description}", highlight=False)

        yield log
        return
    with Progress(
        TextColumn(f"{title}: {{task.description}}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=total)
        started = False

        def advance(description: str) -> None:
            nonlocal started
            bar.update(task, description=description, advance=1 if started else 0)
            started = True

        yield advance
        bar.update(task, completed=total)
