"""The trained denoisers of Wang & Pehlevan's Sec. 6: networks, EDM training, recorder, runs.

* :mod:`.edm` -- Karras et al.'s preconditioning, loss weighting, noise schedule and Heun sampler;
* :mod:`.mlp_unet` -- the printed ``UNetBlockStyleMLP_backbone`` (App. I.2);
  :mod:`.mlp_ablations` -- its ablated variants (``spectral.architecture_ablation``);
* :mod:`.cnn_unet` -- the convolutional UNet of the CNN experiments;
* :mod:`.image_data` -- the image training sets (digits, photograph patches, a user's folder);
* :mod:`.generated_spectrum` -- the data eigenbasis, generated mode variances, alignment score and
  record schedules;
* :mod:`.training` -- one training run with the spectral recorder, cached and resumable;
* :mod:`.experiments` -- the runs of each preset and their seed replicates;
* :mod:`.spectra` -- from a recording to emergence times, power-law fits and figures.

The claims that read these runs live one level up, in :mod:`reproduce.spectral_bias`.
"""
