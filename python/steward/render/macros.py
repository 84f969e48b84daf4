"""Macros as templates call them: `dbt_utils.star` (a package's namespace) and one macro
of a project, package or dbt, compiled when first called."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from steward.project.model import MacroFile
from steward.render.jinja_env import MACRO_PREFIX, CompilerError, MacroReturn, UnresolvedMacro

if TYPE_CHECKING:
    from steward.render.renderer import Renderer


class Namespace:
    """`dbt_utils.star` and friends: a package's macros as attributes."""

    is_macro_namespace = True

    def __init__(self, name: str, macros: Mapping[str, Any]) -> None:
        self._name = name
        self._macros = macros

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._macros[name]
        except KeyError:
            raise UnresolvedMacro(f"{self._name}.{name}") from None

    def __getitem__(self, name: str) -> Any:
        return self.__getattr__(name)

    def __contains__(self, name: str) -> bool:
        return name in self._macros


class Macro:
    """A project, package or dbt macro, callable from any template."""

    __slots__ = ("file", "name", "package", "renderer")

    def __init__(self, renderer: Renderer, file: MacroFile, name: str, package: str) -> None:
        self.renderer = renderer
        self.file = file
        self.name = name
        self.package = package

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        session = self.renderer.session
        if session is None:  # pragma: no cover - macros only run inside a session
            raise CompilerError(f"macro {self.name} called outside a render")
        module = self.renderer.contexts.module(self.file, self.package)
        macro = getattr(module, f"{MACRO_PREFIX}{self.name}", None)
        if macro is None:
            raise UnresolvedMacro(self.name)
        if not self.file.internal:
            session.macros.add(self.file.path)
        try:
            return macro(*args, **kwargs)
        except MacroReturn as returned:
            return returned.value
