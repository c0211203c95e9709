"""Turning `sarif_om` objects into JSON-ready dicts, quickly.

`sarif_om` describes every SARIF 2.1.0 object as an attrs class whose fields carry their JSON
name in ``metadata["schema_property_name"]``. One small function per class is compiled on first
use; it copies each field that differs from the spec's default, as SARIF asks (§3.7.1: a
property equal to its default may be omitted).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attr

_SERIALIZERS: dict[type, Callable[[Any], dict[str, Any]]] = {}


def to_json(value: Any) -> Any:
    """Return `value` (a sarif_om object, or lists and dicts of them) as plain JSON data."""
    kind = type(value)
    if kind in (str, int, float, bool) or value is None:
        return value
    if kind is list or kind is tuple:
        return [to_json(item) for item in value]
    if kind is dict:
        return {key: to_json(item) for key, item in value.items()}
    serializer = _SERIALIZERS.get(kind)
    if serializer is None:
        serializer = _SERIALIZERS[kind] = _compile(kind)
    return serializer(value)


def _compile(cls: type) -> Callable[[Any], dict[str, Any]]:
    """Return a function that copies the non-default fields of a `cls` instance into a dict."""
    if not attr.has(cls):
        raise TypeError(f"cannot write {cls.__name__} as SARIF")
    namespace: dict[str, Any] = {"to_json": to_json}
    lines = ["def serialize(obj):", "    out = {}"]
    for index, field in enumerate(attr.fields(cls)):
        json_name = field.metadata.get("schema_property_name", field.name)
        namespace[f"default_{index}"] = field.default
        lines.append(f"    value = obj.{field.name}")
        if field.default is attr.NOTHING:
            lines.append(f"    out[{json_name!r}] = to_json(value)")
        else:
            lines.append(f"    if value is not None and value != default_{index}:")
            lines.append(f"        out[{json_name!r}] = to_json(value)")
    lines.append("    return out")
    exec("\n".join(lines), namespace)  # noqa: S102 - code built from attrs field names only
    serializer: Callable[[Any], dict[str, Any]] = namespace["serialize"]
    return serializer
