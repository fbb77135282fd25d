"""The second encoder, MobileNetV2 at 160x160 with ImageNet normalisation: its view, samples, loss
and BatchNorm re-estimation. NOT FOR CLINICAL USE.

It exists to show that CytoTriage serves any encoder whose card describes its input: another
architecture, another input size, another normalisation, chosen by model directory, not by code.
Whole images only, resized with plain bilinear interpolation exactly as the Java side does it.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F
from torchvision.models import mobilenet_v2

from . import data
from .basic import reestimate_batchnorm

NAME = "mobilenetv2-160"
SIZE = 160
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
PREPROCESSING = {"inputName": "image", "width": SIZE, "height": SIZE, "resize": "bilinear-stretch",
                 "channelOrder": "RGB", "layout": "NCHW", "scale": "0..1", "mean": MEAN.flatten().tolist(),
                 "std": STD.flatten().tolist()}
ARCHITECTURE = f"torchvision mobilenet_v2, 3-class head, {SIZE}x{SIZE}"


def new_net(seed: int | None = None, zero_head: bool = True) -> nn.Module:
    if seed is not None:
        torch.manual_seed(seed)
    net = mobilenet_v2(weights=None, num_classes=len(data.GROUPS))
    if zero_head:  # as for Basic: zero logits at the start train steadily
        nn.init.zeros_(net.classifier[-1].weight)
        nn.init.zeros_(net.classifier[-1].bias)
    return net


def view(pixels: torch.Tensor) -> torch.Tensor:
    """uint8 [N,3,H,W] -> the normalised 160x160 input, as ModelInputs computes it in Java."""
    x = F.interpolate(pixels.float() / 255.0, size=(SIZE, SIZE), mode="bilinear", align_corners=False)
    return (x - MEAN) / STD


def feature_shape(net: nn.Module) -> tuple[int, int, int]:
    with torch.no_grad():
        return tuple(net.eval().features(torch.zeros(1, 3, SIZE, SIZE)).shape[1:])


@torch.inference_mode()
def logits(net, split: data.Split, batch: int = 64) -> torch.Tensor:
    net.eval()
    return torch.cat([net(view(split.pixels[i:i + batch])) for i in range(0, len(split), batch)])


def batch_loss(split: data.Split, bethesda_v_weight: float = 1.0):
    """The loop's ``batch_loss``: cross-entropy on whole images, flipped left-right half of the time,
    a Bethesda V case weighing ``bethesda_v_weight`` (``data.bethesda_v_weights``)."""
    case_weights = data.bethesda_v_weights(split, bethesda_v_weight)

    def loss(net: nn.Module, indices: torch.Tensor, generator: torch.Generator):
        x = view(split.pixels[indices])
        if torch.rand(1, generator=generator) < 0.5:
            x = x.flip(-1)
        return data.weighted_cross_entropy(net(x), split.labels[indices], case_weights[indices]), {}
    return loss


def recalibrate_batchnorm(net, split: data.Split, batch: int, batches: int = 20) -> None:
    """Precise BatchNorm, as for Basic: plain averages over the first training batches."""
    reestimate_batchnorm(net, (view(split.pixels[b * batch:(b + 1) * batch])
                               for b in range(min(batches, math.ceil(len(split) / batch)))))
