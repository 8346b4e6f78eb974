"""The individual products behind a matrix product, so a worked solution can write every sum out.

A matrix product C = A·B is, entry by entry, a sum: C[r, s] = Σₖ A[r, k]·B[k, s]. The functions
here return those summands, so that the dashboard can print "2 × 0.1 + 3 × 0.3" from numbers the
package computed rather than recomputing them itself.
"""
from __future__ import annotations

import numpy as np

from backprop._checks import as_matrix, check_inner


def matmul_terms(A, B, *, names: tuple[str, str] = ("A", "B")) -> np.ndarray:
    """terms[r, s, k] = A[r, k]·B[k, s], so that terms.sum(axis=-1) == A·B.

    - A: (R, K); B: (K, S)
    Returns terms: (R, S, K).
    """
    a_name, b_name = names
    A = as_matrix(a_name, A)
    B = as_matrix(b_name, B)
    check_inner(a_name, A, b_name, B)
    return A[:, None, :] * B.T[None, :, :]
