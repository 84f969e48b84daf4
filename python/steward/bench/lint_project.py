"""A generated multi-team dbt project for the lint benchmark.

`generate_lint_project(root, models=1000)` writes a project shaped like the reference
one: the six teams of the reference registry, `models/<layer>/<team>/<layer>_<team>__<entity>`,
the namespace macros, a yml properties file per team folder and sources per bronze team.
Models read as named CTEs with joins, window functions, `is_incremental()` branches,
`var()` and project macros; every read follows the layer contract (bronze reads its own
sources, silver its own bronze and public silver, gold public silver and gold), so the
project lints clean and the benchmark measures the clean path every pull request takes.

The output is a pure function of (`models`, `seed`).

The parts are written by the modules next to this one: `lint_project_plan` (the teams and
the model graph), `lint_project_sql` (the models' SQL), `lint_project_macros` and
`lint_project_yml`; this one assembles them and writes the files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from steward.bench.lint_project_macros import MACROS
from steward.bench.lint_project_plan import BenchModel, plan_models
from steward.bench.lint_project_sql import model_sql
from steward.bench.lint_project_yml import (
    TEAMS_YML,
    dbt_project_yml,
    groups_yml,
    models_yml,
    sources_yml,
)


@dataclass(frozen=True)
class BenchProject:
    root: Path
    models: tuple[BenchModel, ...]
    files: tuple[str, ...] = field(default=())

    @property
    def model_paths(self) -> tuple[str, ...]:
        return tuple(m.path for m in self.models)

    def model(self, name: str) -> BenchModel:
        return next(m for m in self.models if m.name == name)

    def change_candidate(self) -> BenchModel:
        """A silver model in the middle of the graph with readers: the typical change."""
        readers: dict[str, int] = {}
        for model in self.models:
            for upstream in model.upstream:
                readers[upstream] = readers.get(upstream, 0) + 1
        silver = [m for m in self.models if m.layer == "silver" and readers.get(m.name)]
        return silver[len(silver) // 2] if silver else self.models[len(self.models) // 2]


def generate_lint_project(root: Path, models: int = 1000, seed: int = 7) -> BenchProject:
    """Write the benchmark project into `root` (created; existing files overwritten)."""
    if models < 10:
        raise ValueError("the benchmark project needs at least 10 models")
    plan = plan_models(models, seed)
    rng = random.Random(seed + 1)
    files: dict[str, str] = {}
    by_folder: dict[tuple[str, str], list[BenchModel]] = {}
    for model in plan:
        by_folder.setdefault((model.layer, model.team), []).append(model)
        files[model.path] = model_sql(model, rng)
    for (layer, team), folder_models in by_folder.items():
        folder = f"models/{layer}/{team}"
        files[f"{folder}/_{team}__models.yml"] = models_yml(folder_models)
        if layer == "bronze":
            files[f"{folder}/_{team}__sources.yml"] = sources_yml(team, folder_models)
    files["dbt_project.yml"] = dbt_project_yml()
    files["platform/teams.yml"] = TEAMS_YML
    files["models/groups.yml"] = groups_yml()
    files.update(MACROS)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    # the review rules the registry implies, as `steward codeowners` writes them
    from steward.access.codeowners import CODEOWNERS_PATH, codeowners
    from steward.project import load_project

    owners = root / CODEOWNERS_PATH
    owners.parent.mkdir(parents=True, exist_ok=True)
    owners.write_text(codeowners(load_project(root)), encoding="utf-8")
    files[CODEOWNERS_PATH] = owners.read_text(encoding="utf-8")
    return BenchProject(root, tuple(plan), tuple(sorted(files)))
