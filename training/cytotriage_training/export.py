"""Exportable CytoTriage network (EfficientNet-B0) and its ONNX export.

NOT FOR CLINICAL USE.

The ONNX interface the Java services rely on (opset 17):

  input   ``image``                  float32 [N,3,224,224]  RGB, NCHW, pixels 0..1, no mean/std
  outputs ``logits``                 float32 [N,3]          BENIGN, INDETERMINATE, MALIGNANT
          ``features``               float32 [N,1280,14,14] A = model.features output, the last
                                                            feature map before average pooling
          ``class_activation_maps``  float32 [N,3,14,14]    sum_k W[c,k] * A[n,k,i,j] / (h*w)

The head of EfficientNet-B0 is global average pooling, (dropout,) one Linear W, so
d logit_c / d A_k(i,j) = W[c,k] / (h*w) and Grad-CAM of class c at ``features`` is the closed form
ReLU(sum_k W[c,k] / (h*w) * A_k). ``class_activation_maps`` is that sum BEFORE the ReLU, computed
in the graph, so consumers need neither autograd nor the ONNX initializers: they apply ReLU and
their own normalisation. ``gradcam_autograd`` computes the standard Grad-CAM with PyTorch hooks,
to check the in-graph output against.

The Basic network (``GroupedNet``) classifies four finer classes, Bethesda I (non-diagnostic),
II, III to V, and VI, and sums them into the three treatment groups: the Indeterminate logit is
log(exp z_I + exp z_III-V). With one class for both, a field without cells (Bethesda I) and an
atypical group (III to V) were the same evidence, and the Indeterminate heatmap of a III or V case
lit the empty parts of the smear (docs/benchmarks.md). The group logit's gradient is the softmax-
weighted sum of its classes' gradients, so Grad-CAM stays a closed form:
ReLU(sum_j p_j * sum_k W[j,k] / (h*w) * A_k), p_j the softmax of the group's logits z_j.

Its last feature map is 14x14 (``FinerFeatures``), not EfficientNet-B0's 7x7: a 7x7 cell of the
whole image is 146x110 px of a 1024x768 smear, larger than many synthetic lesions, and a map that
can only peak at cell centres missed the lesion of 7 to 13 % of Bethesda III to V cases even when
it was exactly the lesion's coverage (docs/benchmarks.md).

Typical use (also from a training script, with a trained ``net``)::

    wrapper = ExportWrapper(net).eval()
    export_onnx(wrapper, out_dir / "model.onnx")
    verify_onnx(out_dir / "model.onnx")
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import onnx
import torch
from torch import nn
from torch.nn import functional as F
from torchvision.models import EfficientNet, efficientnet_b0

OPSET = 17
IMAGE_SIZE = 224
CLASS_ORDER = ("BENIGN", "INDETERMINATE", "MALIGNANT")
FEATURE_SHAPE = (1280, 14, 14)  # GroupedNet at 224x224
INPUT_NAME = "image"
OUTPUT_NAMES = ("logits", "features", "class_activation_maps")


# The Basic network's classes and the group each belongs to.
FINE_CLASSES = ("NONDIAGNOSTIC", "BENIGN", "ATYPICAL", "MALIGNANT")
FINE_GROUPS = ("INDETERMINATE", "BENIGN", "INDETERMINATE", "MALIGNANT")
BETHESDA_FINE_CLASS = {"I": 0, "II": 1, "III": 2, "IV": 2, "V": 2, "VI": 3}


def new_efficientnet_b0(num_classes: int = len(CLASS_ORDER), seed: int | None = None) -> EfficientNet:
    """Freshly initialised torchvision EfficientNet-B0 (no pretrained weights), in eval mode.

    With ``seed`` the global torch RNG is seeded first, so the weights are reproducible.
    """
    if seed is not None:
        torch.manual_seed(seed)
    return efficientnet_b0(weights=None, num_classes=num_classes).eval()


def class_activation_maps(weight: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
    """Grad-CAM closed form before the ReLU: sum_k W[c,k] * A[n,k,i,j] / (h*w).

    ``weight`` [C,K] (the classifier Linear's weight), ``features`` [N,K,h,w]; returns [N,C,h,w].
    The divisor is the spatial size of ``features``, read from its shape (traced into the graph).

    The channel sum is written as a 1x1 convolution with W, which equals
    ``torch.einsum("ck,nkhw->nchw", weight, features)``: it exports to an ONNX ``Conv`` whose
    output shape ONNX shape inference knows exactly ([N,C,h,w]); an ONNX ``Einsum`` would leave
    the declared output dimensions symbolic.
    """
    h, w = features.shape[-2], features.shape[-1]
    return F.conv2d(features, weight[:, :, None, None]) / (h * w)


class FinerFeatures(nn.Module):
    """EfficientNet-B0's feature stages with the last map at 14x14: the 7x7 output of the last
    stages, repeated over 2x2 cells, plus a 1x1 convolution of the 14x14 map the earlier stages
    end on (a lateral connection, as in feature pyramid networks). Average pooling of the sum is
    the pooled 7x7 output plus the pooled lateral term, so the head is still average pooling and
    one Linear, and Grad-CAM of this map keeps its closed form. The lateral convolution starts at
    zero: the network then computes what plain EfficientNet-B0 with the same stages does (logits
    equal to float rounding, 1e-6),
    and a trained plain network can be fine-tuned from there (``load_plain_weights``).

    Adds 112x1280 multiply-adds per cell of 196 (about 7 % of EfficientNet-B0's), 4 % of the time per
    image in ONNX Runtime (measured, docs/benchmarks.md), where running the last stages at 14x14
    (stride 1) would cost 2.07x the network.
    """

    def __init__(self, stages: nn.Sequential, split: int = 6) -> None:
        super().__init__()
        self.early = stages[:split]
        self.late = stages[split:]
        self.lateral = nn.Conv2d(self.early[-1][-1].out_channels, self.late[-1].out_channels, 1, bias=False)
        nn.init.zeros_(self.lateral.weight)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        fine = self.early(image)
        return F.interpolate(self.late(fine), scale_factor=2.0, mode="nearest") + self.lateral(fine)


class GroupedNet(nn.Module):
    """EfficientNet-B0 over ``FINE_CLASSES`` whose output is the logits of the three groups.

    ``fine_outputs`` is what training fits; ``forward`` gives the group logits, whose softmax is the
    sum of the fine classes' probabilities in each group. It keeps torchvision's ``features`` and
    ``classifier``, so hooks and ``ExportWrapper`` read it like the plain network; its ``features``
    are ``FinerFeatures``, or torchvision's plain stages with ``finer=False``.
    """

    def __init__(self, seed: int | None = None, finer: bool = True) -> None:
        super().__init__()
        net = new_efficientnet_b0(num_classes=len(FINE_CLASSES), seed=seed)
        self.features = FinerFeatures(net.features) if finer else net.features
        self.avgpool = net.avgpool
        self.classifier = net.classifier
        membership = torch.tensor([[group == g for g in FINE_GROUPS] for group in CLASS_ORDER])
        # log of the 0/1 membership, with a large negative number for "not a member": exp() of it is 0
        self.register_buffer("log_membership", (~membership).float() * -1e4)
        self.eval()

    def fine_outputs(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Fine logits [N,4] and the fine classes' activation maps [N,4,h,w] (before the ReLU)."""
        features = self.features(image)
        return self._fine_logits(features), class_activation_maps(self.classifier[-1].weight, features)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.group(self._fine_logits(self.features(image)))

    def _fine_logits(self, features: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.avgpool(features), 1))

    def group(self, fine_logits: torch.Tensor) -> torch.Tensor:
        """[N,4] -> [N,3]: log of the summed exponentials of each group's classes."""
        return torch.logsumexp(fine_logits[:, None, :] + self.log_membership, dim=-1)

    def group_maps(self, fine_logits: torch.Tensor, fine_maps: torch.Tensor) -> torch.Tensor:
        """[N,4,h,w] class activation maps -> [N,3,h,w]: each group's map is its classes' maps
        weighted by their softmax within the group, the gradient of the group logit."""
        within = torch.softmax(fine_logits[:, None, :] + self.log_membership, dim=-1)  # [N,3,4]
        # a broadcast product and sum rather than an einsum, for ONNX's shape inference (see above)
        return (within[:, :, :, None, None] * fine_maps[:, None]).sum(dim=2)

    def load_plain_weights(self, state: dict[str, torch.Tensor]) -> None:
        """Loads a plain (``finer=False``) network's weights into this finer one; its lateral
        convolution stays at zero, so the outputs are the plain network's."""
        split = len(self.features.early)
        renamed = {}
        for key, value in state.items():
            if key.startswith("features."):
                stage = int(key.split(".")[1])
                key = f"features.{'early' if stage < split else 'late'}.{key[len('features.'):]}"
            renamed[key] = value
        missing, unexpected = self.load_state_dict(renamed, strict=False)
        if missing != ["features.lateral.weight"] or unexpected:
            raise ValueError(f"not a plain GroupedNet's weights: missing {missing}, unexpected {unexpected}")


class ExportWrapper(nn.Module):
    """A torchvision classifier returning (logits, features, class_activation_maps) for ONNX export.

    Fits networks built as ``features`` -> global average pooling -> ``classifier`` ending in a
    Linear with nothing but dropout before it (EfficientNet-B0, MobileNetV2): only then is the
    Grad-CAM of the last feature map the closed form of ``class_activation_maps``. ``logits`` is
    exactly ``net(image)``; ``features`` is ``net.features(image)``. A ``GroupedNet``'s maps are
    those of its group logits.
    """

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        layers = list(net.classifier)
        if not isinstance(layers[-1], nn.Linear) or not all(isinstance(m, nn.Dropout) for m in layers[:-1]):
            raise TypeError(f"expected a classifier of dropout then one nn.Linear, got {net.classifier}")
        # EfficientNet pools with an avgpool module, MobileNetV2 with adaptive_avg_pool2d in forward().
        if hasattr(net, "avgpool") and not isinstance(net.avgpool, nn.AdaptiveAvgPool2d):
            raise TypeError(f"expected global average pooling, got {type(net.avgpool)}")
        self.net = net

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        features = self.net.features(image)
        pooled = torch.flatten(F.adaptive_avg_pool2d(features, 1), 1)
        logits = self.net.classifier(pooled)
        cams = class_activation_maps(self.net.classifier[-1].weight, features)
        if isinstance(self.net, GroupedNet):
            return self.net.group(logits), features, self.net.group_maps(logits, cams)
        return logits, features, cams


def export_onnx(wrapper: ExportWrapper, path: Path, opset: int = OPSET, size: int = IMAGE_SIZE) -> None:
    """Export ``wrapper`` (eval mode) to ``path``: input ``image`` [N,3,size,size], the three outputs, dynamic N."""
    wrapper.eval()
    dummy = torch.zeros(1, 3, size, size)
    dynamic = {name: {0: "N"} for name in (INPUT_NAME, *OUTPUT_NAMES)}
    with torch.no_grad():
        torch.onnx.export(
            wrapper,
            dummy,
            str(path),
            input_names=[INPUT_NAME],
            output_names=list(OUTPUT_NAMES),
            dynamic_axes=dynamic,
            opset_version=opset,
            do_constant_folding=True,
            training=torch.onnx.TrainingMode.EVAL,
        )


def _dims(value_info: onnx.ValueInfoProto) -> list:
    return [d.dim_param if d.dim_param else d.dim_value
            for d in value_info.type.tensor_type.shape.dim]


def verify_onnx(path: Path, num_classes: int = len(CLASS_ORDER), opset: int = OPSET, size: int = IMAGE_SIZE,
                feature_shape: tuple[int, int, int] = FEATURE_SHAPE) -> onnx.ModelProto:
    """onnx.checker (full check) plus the exact interface the Java side expects; returns the model.

    Checks the opset, the single graph input ``image`` [N,3,size,size] and the outputs, in order,
    ``logits`` [N,C], ``features`` [N,*feature_shape] (GroupedNet at 224: 1280x14x14),
    ``class_activation_maps`` [N,C,h,w], all float32. Raises ValueError on any mismatch.
    """
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    opsets = {o.domain: o.version for o in model.opset_import}
    if opsets.get("", opsets.get("ai.onnx")) != opset:
        raise ValueError(f"unexpected opset {opsets}")
    g = model.graph
    initializers = {t.name for t in g.initializer}
    inputs = [v for v in g.input if v.name not in initializers]
    spatial = list(feature_shape[1:])
    expected = {
        "inputs": [(INPUT_NAME, ["N", 3, size, size])],
        "outputs": [(OUTPUT_NAMES[0], ["N", num_classes]),
                    (OUTPUT_NAMES[1], ["N", *feature_shape]),
                    (OUTPUT_NAMES[2], ["N", num_classes, *spatial])],
    }
    for kind, actual in (("inputs", inputs), ("outputs", list(g.output))):
        got = [(v.name, _dims(v)) for v in actual]
        if got != expected[kind]:
            raise ValueError(f"graph {kind} mismatch: got {got}, expected {expected[kind]}")
        for v in actual:
            if v.type.tensor_type.elem_type != onnx.TensorProto.FLOAT:
                raise ValueError(f"{v.name} is not float32")
    return model


def gradcam_autograd(net: nn.Module, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Standard Grad-CAM with hooks on the output of ``net.features``, for one image [1,3,H,W].

    For each class c: weights_k = spatial mean of d logit_c / d A_k, cam_c = ReLU(sum_k
    weights_k * A_k). Returns (logits [C], features A [K,h,w], cams [C,h,w]), all detached.
    ``net`` should be in eval mode.
    """
    saved: dict[str, torch.Tensor] = {}

    def forward_hook(_module, _inputs, output):
        saved["activation"] = output
        output.register_hook(lambda grad: saved.__setitem__("gradient", grad))

    handle = net.features.register_forward_hook(forward_hook)
    try:
        with torch.enable_grad():
            logits = net(image.clone().requires_grad_(True))
            cams = []
            for c in range(logits.shape[1]):
                net.zero_grad(set_to_none=True)
                logits[0, c].backward(retain_graph=True)
                weights = saved["gradient"][0].mean(dim=(1, 2))              # [K]
                cam = torch.relu((weights[:, None, None] * saved["activation"][0]).sum(dim=0))
                cams.append(cam.detach())
    finally:
        handle.remove()
        net.zero_grad(set_to_none=True)
    return logits[0].detach(), saved["activation"][0].detach(), torch.stack(cams)


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
