"""Learning by confusion (van Nieuwenburg, Liu & Huber, Nature Physics 13, 435 (2017)).

For a proposed boundary T', label every configuration "ordered" if T < T', train, and score the
held-out configurations against those labels. Far below or above the transition the labels are
almost all one class and the accuracy is high; where T' cuts through one phase the network
cannot separate configurations that look alike and the accuracy drops; at the true transition
the labels agree with what the configurations show and the accuracy rises again: a W-shaped
curve whose middle peak marks T_c(L). No window is given: the network is asked every T'.

Here the proposals are the midpoints between successive temperatures of the grid inside a
range, visited in increasing order, each network warm-started from the previous one (allowed
by the method, and cheaper). Accuracy is on the run's test split, which is never trained on.
"""

import dataclasses

import jax.numpy as jnp
import numpy as np

from isingml.errors import UserError
from isingml.learning.backend import epoch_loop
from isingml.learning.ensemble import split_indices, start_ensemble
from isingml.learning.plan import TEST, plan_ensemble
from isingml.learning.predict import member_outputs


def proposals(T, t_range):
    """Midpoints between successive distinct temperatures of ``T`` inside ``t_range``."""
    grid = np.unique(T)
    mid = 0.5 * (grid[:-1] + grid[1:])
    return mid[(mid >= t_range[0]) & (mid <= t_range[1])]


@dataclasses.dataclass
class ConfusionCurve:
    """Held-out accuracy at each proposed boundary, with the per-configuration outcomes (for a
    bootstrap over test configurations)."""

    proposals: np.ndarray  # (P,)
    accuracy: np.ndarray  # (P,)
    correct: np.ndarray  # bool (P, n_test)
    T_test: np.ndarray  # (n_test,)


def confusion_curves(cfgs, spins, T, t_range, epochs_per_point, loop=None, axis=None):
    """Train through the proposals of ``t_range`` and return a ConfusionCurve per
    configuration of ``cfgs`` (one configuration, several seeds, scanned together as one
    ensemble). The configurations set the network, the optimiser and the seeds; their window
    is not used. ``loop`` and ``axis``: as in ``train.train_ensemble``."""
    Tp = proposals(T, t_range)
    if Tp.size < 3:
        raise UserError(f"confusion range {t_range} holds fewer than 3 proposed boundaries")
    members = plan_ensemble(cfgs, T, labels=np.zeros(T.shape, np.int8))  # every T is trained on
    cfg = members[0].cfg
    ens = start_ensemble(members, epoch_loop(cfg.model, loop), axis)
    X = jnp.asarray(spins)
    test = split_indices(members, TEST)
    correct = np.empty((len(members), Tp.size, test.shape[1]), dtype=bool)
    params, opt_state, keys = ens.params, ens.opt_state, ens.keys
    for i, t in enumerate(Tp):
        labels = (T < t).astype(np.float32)
        y = jnp.asarray(np.broadcast_to(labels, (len(members), labels.size)))
        for _ in range(epochs_per_point):
            params, opt_state, keys, _, _ = ens.epoch_fn(
                params, opt_state, keys, X, y, ens.train_idx
            )
        z, _ = member_outputs(
            ens.graphdef, params, spins, test, cfg.model == "fcn", members=ens.members
        )
        correct[:, i] = (z > 0) == (labels[test] > 0.5)
    return [
        ConfusionCurve(Tp, c.mean(axis=1), c, T[idx]) for c, idx in zip(correct, test, strict=True)
    ]
