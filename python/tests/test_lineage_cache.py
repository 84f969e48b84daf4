"""Column lineage through the project's cache: the same result with and without it, in
any process, and only what changed analysed again (fixtures/gridlite and the demo)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from steward.cache import Store, disabled
from steward.lineage import ProjectLineage, project_lineage
from steward.lineage.cached import from_json, query_lineages, to_json
from steward.lineage.query import query_lineage
from steward.project import load_project
from steward.render import render_project

from .conftest import PROJECT_DIR

GRIDLITE = Path(__file__).parent / "fixtures" / "gridlite"
METERS = "models/silver/platform/silver_platform__meters.sql"


def _lineage(root: Path, store: Store, jobs: int = 1) -> ProjectLineage:
    return project_lineage(render_project(load_project(root)), store=store, jobs=jobs)


def test_the_cache_gives_what_analysing_gives(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache")
    fresh = _lineage(GRIDLITE, disabled())
    cold = _lineage(GRIDLITE, store)
    assert (store.hits, store.misses) == (0, 5)  # four models and a snapshot
    warm = _lineage(GRIDLITE, store)
    assert (store.hits, store.misses) == (5, 5)
    assert dict(warm.models) == dict(cold.models) == dict(fresh.models)
    assert list(warm.models) == list(fresh.models)


def test_a_changed_model_is_analysed_again_and_its_readers_only_if_its_columns_changed(
    tmp_path: Path,
) -> None:
    root = tmp_path / "gridlite"
    shutil.copytree(GRIDLITE, root)
    store = Store(tmp_path / "cache")
    _lineage(root, store)
    path = root / METERS
    # the same columns, computed otherwise: only the model itself is analysed again
    path.write_text(
        path.read_text().replace("select meter_id,", "select trim(meter_id) as meter_id,")
    )
    before = store.misses
    changed = _lineage(root, store)
    assert store.misses - before == 1
    meters = changed.models["model.gridlite.silver_platform__meters"]
    assert meters.column("meter_id").transform == "expression"  # type: ignore[union-attr]
    # a new column: its readers' inputs changed, so they are analysed again too
    path.write_text(path.read_text().replace("select ", "select 1 as meter_version, ", 1))
    before = store.misses
    added = _lineage(root, store)
    assert store.misses - before > 1
    assert added.models == _lineage(root, disabled()).models


def test_lineage_is_the_same_in_every_process() -> None:
    """Cached by one run and read by another: nothing may depend on the process (sqlglot
    collects a step's inputs in a set, whose order follows the hash seed)."""
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from steward.cache import disabled\n"
        "from steward.lineage import project_lineage\n"
        "from steward.lineage.cached import to_json\n"
        "from steward.lineage.model import QueryLineage\n"
        "from steward.project import load_project\n"
        "from steward.render import render_project\n"
        "lineage = project_lineage(render_project(load_project(Path(sys.argv[1]))), "
        "store=disabled(), jobs=1)\n"
        "print(json.dumps({u: to_json(QueryLineage(m.columns, m.uses, m.complete, m.problems))"
        " for u, m in lineage.models.items()}, sort_keys=True))\n"
    )
    outputs = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", script, str(PROJECT_DIR)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_many_queries_analysed_in_processes_equal_one_process(tmp_path: Path) -> None:
    tasks = [
        (
            f"with t as (select a, b + {i} as c from s.src{i % 3}) "
            f"select a, sum(c) as total from t where b > 0 group by a",
            {f"s.src{i % 3}": ("a", "b")},
        )
        for i in range(80)
    ]
    parallel = query_lineages(tasks, Store(tmp_path / "cache"), jobs=2)
    single = query_lineages(tasks, disabled(), jobs=1)
    assert parallel == single
    assert parallel[5] == query_lineage(*tasks[5])


def test_the_json_form_round_trips() -> None:
    found = query_lineage(
        "select m.meter_id, cast(sum(r.kwh) as decimal(18,6)) as kwh, 'x' as label "
        "from s.readings r join s.meters m on r.meter_id = m.meter_id "
        "where r.kwh > 0 group by m.meter_id",
        {"s.readings": ("meter_id", "kwh"), "s.meters": ("meter_id",)},
    )
    assert from_json(json.loads(json.dumps(to_json(found)))) == found
    assert found.uses  # the join and the filter are kept too
