#!/usr/bin/env python3
"""validate_schema.py SCHEMA DIR...

Validates every JSON artifact under the DIRs (recursively) against SCHEMA, the output of
`tenantc schema`, with jsonschema's Draft202012Validator (format checking off: tenantc's
schema states its string checks as patterns). Then makes mutated copies of the first artifact —
a wrong type, an unknown key at the root and in a nested record, a value out of bounds, a
missing required field at the root and in a nested record — and checks that each one FAILS.
Exits 1 on any unexpected result, or when no artifact was found.
"""
import copy
import json
import pathlib
import sys

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match


def resolve(root, node):
    """The subschema `node` stands for, through a local `$ref`."""
    while isinstance(node, dict) and "$ref" in node:
        target = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def shapes(root):
    """The object schemas an artifact may fit: the `anyOf` shapes, or the root itself."""
    return [resolve(root, option) for option in root.get("anyOf", [])] or [root]


def branch(root, validator, artifact):
    """The shape the artifact fits, else the one it misses least, with that shape's errors."""
    scored = []
    for shape in shapes(root):
        errors = list(validator.evolve(schema=shape).iter_errors(artifact))
        if not errors:
            return shape, []
        scored.append((len(errors), len(scored), shape, errors))
    _, _, shape, errors = min(scored, key=lambda item: item[:2])
    return shape, errors


def records(shape, value, path=()):
    """(path, schema, value) of every record of the artifact, the root first."""
    yield path, shape, value
    for key, sub in shape.get("properties", {}).items():
        if isinstance(value.get(key), dict) and sub.get("type") == "object":
            yield from records(sub, value[key], path + (key,))


def leaves(shape, value, path=()):
    """(path, schema, value) of every leaf of the artifact."""
    for key, sub in shape.get("properties", {}).items():
        if key not in value:
            continue
        if isinstance(value[key], dict) and sub.get("type") == "object":
            yield from leaves(sub, value[key], path + (key,))
        else:
            yield path + (key,), sub, value[key]


def at(doc, path):
    for key in path:
        doc = doc[key]
    return doc


def numeric_limits(sub):
    """The schema holding minimum/maximum of a leaf (itself, or its non-`unlimited` option)."""
    for candidate in [sub] + sub.get("anyOf", []):
        if "minimum" in candidate or "maximum" in candidate:
            return candidate
    return None


def mutations(shape, artifact):
    """(name, mutated copy) pairs, each of which must fail validation."""
    found = []
    recs = list(records(shape, artifact))
    nested = next(((p, s, v) for p, s, v in recs if p and s.get("required")), None)

    def mutated(name, change):
        doc = copy.deepcopy(artifact)
        change(doc)
        found.append((name, doc))

    bool_leaf = next((p for p, s, v in leaves(shape, artifact) if s.get("type") == "boolean"), None)
    if bool_leaf:
        mutated("wrong type at " + ".".join(bool_leaf), lambda d: at(d, bool_leaf[:-1]).__setitem__(bool_leaf[-1], "true"))
    mutated("unknown key at the root", lambda d: d.__setitem__("no_such_field", 1))
    if nested:
        mutated("unknown key in " + ".".join(nested[0]), lambda d: at(d, nested[0]).__setitem__("no_such_field", 1))
    # A number past its maximum (a bound the tiers wrote) when there is one, else below its minimum.
    bounded = [(p, numeric_limits(s)) for p, s, v in leaves(shape, artifact)
               if numeric_limits(s) is not None and isinstance(v, (int, float)) and not isinstance(v, bool)]
    bounded.sort(key=lambda item: "maximum" not in item[1])
    if bounded:
        p, limits = bounded[0]
        bad = limits["maximum"] + 1 if "maximum" in limits else limits["minimum"] - 1
        mutated("out of bounds at %s (%s)" % (".".join(p), bad), lambda d: at(d, p[:-1]).__setitem__(p[-1], bad))
    first = shape["required"][0]
    mutated("missing required " + first, lambda d: d.pop(first))
    if nested:
        key = nested[1]["required"][0]
        mutated("missing required %s.%s" % (".".join(nested[0]), key), lambda d: at(d, nested[0]).pop(key))
    return found


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    schema = json.loads(pathlib.Path(argv[1]).read_text())
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    files = sorted(f for d in argv[2:] for f in pathlib.Path(d).rglob("*.json"))
    invalid = 0
    for f in files:
        artifact = json.loads(f.read_text())
        if validator.is_valid(artifact):
            continue
        invalid += 1
        # Against the shape it misses least: an `anyOf`'s own message names no field.
        error = best_match(branch(schema, validator, artifact)[1])
        print("%s: INVALID at /%s: %s" % (f, "/".join(map(str, error.absolute_path)), error.message[:300]))
    if not files:
        print("no JSON artifact found under " + " ".join(argv[2:]), file=sys.stderr)
        return 1
    sample = json.loads(files[0].read_text())
    checks = mutations(branch(schema, validator, sample)[0], sample)
    accepted = 0
    for name, doc in checks:
        if validator.is_valid(doc):
            accepted += 1
            print("%s: mutation '%s' was accepted" % (files[0], name))
    kinds = {name.split(" ")[0] for name, _ in checks}
    missing = {"wrong", "unknown", "out", "missing"} - kinds
    if missing:
        print("%s: no mutation of kind %s could be made" % (files[0], ", ".join(sorted(missing))))
    print("validate_schema: %d of %d artifacts valid; %d of %d mutations of %s rejected"
          % (len(files) - invalid, len(files), len(checks) - accepted, len(checks), files[0].name))
    for name, _ in checks:
        print("  rejected as it should be: " + name if not validator.is_valid(_) else "  ACCEPTED: " + name)
    return 1 if invalid or accepted or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
