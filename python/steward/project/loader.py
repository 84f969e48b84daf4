"""`load_project`: read a dbt project's files into one frozen `Project`.

The order is dbt's: the project file and packages, the registry, macros, yml properties,
then the nodes (config cascade, yml, owner), the load-time checks and the contracts.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from steward.errors import UserError
from steward.project import load_checks, snapshot
from steward.project.cascade import check_tree_keys
from steward.project.contracts import read_contracts
from steward.project.dbt_project import (
    missing_packages,
    package_macro_paths,
    package_test_paths,
    read_dbt_project,
    read_packages,
)
from steward.project.macros import internal_macro_files, read_macro_files
from steward.project.model import MacroFile, MissingPackage, Position, Project
from steward.project.nodes import NodeCollector, files_under
from steward.project.ownership import with_exposure_team, with_source_team
from steward.project.properties import PropertiesIndex, fold_unknown_keys, load_properties
from steward.project.registry import EXCEPTIONS_PATH, read_exceptions, read_registry
from steward.project.yamlio import LineDict

TEXT_FILES = ("dbt_project.yml", "platform/teams.yml", EXCEPTIONS_PATH, ".github/CODEOWNERS")
"""Project files whose text steward keeps, to point at lines in them."""


def find_project_root(path: Path) -> Path:
    """The folder holding `dbt_project.yml`: `path` itself or its nearest parent."""
    start = path.resolve()
    if start.is_file():
        start = start.parent
    for candidate in (start, *start.parents):
        if (candidate / "dbt_project.yml").is_file():
            return candidate
    raise UserError("no dbt_project.yml here or in any parent folder", path=str(path))


def load_project(path: Path | str) -> Project:
    """Read the dbt project at `path` (or above it) into a frozen `Project`; from its
    snapshot when none of the files it was read from changed (`steward.project.snapshot`)."""
    return snapshot.load(find_project_root(Path(path)), read_project)


def read_project(root: Path) -> Project:
    """Read the dbt project whose `dbt_project.yml` is in `root`, every file of it."""
    from steward.config.load import read_platform_config  # it builds on the project model

    dbt_project, raw, issues = read_dbt_project(root)
    name = dbt_project.name
    packages = read_packages(root)
    registry, registry_issues = read_registry(root)
    exceptions, exception_issues = read_exceptions(root)
    issues.extend(registry_issues)
    issues.extend(exception_issues)

    # generic tests are macros too: in the macro paths and in `generic/` of the test paths
    macro_files: list[MacroFile] = []
    for folder in (*dbt_project.macro_paths, *(f"{t}/generic" for t in dbt_project.test_paths)):
        macro_files.extend(read_macro_files(root / folder, root, name))
    for package, directory in packages:
        folders = (
            *package_macro_paths(directory),
            *(f"{t}/generic" for t in package_test_paths(directory)),
        )
        for folder in folders:
            macro_files.extend(read_macro_files(directory / folder, root, package.name))
    macro_files.extend(internal_macro_files())

    texts = {
        rel: (root / rel).read_text(encoding="utf-8")
        for rel in TEXT_FILES
        if (root / rel).is_file()
    }
    platform_config = read_platform_config(root, registry, texts)
    index = PropertiesIndex()
    yml_files: list[str] = []
    yml_folders = (
        *dbt_project.model_paths,
        *dbt_project.seed_paths,
        *dbt_project.snapshot_paths,
        *dbt_project.macro_paths,
    )
    for file in files_under(root, tuple(dict.fromkeys(yml_folders)), (".yml", ".yaml")):
        rel = file.relative_to(root).as_posix()
        yml_files.append(rel)
        load_properties(file, rel, index, name, texts)
    for section in ("models", "seeds", "snapshots", "data_tests"):
        tree = raw.get(section)
        if isinstance(tree, LineDict):
            check_tree_keys(tree, section, issues)

    collector = NodeCollector(root, dbt_project, raw, index, registry, issues)
    collector.collect(packages, yml_files, texts)
    nodes = collector.nodes
    issues.extend(load_checks.described_but_missing(index, nodes, collector.disabled))
    issues.extend(index.issues)
    missing = missing_packages(root, packages)
    missing_tests: dict[str, list[Position]] = {name: [] for name, _ in missing}
    issues.extend(load_checks.unknown_tests(index, macro_files, missing_tests))
    issues.extend(
        load_checks.unused_config_paths(collector.cascades, name, (n for n, _ in missing))
    )
    issues = fold_unknown_keys(issues)

    contracts, contract_issues, contracts_dir = read_contracts(root, texts)
    return Project(
        root=root,
        dbt_project=dbt_project,
        nodes=MappingProxyType(nodes),
        sources=MappingProxyType(
            {s.unique_id: with_source_team(s, registry) for s in index.sources}
        ),
        exposures=tuple(with_exposure_team(e, registry) for e in index.exposures),
        groups=tuple(index.groups),
        macro_files=tuple(macro_files),
        packages=tuple(p for p, _ in packages),
        registry=registry,
        exceptions=exceptions,
        exceptions_path=EXCEPTIONS_PATH if exceptions else None,
        issues=tuple(issues),
        yml_files=tuple(yml_files),
        texts=MappingProxyType(texts),
        contracts=contracts,
        contract_issues=contract_issues,
        contracts_dir=contracts_dir,
        platform_config=platform_config,
        disabled=MappingProxyType(collector.disabled),
        missing_packages=tuple(
            MissingPackage(name, position, tuple(missing_tests[name])) for name, position in missing
        ),
    )
