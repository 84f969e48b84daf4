"""`steward config show` and `steward config diff` as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from steward.config.model import Resolution, Setting, show_value


def _title(resolution: Resolution, env: str, namespaces: Sequence[str]) -> str:
    who = f"team {resolution.team}" if resolution.team else "the platform (no team)"
    overlay = resolution.env or "none"
    where = f"environment {env}" + (f" (overlay {overlay})" if overlay != env else "")
    ns = f"; writes {', '.join(namespaces)}" if namespaces else ""
    return f"{who}, {where}{ns}"


def _origin(setting: Setting) -> str:
    lock = ", locked" if setting.locked else ""
    return f"{setting.position.path}:{setting.position.line} ({setting.source}{lock})"


def show_text(resolution: Resolution, env: str, namespaces: Sequence[str], explain: bool) -> str:
    rows = [
        (s.key, show_value(s.value), _origin(s) if explain else "") for s in resolution.settings
    ]
    key_width = max(len(key) for key, _, _ in rows)
    value_width = max(len(value) for _, value, _ in rows)
    lines = [_title(resolution, env, namespaces)]
    for key, value, origin in rows:
        line = f"  {key.ljust(key_width)}  {value.ljust(value_width) if origin else value}"
        lines.append(f"{line}  {origin}" if origin else line)
    return "\n".join(lines) + "\n"


def _explained(setting: Setting) -> dict[str, Any]:
    return {
        "file": setting.position.path,
        "line": setting.position.line,
        "layer": setting.source,
        "locked": setting.locked,
    }


def show_json(resolution: Resolution, env: str, namespaces: Sequence[str], explain: bool) -> str:
    payload: dict[str, Any] = {
        "team": resolution.team,
        "env": env,
        "overlay": resolution.env,
        "namespaces": list(namespaces),
        "config": resolution.tree(),
    }
    if explain:
        payload["explain"] = {s.key: _explained(s) for s in resolution.settings}
    return json.dumps(payload, indent=2) + "\n"


def _side(resolution: Resolution) -> str:
    parts = [f"team {resolution.team}" if resolution.team else "", resolution.env or ""]
    return " in ".join(p for p in parts if p) or "defaults"


Change = tuple[str, Setting | None, Setting | None]


def diff_text(a: Resolution, b: Resolution, changes: Sequence[Change]) -> str:
    head = f"{_side(a)} -> {_side(b)}: "
    if not changes:
        return head + "the same configuration\n"
    lines = [head + f"{len(changes)} setting(s) differ"]
    for key, left, right in changes:
        old = show_value(left.value) if left else "(not set)"
        new = show_value(right.value) if right else "(not set)"
        where = " -> ".join(_origin(s) if s else "-" for s in (left, right))
        lines.append(f"  {key}: {old} -> {new}    [{where}]")
    return "\n".join(lines) + "\n"


def diff_json(a: Resolution, b: Resolution, changes: Sequence[Change]) -> str:
    def side(setting: Setting | None) -> dict[str, Any] | None:
        return None if setting is None else {"value": setting.value, **_explained(setting)}

    payload = {
        "from": {"team": a.team, "env": a.env},
        "to": {"team": b.team, "env": b.env},
        "changes": [{"key": k, "from": side(old), "to": side(new)} for k, old, new in changes],
    }
    return json.dumps(payload, indent=2) + "\n"
