"""The search index and the layouts: the index steward serialises is the one MiniSearch
itself builds from the same documents (checked with the MiniSearch the site ships)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from steward.docs.inputs import read_inputs
from steward.docs.layout import layered
from steward.docs.search import (
    COLUMN_FIELDS,
    MAIN_FIELDS,
    Document,
    column_documents,
    main_documents,
    serialise,
    tokenize,
)
from steward.docs.site import site_context, site_model
from steward.docs.write import WEB
from steward.project import load_project

from .fixture_projects import copy_reference
from .test_docs_helpers import PRODUCT

COMPARE = """
const loadedModule = require(process.argv[1]);
const MiniSearch = loadedModule.default || loadedModule;
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const tokenize = (text) => String(text).replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
  .split(/[^\\p{L}\\p{N}]+/u).filter(Boolean);
const options = { fields: input.fields, storeFields: input.stored, tokenize };
const built = new MiniSearch(options);
built.addAll(input.documents);
const loaded = MiniSearch.loadJS(input.index, options);
const canon = (v) => Array.isArray(v) ? v.map(canon) : (v && typeof v === 'object')
  ? Object.keys(v).sort().reduce((o, k) => { o[k] = canon(v[k]); return o; }, {}) : v;
const sortIndex = (js) => { js.index.sort((a, b) => (a[0] < b[0] ? -1 : 1)); return canon(js); };
const a = sortIndex(built.toJSON()), b = sortIndex(loaded.toJSON());
console.log(JSON.stringify({ same: JSON.stringify(a) === JSON.stringify(b),
  hits: loaded.search(input.query, { prefix: true, fuzzy: 1, combineWith: 'AND' }).map(r => r.id) }));
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    project = load_project(copy_reference(tmp_path_factory.mktemp("search") / "project"))
    inputs = read_inputs(project.root, project.root / "no-history")
    return site_model(site_context(project, inputs))


def test_names_are_split_into_words() -> None:
    assert tokenize("silver_platform__readings") == ["silver", "platform", "readings"]
    assert tokenize("intervalStartUtc, kWh!") == ["interval", "start", "utc", "k", "wh"]
    assert tokenize("Zählerstand 2026") == ["zählerstand", "2026"]


def _check_with_minisearch(
    documents: list[Document], fields: tuple[str, ...], query: str
) -> list[int]:
    node = shutil.which("node")
    library = WEB / "node_modules" / "minisearch" / "dist" / "cjs" / "index.cjs"
    if node is None or not library.is_file():
        pytest.fail(f"node and MiniSearch are needed ({library}): run `make setup`")
    stored = sorted({k for d in documents for k in d.stored})
    payload = {
        "fields": list(fields),
        "stored": stored,
        "documents": [{"id": i, **d.fields, **d.stored} for i, d in enumerate(documents)],
        "index": serialise(documents, fields),
        "query": query,
    }
    result = subprocess.run(
        [node, "-e", COMPARE, str(library)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["same"], "the serialised index differs from MiniSearch's own"
    return list(answer["hits"])


def test_the_main_index_is_minisearchs_own(site) -> None:  # type: ignore[no-untyped-def]
    documents = main_documents(site)
    hits = _check_with_minisearch(documents, MAIN_FIELDS, "silver platfom readings")
    names = {documents[i].stored["n"] for i in hits}
    assert PRODUCT in names
    wanted = {"silver", "platform", "readings"}
    having = {p.name for p in site.nodes if wanted <= set(tokenize(p.name))}
    assert having <= names


def test_the_column_index_points_at_the_nodes_with_the_column(site) -> None:  # type: ignore[no-untyped-def]
    documents = column_documents(site)
    hits = _check_with_minisearch(documents, COLUMN_FIELDS, "intervall start")
    found = [documents[i] for i in hits]
    assert any(d.stored["n"] == "interval_start_utc" for d in found)
    product = next(i for i, p in enumerate(site.nodes) if p.name == PRODUCT)
    columns = [d for d in found if d.stored["n"] == "interval_start_utc"]
    nodes = sorted(i for d in columns for i in d.stored["m"])
    having = [
        i for i, p in enumerate(site.nodes) if "interval_start_utc" in {c.name for c in p.columns}
    ]
    assert nodes == having and product in nodes
    for column in columns:  # data products first
        first = [site.nodes[i].product for i in column.stored["m"]]
        assert first == sorted(first, reverse=True)


def test_layers_run_left_to_right_and_cycles_still_lay_out() -> None:
    positions = layered("abcd", [("a", "b"), ("b", "c"), ("a", "c"), ("d", "c")])
    assert positions["a"][0] < positions["b"][0] < positions["c"][0]
    assert positions["d"][0] < positions["c"][0]
    assert len({positions[n] for n in "abcd"}) == 4
    cyclic = layered("xyz", [("x", "y"), ("y", "z"), ("z", "x")])
    assert len(cyclic) == 3
