"""GeoReport v2's two formats: JSON as the specification's examples, XML with its element names
(``<service_requests><request>…``, ``<errors><error>…``), well-formed whatever the text holds."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from flask import Response

FORMATS = ("json", "xml")
MIMETYPES = {"json": "application/json", "xml": "text/xml"}
# A list field's element and the element of each of its items.
ITEMS = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}
# Characters XML 1.0 does not allow, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, sub in value.items():
            _fill(element, key, sub)
    elif isinstance(value, list):
        for item in value:
            _fill(element, ITEMS.get(name, "item"), item)
    else:
        element.text = _text(value)


def to_xml(root: str, item: str | None, body: Any) -> bytes:
    """``body``: a list of dicts (each an ``item`` element) or one dict (the root's children)."""
    element = ET.Element(root)
    if isinstance(body, list):
        for entry in body:
            _fill(element, item or "item", entry)
    else:
        for key, value in body.items():
            _fill(element, key, value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, root: str, item: str | None, body: Any, status: int = 200) -> Response:
    data = to_xml(root, item, body) if fmt == "xml" else json.dumps(body, ensure_ascii=False).encode("utf-8")
    return Response(data, status=status, mimetype=MIMETYPES[fmt], content_type=f"{MIMETYPES[fmt]}; charset=utf-8")


def errors(fmt: str, status: int, description: str) -> Response:
    """The specification's error list: ``[{"code": 404, "description": "…"}]`` / ``<errors><error>…``."""
    return respond(fmt, "errors", "error", [{"code": status, "description": description}], status)
