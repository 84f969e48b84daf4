"""The Jinja environment dbt models and macros are rendered in.

A sandboxed environment with dbt's tags (`materialization`, `test`, `docs`) and
filters, and an `Undefined` that names what is missing: calling `dbt_utils.star()`
when `dbt_utils` is not installed raises `UnresolvedMacro("dbt_utils.star")`.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

import jinja2
import jinja2.ext
import jinja2.nodes
import jinja2.sandbox
from jinja2.parser import Parser


class UnresolvedMacro(Exception):
    """A name that is called but is neither a macro nor a builtin."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class CompilerError(Exception):
    """`exceptions.raise_compiler_error(...)` was called, or a dbt builtin failed."""


class MacroReturn(Exception):
    """`{{ return(value) }}` inside a macro."""

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value


class Missing(jinja2.Undefined):
    """Undefined that keeps the dotted name, is falsy and empty, and fails when called."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return Missing(name=f"{self._undefined_name}.{name}")

    def __getitem__(self, key: Any) -> Any:
        return Missing(name=f"{self._undefined_name}[{key!r}]")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise UnresolvedMacro(str(self._undefined_name))


def _macro_like(parser: Parser, name: str, end: str, with_signature: bool) -> jinja2.nodes.Macro:
    node = jinja2.nodes.Macro(lineno=next(parser.stream).lineno)
    target = parser.parse_assign_target(name_only=True).name
    node.args = []
    node.defaults = []
    if with_signature:
        parser.parse_signature(node)
    else:
        while parser.stream.skip_if("comma"):
            parser.parse_assign_target(name_only=True)
            if parser.stream.skip_if("assign"):
                parser.parse_expression()
    node.name = f"{MACRO_PREFIX}{name}{target}"
    node.body = parser.parse_statements((f"name:{end}",), drop_needle=True)
    return node


class MaterializationExtension(jinja2.ext.Extension):
    tags = {"materialization"}  # noqa: RUF012 - jinja's own type

    def parse(self, parser: Parser) -> jinja2.nodes.Node:
        return _macro_like(parser, "materialization_", "endmaterialization", False)


class TestExtension(jinja2.ext.Extension):
    tags = {"test"}  # noqa: RUF012 - jinja's own type

    def parse(self, parser: Parser) -> jinja2.nodes.Node:
        return _macro_like(parser, "test_", "endtest", True)


class DocsExtension(jinja2.ext.Extension):
    tags = {"docs"}  # noqa: RUF012 - jinja's own type

    def parse(self, parser: Parser) -> jinja2.nodes.Node:
        return _macro_like(parser, "docs_", "enddocs", False)


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


MACRO_PREFIX = "steward_macro__"


class _MacroParser(Parser):
    """Renames `{% macro foo %}` to `steward_macro__foo` (as dbt does), so a call to `foo()`
    from a sibling macro of the same file goes through the context like any other call,
    and `return()` is caught at that call, not at the outer macro."""

    def parse_macro(self) -> jinja2.nodes.Macro:
        node = super().parse_macro()
        node.name = f"{MACRO_PREFIX}{node.name}"
        return node


class _Environment(jinja2.sandbox.SandboxedEnvironment):
    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # `dbt_utils._is_relation`: a package's macro whose name starts with `_` is
        # reachable through its namespace, as in dbt
        if getattr(type(obj), "is_macro_namespace", False) and not attr.startswith("__"):
            return True
        return bool(super().is_safe_attribute(obj, attr, value))

    def _parse(self, source: str, name: str | None, filename: str | None) -> jinja2.nodes.Template:
        return _MacroParser(self, source, name, filename).parse()


def make_environment() -> jinja2.Environment:
    env = _Environment(
        extensions=[
            "jinja2.ext.do",
            "jinja2.ext.loopcontrols",
            MaterializationExtension,
            TestExtension,
            DocsExtension,
        ],
        undefined=Missing,
        cache_size=0,
        # constant folding at compile time costs more than it saves on a template that
        # is rendered twice
        optimized=False,
    )
    identity = lambda value: value  # noqa: E731
    env.filters.update(
        {
            "as_text": identity,
            "as_bool": identity,
            "as_native": identity,
            "as_number": identity,
            "is_list": _is_list,
        }
    )
    return env


def template_position(frame: FrameType | None = None) -> list[tuple[str, int]]:
    """(template filename, line) of every Jinja frame on the stack, innermost first."""
    positions: list[tuple[str, int]] = []
    frame = frame or sys._getframe(1)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            positions.append(
                (template.filename or "", template.get_corresponding_lineno(frame.f_lineno))
            )
        frame = frame.f_back
    return positions


def traceback_positions(exc: BaseException) -> list[tuple[str, int]]:
    """(template filename, line) of the Jinja frames of an exception, innermost first."""
    positions: list[tuple[str, int]] = []
    tb = exc.__traceback__
    while tb is not None:
        frame_globals = tb.tb_frame.f_globals
        template = frame_globals.get("__jinja_template__")
        if template is not None:
            positions.append(
                (template.filename or "", template.get_corresponding_lineno(tb.tb_lineno))
            )
        elif "__jinja_exception__" in frame_globals:
            positions.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    positions.reverse()
    return positions
