"""Data contracts: `contracts/<team>/<model>.yaml`, ODCS v3, read into frozen `Contract`s.

A contract is checked twice before steward uses it: against the JSON schema of the Open
Data Contract Standard and by its pydantic model (both from the `open-data-contract-standard`
package), then for what steward needs to generate dbt from it: exactly one schema object
named like the file, a logical and a Spark physical type and a description for every
column, and only quality rules and SLA properties steward can turn into a dbt test.
Anything else is one `ContractError` naming the file, the line and the field.

What steward reads of ODCS:

- a column's `required` (not null), `unique`, `primaryKey`/`primaryKeyPosition`,
  `relationships` (`to: <model>.<column>`, a foreign key), `enum` and
  `logicalTypeOptions.minimum`/`maximum`;
- quality rules (`type: library`): `nullValues`, `duplicateValues` and `invalidValues`
  (`arguments.validValues`, or `arguments.minimum`/`maximum` for a range) with
  `mustBe: 0`; on the schema object `rowCount` per load (`arguments.loadColumn`) with
  `mustBe*` bounds, the SLA's volume; `type: custom, engine: dbt` passes a dbt test through;
  `type: text` is documentation;
- SLA `latency` (`value`, `unit`, `element: <model>.<column>`): the freshness of the newest
  timestamp; the other ODCS SLA properties are documentation;
- `status` (`active`, `proposed`, `draft`, `deprecated`) and the custom property
  `deprecationDate`, for model versions (`<model>.v<N>.yaml`, see `steward.contracts`).

The model is `contract_model`, the ODCS validation `contract_odcs`, steward's checks and
the conversion `contract_reader` (quality rules: `contract_quality`); this module reads
the files. The model's names are re-exported (`import X as X`) for the importers.
"""

from __future__ import annotations

from pathlib import Path

from steward.cache import Store, project_store
from steward.errors import UserError
from steward.project.contract_model import Check as Check
from steward.project.contract_model import Contract, ContractError
from steward.project.contract_model import ContractColumn as ContractColumn
from steward.project.contract_odcs import validate
from steward.project.contract_reader import CONTRACTS_DIR, model_of_file, to_contract
from steward.project.model import LoadIssue, Position
from steward.project.yamlio import LineDict, parse_yaml


def read_contracts(
    root: Path, texts: dict[str, str]
) -> tuple[tuple[Contract, ...], tuple[LoadIssue, ...], str | None]:
    """Every contract under `contracts/`, the problems (rule CON001) and the folder (None
    when the project has none: it does not use contracts)."""
    folder = root / CONTRACTS_DIR
    if not folder.is_dir():
        return (), (), None
    contracts: list[Contract] = []
    issues: list[LoadIssue] = []
    store = project_store(root)
    for file in sorted(folder.rglob("*")):
        if file.suffix not in (".yaml", ".yml") or not file.is_file():
            continue
        rel = file.relative_to(root).as_posix()
        try:
            text = file.read_text(encoding="utf-8")
            texts[rel] = text
            contracts.append(parse_contract(text, rel, store))
        except (OSError, UnicodeDecodeError) as exc:
            issues.append(
                LoadIssue("CON001", "error", f"cannot read the contract: {exc}", Position(rel, 1))
            )
        except UserError as exc:
            issues.append(
                LoadIssue(
                    "CON001",
                    "error",
                    f"invalid contract: {exc.message}",
                    Position(rel, exc.line or 1),
                    model=model_of_file(rel),
                )
            )
    return tuple(contracts), tuple(issues), CONTRACTS_DIR


def parse_contract(text: str, path: str, store: Store | None = None) -> Contract:
    """A contract from its YAML text; `ContractError` (file, line, field) when invalid.
    `store` remembers documents that passed the ODCS schema (steward.cache)."""
    data = parse_yaml(text, path)
    if not isinstance(data, LineDict):
        raise ContractError("a contract is a YAML mapping (ODCS v3)", path=path, line=1)
    return to_contract(data, path, validate(data, path, store))
