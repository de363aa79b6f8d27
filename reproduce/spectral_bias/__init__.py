"""Claims of Wang & Pehlevan (spectral bias) and the bridge to gradient starvation.

One module per figure of the paper: :mod:`one_layer` (eq. 7, Lemma 4.1, Prop. 4.2; Figs 2 and 5),
:mod:`inverse_law` (Fig. 6), :mod:`two_layer` (Prop. 5.1), :mod:`convolution` (Props. 5.2-5.4,
eq. 10), :mod:`flow_matching` (Figs 7-8) and :mod:`starvation` (``bridge.starvation_law``).
"""
