"""A node's `config()` calls: read from the template's syntax tree when they are
constant, else from a capture render, and merged over the config from yml and
`dbt_project.yml`.

Reading them must be cheap: it runs for every node before any is rendered (the
relations depend on it), so only the Jinja tags that call `config(` are parsed, and a
`{{ config(key=<literal>) }}` tag with Python's parser.
"""

from __future__ import annotations

import ast as pyast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.nodes

from steward.project.config import merge_config
from steward.project.model import Hook, Node, Position
from steward.render.session import Session

if TYPE_CHECKING:
    from steward.render.renderer import Renderer

# a config() call and the line offset of the tag it is in
TagCall = tuple[jinja2.nodes.Call, int]

_CONFIG_CALL = re.compile(r"(?<![\w.])config\s*\(")
_RAW_BLOCK = re.compile(r"\{%-?\s*raw\b")
_EXPRESSION_TAG = re.compile(r"^\{\{-?(.*?)-?\}\}$", re.S)
_JINJA_CONSTANTS = {
    "true": True,
    "false": False,
    "none": None,
    "True": True,
    "False": False,
    "None": None,
}
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)


@dataclass(frozen=True)
class ResolvedConfig:
    """A node's config with every `config()` call applied, where each key was set, and
    its hooks (from yml, `dbt_project.yml` and `config()`)."""

    config: dict[str, Any]
    origins: dict[str, Position]
    pre_hooks: tuple[Hook, ...]
    post_hooks: tuple[Hook, ...]


def resolve_config(renderer: Renderer, node: Node) -> ResolvedConfig:
    config = dict(node.config)
    origins = dict(node.config_origins)
    pre, post = list(node.pre_hooks), list(node.post_hooks)
    if node.language != "sql":
        return ResolvedConfig(config, origins, tuple(pre), tuple(post))
    values, lines, static = renderer.static_config(node)
    if not static:
        session = Session(renderer, node, dict(node.config), capture=True)
        try:
            template = renderer.node_template(node)
        except jinja2.TemplateSyntaxError:
            pass
        else:
            renderer.run(session, template)
        values = {
            k: v for k, v in session.config.items() if k not in node.config or node.config[k] != v
        }
        for key in values:
            lines.setdefault(key, _find_line(node.raw_code, "config(") or 1)
    merge_config(config, values)
    for key in values:
        origins[key] = Position(node.path, lines.get(key, 1))
    for kind, hooks in (("pre-hook", pre), ("post-hook", post)):
        raw = values.get(kind)
        entries = raw if isinstance(raw, list) else ([raw] if raw else [])
        for entry in entries:
            sql = entry.get("sql", "") if isinstance(entry, Mapping) else str(entry)
            hooks.append(Hook(sql, kind, Position(node.path, lines.get(kind, 1))))
    return ResolvedConfig(config, origins, tuple(pre), tuple(post))


def static_config(
    node: Node,
    calls: list[TagCall] | None,
    node_ast: Callable[[Node], jinja2.nodes.Template],
) -> tuple[dict[str, Any], dict[str, int], bool]:
    """The constant `config()` arguments of a node's code, their lines, and whether
    every call was constant.

    `calls` are those of `tag_calls`; when they are None (the tags cannot be cut out
    cleanly) the whole template is parsed instead, with the same result."""
    if calls is None:
        try:
            calls = [(call, 0) for call in node_ast(node).find_all(jinja2.nodes.Call)]
        except jinja2.TemplateSyntaxError:
            return {}, {}, True
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    static = True
    for call, line_offset in calls:
        if not (isinstance(call.node, jinja2.nodes.Name) and call.node.name == "config"):
            continue
        if call.dyn_args is not None or call.dyn_kwargs is not None or call.args:
            static = False
            continue
        for keyword in call.kwargs:
            try:
                value = keyword.value.as_const()
            except jinja2.nodes.Impossible:
                static = False
                continue
            merge_config(values, {keyword.key: value})
            lines[
                keyword.key.replace("_", "-")
                if keyword.key in ("pre_hook", "post_hook")
                else keyword.key
            ] = keyword.lineno + line_offset
    return values, lines, static


def tag_calls(code: str, env: jinja2.Environment) -> list[TagCall] | None:
    """The calls in the Jinja tags of `code` that mention `config(`, each with the line
    offset of its tag; None when the tags cannot be cut out (then parse it all)."""
    if "config" not in code:
        return []
    if _RAW_BLOCK.search(code):
        return None
    text = _JINJA_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), code)
    calls: list[TagCall] = []
    done = -1
    for match in _CONFIG_CALL.finditer(text):
        if match.start() < done:
            continue
        opening = max(text.rfind("{{", 0, match.start()), text.rfind("{%", 0, match.start()))
        if opening < 0:
            continue
        closer = "}}" if text.startswith("{{", opening) else "%}"
        if text.rfind(closer, opening, match.start()) >= 0:
            continue  # the tag closed before: `config(` is plain SQL text
        offset = text.count("\n", 0, opening)
        end = text.find(closer, match.end())
        found = None
        for _attempt in range(8):
            if end < 0:
                return None
            tag = text[opening : end + 2]
            found = _literal_call(tag) or _parse_calls(env, tag)
            if found is not None:
                break
            end = text.find(closer, end + 2)
        if found is None:
            return None
        calls.extend((call, offset) for call in found)
        done = end + 2
    return calls


def _parse_calls(env: jinja2.Environment, tag: str) -> list[jinja2.nodes.Call] | None:
    try:
        return list(env.parse(tag).find_all(jinja2.nodes.Call))
    except jinja2.TemplateSyntaxError:
        return None


def _literal_call(tag: str) -> list[jinja2.nodes.Call] | None:
    """`{{ config(key=<literal>, ...) }}` read with Python's parser (a Jinja parse costs
    ten times more); None for anything else, which Jinja then parses."""
    match = _EXPRESSION_TAG.match(tag)
    if match is None:
        return None
    inner = match.group(1)
    skipped = inner[: len(inner) - len(inner.lstrip())].count("\n")
    try:
        tree = pyast.parse(inner.strip(), mode="eval").body
    except SyntaxError:
        return None
    if not (
        isinstance(tree, pyast.Call)
        and isinstance(tree.func, pyast.Name)
        and tree.func.id == "config"
        and not tree.args
    ):
        return None
    keywords = []
    for keyword in tree.keywords:
        if keyword.arg is None:
            return None
        try:
            value = _literal(keyword.value)
        except ValueError:
            return None
        keywords.append(
            jinja2.nodes.Keyword(
                keyword.arg, jinja2.nodes.Const(value), lineno=keyword.lineno + skipped
            )
        )
    return [jinja2.nodes.Call(jinja2.nodes.Name("config", "load"), [], keywords, None, None)]


def _literal(node: pyast.expr) -> Any:
    if isinstance(node, pyast.Constant) and not isinstance(node.value, bytes):
        return node.value
    if isinstance(node, pyast.Name) and node.id in _JINJA_CONSTANTS:
        return _JINJA_CONSTANTS[node.id]
    if isinstance(node, (pyast.List, pyast.Tuple)):
        return [_literal(item) for item in node.elts]
    if isinstance(node, pyast.Dict) and None not in node.keys:
        return {
            _literal(k): _literal(v)
            for k, v in zip(node.keys, node.values, strict=True)
            if k is not None
        }
    if isinstance(node, pyast.UnaryOp) and isinstance(node.op, pyast.USub):
        value = _literal(node.operand)
        if isinstance(value, (int, float)):
            return -value
    raise ValueError("not a literal")


def _find_line(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None
