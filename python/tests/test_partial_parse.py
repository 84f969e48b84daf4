"""One team's build after another's re-uses dbt's parse of the project (partial parsing):
the team is not part of what dbt hashes into its parse check."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from steward.teambuild.context import RunContext
from steward.teambuild.runner import invoke_dbt

from .conftest import PROJECT_DIR


def _parse(context: RunContext, target_path: Path) -> list[str]:
    """dbt parse; the reasons dbt gives for parsing the whole project again, if any."""
    reasons: list[str] = []

    def listen(event: Any) -> None:
        if event.info.name == "UnableToPartialParse":
            reasons.append(event.data.reason)

    result = invoke_dbt(context, ["parse", "--quiet", "--target-path", str(target_path)], [listen])
    assert result.success, result.exception
    return reasons


def test_the_next_team_build_reuses_the_parse_of_the_project(tmp_path: Path) -> None:
    context = RunContext(project_dir=PROJECT_DIR, env="itest_parse", team="electra")
    target = tmp_path / "target"
    _parse(context, target)
    assert (target / "partial_parse.msgpack").is_file()
    assert _parse(dataclasses.replace(context, team="dutchgrid"), target) == []
    # ... and the check still sees a change that matters to parsing: another environment
    other_env = _parse(dataclasses.replace(context, env="itest_parse_2"), target)
    assert other_env and "profile" in other_env[0]
