"""Rendering dbt Jinja to Spark SQL without a warehouse."""

from __future__ import annotations

from steward.render.model import (
    RefCall,
    RenderedNode,
    RenderedProject,
    RenderedSql,
    RenderProblem,
    Target,
)
from steward.render.renderer import Renderer, render_project
from steward.render.stubs import JinjaRelation

__all__ = [
    "JinjaRelation",
    "RefCall",
    "RenderProblem",
    "RenderedNode",
    "RenderedProject",
    "RenderedSql",
    "Renderer",
    "Target",
    "render_project",
]
