"""The science configuration's schema, the one home of every default.

``workflow/schemas/config.schema.yaml`` describes every key of config.yaml with its default; it
ships inside the package as ``isingml/config.schema.yaml`` (a link to that file), so that the
command line and the library take their defaults from the same place as the workflow.
"""

import functools
from importlib import resources

import yaml

from isingml.errors import UserError


@functools.cache
def schema():
    """The JSON Schema of config.yaml, as a dict."""
    text = resources.files("isingml").joinpath("config.schema.yaml").read_text()
    return yaml.safe_load(text)


def _resolve(node, root):
    ref = node.get("$ref")
    if ref is None:
        return node
    target = root
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return target


def _defaults_of(node, root):
    node = _resolve(node, root)
    if node.get("type") == "object" and "properties" in node:
        # An object's own default names the keys it has by default (models: {cnn: {}, fcn: {}});
        # an empty one ({}) means all of them. Each key's value comes from its own schema.
        keys = node.get("default") or node["properties"]
        out = {}
        for key in keys:
            value = _defaults_of(node["properties"][key], root)
            if value is not None:
                out[key] = value
        return out
    return node.get("default")


@functools.cache
def defaults():
    """The full default configuration, built from the schema's defaults."""
    return _defaults_of(schema(), schema())


def model_defaults(model):
    """Hyper-parameter defaults of one network (``models.<model>`` in config.yaml)."""
    root = schema()
    node = root["properties"]["models"]["properties"].get(model)
    if node is None:
        known = ", ".join(root["properties"]["models"]["properties"])
        raise UserError(f"unknown model {model!r}; choose one of {known}")
    return _defaults_of(node, root)
