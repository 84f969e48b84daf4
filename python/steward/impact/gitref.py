"""The project as it was at a git revision: `git archive` into a temporary folder."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from steward.errors import UserError


def _git(cwd: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise UserError("--base needs git, which is not installed") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines() or ["git failed"]
        raise UserError(f"git {' '.join(args)}: {message[-1]}")
    return done.stdout


@contextmanager
def checkout(root: Path, ref: str) -> Iterator[Path]:
    """The project folder `root` as of `ref`, extracted into a temporary folder (removed
    on exit). `root` may be a sub-folder of the repository."""
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip())
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    prefix = root.resolve().relative_to(top.resolve()).as_posix()
    archive = _git(top, "archive", "--format=tar", commit, "--", prefix if prefix != "." else ".")
    with tempfile.TemporaryDirectory(prefix="steward-base-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(folder, filter="data")
            else:  # pragma: no cover - Python without the extraction filters
                tar.extractall(folder)  # our own repository's archive
        base = Path(folder) / prefix if prefix != "." else Path(folder)
        if not (base / "dbt_project.yml").is_file():
            raise UserError(f"there is no dbt project at {prefix} in {ref}")
        yield base
