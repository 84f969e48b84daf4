"""A contract file as an ODCS v3 document: validated against the standard (its JSON
schema, then its pydantic model, both from `open-data-contract-standard`), with errors
that point at the field and its line in the YAML."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from steward.cache import Store, key_of
from steward.project.contract_model import ContractError
from steward.project.model import Position
from steward.project.yamlio import LineDict, LineList


@dataclass(frozen=True)
class ContractYaml:
    """A contract file's YAML, whose mappings and lists know their lines, and its path:
    what an error about one of its fields points at."""

    data: LineDict
    path: str

    def fail(self, where: list[Any], message: str) -> ContractError:
        return ContractError(
            f"`{dotted(where)}`: {message}", path=self.path, line=line_at(self.data, where)
        )

    def position(self, where: list[Any]) -> Position:
        return Position(self.path, line_at(self.data, where))


def plain(value: Any) -> Any:
    """YAML values as JSON has them (dates as ISO strings), for the ODCS validators."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def dotted(path: Iterable[Any]) -> str:
    """A field's path as ODCS users write it: `schema[0].properties[2].name`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def line_at(data: Any, path: Iterable[Any]) -> int:
    """The line of the field at `path`, or of the nearest enclosing one that exists."""
    line = getattr(data, "line", 1) or 1
    node = data
    for part in path:
        if isinstance(node, LineDict) and part in node:
            line = node.key_line(part)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            line = node.item_line(part)
            node = node[part]
        else:
            break
    return line


def validate(data: LineDict, path: str, store: Store | None = None) -> Any:
    """The ODCS package's pydantic model of the contract; `ContractError` when `data` is
    not valid ODCS v3. With a `store`, a document the JSON schema passed once (the same
    content, the same version of the standard's package) is not checked against it again:
    that check is most of a contract's load time (about 45 ms each)."""
    key = None
    if store is not None:
        document = json.dumps(plain(data), sort_keys=True, default=str)
        key = key_of(_standard_version(), document)
        if store.get("odcs-valid", key) is True:
            return _validate_model(data, path)
    _validate_schema(data, path)
    if store is not None and key is not None:
        store.put("odcs-valid", key, True)
    return _validate_model(data, path)


@functools.lru_cache(maxsize=1)
def _standard_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("open-data-contract-standard")
    except PackageNotFoundError:  # pragma: no cover - a dependency
        return "unknown"


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    import importlib.resources

    import jsonschema

    # the JSON schema the package ships (its `json_schema()` uses a deprecated API)
    text = (
        importlib.resources.files("open_data_contract_standard")
        .joinpath("schema.json")
        .read_text(encoding="utf-8")
    )
    schema = json.loads(text)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def _validate_schema(data: LineDict, path: str) -> None:
    import jsonschema

    errors = list(_validator().iter_errors(plain(data)))
    if not errors:
        return
    error = jsonschema.exceptions.best_match(errors)
    where = list(error.absolute_path)
    unexpected = re.search(r"\('([^']+)' was unexpected\)", error.message)
    if unexpected:
        where.append(unexpected.group(1))
        message = f"`{dotted(where)}` is not a field of ODCS v3 (a typo?)"
    else:
        message = f"`{dotted(where)}`: {error.message}"
    raise ContractError(message, path=path, line=line_at(data, where))


def _validate_model(data: LineDict, path: str) -> Any:
    import pydantic
    from open_data_contract_standard.model import OpenDataContractStandard

    try:
        return OpenDataContractStandard.model_validate(plain(data))
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = [p for p in first["loc"] if isinstance(p, (str, int))]
        raise ContractError(
            f"`{dotted(where)}`: {first['msg']}", path=path, line=line_at(data, where)
        ) from None
