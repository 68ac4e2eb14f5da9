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
"""

import json

import schemathesis


def spells_a_json_literal(text):
    try:
        return not isinstance(json.loads(text), (str, list, dict))
    except (TypeError, ValueError):
        return False


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
