"""A function as data: the calls a check made to it, recorded in one process and replayed in another.

A graded kernel cannot hand the grader a function, so it runs the exercise's check once with the
student's function wrapped in a ``Recorder``: every call's arguments (as a digest) and result (as
data) are written down. The grader's check gets a ``Replay`` instead of the function: called with
the same arguments it returns the recorded result; called with any others it says the function
was not tried on them. The grader's check builds its arguments from the lesson's context, which
the student's code never touched, so a recording made for other inputs gains nothing.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from typing import Any, Callable

from .codec import Decoder, Encoder, _is_hyperparameters, decode, encode
from .expect import Wrong


def digest(args: tuple, kwargs: dict) -> str:
    """A fingerprint of a call's arguments, the same in every process for equal arguments."""
    data = json.dumps(encode((list(args), kwargs)), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


def _parameters(function: Callable) -> list[dict] | None:
    """The function's parameters (name, kind, default as data), or None when Python cannot tell."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return None
    found = []
    for parameter in parameters:
        entry = {"name": parameter.name, "kind": int(parameter.kind)}
        if parameter.default is not inspect.Parameter.empty:
            entry["default"] = encode(parameter.default)
        found.append(entry)
    return found


def _signature(parameters: Any, decoder: Decoder) -> inspect.Signature | None:
    if not isinstance(parameters, list):
        return None
    try:
        return inspect.Signature([inspect.Parameter(
            str(p["name"]), inspect._ParameterKind(int(p["kind"])),
            default=decoder(p["default"]) if "default" in p else inspect.Parameter.empty) for p in parameters])
    except (TypeError, ValueError, KeyError):
        return None


class Recorder:
    """Calls ``function`` and writes down each call (``record()``); exceptions are recorded, then raised."""

    def __init__(self, function: Callable, encoder: Encoder | None = None):
        self.function = function
        self.encoder = encoder or Encoder()
        self.calls: list[dict] = []
        self.__signature__ = _signature_of(function)
        self.__name__ = getattr(function, "__name__", "function")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        call = {"key": digest(args, kwargs)}
        try:
            result = self.function(*args, **kwargs)
        except Exception as err:
            call["error"] = [type(err).__name__, str(err)[:500]]
            self.calls.append(call)
            raise
        call["result"] = self.encoder(result)
        # Keras Tuner's build(hp) declares its hyperparameters on hp: that change is part of the answer.
        call["after"] = {str(i): self.encoder(arg.get_config()) for i, arg in enumerate(args)
                         if _is_hyperparameters(arg)}
        self.calls.append(call)
        return result

    def record(self) -> dict:
        return {"name": self.__name__, "parameters": _parameters(self.function), "calls": self.calls}


def _signature_of(function: Callable) -> inspect.Signature | None:
    try:
        return inspect.signature(function)
    except (TypeError, ValueError):
        return None


class Replay:
    """Stands in for a recorded function: the same arguments give the recorded results in call order
    (then the last one again); other arguments raise ``Wrong``."""

    def __init__(self, record: dict, decoder: Decoder):
        self.__name__ = str(record.get("name") or "function")
        self._decoder = decoder
        self._calls = list(record.get("calls") or [])
        self._used: set[int] = set()
        signature = _signature(record.get("parameters"), decoder)
        if signature is not None:
            self.__signature__ = signature

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        key = digest(args, kwargs)
        matching = [i for i, call in enumerate(self._calls) if call.get("key") == key]
        fresh = [i for i in matching if i not in self._used]
        if fresh or matching:  # a call made more often than recorded repeats its last result
            index = fresh[0] if fresh else matching[-1]
            self._used.add(index)
            return self._replay(self._calls[index], args)
        raise Wrong(f"{self.__name__} was not run on these inputs in your notebook, so the grader cannot "
                    "tell what it returns for them.",
                    "keep the lesson's cells as they are and let the exercise's check call your function.")

    def _replay(self, call: dict, args: tuple) -> Any:
        if "error" in call:
            name, message = (list(call["error"]) + ["", ""])[:2]
            raise type(str(name) or "Exception", (Exception,), {})(message)
        for index, config in (call.get("after") or {}).items():
            position = int(index)
            if position < len(args) and _is_hyperparameters(args[position]):
                import keras_tuner
                args[position].__dict__.update(keras_tuner.HyperParameters.from_config(
                    self._decoder(config)).__dict__)
        try:
            return self._decoder(call.get("result"))
        except Exception as err:  # e.g. a model with a layer safe_mode refuses to load
            raise Wrong(f"the grader could not load what {self.__name__} returned ({type(err).__name__}: "
                        f"{str(err)[:200]}).", "build it from Keras' own layers, optimizers and losses.") from None


def decode_answer(data: Any) -> Any:
    """``codec.decode`` with recorded functions rebuilt as ``Replay``: what the grader's checks receive."""
    return decode(data, functions=Replay)


def decode_entries(entries: dict) -> dict:
    """Values one ``Encoder`` wrote (a context), decoded by one ``Decoder``, so references between them hold."""
    decoder = Decoder(functions=Replay)
    return {name: decoder(value) for name, value in entries.items()}
