"""The Premium (multi-scale, multi-region) model of the ThyroidEffi paper. NOT FOR CLINICAL USE.

The Basic network runs on 13 views (whole image + 3x4 grid of 256x256 tiles, see ``data``); each
view's three-class probabilities plus a one-hot of its argmax form a token of dimension 6; a class
token is prepended, position embeddings added, and 3 transformer encoder layers (2 heads, MLP 12)
read them; a linear head on the class token gives the 3 logits. The head's output is added to the
whole-image view's logits and starts at zero, so training begins from the Basic model's answer and
the transformer learns only what the tiles add (trained on the views of Basic's own training cases,
a head without this skip learned to copy the whole-image token and scored below Basic, measured).

ONNX interface (opset 17):

  input   ``views``                  float32 [N,13,3,224,224]  preprocessed as ``data.all_views``
  outputs ``logits``                 float32 [N,3]
          ``view_logits``            float32 [N,13,3]          the Basic network's logits per view
          ``features``               float32 [N,13,1280,14,14] last feature map per view
          ``class_activation_maps``  float32 [N,13,3,14,14]    closed-form Grad-CAM per view, pre-ReLU
"""

from __future__ import annotations

import torch
from torch import nn
from torchvision.models import EfficientNet

from .data import VIEW_COUNT, VIEW_SIZE
from .export import OPSET, ExportWrapper

TOKEN_DIM = 6
INPUT_NAME = "views"
OUTPUT_NAMES = ("logits", "view_logits", "features", "class_activation_maps")


def tokens(view_logits: torch.Tensor) -> torch.Tensor:
    """[N,13,3] logits -> [N,13,6]: probabilities and the one-hot of their argmax.

    The one-hot is written as a comparison with the row maximum, which exports to plain ONNX ops.
    """
    p = view_logits.softmax(dim=-1)
    one_hot = (p == p.max(dim=-1, keepdim=True).values).to(p.dtype)
    return torch.cat([p, one_hot], dim=-1)


class PremiumHead(nn.Module):
    def __init__(self, layers: int = 3, heads: int = 2, mlp: int = 12, dropout: float = 0.1) -> None:
        super().__init__()
        self.class_token = nn.Parameter(torch.zeros(1, 1, TOKEN_DIM))
        self.position = nn.Parameter(torch.randn(1, VIEW_COUNT + 1, TOKEN_DIM) * 0.02)
        layer = nn.TransformerEncoderLayer(TOKEN_DIM, heads, mlp, dropout, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(TOKEN_DIM)
        self.classifier = nn.Linear(TOKEN_DIM, 3)
        nn.init.zeros_(self.classifier.weight)
        nn.init.zeros_(self.classifier.bias)

    def forward(self, view_logits: torch.Tensor) -> torch.Tensor:
        """[N,13,3] view logits (whole image first) -> [N,3] logits."""
        view_tokens = tokens(view_logits)
        x = torch.cat([self.class_token.expand(view_tokens.shape[0], -1, -1), view_tokens], dim=1) + self.position
        return view_logits[:, 0] + self.classifier(self.norm(self.encoder(x)[:, 0]))


class PremiumExport(nn.Module):
    def __init__(self, basic: EfficientNet, head: PremiumHead) -> None:
        super().__init__()
        self.basic = ExportWrapper(basic)
        self.head = head

    def forward(self, views: torch.Tensor):
        n = views.shape[0]
        flat = views.reshape(n * VIEW_COUNT, 3, VIEW_SIZE, VIEW_SIZE)
        logits, features, cams = self.basic(flat)
        view_logits = logits.reshape(n, VIEW_COUNT, 3)
        return (self.head(view_logits), view_logits,
                features.reshape(n, VIEW_COUNT, *features.shape[1:]),
                cams.reshape(n, VIEW_COUNT, *cams.shape[1:]))


def export_premium(model: PremiumExport, path) -> None:
    """torch 1.13 cannot export the transformer's fast path under no_grad: export with gradients on."""
    model.eval()
    dummy = torch.zeros(1, VIEW_COUNT, 3, VIEW_SIZE, VIEW_SIZE)
    torch.onnx.export(model, dummy, str(path), input_names=[INPUT_NAME], output_names=list(OUTPUT_NAMES),
                      dynamic_axes={name: {0: "N"} for name in (INPUT_NAME, *OUTPUT_NAMES)},
                      opset_version=OPSET, do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)
