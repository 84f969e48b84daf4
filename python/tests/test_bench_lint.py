"""The lint benchmark's project: the reference project with its contracts, copied N times,
lints as clean as the reference (no timings here: `steward bench lint` measures)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from steward.bench.lint_reference import copies_for, copy_reference_project
from steward.cli.main import main
from steward.project import load_project

from .conftest import PROJECT_DIR


def test_the_reference_project_copied_lints_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = load_project(PROJECT_DIR)
    copy = copy_reference_project(PROJECT_DIR, tmp_path / "copy", 2)
    project = load_project(copy.root)
    assert len(project.models) == len(copy.models) == 2 * len(reference.models)
    assert len(project.contracts) == 2 * len(reference.contracts)
    assert len(project.exposures) == 2 * len(reference.exposures)
    # the copies stay in their team's folders under the registry's six teams
    copied = project.node_by_name("silver_platform__readings_c01")
    assert copied is not None and copied.team == "platform"
    assert copied.path == "models/silver/platform/silver_platform__readings_c01.sql"
    assert project.registry is not None and reference.registry is not None
    assert [t.id for t in project.registry.teams] == [t.id for t in reference.registry.teams]
    # a copy reads its own copy's models
    gold = copy.root / "models/gold/regulatory_reporting/_regulatory_reporting__models_c01.yml"
    exposure = yaml.safe_load(gold.read_text())["exposures"][0]
    assert exposure["name"] == "lu_regulator_dashboard_c01"
    assert all(ref.endswith("_c01')") for ref in exposure["depends_on"])
    capsys.readouterr()
    assert main(["lint", str(copy.root)]) == 0
    assert "0 error(s), 0 warning(s); linted all 58 models" in capsys.readouterr().out
    assert main(["contracts", "generate", "--check", "--project-dir", str(copy.root)]) == 0


def test_copies_come_closest_to_the_models_asked_for() -> None:
    per_copy = len(load_project(PROJECT_DIR).models)
    assert copies_for(PROJECT_DIR, 1000) == round(1000 / per_copy)
    assert copies_for(PROJECT_DIR, 1) == 1
