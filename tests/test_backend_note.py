"""A lesson run where Keras fell back to TensorFlow by default says once how to get the faster JAX backend."""

import sys
import types

from dnncourse import backend, params


def fake_keras(name):
    return types.SimpleNamespace(backend=types.SimpleNamespace(backend=lambda: name))


def test_the_note_appears_only_for_tensorflow_chosen_by_default(monkeypatch):
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    monkeypatch.setitem(sys.modules, "keras", fake_keras("tensorflow"))
    assert "KERAS_BACKEND=jax" in backend.default_backend_note()
    monkeypatch.setitem(sys.modules, "keras", fake_keras("jax"))
    assert backend.default_backend_note() is None
    monkeypatch.setitem(sys.modules, "keras", fake_keras("tensorflow"))
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")   # asked for: no note
    assert backend.default_backend_note() is None


def test_check_parameters_says_it_once(monkeypatch, capsys):
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    monkeypatch.setitem(sys.modules, "keras", fake_keras("tensorflow"))
    monkeypatch.setattr(backend, "_said", False)
    params.check_parameters(epochs=2)
    params.check_parameters(epochs=3)
    assert capsys.readouterr().out.count("KERAS_BACKEND=jax") == 1
