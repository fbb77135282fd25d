"""CytoTriage training helpers (NOT FOR CLINICAL USE).

``cytotriage_training.export`` holds the exportable EfficientNet-B0 wrapper (outputs ``logits``,
``features`` and ``class_activation_maps``) and the ONNX export / verification functions shared by
``training/export_untrained.py`` and future training scripts.
"""
