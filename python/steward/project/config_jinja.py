"""Jinja in config values, rendered as dbt renders `dbt_project.yml` and yml configs at
load: `+schema: "{%- if var('x') -%}..."`, `+enabled: "{{ var('on', false) | as_bool }}"`.

The context is dbt's load-time one (`var`, `env_var`, `target`); hooks are not rendered
here (dbt renders them at run time), nor is anything without `{{` or `{%`.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from typing import Any

import jinja2
import jinja2.sandbox

from steward.project.config import HOOK_KEYS

# `enabled=false` as an argument of its own (not inside a hook's text: `.enabled = false`)
_CONFIG_CALL_DISABLED = re.compile(
    r"\bconfig\s*\(\s*(?:(?:[^()]|\([^()]*\))*?,\s*)?enabled\s*=\s*(?:false|False)\b",
    re.DOTALL,
)
LOAD_TARGET = {"name": "prod", "target_name": "prod", "schema": "prod", "type": "spark"}
"""The target config values render for at load: lint's default (production)."""


class _Missing(jinja2.Undefined):
    def __str__(self) -> str:
        return ""


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.sandbox.SandboxedEnvironment(
        extensions=["jinja2.ext.do"], undefined=_Missing, cache_size=0
    )
    identity = lambda value: value  # noqa: E731
    env.filters.update(dict.fromkeys(("as_bool", "as_text", "as_native", "as_number"), identity))
    return env


def _native(text: str) -> Any:
    """`"False"` rendered from `{{ var('x', false) }}` is the boolean, as dbt's
    native rendering makes it."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null", ""):
        return None
    return text.strip()


ENV_READ: set[str] = set()
"""The environment variables a load's Jinja read (its snapshot depends on their values)."""


def _env_var(name: str, default: Any = None) -> Any:
    ENV_READ.add(name)
    return os.environ.get(name, "" if default is None else default)


def render_value(value: Any, variables: Mapping[str, Any]) -> Any:
    """`value` with its Jinja rendered (strings, and the strings in lists and mappings)."""
    if isinstance(value, str):
        if "{{" not in value and "{%" not in value:
            return value
        context = {
            "var": lambda name, default=None: variables.get(name, default),
            "env_var": _env_var,
            "target": LOAD_TARGET,
        }
        try:
            return _native(_environment().from_string(value).render(context))
        except jinja2.TemplateError:
            return value
    if isinstance(value, list):
        return [render_value(v, variables) for v in value]
    if isinstance(value, Mapping):
        return {k: render_value(v, variables) for k, v in value.items()}
    return value


def render_config(config: dict[str, Any], variables: Mapping[str, Any]) -> None:
    """Render, in place, the Jinja of each config value but the hooks'."""
    for key, value in config.items():
        if key not in HOOK_KEYS:
            config[key] = render_value(value, variables)


def disabled_in_code(code: str) -> bool:
    """A model's own `{{ config(enabled=false) }}` (constant: dbt reads it at parse)."""
    return "enabled" in code and _CONFIG_CALL_DISABLED.search(code) is not None


def is_disabled(config: Mapping[str, Any], code: str) -> bool:
    enabled = config.get("enabled")
    if isinstance(enabled, str):
        enabled = _native(enabled)
    return enabled is False or disabled_in_code(code)
