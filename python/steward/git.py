"""git, the one way steward runs it: the files changed since a revision (`lint
--changed-since`), the project as it was at one (`impact` and `contracts breaking
--base`), the commit being run (the guard's commit metadata).

Every failure is a `UserError` of one line that starts with `git` and says what to do;
`option` names the command-line option that needed git, so the message can point at it.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from steward.errors import UserError


def _call(
    cwd: Path, args: tuple[str, ...], option: str, timeout: float | None
) -> subprocess.CompletedProcess[bytes]:
    if not cwd.is_dir():
        raise UserError("no such folder", path=str(cwd))
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, timeout=timeout
        )
    except FileNotFoundError:
        raise UserError(f"git is not installed, and {option} needs it; install git") from None
    except subprocess.TimeoutExpired:
        raise UserError(f"git {args[0]} took longer than {timeout:g} s in {cwd}") from None
    except OSError as exc:
        raise UserError(f"git cannot be run in {cwd}: {exc.strerror}") from None


def _failure(cwd: Path, args: tuple[str, ...], stderr: bytes, option: str) -> UserError:
    text = stderr.decode(errors="replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if "not a git repository" in text:
        return UserError(
            f"git {option}: {cwd} is not in a git repository; run steward in a git "
            "checkout of the project"
        )
    if "dubious ownership" in text:
        return UserError(
            f"git refuses the repository at {cwd}, which another user owns; run "
            f"`git config --global --add safe.directory {cwd}`"
        )
    last = lines[-1].removeprefix("fatal: ") if lines else "failed"
    return UserError(f"git {' '.join(args)} in {cwd}: {last}")


def run(cwd: Path, *args: str, option: str = "steward", timeout: float | None = None) -> bytes:
    """The output of `git ARGS` run in `cwd`."""
    done = _call(cwd, args, option, timeout)
    if done.returncode != 0:
        raise _failure(cwd, args, done.stderr, option)
    return done.stdout


def lines(cwd: Path, *args: str, option: str = "steward") -> list[str]:
    """The non-blank lines `git ARGS` prints."""
    return [line for line in run(cwd, *args, option=option).decode().splitlines() if line.strip()]


def commit(root: Path, ref: str, option: str) -> str:
    """The commit `ref` (a branch, tag or commit) names in the repository of `root`."""
    args = ("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    done = _call(root, args, option, None)
    if done.returncode == 0:
        return done.stdout.decode().strip()
    if not done.stderr.strip():  # --quiet: a revision that does not exist says nothing
        raise UserError(
            f"git {option} {ref}: no such commit or branch in {root}; use a branch, tag or "
            "commit that exists (a CI checkout needs the history: fetch-depth 0)"
        )
    raise _failure(root, args, done.stderr, option)


def changed_files(root: Path, ref: str, option: str = "--changed-since") -> frozenset[str]:
    """Files changed since `ref` (committed, staged, unstaged or new), relative to `root`."""
    commit(root, ref, option)
    changed = lines(root, "diff", "--name-only", "--relative", ref, "--", option=option)
    untracked = lines(root, "ls-files", "--others", "--exclude-standard", option=option)
    return frozenset(Path(p).as_posix() for p in (*changed, *untracked))


@contextmanager
def checkout(root: Path, ref: str, option: str = "--base") -> Iterator[Path]:
    """The project folder `root` as of `ref`, extracted into a temporary folder (removed
    on exit). `root` may be a sub-folder of the repository."""
    top = Path(run(root, "rev-parse", "--show-toplevel", option=option).decode().strip())
    sha = commit(root, ref, option)
    prefix = root.resolve().relative_to(top.resolve()).as_posix()
    archive = run(top, "archive", "--format=tar", sha, "--", prefix, option=option)
    with tempfile.TemporaryDirectory(prefix="steward-base-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(folder, filter="data")
            else:  # pragma: no cover - Python without the extraction filters
                tar.extractall(folder)  # our own repository's archive
        base = Path(folder) / prefix if prefix != "." else Path(folder)
        if not (base / "dbt_project.yml").is_file():
            raise UserError(
                f"git {option} {ref}: there is no dbt project at {prefix} in {ref}; use a "
                "revision that has it"
            )
        yield base


def head(root: Path, timeout: float | None = None) -> str:
    """The commit checked out in `root`, with `+dirty` when tracked files have changes."""
    sha = run(root, "rev-parse", "HEAD", timeout=timeout).decode().strip()
    dirty = run(root, "status", "--porcelain", "--untracked-files=no", timeout=timeout)
    return sha + ("+dirty" if dirty.strip() else "")
