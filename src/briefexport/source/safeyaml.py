"""The one YAML loader for untrusted files (front matter, CSL YAML bibliographies)."""

from __future__ import annotations

import yaml

MAX_YAML_DEPTH = 10


class BoundedLoader(yaml.SafeLoader):
    """YAML's safe loader, but dates stay text so a bad date is reported at its line; aliases
    (the "billion laughs"), tags and nesting deeper than :data:`MAX_YAML_DEPTH` are refused."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in the stubs
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            problem, hint = f"found an alias (*{event.anchor})", "write the value out in full"
        elif getattr(event, "tag", None) is not None:
            problem, hint = (
                f"found a tag ({event.tag})",
                "YAML tags are not allowed; write a plain value",
            )
        elif self.depth >= MAX_YAML_DEPTH:
            problem, hint = f"nested more than {MAX_YAML_DEPTH} levels deep", "flatten it"
        else:
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1
        raise yaml.composer.ComposerError(hint, None, problem, mark)


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(node.value)


BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
