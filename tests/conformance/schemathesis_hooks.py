"""Schemathesis hooks for `cargo xtask conformance schemathesis`, loaded through
`SCHEMATHESIS_HOOKS`. Each leaves out cases whose bytes on the wire do not say what Schemathesis
meant, so the server cannot answer them "right".

Waldur's `o` and `field` are lists: `o=` is the empty list when Schemathesis means a valid case
and a list holding "" when it means an invalid one. The same bytes cannot be both, so a list
holding an empty item is not generated.

A deepObject map of strings (GraalSystems' `params`) travels as `params[key]=value` text, so a
value Schemathesis generates as `null`, a boolean or a number to break the schema arrives as its
text (`null`, `false`, `5`): a valid string, which the server is right to accept. Such a case
cannot break the schema on the wire, so it is not generated. (The hook sees values already as
text, so any text that spells a JSON literal is left out, in valid cases too.)

An integer schema with no `format` is read by the generator as `int64` (an `i64` in Rust; see the
README's "What the generated code looks like"). Schemathesis would otherwise draw integers of any
size for it, so `before_load_schema` writes that reading into the schema it fuzzes: Schemathesis
turns `format: int64` into bounds, draws valid values inside them, and sends values past them as
invalid cases, which the server must refuse. Every check runs; nothing is left out.
"""

import json

import schemathesis


def spells_a_json_literal(text):
    try:
        return not isinstance(json.loads(text), (str, list, dict))
    except (TypeError, ValueError):
        return False


# Keys whose values are data, not schemas: an example object may well hold `"type": "integer"`.
NOT_SCHEMAS = ("example", "examples", "default", "enum", "const")


def read_unformatted_integers_as_int64(node):
    if isinstance(node, list):
        for item in node:
            read_unformatted_integers_as_int64(item)
    elif isinstance(node, dict):
        kind = node.get("type")
        is_integer = kind == "integer" or (isinstance(kind, list) and "integer" in kind)
        if is_integer and "format" not in node:
            node["format"] = "int64"
        for key, value in node.items():
            if key not in NOT_SCHEMAS:
                read_unformatted_integers_as_int64(value)


@schemathesis.hook
def before_load_schema(context, raw_schema):
    read_unformatted_integers_as_int64(raw_schema)


@schemathesis.hook
def filter_query(context, query):
    for key, value in (query or {}).items():
        if key in ("o", "field"):
            items = value if isinstance(value, list) else [value]
            if any(item == "" for item in items):
                return False
        if key.startswith("params[") and (not isinstance(value, str) or spells_a_json_literal(value)):
            return False
        if key == "params" and isinstance(value, dict):
            if any(not isinstance(item, str) or spells_a_json_literal(item) for item in value.values()):
                return False
    return True
