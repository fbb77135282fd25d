"""CytoTriage training helpers (NOT FOR CLINICAL USE).

``data``: the synthetic datasets and the model views, computed exactly as the Java runtime does.
``export``: the exportable EfficientNet-B0 (outputs ``logits``, ``features``,
``class_activation_maps``), its ONNX export and autograd Grad-CAM. ``premium``: the 13-view model.
``metrics``: macro-F1, AUC, ECE and temperature scaling. ``training/train.py`` uses them all.
"""
