"""`steward.git`: the one way steward runs git, and its one-line messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from steward import git
from steward.errors import UserError
from steward.guard.metadata import git_sha

GRIDLITE = Path(__file__).parent / "fixtures" / "gridlite"


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(GRIDLITE, root)
    git.run(root, "init", "-q", "-b", "main")
    git.run(root, "add", "-A")
    git.run(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "base")
    return root


def test_an_unknown_revision_says_what_to_do(repo: Path) -> None:
    with pytest.raises(UserError) as caught:
        git.commit(repo, "nope", "--base")
    message = str(caught.value)
    assert message.startswith(f"git --base nope: no such commit or branch in {repo}; ")
    assert "use a branch, tag or commit that exists" in message
    assert "\n" not in message


def test_outside_a_repository(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        git.changed_files(tmp_path, "HEAD")
    message = str(caught.value)
    assert message.startswith("git --changed-since: ") and "not in a git repository" in message
    assert "\n" not in message


def test_changed_files_committed_and_new(repo: Path) -> None:
    model = next((repo / "models").rglob("*.sql"))
    model.write_text(model.read_text() + "\n-- changed\n")
    (repo / "models" / "new.sql").write_text("select 1\n")
    changed = git.changed_files(repo, "HEAD")
    assert changed == {model.relative_to(repo).as_posix(), "models/new.sql"}


def test_checkout_is_the_project_at_the_revision(repo: Path) -> None:
    (repo / "models" / "new.sql").write_text("select 1\n")
    with git.checkout(repo, "HEAD") as base:
        assert (base / "dbt_project.yml").is_file()
        assert not (base / "models" / "new.sql").exists()
    assert not base.exists()


def test_git_sha(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STEWARD_GIT_SHA", raising=False)
    monkeypatch.delenv("GITHUB_SHA", raising=False)
    git_sha.cache_clear()
    sha = git_sha(repo)
    assert len(sha) == 40 and sha == git.head(repo)
    (repo / "dbt_project.yml").write_text((repo / "dbt_project.yml").read_text() + "\n")
    assert git.head(repo) == f"{sha}+dirty"
    outside = tmp_path / "outside"
    outside.mkdir()
    assert git_sha(outside) == "unknown"
    monkeypatch.setenv("STEWARD_GIT_SHA", "abc")
    git_sha.cache_clear()
    assert git_sha(repo) == "abc"
    git_sha.cache_clear()
