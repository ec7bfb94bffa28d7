"""The analysis on the simple cubic lattice (issue 28 item 4): the reweighting counts L^3 sites
(checked against the exact 4 x 4 x 4 torus, and shown to fail with the square's L^2), the
correction models of three dimensions (no calibration: three or more pairs fit, two take the
literature's omega, said so), and exponents compared with the lattice's references.

Statistical comparisons allow 4 standard errors (jackknife over the 64 multi-spin replicas) and
fix their seed."""

import math
import types

import numpy as np
import pytest

from isingml import lattices
from isingml.analysis import (
    binder,
    correction_models,
    corrections,
    exponents,
    extrapolate,
    jackknife,
)
from isingml.exact import cubic
from isingml.sampling import sampler

CUBIC = lattices.get("cubic")
PUBLISHED = CUBIC.exact.reference


@pytest.fixture(scope="module")
def cube_sample():
    """4 x 4 x 4 at T = 4.5: 6,400 configurations of the 64 multi-spin replicas."""
    cfg = sampler.SamplerSettings(algorithm="multispin", lattice=CUBIC)
    plan, chunks = sampler.sample(4, 4.5, 6400, 5, cfg)
    chunks = list(chunks)
    return types.SimpleNamespace(
        L=4, T=4.5, energy=np.concatenate([c.energy for c in chunks]),
        magnetization=np.concatenate([c.magnetization for c in chunks]),
        attrs={"n_replicas": plan.n_replicas, "interval": plan.interval},
    )  # fmt: skip


def test_reweighting_counts_the_cube_s_sites(cube_sample):
    """U4 reweighted from T = 4.5 to 4.3 and 4.8 agrees with the exact transfer matrix when the
    total energy is e L^3; with the square's e L^2 it misses by many standard errors."""
    right = binder.magnetization_reweighted([cube_sample], CUBIC)[4]
    wrong = binder.magnetization_reweighted([cube_sample], lattices.SQUARE)[4]
    misses = []
    for T in (4.3, 4.8):
        want = cubic.moments(CUBIC, 4, T)["U4"]
        (u,), (err,) = right.curve(binder.binder_of(0), np.array([T]))
        assert err > 0 and abs(u - want) <= 4 * err, f"T = {T}: U4 {u:.5f} +- {err:.5f}, {want}"
        (u2,), (err2,) = wrong.curve(binder.binder_of(0), np.array([T]))
        misses.append(abs(u2 - want) / err2)
    assert min(misses) > 8, misses


def test_corrections_in_three_dimensions_are_not_the_square_s():
    """Nothing of the square's calibration reaches the cube: every exponent takes the
    literature's omega over two pairs (uncalibrated, so three or more fit it), and the
    crossings' shift x = 1/nu + omega with 1/nu the lattice's reference."""
    for name in correction_models.CORRECTION:
        c = correction_models.exponent_correction(name, CUBIC)
        assert c.omega_range == (0.7, 1.0) and not c.calibrated and c.fit_range == (0.7, 2.0)
        assert "literature" in c.why and "Hasenbusch" in c.why
        assert correction_models.exponent_correction(name) == correction_models.CORRECTION[name]
    for method in ("binder", "cnn_binder"):
        s = correction_models.shift_correction(method, CUBIC)
        inv_nu = PUBLISHED.exponents["inv_nu"]
        assert s.omega_range == pytest.approx((inv_nu + 0.7, inv_nu + 1.0))
        assert not s.calibrated and s.fit_range == (1.7, 4.0) and "literature" in s.why
    assert correction_models.shift_correction("binder").calibrated  # the square's, unchanged


def _pairs(L, limit, amplitude, x, err, rng):
    """Jackknifed pair values limit + amplitude L^-x with independent noise of ``err``."""
    out = []
    for size in L:
        value = limit + amplitude * size**-x + err * rng.standard_normal()
        out.append(jackknife.Jack(value, {int(size): value + err * rng.standard_normal(49) / 7}))
    return out


def test_two_pairs_of_the_cube_take_the_literature_shift_and_say_so():
    rng = np.random.default_rng(3)
    L = [8, 16]
    jacks = _pairs(L, 4.5115, -0.8, 2.42, 1e-5, rng)
    out = extrapolate.pair_extrapolation(L, [2 * x for x in L], jacks, method="binder",
                                         lattice=CUBIC)  # fmt: skip
    lo, hi = out["exponent_range"]
    assert lo == pytest.approx(PUBLISHED.exponents["inv_nu"] + 0.7)
    assert "literature" in out["model"] and out["T_c_err_syst"] > 0
    assert abs(out["T_c"] - 4.5115) < out["T_c_err"] + 4e-5


def test_three_pairs_of_the_cube_fit_the_shift_exponent():
    rng = np.random.default_rng(4)
    L = [6, 12, 24]
    jacks = _pairs(L, 4.5115, -1.0, 2.42, 2e-5, rng)
    out = extrapolate.pair_extrapolation(L, [2 * x for x in L], jacks, method="binder",
                                         lattice=CUBIC)  # fmt: skip
    assert out["crossing_exponent"] is not None and out["T_c_err_syst"] == 0.0
    assert "free in [1.7, 4]" in out["model"]


def test_exponents_of_the_cube_are_pulled_against_its_references():
    """Two pairs of each estimate at the bootstrap's values (plus an L^-0.83 correction):
    extrapolated with the literature's omega, pulled against the references, and the file says
    they are references; hyperscaling takes d = 3."""
    rng = np.random.default_rng(5)
    ref = PUBLISHED.exponents
    per_pair = []
    for La in (8, 16):
        est = {}
        for n in ("dU4", "chi", "abs_m"):
            value = ref[exponents.MEASURES[n]] + 0.05 * La**-0.83 + 1e-3 * rng.standard_normal()
            est[n] = jackknife.Jack(value, {La: value + 2e-4 * rng.standard_normal(30)})
        per_pair.append((La, 2 * La, est))
    out = exponents.summarise("binder", per_pair, lattice=CUBIC)
    assert "reference" in out["compared_with"]
    for key in ("inv_nu", "gamma_over_nu", "beta_over_nu"):
        e = out[key]
        assert e["pull"] == pytest.approx((e["value"] - ref[key]) / e["err"])
        assert abs(e["pull"]) < 4 and e["omega_range"] == [0.7, 1.0]
        assert "literature" in e["model"]
    assert out["hyperscaling"]["relation"].endswith("(d = 3)")
    assert math.isclose(out["estimates"]["dU4"]["pull"], out["inv_nu"]["pull"])


def test_three_pairs_of_the_cube_fit_the_exponents_correction_within_its_bounds():
    """Pairs (6, 12), (8, 16), (12, 24) whose estimates approach their limit as L^-1.2 (faster
    than the literature's omega, as higher corrections make them at small L): three pairs fit
    the effective exponent in [0.7, 2] and recover the limit within 3 of their errors, where
    two pairs with omega in [0.7, 1.0] would overshoot; an exponent pinned below 0.7 by the
    data ends on the bound and says so."""
    rng = np.random.default_rng(6)
    L = np.array([6.0, 8.0, 12.0])

    def pairs(amplitude, w, err=5e-4):
        return [jackknife.Jack(v, {int(x): v + err * rng.standard_normal(30) / np.sqrt(29)})
                for x, v in zip(L, 1.9637 + amplitude * L**-w, strict=True)]  # fmt: skip

    for name in ("chi", "dU4", "dU_phi"):
        c = correction_models.exponent_correction(name, CUBIC)
        fit = corrections.corrected(L, pairs(0.9, 1.2), c)
        assert "free in [0.7, 2]" in fit.details["model"] and fit.systematic == 0.0
        assert abs(fit.jack.value - 1.9637) < 3 * fit.err_stat
        assert fit.details["omega"] == pytest.approx(1.2, abs=0.2)
        two = corrections.corrected(L[1:], pairs(0.9, 1.2)[1:], c)
        assert two.jack.value < 1.9637 - 3 * 5e-4  # the literature's omega overcorrects
    slow = corrections.corrected(L, pairs(0.9, 0.4, err=1e-5), c)
    assert slow.details["omega_at_bound"] and "at a bound" in slow.details["model"]


def test_the_cube_s_summary_compares_with_references_and_says_what_it_assumed():
    """summary.md of a cubic run: deviations off the reference T_c (so named), the exponents
    beside the bootstrap's values in a 'reference' column, U4 at the crossings beside
    Hasenbusch's 0.4655, and the corrections of three dimensions (nothing calibrated)."""
    from isingml.analysis import summary, summary_text

    ref = lattices.reference_of(CUBIC)
    pairs = [{"L": 12, "L2": 24, "value": 0.47, "err": 0.004}]
    result = {"method": "binder", "T_c": 4.512, "T_c_err": 0.002, "L_used": [6, 12, 24],
              "U4_at_crossing": pairs}  # fmt: skip
    exps = {"binder": {"inv_nu": {"value": 1.6, "err": 0.03, "from": ["dU4"]}}}
    row = summary.summary_row(result, [], (), exps["binder"], reference=ref)
    assert row["rel_dev_reference"] == pytest.approx((4.512 - PUBLISHED.T_c) / PUBLISHED.T_c)
    md = summary_text.summary_markdown([row], [result], exps, reference=ref)
    assert "off reference T_c" in md and "off exact T_c" not in md
    line = next(x for x in md.splitlines() if x.startswith("| binder | 1/ν"))
    pull = (1.6 - PUBLISHED.exponents["inv_nu"]) / 0.03
    assert f"| {PUBLISHED.exponents['inv_nu']:g} | {pull:+.1f} σ |" in line
    assert "| reference | pull |" in md and "conformal bootstrap" in md
    assert "about 0.4655 (Hasenbusch 2010, a reference)" in md
    assert "Nothing is calibrated in three dimensions" in md and "[2.29, 2.59]" in md
