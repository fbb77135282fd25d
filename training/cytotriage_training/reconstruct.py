"""The torch network of an exported model, rebuilt from its ONNX file. NOT FOR CLINICAL USE.

The shipped models' checkpoints are lost, and their ONNX export folded every BatchNorm into the
convolution before it (``onnx::Conv_NNN`` initializers: the scaled weight and a bias). The same
torch network is built again and each ONNX convolution loaded into the torch convolution that ran
at the same point of the forward pass (forward hooks give the order; shapes and attributes must
agree). A fused bias goes into the BatchNorm that follows as its shift, with scale 1, mean 0 and
variance 1 - eps, so that the BatchNorm adds the bias and nothing else: the network computes what
the ONNX graph computes, and it keeps its BatchNorm layers, so it can be fine-tuned (with frozen
statistics) and exported again through the same code.
"""

from __future__ import annotations

from pathlib import Path

import onnx
import torch
from onnx import numpy_helper
from torch import nn

from .export import ExportWrapper


class ReconstructionError(ValueError):
    """The ONNX graph is not the export of the network it is loaded into."""


def load_onnx_weights(net: nn.Module, model: onnx.ModelProto | Path, input_size: int) -> nn.Module:
    """Loads the weights of ``model`` (exported from ``ExportWrapper(net)``) into ``net``, in place.

    Every parameter of ``net`` is set, or ReconstructionError says which is missing."""
    if not isinstance(model, onnx.ModelProto):
        model = onnx.load(str(model))
    initializers = constants(model)
    convs, linears, following_norm = _execution_order(net, input_size)
    onnx_convs = [n for n in model.graph.node if n.op_type == "Conv"]
    onnx_gemms = [n for n in model.graph.node if n.op_type == "Gemm"]
    if len(onnx_convs) < len(convs) or len(onnx_gemms) != len(linears):
        raise ReconstructionError(f"the graph has {len(onnx_convs)} Conv and {len(onnx_gemms)} Gemm nodes, the network "
                                  f"{len(convs)} convolutions and {len(linears)} linear layers")
    assigned: set[int] = set()
    with torch.no_grad():
        for conv, node in zip(convs, onnx_convs):
            _load_conv(conv, node, initializers, following_norm.get(conv), assigned)
        for linear, node in zip(linears, onnx_gemms):
            _load_linear(linear, node, initializers, assigned)
        _check_class_maps(onnx_convs[len(convs):], linears, initializers)
    missing = [name for name, p in net.named_parameters() if id(p) not in assigned]
    if missing:
        raise ReconstructionError(f"the graph sets no value for {missing}")
    return net.eval()


def _execution_order(net: nn.Module, input_size: int):
    """Convolutions and linear layers in the order the export ran them, and the BatchNorm (if any)
    that reads each convolution's output."""
    convs: list[nn.Conv2d] = []
    linears: list[nn.Linear] = []
    producer: dict[int, nn.Conv2d] = {}
    following: dict[nn.Conv2d, nn.BatchNorm2d] = {}
    kept = []  # outputs stay alive while the pass runs, so their ids stay unique

    def on_conv(module, _inputs, output):
        convs.append(module)
        producer[id(output)] = module
        kept.append(output)

    def on_norm(module, inputs, _output):
        conv = producer.get(id(inputs[0]))
        if conv is not None:
            following[conv] = module

    hooks = []
    for module in net.modules():
        if isinstance(module, nn.Conv2d):
            hooks.append(module.register_forward_hook(on_conv))
        elif isinstance(module, nn.BatchNorm2d):
            hooks.append(module.register_forward_hook(on_norm))
        elif isinstance(module, nn.Linear):
            hooks.append(module.register_forward_hook(lambda m, i, o: linears.append(m)))
    try:
        with torch.no_grad():
            ExportWrapper(net).eval()(torch.zeros(1, 3, input_size, input_size))
    finally:
        for hook in hooks:
            hook.remove()
    return convs, linears, following


def constants(model: onnx.ModelProto) -> dict[str, onnx.TensorProto]:
    """Every constant value of the graph by name: the initializers, Constant nodes, and the Identity
    nodes the exporter puts where two parameters were equal (it stores one, e.g. two zero biases)."""
    values = {t.name: t for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Identity" and node.input[0] in values:
            values[node.output[0]] = values[node.input[0]]
        elif node.op_type == "Constant" and _attributes(node).get("value") is not None:
            values[node.output[0]] = _attributes(node)["value"]
    return values


def _array(initializers: dict, name: str) -> torch.Tensor:
    if name not in initializers:
        raise ReconstructionError(f"{name} is not a constant of the graph")
    return torch.from_numpy(numpy_helper.to_array(initializers[name]).copy())


def _attributes(node) -> dict:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _load_conv(conv: nn.Conv2d, node, initializers: dict, norm: nn.BatchNorm2d | None, assigned: set[int]) -> None:
    weight = _array(initializers, node.input[1])
    attributes = _attributes(node)
    expected = {"shape": tuple(conv.weight.shape), "group": conv.groups, "strides": list(conv.stride),
                "dilations": list(conv.dilation)}
    actual = {"shape": tuple(weight.shape), "group": attributes.get("group", 1),
              "strides": list(attributes.get("strides", [1, 1])), "dilations": list(attributes.get("dilations", [1, 1]))}
    if expected != actual:
        raise ReconstructionError(f"ONNX node {node.name} {actual} does not match the convolution {expected}")
    conv.weight.copy_(weight)
    assigned.add(id(conv.weight))
    bias = _array(initializers, node.input[2]) if len(node.input) > 2 and node.input[2] else None
    if conv.bias is not None:
        conv.bias.copy_(bias if bias is not None else torch.zeros_like(conv.bias))
        assigned.add(id(conv.bias))
    elif norm is not None:
        _shift_only(norm, bias if bias is not None else torch.zeros(conv.out_channels))
        assigned.update((id(norm.weight), id(norm.bias)))
    elif bias is not None and bias.abs().max() > 0:
        raise ReconstructionError(f"ONNX node {node.name} has a bias, the convolution has neither bias nor BatchNorm")


def _shift_only(norm: nn.BatchNorm2d, shift: torch.Tensor) -> None:
    """BN(x) = (x - 0) / sqrt(var + eps) * 1 + shift with var + eps == 1 exactly in float32: x + shift."""
    variance = torch.tensor(1.0) - norm.eps
    while float(variance + norm.eps) != 1.0:  # float32 rounding of 1 - eps may miss by one step
        variance = torch.nextafter(variance, torch.tensor(2.0 if float(variance + norm.eps) < 1 else 0.0))
    norm.weight.fill_(1.0)
    norm.bias.copy_(shift)
    norm.running_mean.zero_()
    norm.running_var.fill_(float(variance))


def _load_linear(linear: nn.Linear, node, initializers: dict, assigned: set[int]) -> None:
    attributes = _attributes(node)
    if attributes.get("alpha", 1.0) != 1.0 or attributes.get("beta", 1.0) != 1.0 or attributes.get("transA", 0):
        raise ReconstructionError(f"ONNX node {node.name} is not a plain linear layer: {attributes}")
    weight = _array(initializers, node.input[1])
    if not attributes.get("transB", 0):
        weight = weight.T
    if tuple(weight.shape) != tuple(linear.weight.shape):
        raise ReconstructionError(f"ONNX node {node.name} weight {tuple(weight.shape)}, linear {tuple(linear.weight.shape)}")
    linear.weight.copy_(weight)
    linear.bias.copy_(_array(initializers, node.input[2]))
    assigned.update((id(linear.weight), id(linear.bias)))


def _check_class_maps(extra_convs: list, linears: list[nn.Linear], initializers: dict) -> None:
    """The convolutions after the network's own are the in-graph Grad-CAM (export.class_activation_maps),
    a 1x1 convolution with the last linear layer's weight: it must be that weight."""
    for node in extra_convs:
        weight = _array(initializers, node.input[1])
        if not torch.equal(weight.flatten(1), linears[-1].weight.detach()):
            raise ReconstructionError(f"ONNX node {node.name} is neither a convolution of the network "
                                      "nor its class activation maps")
