"""Claims of Wang & Pehlevan (spectral bias): one module per claim, named after its id.

Closed forms against their numerical twins: :mod:`.eq7_weights`, :mod:`.lemma4_1_sign`,
:mod:`.prop4_2_variance` (one layer, Figs 2 and 5), :mod:`.inverse_law` (Fig. 6),
:mod:`.prop5_1_two_layer`, :mod:`.prop5_3_circulant`, :mod:`.eq10_typo`, :mod:`.prop5_4_patch`
(convolution; their shared signals are :mod:`.circular_filters`) and :mod:`.flow_matching`.

Trained denoisers (Sec. 6): :mod:`.gaussian_mlp`, :mod:`.gaussian_mlp_d512`, :mod:`.image_mlp`,
:mod:`.cnn_no_bias`, :mod:`.alignment`, :mod:`.theory_overlay`, :mod:`.architecture_ablation`.
The networks, their training and the spectral recorder are the package :mod:`.denoisers`.

:mod:`.user_images` runs the image-MLP protocol on a user's own image folder (a command, not a
claim); :mod:`.common` holds the grids and figure helpers the closed-form claims share.
"""
