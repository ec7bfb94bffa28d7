"""Estimates carried with their jackknife replicas through every step of an analysis.

Each lattice size is an independent simulation whose samples fall into G_L jackknife groups
(whole replicas, or blocks >= 10 tau_int). An estimate that depends on several sizes (a crossing
of L and 2L, an extrapolation over pairs that share a size, an exponent from two slopes) is kept
as a ``Jack``: its value on all the data and, for every size it depends on, its G_L values with
one group of that size left out and every other size whole. Any function of estimates is then
an estimate of the same kind (``apply``): the function is evaluated on the full data and on each
delete-one-group replica. Because sizes are independent, the variance is the sum over sizes of
each size's jackknife variance, and correlations between estimates that share a size (the
crossings (16, 32) and (32, 64) through L = 32) are carried exactly, not assumed away.
"""

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Jack:
    """``value`` (float) and ``parts`` {source: (G,) delete-one-group values}; ``note`` says
    why an estimate is missing (NaN)."""

    value: float
    parts: dict = field(default_factory=dict)
    note: str = ""

    @property
    def err(self):
        return float(np.sqrt(sum(self.part_var(k) for k in self.parts)))

    def part_var(self, key):
        r = np.asarray(self.parts[key], dtype=np.float64)
        G = r.size
        return float((G - 1) / G * np.sum((r - r.mean()) ** 2))

    def part_errs(self):
        return {k: float(np.sqrt(self.part_var(k))) for k in self.parts}

    def to_json(self):
        return {
            "value": float(self.value),
            "err": self.err,
            "parts": {
                str(k): np.asarray(v, dtype=np.float64).tolist() for k, v in self.parts.items()
            },
            "note": self.note,
        }

    @classmethod
    def from_json(cls, obj):
        parts = {int(k): np.asarray(v) for k, v in obj["parts"].items()}
        return cls(float(obj["value"]), parts, obj.get("note", ""))


def constant(value):
    """An estimate that depends on no size's data (an exact number)."""
    return Jack(float(value), {})


def _sizes(jacks):
    G = {}
    for j in jacks:
        for k, v in j.parts.items():
            n = len(v)
            if G.setdefault(k, n) != n:
                raise ValueError(f"source {k} has {G[k]} and {n} groups in two estimates")
    return G


def apply(f, *jacks):
    """f(*values) as a Jack: f on the full values and on every delete-one-group replica (the
    estimates that do not depend on the replica's source enter with their full value). ``f``
    returns a float."""
    value = float(f(*[j.value for j in jacks]))
    parts = {}
    for k, G in _sizes(jacks).items():
        parts[k] = np.array(
            [f(*[j.parts[k][g] if k in j.parts else j.value for j in jacks]) for g in range(G)],
            dtype=np.float64,
        )
    return Jack(value, parts)


def covariance(jacks):
    """The jackknife covariance matrix (q, q) of q estimates: summed over sources, the
    (G - 1)/G sum_g (a_g - mean a)(b_g - mean b)."""
    jacks = list(jacks)
    q = len(jacks)
    cov = np.zeros((q, q))
    for k, G in _sizes(jacks).items():
        r = np.stack(
            [np.asarray(j.parts[k]) if k in j.parts else np.full(G, j.value) for j in jacks]
        )
        d = r - r.mean(axis=1, keepdims=True)
        cov += (G - 1) / G * d @ d.T
    return cov


def named_covariance(named, note):
    """{"names", "matrix", "note"} for a results file: the ``covariance`` of estimates given as
    {name: Jack JSON} (a ValueError where their groups differ)."""
    jacks = [Jack.from_json(v) for v in named.values()]
    return {"names": list(named), "matrix": covariance(jacks).tolist(), "note": note}


def mean(jacks):
    """The plain mean of estimates (e.g. over networks evaluated on the same data)."""
    return apply(lambda *v: float(np.mean(v)), *jacks)


def combine(jacks):
    """A weighted mean of correlated estimates of one quantity: (Jack, weights, how). The
    weights are the minimum-variance ones from the jackknife covariance, w = C^-1 1 / 1^T C^-1 1,
    when they all lie in [0, 1]; estimates that are nearly collinear (correlations near 1) give
    large weights of both signs, which amplify whatever differs between them (their corrections
    to scaling), so then the inverse-variance weights are used. Either way the weights are held
    fixed in the replicas and the error is the jackknife's, which carries the full covariance."""
    jacks = list(jacks)
    C = covariance(jacks)
    ones = np.ones(len(jacks))
    how = "inverse variance (the covariance's optimal weights leave [0, 1])"
    try:
        w = np.linalg.solve(C, ones)
        w = w / w.sum()
        if np.all(w >= 0) and np.all(w <= 1):
            how = "minimum variance with the jackknife covariance"
        else:
            raise np.linalg.LinAlgError("weights outside [0, 1]")
    except np.linalg.LinAlgError:
        w = 1.0 / np.diag(C)
        w = w / w.sum()
    return apply(lambda *v: float(np.dot(w, v)), *jacks), w, how
