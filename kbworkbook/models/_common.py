"""Shared pieces of the customer-value models (private): input checks and the optimiser.

Every fit maximises a log-likelihood over the *logarithms* of its positive parameters with
``scipy.optimize.minimize(method="BFGS")`` and an analytic gradient, from fixed start values,
then checks the result: a finite optimum inside the search box, a gradient close to zero and a
positive definite Hessian (differences of the analytic gradient). Anything else raises
:class:`~kbworkbook.errors.ModelError` with a German message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kbworkbook.errors import ModelError, Text

__all__ = [
    "LOG_BOUND",
    "WARM_START_SAMPLE",
    "Optimum",
    "as_float_array",
    "check_summary",
    "dot",
    "fit_log_params",
    "frequency_array",
    "raise_rows",
]

#: Search box for every log-parameter: exp(±LOG_BOUND) ≈ 1e-11 … 1e11 (scaled units).
LOG_BOUND = 25.0
#: A fitted log-parameter closer than this to the box means the likelihood runs off to 0 or ∞.
_EDGE = 0.5
#: From twice this many customers on, a fit first runs on every k-th customer (about this
#: many) and starts the full fit from that optimum (see :func:`fit_log_params`).
WARM_START_SAMPLE = 20_000
#: BFGS stops here; two Newton steps take the gradient further (see :func:`_newton_polish`).
_BFGS_GTOL = 1e-6
#: Largest accepted |gradient| of the mean log-likelihood (per log-parameter) at the optimum.
_GRAD_TOL = 1e-5

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


def _where(values: Any, position: int) -> Text:
    """Describe customer ``position`` of an input: its index label when it has one."""
    if isinstance(values, pd.Series | pd.DataFrame) and not isinstance(values.index, pd.RangeIndex):
        return Text("model.where_customer", label=str(values.index[position]))
    return Text("model.where_row", row=position + 1)


def _what(what: str) -> Text:
    return Text(f"what.{what}")


def dot(left: np.ndarray, right: np.ndarray) -> float:
    """Σ left·right without BLAS.

    ``np.dot``/``@`` on long vectors go to OpenBLAS, which may start worker threads; on a
    busy machine (more runnable processes than cores) their hand-offs can cost far more than
    the arithmetic (measured on the shared 2-core build machine: a BG/NBD fit of 10^5
    customers took 5.5 s with ``@`` and L-BFGS-B, 0.2 s with this and BFGS).
    """
    return float(np.multiply(left, right).sum())


def raise_rows(what: str, values: Any, bad: np.ndarray, problem: Text, fix: Text) -> None:
    """Raise a :class:`ModelError` naming up to three customers where ``bad`` holds."""
    positions = np.flatnonzero(bad)
    if positions.size == 0:
        return
    first = [_where(values, int(p)) for p in positions[:3]]
    more = "" if positions.size <= 3 else Text("model.more", n=positions.size - 3)
    raise ModelError("model.rows", what=_what(what), problem=problem, where=first, more=more,
                     fix=fix)


def as_float_array(values: Any, name: str, what: str) -> np.ndarray:
    """One input as a 1-d float64 array; NaN/inf or text raise :class:`ModelError`."""
    try:
        if isinstance(values, pd.Series | pd.Index):  # nullable dtypes: <NA> becomes NaN
            arr = values.to_numpy(dtype="float64", na_value=np.nan)
        else:
            arr = np.asarray(values, dtype="float64")
    except (TypeError, ValueError) as exc:
        raise ModelError("model.not_numbers", what=_what(what), name=name) from exc
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ModelError("model.not_1d", what=_what(what), name=name)
    raise_rows(what, values, ~np.isfinite(arr), Text("model.problem.not_finite", name=name),
               Text("model.fix.not_finite"))
    return arr


def frequency_array(values: Any, what: str) -> np.ndarray:
    """Repeat-purchase counts: whole numbers ≥ 0 (as float64)."""
    x = as_float_array(values, "frequency", what)
    raise_rows(what, values, (x < 0) | (x != np.round(x)),
               Text("model.problem.frequency"), Text("model.fix.frequency"))
    return x


def check_summary(
    frequency: Any, recency: Any, T: Any, what: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate lifetimes-style (frequency, recency, T) and return float64 arrays.

    Conventions: frequency = repeat purchases (whole, ≥ 0); recency = time from the first to
    the last purchase (0 when frequency = 0); T = time from the first purchase to the end of
    the observation, ≥ recency. Any one time unit.
    """
    x = frequency_array(frequency, what)
    tx = as_float_array(recency, "recency", what)
    t_obs = as_float_array(T, "T", what)
    if not (x.size == tx.size == t_obs.size):
        raise ModelError("model.lengths", what=_what(what), sizes=[x.size, tx.size, t_obs.size])
    if x.size == 0:
        raise ModelError("model.no_customers", what=_what(what))
    raise_rows(what, recency, tx < 0, Text("model.problem.recency_negative"),
               Text("model.fix.recency_negative"))
    raise_rows(what, T, tx > t_obs, Text("model.problem.recency_over_t"),
               Text("model.fix.recency_over_t"))
    raise_rows(what, recency, (x == 0) & (tx != 0), Text("model.problem.recency_not_zero"),
               Text("model.fix.recency_not_zero"))
    return x, tx, t_obs


@dataclass(frozen=True)
class Optimum:
    """Where the optimiser stopped: log-parameters, mean log-likelihood, diagnostics."""

    log_params: np.ndarray
    mean_log_likelihood: float
    iterations: int
    evaluations: int
    max_gradient: float


def _boxed(objective: Objective) -> Objective:
    """The objective inside [−LOG_BOUND, LOG_BOUND]^k, a quadratic wall outside.

    Keeps exp(θ) finite during line searches; a fit that runs into the wall is reported as
    not converged by :func:`fit_log_params`.
    """

    def wrapped(theta: np.ndarray) -> tuple[float, np.ndarray]:
        inside = np.clip(theta, -LOG_BOUND, LOG_BOUND)
        value, grad = objective(inside)
        excess = theta - inside
        if not excess.any():
            return value, grad
        return (value + 0.5 * float(np.multiply(excess, excess).sum()),
                np.where(excess == 0, grad, excess))

    return wrapped


def _hessian(objective: Objective, theta: np.ndarray, grad: np.ndarray,
             step: float = 1e-5) -> np.ndarray:
    """Forward differences of the analytic gradient, symmetrised (enough to test definiteness)."""
    k = theta.size
    hess = np.empty((k, k))
    for i in range(k):
        e = np.zeros(k)
        e[i] = step
        hess[i] = (objective(theta + e)[1] - grad) / step
    return (hess + hess.T) / 2


def _warm_start(
    warm: Objective, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None]:
    """Optimum and inverse Hessian on a subsample: a start close to the full optimum.

    Falls back to ``start`` (and no curvature) when the subsample does not give a finite,
    interior optimum with a positive definite Hessian.
    """
    from scipy.optimize import minimize

    with np.errstate(over="ignore"):
        res = minimize(_boxed(warm), start, jac=True, method="BFGS",
                       options={"maxiter": 1000, "gtol": 1e-7})
    theta = np.asarray(res.x, dtype="float64")
    if not (np.all(np.isfinite(theta)) and np.all(np.abs(theta) < LOG_BOUND - _EDGE)):
        return start, None
    value, grad = warm(theta)
    if not (np.isfinite(value) and np.all(np.isfinite(grad))):
        return start, None
    hess = _hessian(warm, theta, grad)
    if not np.all(np.isfinite(hess)) or np.linalg.eigvalsh(hess).min() <= 0:
        return start, None
    inverse = np.linalg.inv(hess)
    return theta, (inverse + inverse.T) / 2


def fit_log_params(
    objective: Objective, start: Sequence[float], names: Sequence[str], what: str,
    warm: Objective | None = None,
) -> Optimum:
    """Minimise ``objective`` (mean negative log-likelihood and its gradient) over log-params.

    Optimiser: ``scipy.optimize.minimize(method="BFGS")`` with the analytic gradient (its
    bookkeeping is plain numpy; L-BFGS-B's compiled core hands 4×4 problems to a threaded
    BLAS, which on a busy machine costs more than the likelihood itself) down to a gradient
    of 1e-6, then Newton steps with the Hessian from differences of the gradient. Raises
    :class:`ModelError` when a parameter runs to the edge of the search box (the likelihood
    keeps rising towards 0 or ∞: the model does not fit the data), the gradient is not ≈ 0 or
    the Hessian is not positive definite (a flat direction: the data cannot pin the
    parameters down).

    ``warm``: the same objective on a subsample. When given, BFGS starts from the
    subsample's optimum with its inverse Hessian, which takes a large fit from ~20 to ~4
    evaluations; the optimum reached is the full data's either way.
    """
    from scipy.optimize import minimize  # here: chapters that only read a fit skip its import

    x0 = np.asarray(start, dtype="float64")
    hess_inv0 = None
    if warm is not None:
        x0, hess_inv0 = _warm_start(warm, x0)
    boxed = _boxed(objective)
    with np.errstate(over="ignore"):
        res = minimize(boxed, x0, jac=True, method="BFGS",
                       options={"maxiter": 1000, "gtol": _BFGS_GTOL, "hess_inv0": hess_inv0})
    theta = np.asarray(res.x, dtype="float64")
    value, grad = boxed(theta)
    hint = Text("model.fit_hint")
    if not np.isfinite(value) or not np.all(np.isfinite(grad)):
        raise ModelError("model.fit_failed", what=_what(what), hint=hint)
    at_edge = [n for n, v in zip(names, theta, strict=True) if abs(v) > LOG_BOUND - _EDGE]
    if at_edge:
        raise ModelError("model.fit_at_edge", what=_what(what), names=at_edge, hint=hint)
    hess = _hessian(objective, theta, grad)
    eigen = np.linalg.eigvalsh(hess) if np.all(np.isfinite(hess)) else np.array([-1.0])
    if not eigen.min() > 1e-9 * max(float(eigen.max()), 1e-300):
        raise ModelError("model.fit_flat", what=_what(what), hint=hint)
    theta, value, grad = _newton_polish(boxed, hess, theta, value, grad)
    max_grad = float(np.max(np.abs(grad)))
    if max_grad > _GRAD_TOL:
        raise ModelError("model.fit_no_convergence", what=_what(what), steps=int(res.nit),
                         gradient=f"{max_grad:.2e}", hint=hint)
    return Optimum(theta, -float(value), int(res.nit), int(res.nfev), max_grad)


def _newton_polish(
    objective: Objective, hess: np.ndarray, theta: np.ndarray, value: float, grad: np.ndarray
) -> tuple[np.ndarray, float, np.ndarray]:
    """Up to two Newton steps with the (positive definite) Hessian, each kept only when it
    lowers the gradient without raising the objective.

    BFGS stops at a gradient of ~1e-6: below that its line search compares objective values
    that differ by less than their rounding and wastes dozens of evaluations. Newton steps
    need no line search and take the gradient to ~1e-10 in one or two evaluations.
    """
    for _ in range(2):
        if np.max(np.abs(grad)) <= 1e-10:
            break
        candidate = theta - np.linalg.solve(hess, grad)
        new_value, new_grad = objective(candidate)
        if not (np.isfinite(new_value) and np.all(np.isfinite(new_grad))
                and new_value <= value + 1e-12 * abs(value)
                and np.max(np.abs(new_grad)) < np.max(np.abs(grad))):
            break
        theta, value, grad = candidate, new_value, new_grad
    return theta, value, grad
