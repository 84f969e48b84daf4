"""The discovery site: `steward docs build` writes a static site (search, a page per
model, data product, source, team and exposure, the platform and the rule catalogue)
that works offline from `file://`; `steward docs serve` serves it on 127.0.0.1.

`site_model` (pure, over the project) says what each page shows; `write_site` writes it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from steward.cache import project_store
from steward.docs import fresh
from steward.docs.inputs import DBT_DOCS, Problem, read_inputs
from steward.docs.model import Site
from steward.docs.site import analyse, site_context, site_model
from steward.docs.write import CACHE, Written, write_site
from steward.lint.build import default_jobs
from steward.project import load_project
from steward.teambuild.context import RunContext


@dataclass(frozen=True)
class Built:
    site: Site
    written: Written

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.site.problems


def build(root: Path, out: Path, history: Path | RunContext, now: datetime | None = None) -> Built:
    """Load the project at `root`, build the site model and write it into `out`. `history`
    is a snapshot folder, or the run context whose ops tables hold the run history."""
    project = load_project(root)
    inputs = read_inputs(project.root, history)
    dbt_docs = None
    if inputs.dbt_docs is not None:
        dbt_docs = Path(os.path.relpath(project.root / DBT_DOCS, out.resolve())).as_posix()
    jobs = default_jobs()
    analysed = analyse(project, project_store(project.root), jobs)
    context = site_context(project, inputs, now, dbt_docs, analysed)
    cache_dir = project.root / CACHE
    prints = fresh.fingerprints(context)
    kept = fresh.kept_pages(context, fresh.load(cache_dir, out), prints, out)
    site = site_model(context, kept, jobs)
    written = write_site(site, out, cache_dir)
    fresh.save(cache_dir, out, prints)
    return Built(site, written)


__all__ = ["Built", "Problem", "Site", "build", "site_context", "site_model", "write_site"]
