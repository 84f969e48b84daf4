"""The namespace scheme, said once: `<prefix><layer>_<team>`, the prefix `<env>_` (none in
production), the layers and the landing namespace of a team.

`macros/namespaces/` derive the same names inside dbt; `Registry.namespaces` and
`Registry.owner_of` answer every "who may write where" question from them.
"""

from __future__ import annotations

LAYERS = ("bronze", "silver", "gold", "ops")
"""The layers a project without a registry has (a registry names its teams' own)."""
LANDING = "landing"
"""The namespace `landing_<team>` holds the views a team's run stages over its landed files."""
PROD = "prod"


def env_prefix(env: str) -> str:
    """`dev_` for `dev`; production relations carry no prefix."""
    env = env.lower()
    return "" if env == PROD else f"{env}_"


def namespace(layer: str, team: str, env: str = PROD) -> str:
    return f"{env_prefix(env)}{layer}_{team}"


def schema_of(name: str) -> str:
    """The schema of `schema`, `schema.table` or `catalog.schema.table` (lower case, no
    backquotes); a one-part name is taken as a schema."""
    parts = [part.strip().strip("`").lower() for part in name.split(".")]
    if len(parts) >= 3:
        return parts[-2]
    return parts[0]
