"""Layered configuration: platform defaults, team overrides, environment overlays, locked
keys, and the dbt folder config generated from them (see the README, "Layered
configuration")."""

from __future__ import annotations

from steward.config.envs import config_env, developer_env, namespace_env
from steward.config.model import (
    CONFIG_DIR,
    DEFAULTS_PATH,
    ConfigLayer,
    Leaf,
    Lock,
    PlatformConfig,
    Resolution,
    Setting,
)
from steward.config.resolve import changed, resolve, resolve_for

__all__ = [
    "CONFIG_DIR",
    "DEFAULTS_PATH",
    "ConfigLayer",
    "Leaf",
    "Lock",
    "PlatformConfig",
    "Resolution",
    "Setting",
    "changed",
    "config_env",
    "developer_env",
    "namespace_env",
    "resolve",
    "resolve_for",
]
