"""The project model: the only part of steward that reads a dbt project's files."""

from __future__ import annotations

from steward.project.loader import find_project_root, load_project
from steward.project.model import (
    Column,
    DbtProjectFile,
    Exposure,
    Group,
    Hook,
    LoadIssue,
    MacroFile,
    Node,
    Package,
    Position,
    Project,
    Properties,
    Registry,
    RuleException,
    SourceTable,
    Team,
)

__all__ = [
    "Column",
    "DbtProjectFile",
    "Exposure",
    "Group",
    "Hook",
    "LoadIssue",
    "MacroFile",
    "Node",
    "Package",
    "Position",
    "Project",
    "Properties",
    "Registry",
    "RuleException",
    "SourceTable",
    "Team",
    "find_project_root",
    "load_project",
]
