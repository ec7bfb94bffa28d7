"""The config schema in words: what a key allows (``allowed``), and a fault that JSON Schema
found, put as one line naming the key, the value given and what is allowed (``fault``).

jsonschema's own messages name neither the key nor what would be accepted ("15 is not a
multiple of 2"), and Snakemake prints the whole schema and config after them; a user needs the
key, the value and the fix.
"""

import dataclasses
import difflib


def resolve(node, root):
    """``node`` with a ``$ref`` (``#/$defs/cnn``) followed."""
    ref = node.get("$ref")
    if ref is None:
        return node
    target = root
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return target


def node_at(root, parts):
    """The schema node of a key (``parts``: its path, names and list indices)."""
    node = resolve(root, root)
    for part in parts:
        if isinstance(part, int):
            node = resolve(node.get("items", {}), root)
        else:
            node = resolve(node.get("properties", {}).get(part, {}), root)
    return node


def _number(node, noun):
    step = node.get("multipleOf")
    words = {2: f"an even {noun}"}.get(step, f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}")
    bounds = [(">=", "minimum"), (">", "exclusiveMinimum"), ("<=", "maximum"),
              ("<", "exclusiveMaximum")]  # fmt: skip
    limits = " and ".join(f"{op} {node[key]}" for op, key in bounds if key in node)
    if step not in (None, 2):
        return f"{words} {limits} that is a multiple of {step}".replace("  ", " ")
    return f"{words} {limits}".strip()


def _count(node):
    lo, hi = node.get("minItems"), node.get("maxItems")
    if lo is not None and lo == hi:
        return f"a list of {lo}"
    if lo and hi:
        return f"{lo} to {hi}"
    if lo:
        return "a non-empty list of" if lo == 1 else f"a list of at least {lo}"
    return f"a list of at most {hi}" if hi else "a list of"


def allowed(node, root):
    """What a schema node accepts, in words: "a list of at least 1 distinct entries, each an
    even integer >= 4"."""
    node = resolve(node, root)
    forms = node.get("anyOf") or node.get("oneOf")
    if forms:
        return " or ".join(f.get("description") or allowed(f, root) for f in forms)
    if "const" in node:
        return repr(node["const"])
    if "enum" in node:
        return "one of " + ", ".join(map(str, node["enum"]))
    kind = node.get("type")
    if kind in ("integer", "number"):
        return _number(node, kind)
    if kind == "boolean":
        return "true or false"
    if kind == "string":
        return "a string"
    if kind == "array":
        distinct = "distinct " if node.get("uniqueItems") else ""
        each = allowed(node["items"], root) if "items" in node else "anything"
        return f"{_count(node)} {distinct}entries, each {each}"
    if kind == "object" and "properties" in node:
        some = "at least one of " if node.get("minProperties") else ""
        return f"a mapping of {some}the keys " + ", ".join(node["properties"])
    return kind or "anything"


def every_key(root, node=None, prefix=""):
    """Every key of the schema, dotted (``binder.scan.samples``)."""
    node = resolve(root if node is None else node, root)
    out = []
    for name, sub in node.get("properties", {}).items():
        out.append(prefix + name)
        out += every_key(root, sub, f"{prefix}{name}.")
    return out


def nearest_key(root, parts, name):
    """The valid key nearest to an unknown ``name`` under ``parts`` (difflib), or the key of
    that name elsewhere (``train_L`` -> ``cnn_binder.train_L``); None if there is none."""
    elsewhere = [k for k in every_key(root) if k.rsplit(".", 1)[-1] == name]
    if elsewhere:
        return elsewhere[0]
    here = list(node_at(root, parts).get("properties", {}))
    close = difflib.get_close_matches(name, here, n=1, cutoff=0.6)
    if close:
        return ".".join([*map(str, parts), close[0]])
    close = difflib.get_close_matches(name, every_key(root), n=1, cutoff=0.75)
    return close[0] if close else None


def _unknown(err, root, parts):
    given = err.instance if isinstance(err.instance, dict) else {}
    known = list(node_at(root, parts).get("properties", {}))
    name = next((k for k in given if k not in known), None)
    key = ".".join([*map(str, parts), str(name)])
    where = f"of {'.'.join(map(str, parts))}" if parts else "of the configuration"
    near = nearest_key(root, parts, str(name))
    hint = f"; did you mean '{near}'?" if near else ""
    return key, f"is not a key {where}{hint} (the keys: {', '.join(known)})"


def fault(err, root, instance):
    """(key, problem) of a jsonschema ``ValidationError`` of ``instance``: the dotted key, and
    one sentence that names the value given and what the key allows."""
    path = list(err.absolute_path)
    if err.validator == "additionalProperties":
        return _unknown(err, root, path)
    if err.validator == "required":
        given = err.instance if isinstance(err.instance, dict) else {}
        name = next(k for k in err.validator_value if k not in given)
        key = ".".join([*map(str, path), name])
        return key, f"is missing; give {allowed(node_at(root, [*path, name]), root)}"
    # the key is the path up to its first list index; an index names an entry of its value
    n = next((i for i, p in enumerate(path) if isinstance(p, int)), len(path))
    key = ".".join(map(str, path[:n]))
    node = node_at(root, path[:n])
    value = instance
    for part in path[:n]:
        value = value[part]
    if err.validator in ("anyOf", "oneOf") and n == len(path):
        forms = " nor ".join(f.get("description") or allowed(f, root) for f in err.validator_value)
        return key, f"{value!r} is neither {forms}"
    why = "" if n == len(path) else f" ({err.message})"
    if err.validator == "uniqueItems":
        why = " (an entry repeats)"
    return key, f"{value!r} is not {allowed(node, root)}{why}"


_MISSING = object()


def _lookup(mapping, key):
    node = mapping
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


@dataclasses.dataclass(frozen=True)
class Sources:
    """Where the values of a configuration came from: ``files`` ((name, contents) pairs),
    merged in this order, the later over the earlier; over them, when ``command_line`` names
    them (Snakemake's ``--config``), values given on the command line; under all, the schema's
    defaults."""

    files: tuple = ()
    command_line: str | None = None

    def of(self, key, given):
        """Where ``key`` got its value in ``given`` (the configuration before defaults): the
        last file that sets it, the command line where that file's value was overridden or no
        file sets it, or None for the schema's default."""
        value = _lookup(given, key)
        if value is _MISSING:
            return None
        for name, contents in reversed(self.files):
            found = _lookup(contents or {}, key)
            if found is not _MISSING:
                return name if found == value or self.command_line is None else self.command_line
        return self.command_line or (self.files[-1][0] if self.files else None)

    def advice(self, key, given, related=()):
        """The end of a fault's line: where to fix the value of ``key``; where the fault is
        with ``related`` keys too, one of which came from elsewhere (and ``key`` not from the
        command line, where the user has just typed it), where each came from."""
        mine, others = self.of(key, given), {k: self.of(k, given) for k in related}
        if mine != self.command_line and any(w != mine for w in others.values()):
            each = {key: self.of(key, given), **others}
            named = [f"{k} in {w or 'the schema (its default)'}" for k, w in each.items()]
            return "It is set by " + ", ".join(named) + ": fix one of them"
        where = self.of(key, given) if key else (self.files[-1][0] if self.files else None)
        if where is None:
            name = self.files[-1][0] if self.files else "config.yaml"
            from isingml.config import defaults  # config imports this module

            if _lookup(given, key) is _MISSING and _lookup(defaults(), key) is _MISSING:
                return f"Add it to {name}"  # a required key
            return f"Its value is the schema's default: set {key} in {name}"
        if where == self.command_line:
            return f"It was given by {where}: fix it there"
        return f"Fix it in {where}"
