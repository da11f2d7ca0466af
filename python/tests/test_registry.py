"""hnn.plugins() and hnn.describe(): the registry hnn-host loads, from Python."""
import pytest

import hnn


def test_plugins_lists_the_bundled_plugins_by_kind():
    listed = {(p["kind"], p["name"]) for p in hnn.plugins()}
    for expected in [("system", "spring_mass"), ("model", "mlp"), ("model", "kan"),
                     ("optimizer", "adam"), ("optimizer", "lbfgs"), ("integrator", "rk45")]:
        assert expected in listed
    for plugin in hnn.plugins():
        assert plugin["description"]
        assert plugin["source"].endswith(".so") or plugin["source"] == "<built-in>"


def test_describe_gives_every_option_with_type_default_and_meaning():
    adam = hnn.describe("optimizer", "adam")
    assert adam["name"] == "adam" and adam["kind"] == "optimizer"
    options = {o["key"]: o for o in adam["options"]}
    assert {"epochs", "lr", "beta1", "beta2", "eps", "weight_decay"} <= set(options)
    assert options["lr"]["type"] == "real"
    assert isinstance(options["lr"]["default"], float)
    assert options["lr"]["description"] == "learning rate"
    assert options["epochs"]["type"] == "integer"
    assert isinstance(options["epochs"]["default"], int)
    assert not options["epochs"]["required"]


def test_describe_refuses_an_unknown_plugin_or_kind():
    with pytest.raises(KeyError, match="no optimizer plugin named 'adamm'"):
        hnn.describe("optimizer", "adamm")
    with pytest.raises(ValueError, match="no plugin kind 'optimiser'"):
        hnn.describe("optimiser", "adam")
