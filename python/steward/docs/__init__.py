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

from steward.docs.inputs import DBT_DOCS, Problem, read_inputs
from steward.docs.model import Site
from steward.docs.site import site_context, site_model
from steward.docs.write import CACHE, Written, write_site
from steward.project import load_project


@dataclass(frozen=True)
class Built:
    site: Site
    written: Written

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.site.problems


def build(root: Path, out: Path, history: Path, now: datetime | None = None) -> Built:
    """Load the project at `root`, build the site model and write it into `out`."""
    project = load_project(root)
    inputs = read_inputs(project.root, history)
    dbt_docs = None
    if inputs.dbt_docs is not None:
        dbt_docs = Path(os.path.relpath(project.root / DBT_DOCS, out.resolve())).as_posix()
    context = site_context(project, inputs, now, dbt_docs)
    site = site_model(context)
    return Built(site, write_site(site, out, project.root / CACHE))


__all__ = ["Built", "Problem", "Site", "build", "site_context", "site_model", "write_site"]
