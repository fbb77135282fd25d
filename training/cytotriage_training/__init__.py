"""CytoTriage training (NOT FOR CLINICAL USE). Entry points, run with ``python3 -B -m cytotriage_training.X``
from ``training/``: ``train`` (Basic and Premium), ``train_variant`` (MobileNetV2-160), ``finetune``
(a live single-view model into a candidate), ``profile`` (assessability profile and conformal thresholds).

``data``: the datasets and the model views, computed exactly as the Java runtime does.
``export``: the exportable EfficientNet-B0 (outputs ``logits``, ``features``,
``class_activation_maps``), its ONNX export and autograd Grad-CAM. ``premium``: the 13-view model.
``basic`` and ``variant``: each network's samples, losses and BatchNorm re-estimation. ``loop``: the
epoch loop (AdamW, one-cycle, best validation macro-F1 kept). ``calibration``: temperature and the
card's metrics. ``cards``: cards, reference cases and their images. ``options``: the shared options.
``reconstruct``: a torch network rebuilt from its BatchNorm-folded ONNX export.
``metrics``: macro-F1, AUC, ECE and temperature scaling.
"""
