"""The front matter: the ``---`` delimited YAML split from the body and parsed safely, with the
file line of every key and list item."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from briefexport.errors import SourceError
from briefexport.source.safeyaml import BoundedLoader

MAX_FRONT_MATTER = 50_000


@dataclass(frozen=True)
class FrontMatter:
    """The YAML text of the front matter and where it starts in the file."""

    text: str
    first_line: int
    body: str
    body_first_line: int


def split_front_matter(path: Path, text: str) -> FrontMatter:
    """Split ``---`` delimited YAML from the Markdown body."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise SourceError(
            path,
            1,
            "no front matter",
            "start the file with a '---' line, then title, date and author, then '---'",
        )
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return FrontMatter(
                "\n".join(lines[1:index]), 2, "\n".join(lines[index + 1 :]), index + 2
            )
    raise SourceError(path, 1, "the front matter is never closed", "add a '---' line after it")


def load_yaml(path: Path, front: FrontMatter) -> tuple[dict[str, Any], dict[tuple[str, ...], int]]:
    """Parse the front matter; return the mapping and the file line of every key path."""
    if len(front.text) > MAX_FRONT_MATTER:
        raise SourceError(
            path,
            front.first_line,
            f"the front matter is {len(front.text):,} characters, over {MAX_FRONT_MATTER:,}",
            "move long text into the body",
        )
    try:
        loader = BoundedLoader(front.text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = front.first_line + (front.text.count("\n", 0, mark.index) if mark else 0)
        problem = exc.problem or "malformed YAML"
        hint = f"{exc.context}" if exc.context else "check indentation, colons and quotes"
        raise SourceError(path, line, f"invalid YAML: {problem}", hint) from None
    except yaml.reader.ReaderError as exc:
        line = front.first_line + front.text.count("\n", 0, exc.position)
        problem = f"a control character (U+{exc.character:04X})"
        raise SourceError(path, line, f"invalid YAML: {problem}", "remove it") from None
    except yaml.YAMLError as exc:
        raise SourceError(
            path, front.first_line, f"invalid YAML: {exc}", "check the front matter"
        ) from None
    except ValueError:
        raise SourceError(
            path, front.first_line, "invalid YAML: a number too long to read", "quote it"
        ) from None
    if not isinstance(data, dict):
        raise SourceError(
            path,
            front.first_line,
            "the front matter is not a mapping of keys",
            "write 'key: value' lines such as 'title: ...'",
        )
    lines: dict[tuple[str, ...], int] = {}
    if node is not None:
        _record_lines(path, node, (), Lines(front.text, front.first_line), lines)
    return data, lines


@dataclass(frozen=True)
class Lines:
    """File lines of positions in the front matter, counting only the line feeds the file
    has (YAML also counts U+2028, U+2029 and U+0085, which would shift every later line)."""

    text: str
    first_line: int

    def of(self, mark: yaml.Mark) -> int:
        return self.first_line + self.text.count("\n", 0, mark.index)


def _record_lines(
    path: Path,
    node: yaml.Node,
    prefix: tuple[str, ...],
    where_in: Lines,
    lines: dict[tuple[str, ...], int],
) -> None:
    lines[prefix] = where_in.of(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            where = (*prefix, str(key.value))
            if where in lines:
                raise SourceError(
                    path,
                    where_in.of(key.start_mark),
                    f"duplicate key '{'.'.join(where)}'",
                    f"it is also on line {lines[where]}; keep one",
                )
            _record_lines(path, value, where, where_in, lines)
            lines[where] = where_in.of(key.start_mark)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(path, item, (*prefix, str(index)), where_in, lines)
