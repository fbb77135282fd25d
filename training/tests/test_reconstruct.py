"""cytotriage_training.reconstruct: a network exported with its BatchNorm folded into the convolutions
is rebuilt exactly, on a network small enough to export in a test."""

import pytest
import torch
from torch import nn

from cytotriage_training import reconstruct
from cytotriage_training.export import ExportWrapper, export_onnx

SIZE = 32


class SqueezeExcite(nn.Module):
    """Convolutions with their own bias and no BatchNorm, as in EfficientNet's blocks."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.fc1 = nn.Conv2d(channels, 4, 1)
        self.fc2 = nn.Conv2d(4, channels, 1)

    def forward(self, x):
        return x * torch.sigmoid(self.fc2(torch.relu(self.fc1(x.mean(dim=(2, 3), keepdim=True)))))


class Tiny(nn.Module):
    """features -> average pooling -> dropout and one Linear, the shape ExportWrapper exports."""

    def __init__(self, width: int = 8) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, width, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(width), nn.SiLU(),
            nn.Conv2d(width, width, 3, padding=1, groups=width, bias=False), nn.BatchNorm2d(width, eps=1e-3), nn.SiLU(),
            SqueezeExcite(width),
            nn.Conv2d(width, 16, 1, bias=False), nn.BatchNorm2d(16))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(16, 3))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


def trained_looking(seed: int) -> Tiny:
    """Random weights and BatchNorm statistics far from the identity, so folding them changes the weights."""
    torch.manual_seed(seed)
    net = Tiny()
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_()
                m.running_mean.normal_()
                m.running_var.uniform_(0.3, 2.0)
    return net.eval()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    net = trained_looking(1)
    path = tmp_path_factory.mktemp("tiny") / "model.onnx"
    export_onnx(ExportWrapper(net), path, size=SIZE)
    return net, path


def test_the_rebuilt_network_computes_what_the_exported_one_did(exported):
    original, path = exported
    rebuilt = reconstruct.load_onnx_weights(trained_looking(2), path, SIZE)
    x = torch.rand(4, 3, SIZE, SIZE)
    with torch.no_grad():
        torch.testing.assert_close(rebuilt(x), original(x), atol=1e-5, rtol=0)
        torch.testing.assert_close(rebuilt.features(x), original.features(x), atol=1e-5, rtol=0)


def test_each_folded_bias_becomes_a_batchnorm_that_adds_it_and_nothing_else(exported):
    _, path = exported
    rebuilt = reconstruct.load_onnx_weights(trained_looking(3), path, SIZE)
    x = torch.randn(2, 8, 5, 5)
    norm = rebuilt.features[4]  # eps 1e-3: 1 - eps must still make the variance term exactly 1
    with torch.no_grad():
        assert torch.equal(norm(x), x + norm.bias[None, :, None, None])
    assert torch.equal(norm.weight, torch.ones(8)) and torch.equal(norm.running_mean, torch.zeros(8))


def test_the_graph_of_another_network_is_refused(exported):
    _, path = exported
    with pytest.raises(reconstruct.ReconstructionError):
        reconstruct.load_onnx_weights(Tiny(width=12), path, SIZE)
