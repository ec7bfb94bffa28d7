"""The multi-histogram equations of Ferrenberg & Swendsen, Phys. Rev. Lett. 63, 1195 (1989),
solved for the dimensionless free energies f_k of K temperatures from per-level tables.

The f_k minimise the convex function of Shirts & Chodera, J. Chem. Phys. 129, 124105 (2008),
eq. 11. Newton's method finds that minimum in a few steps where the fixed-point iteration can
need hundreds; a step is taken only where it lowers the function (backtracking, else the
fixed-point step, which never raises it), convergence is judged on the residual of the
self-consistency equations, and a solution that the data do not determine, because the
temperatures' energy histograms do not overlap, is refused with a ``ReweightingError``.
"""

import numpy as np

from isingml.errors import UserError


def logsumexp(a, axis=None, b=None, keepdims=False):
    """log(sum(b exp(a))) along ``axis``, without overflow. scipy.special.logsumexp does the
    same with array-API dispatch that costs ~0.4 ms per call, which the root finding of the
    jackknife replicas calls thousands of times."""
    m = np.max(a, axis=axis, keepdims=True)
    e = np.exp(a - m)
    if b is not None:
        e = e * b
    out = np.log(np.sum(e, axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


MAX_STEPS = 200
# Converged when every temperature's self-consistency equation holds to this relative residual:
# the samples the free energies assign to temperature k, sum_l n_l W_lk, equal the N_k drawn
# there (the gradient of the convex function, divided by N_k). It leaves f within ~1e-9 of
# the solution; one more Newton step then reaches the rounding floor (~1e-13: the weights
# exp(a - ln sum e^a) lose eps |beta E| of their precision, |beta E| ~ 4000 at L = 64).
RESIDUAL_TOL = 1e-9
# The free energies are determined by the data while their standard errors from the inverse
# Hessian (the Fisher information of the equivalent reverse-logistic likelihood, Geyer, Tech.
# Rep. 568, U. Minnesota (1994)) stay below this: beyond it the ratio of two partition functions
# is not known to within a factor e, i.e. the temperatures' histograms do not overlap.
MAX_FREE_ENERGY_ERR = 1.0
BACKTRACKS = 30  # halvings of a Newton step before the fixed-point step is taken instead


class ReweightingError(UserError):
    """The multi-histogram equations have no solution the data determine: the solver did not
    converge, or the temperatures' energy histograms do not overlap."""


class Histograms:
    """Reweighting from per-level tables: energies ``levels`` (nl,), samples per level
    ``counts`` (nl,), samples per temperature ``N`` (K,) at ``betas`` (K,). The solver's
    ``iterations``, final ``residual`` and the free energies' standard errors ``f_err`` are
    kept for the job's diagnostics."""

    def __init__(self, levels, counts, N, betas, f0=None, where="reweighting"):
        self.levels = np.asarray(levels, dtype=np.float64)
        self.counts = np.asarray(counts, dtype=np.float64)
        self.N = np.asarray(N, dtype=np.float64)
        self.betas = np.asarray(betas, dtype=np.float64)
        self.where = where
        if np.any(self.N <= 0):
            raise UserError(f"{where}: every temperature of a reweighting needs samples")
        self._u = -np.outer(self.levels, self.betas)  # -beta_k E per level
        self._logN = np.log(self.N)
        f = self._start() if f0 is None else np.asarray(f0, dtype=np.float64)
        self.f, self.iterations, self.residual, hess = self._solve(f)
        self.f_err = self._check_determined(hess)
        self._log_d = logsumexp(self._u + self.f + self._logN, axis=1)

    def _start(self):
        """f to first order in beta: d f / d beta = <E> (f = -ln Z), with the mean energy of
        all samples; Newton does the rest."""
        mean_level = self.levels @ self.counts / self.counts.sum()
        return (self.betas - self.betas[0]) * mean_level

    def _weights(self, f):
        """W (levels, K): the share of each level's samples that f assigns to temperature k,
        N_k exp(f_k - beta_k E) / sum_j N_j exp(f_j - beta_j E); rows sum to 1."""
        a = self._u + f + self._logN
        return np.exp(a - logsumexp(a, axis=1, keepdims=True))

    def _change(self, W, s):
        """F(f - s) - F(f) of Shirts & Chodera's convex function F (eq. 11), from the weights
        W at f: sum_l n_l log(sum_k W_lk e^-s_k) + N . s, with log1p and expm1 so that the
        change is exact to rounding even where F itself is 1e8 and the change 1e-12."""
        return self.counts @ np.log1p(np.expm1(-s) @ W.T) + self.N @ s

    def _state(self, f):
        """(W, samples assigned to each temperature, relative residual, Hessian of F) at f."""
        W = self._weights(f)
        assigned = self.counts @ W
        residual = float(np.max(np.abs(assigned - self.N) / self.N))
        hess = np.diag(assigned) - W.T @ (self.counts[:, None] * W)  # positive semi-definite
        return W, assigned, residual, hess

    def _solve(self, f):
        """Newton's method on F, a step taken only where it lowers F (halved up to BACKTRACKS
        times); where no halving does, the fixed-point step of Ferrenberg & Swendsen, which
        minimises a majorizer of F (log x <= x - 1) and so never raises it. Once the residual
        is below RESIDUAL_TOL, one more Newton step (quadratic convergence) takes it to the
        rounding floor where it lowers both F and the residual. Returns (f with f_0 = 0, steps,
        final residual, Hessian); ReweightingError if not converged within MAX_STEPS."""
        for step in range(MAX_STEPS + 1):
            W, assigned, residual, hess = self._state(f)
            if residual < RESIDUAL_TOL:
                newton = self._newton(assigned, hess)
                if newton is not None and self._change(W, newton) <= 0:
                    polished = self._state(f - newton)
                    if polished[2] < residual:
                        return f - newton - (f - newton)[0], step + 1, polished[2], polished[3]
                return f - f[0], step, residual, hess
            if step == MAX_STEPS:
                break
            f = f - self._descent_step(W, assigned, hess)
        raise ReweightingError(
            f"{self.where}: the multi-histogram free energies did not converge in {MAX_STEPS} "
            f"steps (relative residual {residual:.1e}, needed {RESIDUAL_TOL:.0e}); the "
            "temperatures' energy histograms overlap too little: add temperatures between them"
        )

    def _newton(self, assigned, hess):
        """Newton's step (f_0 held: F does not change with a constant), None if singular."""
        grad = assigned - self.N
        newton = np.zeros_like(grad)
        if grad.size > 1:
            with np.errstate(all="ignore"):
                try:
                    newton[1:] = np.linalg.solve(hess[1:, 1:], grad[1:])
                except np.linalg.LinAlgError:
                    return None
        return newton if np.all(np.isfinite(newton)) else None

    def _descent_step(self, W, assigned, hess):
        """s with F(f - s) < F(f): Newton's, backtracked, else the fixed-point step
        s_k = ln(assigned_k / N_k)."""
        newton = self._newton(assigned, hess)
        if newton is not None:
            scale = 1.0
            for _ in range(BACKTRACKS):
                with np.errstate(over="ignore", invalid="ignore"):
                    change = self._change(W, scale * newton)
                if change < 0:
                    return scale * newton
                scale /= 2
        tiny = np.finfo(np.float64).tiny
        return np.log(np.maximum(assigned, tiny) / self.N)

    def _check_determined(self, hess):
        """The free energies' standard errors (f_0 = 0 held), from the inverse Hessian;
        ReweightingError where the data do not determine them."""
        if self.N.size == 1:
            return np.zeros(1)
        with np.errstate(all="ignore"):
            try:
                var = np.diag(np.linalg.inv(hess[1:, 1:]))
            except np.linalg.LinAlgError:
                var = np.full(self.N.size - 1, np.inf)
        err = np.concatenate([[0.0], np.sqrt(np.where(var >= 0, var, np.inf))])
        if not np.all(err <= MAX_FREE_ENERGY_ERR):
            k = int(np.argmax(np.where(np.isfinite(err), err, np.inf)))
            raise ReweightingError(
                f"{self.where}: the data do not determine the free energy at T = "
                f"{1 / self.betas[k]:.4f} relative to T = {1 / self.betas[0]:.4f} (standard "
                f"error {err[k]:.3g}, at most {MAX_FREE_ENERGY_ERR:g} allowed): their energy "
                "histograms do not overlap; add temperatures between them"
            )
        return err

    def level_weights(self, beta):
        """Normalised weights per level at ``beta``: w(E) counts(E) sums to 1."""
        lw = -beta * self.levels - self._log_d
        lw -= logsumexp(lw, b=self.counts)
        return np.exp(lw)

    def average(self, sums, beta):
        """<A>(beta) from per-level sums of A over the samples, ``sums`` (nl, q): shape (q,)."""
        return self.level_weights(beta) @ sums

    def covariance_with_energy(self, sums, beta):
        """(<A>, <A E> - <A><E>) at ``beta`` from per-level sums of A (nl, q), E the total
        energy: the beta-derivative of <A> is minus the second (energies centred before the
        product, so nothing cancels)."""
        w = self.level_weights(beta)
        mean_e = w @ (self.levels * self.counts)
        return w @ sums, w @ ((self.levels - mean_e)[:, None] * sums)

    def effective_samples(self, beta):
        """Kish's effective sample size of the reweighted ensemble at ``beta``,
        (sum_i w_i)^2 / sum_i w_i^2 over the samples i (Kish, Survey Sampling (1965)): the
        number of equally weighted samples that would give an average as precise."""
        p = self.level_weights(beta) * self.counts  # probability per level
        per_sample = np.divide(p**2, self.counts, out=np.zeros_like(p), where=self.counts > 0)
        return 1.0 / per_sample.sum()

    def solver_report(self):
        """The solver's steps, final residual and largest free-energy standard error."""
        return {"iterations": int(self.iterations), "residual": float(self.residual),
                "free_energy_err_max": float(np.max(self.f_err))}  # fmt: skip
