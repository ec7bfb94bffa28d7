"""The one registry of T_c methods and of the networks they rest on. The workflow, the CLI, the
planner, the summary and the plots ask it which methods a configuration runs, how each reads
T_c off its rows, and how to name it; nothing else lists them. No JAX, no NumPy: the workflow
imports it when it loads.

How a method reads its rows (``fss``):
- ``crossing``: pair crossings (L, L2) of a Binder-type cumulant, with a jackknife sidecar of
  replicas beside its table, extrapolated in L;
- ``half``: T*(L) where p(ordered) = 1/2 (or a confusion peak), fitted with 1/nu.
"""

import dataclasses

CROSSING, HALF = "crossing", "half"
ESTIMATOR, WINDOW_FREE, STUDY, REPRODUCTION = "estimator", "window-free", "study", "reproduction"


@dataclasses.dataclass(frozen=True)
class Method:
    """One row of the summary. ``role``: ``estimator`` (converges to T_c, its error covered),
    ``study`` (computed, shown with the reason it is not an estimator) or ``reproduction``
    (a window-trained network: T* follows its window). ``switch``: the config key that turns it
    on (``section.key``), None where it always runs or runs with ``models``."""

    name: str
    fss: str
    role: str
    title: str
    switch: str | None = None
    exponents: bool = False  # writes results/exponents/{name}.json

    @property
    def sidecar(self):
        return self.fss == CROSSING


METHODS = (
    Method("binder", CROSSING, ESTIMATOR, "Binder cumulant U4 of m", exponents=True),
    Method(
        "cnn_binder",
        CROSSING,
        ESTIMATOR,
        "Binder cumulant of the CNNs' order parameter",
        "cnn_binder.enabled",
        exponents=True,
    ),
    Method("confusion", HALF, STUDY, "learning by confusion", "confusion.enabled"),
    Method("rg", CROSSING, STUDY, "network phenomenological RG", "studies.rg"),
    Method("pca", CROSSING, STUDY, "first principal component", "studies.pca"),
    Method(
        "cnn_binder_transfer",
        CROSSING,
        STUDY,
        "Binder cumulant of the order parameter of CNNs trained on another lattice",
        "studies.transfer.train",
    ),
    Method("cnn", HALF, REPRODUCTION, "CNN, window-trained"),
    Method("fcn", HALF, REPRODUCTION, "fully connected network, window-trained"),
    Method("magnetization", HALF, REPRODUCTION, "logistic regression on |m|"),
)
BY_NAME = {m.name: m for m in METHODS}

# The window-free network estimators: they need the cnn among the models.
WINDOW_FREE_METHODS = ("cnn_binder", "confusion")
# The rows read off an ensemble of networks' features by pair crossings (one rule, a wildcard).
ENSEMBLE_CROSSINGS = ("cnn_binder", "rg", "cnn_binder_transfer")
# The transfer study's row: cnn_binder's analysis of networks trained on another lattice.
TRANSFER = "cnn_binder_transfer"
# The baseline trained like the networks, read like them.
BASELINE = "magnetization"
# The networks the data-efficiency study trains, cnn_d4 being the cnn with D4 augmentation.
STUDY_MODELS = ("fcn", "cnn", "cnn_d4", "ecnn")
# The statistic column of each crossing method's curves table (its job's ``--curves``), for the
# plots to read without guessing the method from the columns.
CURVE_COLUMN = {"binder": "U4", "cnn_binder": "U", "rg": "p", "pca": "U"}
CURVE_COLUMN[TRANSFER] = CURVE_COLUMN["cnn_binder"]


def get(name):
    """The method called ``name``; a KeyError names the known ones."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown method {name!r}; known: {', '.join(BY_NAME)}") from None


def _switched_on(config, key):
    """The value of a dotted switch (``studies.transfer.train``), as a truth value; a key the
    configuration leaves out is off."""
    value = config
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return bool(value)


def enabled(config):
    """The names of the methods a validated configuration (defaults filled in) runs, in the
    summary's order: binder, the window-free network estimators, the studies with a T_c row,
    then the window-trained networks and the baseline (sorted, as the workflow lists them)."""
    switched = [
        m.name
        for m in METHODS
        if m.switch is not None and m.role != REPRODUCTION and _switched_on(config, m.switch)
    ]
    window_free = [n for n in switched if n in WINDOW_FREE_METHODS]
    studies = [n for n in switched if n not in WINDOW_FREE_METHODS]
    return ["binder", *window_free, *studies, *window_models(config)]


def window_models(config):
    """The window-trained rows: the networks in ``models`` (sorted) and the baseline."""
    return [*sorted(config["models"]), BASELINE]
