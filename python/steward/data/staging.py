"""Write into a temporary directory next to the targets, then swap them in whole.

A run that fails leaves the previous output untouched; one that succeeds replaces each
target directory as a whole, so no reader ever sees a half-written tree.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from steward.errors import UserError


def check_targets(out: Path, names: tuple[str, ...]) -> None:
    """Raise UserError, before anything is written, when the targets can't be replaced."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; it must be a directory (or not exist yet)")
    for name in names:
        target = out / name
        if target.exists() and not target.is_dir():
            raise UserError(f"{target} is a file; expected the directory this command replaces")


@contextmanager
def staged_replace(out: Path, names: tuple[str, ...]) -> Iterator[Path]:
    """Yield an empty staging directory; on success, move its `names` over `out/<name>`."""
    check_targets(out, names)
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    except OSError as exc:
        raise UserError(f"can't write to {out}: {exc.strerror or exc}") from exc
    try:
        yield staging
        for name in names:
            target = out / name
            if target.exists():
                target.rename(staging / f"{name}.replaced")
            (staging / name).rename(target)
    except BaseException:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
