"""Tolerances shared by several test files, each with the reason for its size.

A tolerance used by one file only is a constant at the top of that file; this module holds
the ones that several files apply to the same kind of comparison, so that one number has one
reason.  Import them by name (``tests/`` is on the path): ``from tolerances import CLOSED_FORM_RTOL``.
"""

CLOSED_FORM_RTOL = 1e-6  # the stated accuracy of the spectral closed forms against quadrature or an ODE solve
VECTORISED_RTOL = 1e-14  # one formula on an array against a loop of scalars: a few ulps from vectorised kernels
FIRST_ORDER_RATIO_LO = 1.6  # gradient descent's O(eta) error halves with the step (ratio 2): 20% room for O(eta^2)
FIRST_ORDER_RATIO_HI = 2.4  # the same band above 2
