import numpy as np
import pytest

from isingml.sampling import sampler


def run_chain(L, T, n, seed, algorithm, **settings):
    """Sample n configurations' (e, m) series and return them with the plan.

    ``algorithm`` may also be "metropolis-reference": Metropolis with the plain reference kernel.
    """
    if algorithm == "metropolis-reference":
        algorithm, settings = "metropolis", {**settings, "metropolis_kernel": "reference"}
    cfg = sampler.SamplerSettings(algorithm=algorithm, **settings)
    plan, chunks = sampler.sample(L, T, n, seed, cfg)
    e, m = [], []
    for chunk in chunks:
        e.append(chunk.energy)
        m.append(chunk.magnetization)
    return plan, np.concatenate(e), np.concatenate(m)


@pytest.fixture
def chain():
    return run_chain
