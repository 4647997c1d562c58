"""Answers and contexts as data: what a graded kernel exports and the grader reads back.

``encode`` turns an answer or a check's context into JSON-safe data; ``decode`` turns it back
into objects the checks accept, without pickle and without running code: numbers, strings,
lists, dicts, NumPy arrays, pandas tables, paths, Keras models (a ``.keras`` file loaded with
``safe_mode=True``), layers, schedules and callbacks (rebuilt from their settings), a Keras
Tuner ``HyperParameters`` (from its config). Anything else travels as its type's name only, so
a check says "not <type>". Arrays over ``BIG`` values (the training images) travel as their shape:
the checks only count them. The same object twice decodes to the same object twice.
"""

from __future__ import annotations

import base64
import math
import tempfile
import types
from pathlib import Path, PurePath
from typing import Any, Callable

import numpy as np

BIG = 1_000_000  # arrays with more values than this travel as their shape only
NUMERIC_KINDS = "biufc"


class Opaque:
    """Stands in for a value of a type the grader does not rebuild; only its type's name is kept."""


def opaque(type_name: str) -> Opaque:
    """An ``Opaque`` whose class is called ``type_name`` (so a check's message names the real type)."""
    return type(type_name, (Opaque,), {})()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _keras():
    import keras
    return keras


def _is_hyperparameters(value: Any) -> bool:
    return type(value).__name__ == "HyperParameters" and type(value).__module__.startswith("keras_tuner")


class Encoder:
    """Encodes values, remembering objects already seen (``{"$ref": n}`` the second time)."""

    def __init__(self) -> None:
        self.seen: dict[int, int] = {}
        self.keep: list[Any] = []  # keeps encoded objects alive, so their ids stay unique

    def __call__(self, value: Any) -> Any:
        if value is None or isinstance(value, (bool, str)):
            return value
        if value is ...:
            return {"$ellipsis": True}
        if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
            return int(value)
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, (float, np.floating)):
            number = float(value)
            return number if math.isfinite(number) else {"$float": repr(number)}
        if isinstance(value, (list, tuple)):
            items = [self(item) for item in value]
            return items if isinstance(value, list) else {"$tuple": items}
        if isinstance(value, dict):
            return {"$dict": [[self(k), self(v)] for k, v in value.items()]}
        if isinstance(value, PurePath):
            return {"$path": str(value)}
        if id(value) in self.seen:
            return {"$ref": self.seen[id(value)]}
        encoded = self._object(value)
        if isinstance(encoded, dict) and "$opaque" not in encoded:
            self.seen[id(value)] = len(self.seen)
            self.keep.append(value)
            encoded["id"] = self.seen[id(value)]
        return encoded

    def _object(self, value: Any) -> Any:
        import pandas as pd

        if isinstance(value, pd.DataFrame):
            return {"$frame": {"columns": self(list(value.columns)), "index": self(list(value.index)),
                               "dtypes": [str(t) for t in value.dtypes],
                               "data": [self(row) for row in value.itertuples(index=False, name=None)]}}
        if isinstance(value, pd.Series):
            return {"$series": {"name": self(value.name), "index": self(list(value.index)),
                                "data": self(value.tolist())}}
        if hasattr(value, "__array__") and not hasattr(value, "get_config"):
            array = np.asarray(value)
            if array.dtype.kind not in NUMERIC_KINDS:
                return {"$opaque": type(value).__name__}
            if array.size > BIG:
                return {"$shape": list(array.shape), "dtype": str(array.dtype)}
            return {"$array": _b64(np.ascontiguousarray(array).tobytes()), "dtype": str(array.dtype),
                    "shape": list(array.shape)}
        if _is_hyperparameters(value):
            return {"$hp": self(value.get_config())}
        keras = _keras()
        if isinstance(value, keras.Model):
            return self._model(value)
        if isinstance(value, keras.layers.Layer):
            return {"$layer": self(keras.layers.serialize(value))}
        if isinstance(value, keras.optimizers.schedules.LearningRateSchedule):
            return {"$schedule": self(keras.optimizers.schedules.serialize(value))}
        if isinstance(value, keras.callbacks.Callback):
            return self._callback(value)
        if hasattr(value, "__dataclass_fields__") or isinstance(value, types.SimpleNamespace):
            names = getattr(value, "__dataclass_fields__", None) or vars(value)
            return {"$fields": {"type": type(value).__name__,
                                "values": {name: self(getattr(value, name)) for name in names}}}
        return {"$opaque": type(value).__name__}

    def _model(self, model) -> dict:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "model.keras"
            model.save(path)
            data = path.read_bytes()
        optimizer = getattr(model, "optimizer", None)
        shared = self.seen.get(id(optimizer)) if optimizer is not None else None
        if optimizer is not None and shared is None:  # the first model with this optimizer names it
            self.seen[id(optimizer)] = shared = len(self.seen)
            self.keep.append(optimizer)
        return {"$model": _b64(data), "optimizer_id": shared}

    def _callback(self, callback) -> dict:
        keras = _keras()
        name = type(callback).__name__
        if getattr(keras.callbacks, name, None) is not type(callback):
            return {"$opaque": name}
        settings = {key: self(value) for key, value in vars(callback).items()
                    if not key.startswith("_") and key != "model"
                    and (value is None or isinstance(value, (bool, int, float, str, PurePath, list, tuple)))}
        return {"$callback": name, "settings": settings}


def encode(value: Any) -> Any:
    """``value`` as JSON-safe data (see the module's docstring for what is kept)."""
    return Encoder()(value)


class Decoder:
    """Decodes what ``Encoder`` wrote; objects seen twice come back as one object. ``functions(record,
    decoder)`` rebuilds a recorded function (``recording.Replay``); without it one decodes as opaque."""

    def __init__(self, functions: Callable[[dict, "Decoder"], Any] | None = None) -> None:
        self.objects: dict[int, Any] = {}
        self.functions = functions

    def __call__(self, data: Any) -> Any:
        if data is None or isinstance(data, (bool, int, float, str)):
            return data
        if isinstance(data, list):
            return [self(item) for item in data]
        if not isinstance(data, dict) or len(data) == 0:
            return opaque("unknown")
        if "$ref" in data:
            return self.objects.get(data["$ref"], opaque("unknown"))
        value = self._value(data)
        if "id" in data:
            self.objects[data["id"]] = value
        return value

    def _value(self, data: dict) -> Any:
        if "$ellipsis" in data:
            return ...
        if "$float" in data:
            return float(data["$float"])
        if "$tuple" in data:
            return tuple(self(item) for item in data["$tuple"])
        if "$dict" in data:
            return {_hashable(self(k)): self(v) for k, v in data["$dict"]}
        if "$path" in data:
            return Path(data["$path"])
        if "$opaque" in data:
            return opaque(str(data["$opaque"]))
        if "$array" in data:
            dtype = np.dtype(data["dtype"])
            if dtype.kind not in NUMERIC_KINDS:
                return opaque("array")
            return np.frombuffer(base64.b64decode(data["$array"]), dtype=dtype).reshape(data["shape"]).copy()
        if "$shape" in data:
            return np.broadcast_to(np.zeros((), dtype=np.dtype(data["dtype"])), tuple(data["$shape"]))
        if "$frame" in data:
            return self._frame(data["$frame"])
        if "$series" in data:
            import pandas as pd
            series = data["$series"]
            return pd.Series(self(series["data"]), index=self(series["index"]), name=self(series["name"]))
        if "$fields" in data:
            fields = data["$fields"]
            return type(str(fields["type"]), (types.SimpleNamespace,), {})(
                **{str(k): self(v) for k, v in fields["values"].items()})
        if "$hp" in data:
            import keras_tuner
            return keras_tuner.HyperParameters.from_config(self(data["$hp"]))
        keras = _keras()
        if "$model" in data:
            return self._model(data)
        if "$layer" in data:
            return keras.layers.deserialize(self(data["$layer"]))
        if "$schedule" in data:
            return keras.optimizers.schedules.deserialize(self(data["$schedule"]))
        if "$callback" in data:
            kind = getattr(keras.callbacks, str(data["$callback"]), None)
            if not (isinstance(kind, type) and issubclass(kind, keras.callbacks.Callback)):
                return opaque(str(data["$callback"]))
            callback = kind.__new__(kind)
            callback.__dict__.update({str(k): self(v) for k, v in data["settings"].items()})
            return callback
        if "$function" in data:
            return self.functions(data["$function"], self) if self.functions else opaque("function")
        return opaque("unknown")

    def _frame(self, frame: dict):
        import pandas as pd
        columns = self(frame["columns"])
        table = pd.DataFrame([list(self(row)) for row in frame["data"]], columns=columns,
                             index=self(frame["index"]))
        for column, dtype in zip(columns, frame["dtypes"]):
            if dtype != "object":
                try:
                    table[column] = table[column].astype(dtype)
                except (TypeError, ValueError):
                    pass
        return table

    def _model(self, data: dict):
        keras = _keras()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "model.keras"
            path.write_bytes(base64.b64decode(data["$model"]))
            model = keras.saving.load_model(path, safe_mode=True)
        shared = data.get("optimizer_id")
        if shared is not None:
            if shared in self.objects and getattr(model, "optimizer", None) is not None:
                model.optimizer = self.objects[shared]  # the student's models shared one optimizer
            elif getattr(model, "optimizer", None) is not None:
                self.objects[shared] = model.optimizer
        return model


def _hashable(key: Any) -> Any:
    return tuple(_hashable(k) for k in key) if isinstance(key, (list, tuple)) else key


def decode(data: Any, functions: Callable[[dict, Decoder], Any] | None = None) -> Any:
    """The objects ``encode`` wrote down (never runs code from ``data``); see ``Decoder`` for ``functions``."""
    return Decoder(functions)(data)
