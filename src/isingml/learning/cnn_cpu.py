"""The CNN's order parameter phi as a Numba kernel, for evaluating trained networks on the CPU.

XLA's CPU convolutions run the default CNN (two 3x3 layers of 4 and 8 channels) at about 8
million sites per second per network on this project's 2-core machine: the channels are too
few for its matrix kernels, and `features` (every network on the whole Binder grid, native and
decimated) was the longest job of the default run. This kernel computes the same function
directly: per configuration (in parallel), each channel a plane with its circular halo, each
layer's cross-correlation a sum of shifted planes times scalar weights with the rows innermost
(long and contiguous, so the compiler vectorises them), and tanh by a rational approximation
(below) instead of libm's scalar call; the last layer is averaged over the torus, and the
linear read-out gives phi. The head (the logit from |phi|) is tiny
and done in NumPy. The JAX path stays the reference (and the path on GPUs): a test compares the
two on random architectures.

The cube (``_phi3``) has its own kernel: under XLA's 3D convolutions on the CPU, at about 1.6
million sites per second per network, the networks' evaluation was the cubic configuration's
longest job (709.8 s of its 26:35.96 record of 3af6926). Its rows are too short (L = 6 to
32) for the planar scheme, so each channel is one flat padded volume and a kernel offset one
shift of it (``_phi3``'s docstring); ``benchmarks/cnn_kernel.py`` measures both kernels against
XLA.

tanh: the odd rational approximation p(x) / q(x) of degree 13 / 6, clamped at |x| = 7.905, the
form Eigen and XLA use for float32 (absolute error 3.3e-7 here, below 1e-6 in the test against
numpy.tanh).
"""

import numba
import numpy as np

_CLAMP = np.float32(7.90531110763549805)
_A = np.array([4.89352455891786e-03, 6.37261928875436e-04, 1.48572235717979e-05,
               5.12229709037114e-08, -8.60467152213735e-11, 2.00018790482477e-13,
               -2.76076847742355e-16], dtype=np.float32)  # fmt: skip
_B = np.array([4.89352518554385e-03, 2.26843463243900e-03, 1.18534705686654e-04,
               1.19825839466702e-06], dtype=np.float32)  # fmt: skip


@numba.njit(fastmath=True, inline="always", cache=True)
def _tanh(x):
    x = min(max(x, -_CLAMP), _CLAMP)
    x2 = x * x
    p = _A[6]
    for i in range(5, -1, -1):
        p = p * x2 + _A[i]
    q = _B[3]
    for i in range(2, -1, -1):
        q = q * x2 + _B[i]
    return x * p / q


@numba.njit(cache=True)
def tanh(x):
    """The kernel's tanh on float32 values (for the test against numpy)."""
    out = np.empty_like(x)
    for i in range(x.size):
        out.flat[i] = _tanh(x.flat[i])
    return out


@numba.njit(fastmath=True, inline="always", cache=True)
def _wrap(hp, c, L, lo, hi):
    """Fill the halo of plane c of a padded (C, L + lo + hi, L + lo + hi) array from its
    interior: the torus, so that a kernel's window never needs a modulo."""
    P = L + lo + hi
    for y in range(lo, lo + L):
        for x in range(lo):
            hp[c, y, x] = hp[c, y, x + L]
        for x in range(lo + L, P):
            hp[c, y, x] = hp[c, y, x - L]
    for y in range(lo):
        for x in range(P):
            hp[c, y, x] = hp[c, y + L, x]
    for y in range(lo + L, P):
        for x in range(P):
            hp[c, y, x] = hp[c, y - L, x]


@numba.njit(inline="always", cache=True)
def _extent(shapes):
    """(the most channels of any layer's output, the largest kernel size) of ``shapes``."""
    width, kmax = 1, 1
    for d in range(shapes.shape[0]):
        width = max(width, shapes[d, 2])
        kmax = max(kmax, shapes[d, 0])
    return width, kmax


@numba.njit(parallel=True, fastmath=True, cache=True)
def _phi(spins, weights, shapes, readout):
    """phi (n,) of one CNN on int8 spins (n, L, L). ``weights``: the layers' kernels (k, k,
    c_in, c_out) flattened and concatenated; ``shapes`` (layers, 3): k, c_in, c_out.

    Planar layout: each channel an (L + k - 1)^2 plane with its circular halo, and the
    cross-correlation a sum of shifted planes times a scalar weight, rows innermost (long,
    contiguous, vectorised)."""
    n, L = spins.shape[0], spins.shape[1]
    layers = shapes.shape[0]
    width, kmax = _extent(shapes)
    P = L + kmax - 1
    phi = np.empty(n, dtype=np.float32)
    inv = np.float32(1.0 / (L * L))
    for s in numba.prange(n):
        hp = np.zeros((width, P, P), dtype=np.float32)
        out = np.empty((width, L, L), dtype=np.float32)
        for y in range(L):
            for x in range(L):
                hp[0, y, x] = np.float32(spins[s, y, x])  # unpadded until the first layer's k
        offset = 0
        total = np.float32(0.0)
        for d in range(layers):
            k, ci, co = shapes[d, 0], shapes[d, 1], shapes[d, 2]
            lo, hi = (k - 1) // 2, k // 2
            if d == 0:  # move the spins into place for this layer's halo
                for y in range(L - 1, -1, -1):
                    for x in range(L - 1, -1, -1):
                        hp[0, y + lo, x + lo] = hp[0, y, x]
            for c in range(ci):
                _wrap(hp, c, L, lo, hi)
            for o in range(co):
                plane = out[o]
                plane[:, :] = 0.0
                for c in range(ci):
                    for i in range(k):
                        for j in range(k):
                            w = weights[offset + ((i * k + j) * ci + c) * co + o]
                            for y in range(L):
                                src = hp[c, y + i]
                                dst = plane[y]
                                for x in range(L):
                                    dst[x] += w * src[x + j]
            offset += k * k * ci * co
            if d == layers - 1:
                for o in range(co):
                    acc = np.float32(0.0)
                    for y in range(L):
                        for x in range(L):
                            acc += _tanh(out[o, y, x])
                    total += acc * inv * readout[o]
            else:
                k2 = shapes[d + 1, 0]
                lo2 = (k2 - 1) // 2
                for o in range(co):
                    for y in range(L):
                        for x in range(L):
                            hp[o, y + lo2, x + lo2] = _tanh(out[o, y, x])
        phi[s] = total
    return phi


@numba.njit(fastmath=True, inline="always", cache=True)
def _wrap3(v, L, lo, k, P):
    """Fill the halo of a flat padded volume ``v`` (P^3 and a tail, padded index (z, y, x) at
    z P^2 + y P + x) for a layer of kernel size k: every padded index in [0, L + k - 1) outside
    the interior [lo, lo + L) takes the value of the interior site it is on the torus (read
    from the interior only, so the order of the copies does not matter)."""
    n, PP = L + k - 1, P * P
    for z in range(n):
        zs = (z - lo) % L + lo
        for y in range(n):
            ys = (y - lo) % L + lo
            dst, src = z * PP + y * P, zs * PP + ys * P
            if zs == z and ys == y:  # an interior row: its two ends only
                for x in range(lo):
                    v[dst + x] = v[src + x + L]
                for x in range(lo + L, n):
                    v[dst + x] = v[src + x - L]
            else:
                for x in range(n):
                    v[dst + x] = v[src + (x - lo) % L + lo]


@numba.njit(parallel=True, fastmath=True, cache=True)
def _phi3(spins, weights, shapes, readout):
    """phi (n,) of one 3D CNN on int8 spins (n, L, L, L); ``weights``, ``shapes`` as ``_phi``'s
    with kernels (k, k, k, c_in, c_out).

    Flat layout: each channel a padded volume of side P = L + k - 1 stored flat, so that a
    kernel offset (i, j, l) is one shift i P^2 + j P + l of the whole volume. For each z the
    outputs of the rows y < L are one contiguous run of (L - 1) P + L flat positions (the
    positions x >= L in it are computed and ignored), and each of the k^3 c_in products is one
    long vectorised loop over that run, rather than L^2 rows of L (6 to 32) each."""
    n, L = spins.shape[0], spins.shape[1]
    layers = shapes.shape[0]
    width, kmax = _extent(shapes)
    P = L + kmax - 1
    PP = P * P
    run = (L - 1) * P + L
    V = P * PP  # the farthest read, (L + k - 2)(P^2 + P + 1) at k = kmax, is P^3 - 1
    phi = np.empty(n, dtype=np.float32)
    inv = np.float32(1.0 / (L * L * L))
    for s in numba.prange(n):
        hp = np.zeros((width, V), dtype=np.float32)
        out = np.empty((width, L * PP), dtype=np.float32)  # each plane zeroed before use
        lo = (shapes[0, 0] - 1) // 2
        for z in range(L):
            for y in range(L):
                base = (z + lo) * PP + (y + lo) * P + lo
                for x in range(L):
                    hp[0, base + x] = np.float32(spins[s, z, y, x])
        offset = 0
        total = np.float32(0.0)
        for d in range(layers):
            k, ci, co = shapes[d, 0], shapes[d, 1], shapes[d, 2]
            lo = (k - 1) // 2
            for c in range(ci):
                _wrap3(hp[c], L, lo, k, P)
            for o in range(co):
                dst = out[o]
                dst[:] = 0.0
                for c in range(ci):
                    src = hp[c]
                    for i in range(k):
                        for j in range(k):
                            for m in range(k):
                                w = weights[offset + (((i * k + j) * k + m) * ci + c) * co + o]
                                shift = i * PP + j * P + m
                                for z in range(L):
                                    # views indexed from 0: no negative-index wrap to
                                    # test, so the loop vectorises
                                    a = dst[z * PP : z * PP + run]
                                    b = src[z * PP + shift : z * PP + shift + run]
                                    for q in range(run):
                                        a[q] += w * b[q]
            offset += k * k * k * ci * co
            if d == layers - 1:
                for o in range(co):
                    acc = np.float32(0.0)
                    for z in range(L):
                        for y in range(L):
                            base = z * PP + y * P
                            for x in range(L):
                                acc += _tanh(out[o, base + x])
                    total += acc * inv * readout[o]
            else:
                lo2 = (shapes[d + 1, 0] - 1) // 2
                for o in range(co):
                    for z in range(L):
                        for y in range(L):
                            src_at = z * PP + y * P
                            dst_at = (z + lo2) * PP + (y + lo2) * P + lo2
                            for x in range(L):
                                hp[o, dst_at + x] = _tanh(out[o, src_at + x])
        phi[s] = total
    return phi


def cnn_arrays(model):
    """(weights, shapes, readout, head) of a Flax CNN for ``outputs``."""
    kernels = [np.asarray(conv.kernel[...], dtype=np.float32) for conv in model.convs]
    shapes = np.array([[k.shape[0], k.shape[-2], k.shape[-1]] for k in kernels], dtype=np.int64)
    if any(len(set(k.shape[:-2])) != 1 for k in kernels):
        raise ValueError("the CPU kernel takes square (cubic) convolution kernels only")
    weights = np.concatenate([k.ravel() for k in kernels])
    readout = np.asarray(model.order.kernel[...], dtype=np.float32)[:, 0]
    head = [np.asarray(a[...], dtype=np.float32) for a in (
        model.hidden.kernel, model.hidden.bias, model.out.kernel, model.out.bias)]  # fmt: skip
    return weights, shapes, readout, head


def outputs(arrays, spins):
    """(logits, phi), float32 (n,), of a CNN (``cnn_arrays``) on int8 spins (n, L, L), or
    (n, L, L, L) for a 3D CNN (``_phi3``)."""
    weights, shapes, readout, (w1, b1, w2, b2) = arrays
    kernel = _phi3 if np.ndim(spins) == 4 else _phi
    phi = kernel(np.ascontiguousarray(spins, dtype=np.int8), weights, shapes, readout)
    hidden = np.maximum(np.abs(phi)[:, None] * w1[0] + b1, 0.0)
    return (hidden @ w2[:, 0] + b2[0]).astype(np.float32), phi
