"""Keep credentials out of the project database.

The Project has no field for an API key, but chat messages carry free-form ``extras`` (and pins carry
whatever a passage dict holds), so a careless caller could put one there. Every save passes through
``strip_secrets``: any mapping entry whose *name* looks like a credential is dropped, at any depth.
We match names, not values, so the writer's own text is never altered.
"""

from __future__ import annotations

import re
from typing import Any

# normalised key (lower case, "-"/space/"." -> "_") containing one of these is treated as a credential;
# "prompt_tokens" / "max_tokens" deliberately do not match
_SECRET_KEY = re.compile(
    r"(api_?key|apikey|secret(?!ar)|password|passwd|passphrase|access_?token|refresh_?token|auth_?token|"
    r"id_?token|session_?token|bearer|authorization|private_?key|credential)"
)


def is_secret_key(key: object) -> bool:
    if not isinstance(key, str):
        return False
    normalised = re.sub(r"[\s\-.]+", "_", key.strip().lower())
    return bool(_SECRET_KEY.search(normalised))


def strip_secrets(value: Any) -> tuple[Any, list[str]]:
    """A copy of ``value`` without credential-looking entries, and the dotted paths that were removed."""
    removed: list[str] = []

    def walk(node: Any, path: str) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, child in node.items():
                child_path = f"{path}.{key}" if path else str(key)
                if is_secret_key(key):
                    removed.append(child_path)
                    continue
                out[key] = walk(child, child_path)
            return out
        if isinstance(node, (list, tuple)):
            return [walk(child, f"{path}[{i}]") for i, child in enumerate(node)]
        return node

    return walk(value, ""), removed
