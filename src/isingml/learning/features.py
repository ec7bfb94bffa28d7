"""The window-free estimators' network evaluations: an ensemble's order parameter phi and
p(ordered) on configurations of the Binder grid and on their block-spin decimations."""

import jax
import numpy as np

from isingml.errors import UserError
from isingml.lattices import SQUARE
from isingml.learning.decimation import coarse_grainings
from isingml.learning.ensemble import stack
from isingml.learning.predict import member_outputs, probability


def stack_networks(networks, sources):
    """(graphdef, stacked parameters) of networks of one architecture, ``sources`` naming
    each (their folders) for the error when one differs."""
    specs = {spec for _, spec in networks}
    if len(specs) != 1:
        first = networks[0][1]
        odd = next(s for (_, spec), s in zip(networks, sources, strict=True) if spec != first)
        raise UserError(
            f"{odd} is a {networks[0][1]} network differing from {sources[0]}: networks "
            "evaluated together must share one architecture"
        )
    return stack([net for net, _ in networks])


def ensemble_features(
    graphdef, stacked, spins, rng, evaluate_native=True, steps=2, members="vmap", lattice=SQUARE
):
    """Each member's phi and p on int8 spins (n, L, L) and on their decimations by 2 and 4
    with ``lattice``'s own map (``coarse_grainings``; every member sees the same tie-breaks),
    where the lattice takes them: a list of dicts, one per
    member, with keys phi, p, phi_b2, p_b2, phi_b4, p_b4 (suffix _b<b> for decimated by b).
    Without ``evaluate_native`` the configurations themselves are skipped (the larger size of
    a pair (L, 2L), whose native evaluation is the costlier, is needed only decimated).
    ``members``: how the members share the evaluation (``backend.eval_axis``)."""
    M = jax.tree.leaves(stacked)[0].shape[0]
    out = [{} for _ in range(M)]
    for b, x in coarse_grainings(spins, rng, steps, lattice):
        if b == 1 and not evaluate_native:
            continue
        logits, phi = member_outputs(graphdef, stacked, x, members=members)
        suffix = "" if b == 1 else f"_b{b}"
        for k in range(M):
            out[k]["phi" + suffix] = phi[k].astype(np.float64)
            out[k]["p" + suffix] = probability(logits[k])
    return out
