"""cytotriage_training.loop: which epoch's weights the loop leaves in the network."""

import pytest
import torch
from torch import nn

from cytotriage_training import loop


def scripted(validations):
    """A ``validate`` that answers the given validations in turn and remembers each epoch's weights."""
    seen = []

    def validate(net):
        seen.append(net.weight.detach().clone())
        return validations[len(seen) - 1]
    return validate, seen


def train(net, validate, epochs, baseline=None):
    inputs, targets = torch.randn(8, 2, generator=torch.Generator().manual_seed(1)), torch.tensor([0, 1] * 4)

    def batch_loss(net, indices, generator):
        return nn.functional.cross_entropy(net(inputs[indices]), targets[indices]), {}
    return loop.train_epochs(net, train_size=8, batch=4, epochs=epochs, lr=0.1, seed=3, batch_loss=batch_loss,
                             validate=validate, stage="test", baseline=baseline)


def test_a_refused_epoch_is_never_kept_even_with_the_best_macro_f1():
    net = nn.Linear(2, 2)
    validate, seen = scripted([loop.Validation(0.6), loop.Validation(0.9, "misses Bethesda V smears"), loop.Validation(0.7)])
    fitted = train(net, validate, epochs=3)
    assert fitted.best_epoch == 3 and fitted.best_macro_f1 == 0.7
    assert torch.equal(net.weight, seen[2])
    assert fitted.epochs[1].as_json()["refused"] == "misses Bethesda V smears"
    assert "refused" not in fitted.epochs[2].as_json()


def test_with_every_epoch_refused_the_starting_weights_stay():
    net = nn.Linear(2, 2)
    start = net.weight.detach().clone()
    validate, _ = scripted([loop.Validation(0.95, "fewer flagged"), loop.Validation(0.99, "fewer flagged")])
    fitted = train(net, validate, epochs=2, baseline=0.5)
    assert fitted.best_epoch == 0 and fitted.best_macro_f1 == 0.5
    assert torch.equal(net.weight, start)


def test_without_a_baseline_a_run_whose_every_epoch_is_refused_stops_and_says_why():
    validate, _ = scripted([loop.Validation(0.8, "fewer flagged")])
    with pytest.raises(ValueError, match="refused every epoch: fewer flagged"):
        train(nn.Linear(2, 2), validate, epochs=1)


def test_a_plain_macro_f1_is_a_validation_that_refuses_nothing():
    net = nn.Linear(2, 2)
    validate, seen = scripted([0.4, 0.3])
    fitted = train(net, validate, epochs=2)
    assert fitted.best_epoch == 1 and torch.equal(net.weight, seen[0])
