"""Reading YAML data files with positions, so errors can name the line and column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file: where it is and what it is."""

    file: str
    line: int | None
    column: int | None
    record: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        parts = [where]
        if self.record:
            parts.append(f"record {self.record}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ": ".join([*parts, self.message])


class DataFileError(Exception):
    """Raised when data files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit timestamps: dates stay text for the schemas to check."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

Loc = tuple[int | str, ...]
M = TypeVar("M", bound=BaseModel)


class YamlDoc:
    """A parsed YAML file that can point at the line and column of any path in it."""

    def __init__(self, path: Path, root: Path) -> None:
        self.name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        content = path.read_bytes()
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = content[: exc.start].decode("utf-8")
            line, column = _line_column(before, len(before))
            raise DataFileError(
                [Problem(self.name, line, column, None, None, "not UTF-8 text")]
            ) from exc
        try:
            self.node = yaml.compose(text, Loader=_Loader)
            self.data: Any = yaml.load(text, Loader=_Loader)
        except yaml.reader.ReaderError as exc:
            line, column = _line_column(text, exc.position)
            message = f"not valid YAML: unacceptable character #x{exc.character:04x}"
            raise DataFileError([Problem(self.name, line, column, None, None, message)]) from exc
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            raise DataFileError(
                [
                    Problem(
                        self.name,
                        mark.line + 1 if mark else None,
                        mark.column + 1 if mark else None,
                        None,
                        None,
                        f"not valid YAML: {exc.problem}",
                    )
                ]
            ) from exc

    def position(self, loc: Loc) -> tuple[int | None, int | None]:
        """1-based line and column of the deepest node on `loc` that exists."""
        node = self.node
        for key in loc:
            child = None
            if isinstance(node, yaml.MappingNode):
                child = next((v for k, v in node.value if k.value == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                child = node.value[key] if key < len(node.value) else None
            if child is None:
                break
            node = child
        if node is None:
            return None, None
        return node.start_mark.line + 1, node.start_mark.column + 1

    def problem(self, loc: Loc, message: str, record: str | None = None) -> Problem:
        """A problem at `loc` in this file, naming the record and the field."""
        line, column = self.position(loc)
        field = ".".join(str(p) for p in loc if isinstance(p, str)) or None
        return Problem(self.name, line, column, record or self.record_name(loc), field, message)

    def record_name(self, loc: Loc) -> str | None:
        """Name a record by its list and index ("stockpiles[2]"), plus its key if it has one."""
        value: Any = self.data
        for depth, part in enumerate(loc):
            if isinstance(part, int):
                path = "".join(
                    f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[: depth + 1]
                )
                record = value[part] if isinstance(value, list) and part < len(value) else None
                key = None
                if isinstance(record, dict):
                    key = record.get("id") or record.get("symbol") or record.get("resolution")
                return f"{path.lstrip('.')} ({key})" if key else path.lstrip(".")
            value = value.get(part) if isinstance(value, dict) else None
        return None

    def validate(self, model: type[M], data: Any = None) -> M:
        """Validate the file (or `data` taken from it) against a schema; problems name lines."""
        try:
            return model.model_validate(self.data if data is None else data)
        except ValidationError as exc:
            raise DataFileError(
                [self.problem(tuple(err["loc"]), err["msg"]) for err in exc.errors()]
            ) from exc
