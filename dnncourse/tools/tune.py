"""``dnncourse tune``: lesson 08's random search with Keras Tuner's own distributed mode.

Keras Tuner runs a search over several processes when three variables are set:
``KERASTUNER_TUNER_ID`` ("chief" for the process that holds the oracle, any other
name for a worker), ``KERASTUNER_ORACLE_IP`` and ``KERASTUNER_ORACLE_PORT``. The
chief serves the oracle over gRPC and hands out trials; each worker asks for a
trial, trains it and reports the score. This module only sets those variables,
starts the processes and writes down what happened; the scheduling is Keras Tuner's.

- ``--workers N``: a chief and N workers on this machine, each worker pinned to its
  share of the cores; a worker that dies is restarted once with the same id, and
  Keras Tuner hands it its unfinished trial again, so the trial is re-run.
- ``--role chief|worker --oracle HOST:PORT``: one process, to spread a search over
  machines. The chief's port has no authentication: it binds to 127.0.0.1 unless
  told otherwise, and must only be reachable from trusted machines.

The chief writes ``OUT/tuning.json`` after every finished trial: each trial's
hyperparameters, score, status, the worker that ran it, its seconds and attempts,
and the best configuration.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .. import switches
from .course import Book
from .environment import chosen_backend, kernel_env
from .errors import ToolError

LOCALHOST = "127.0.0.1"
DEFAULT_PORT = 8000  # the chief's port when --oracle names none (it binds to LOCALHOST)
CORES_ENV = switches.TUNE_CORES  # the cores a worker started by --workers may use
LESSON = "08_tuning"
SEARCH_PARAMETERS = ("max_trials", "search_epochs", "search_n_train", "batch_size", "seed")


class TuneError(ToolError):
    """A request ``dnncourse tune`` cannot carry out; the message names the fix."""


@dataclass
class Oracle:
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def parse_oracle(text: str) -> Oracle:
    """``HOST:PORT`` -> Oracle; a clear error for anything else."""
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise TuneError(f"--oracle {text!r}: expected HOST:PORT, e.g. --oracle 127.0.0.1:8000.")
    return Oracle(host, int(port))


def free_port(host: str = LOCALHOST) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def check_port_free(oracle: Oracle) -> None:
    """Refuse a port that something else already uses, before any training starts."""
    with socket.socket() as s:
        try:
            s.bind((oracle.host, oracle.port))
        except OSError as err:
            raise TuneError(f"The chief cannot listen on {oracle} ({err.strerror}): another program uses "
                            f"that port. Pick another one, e.g. --oracle {oracle.host}:{free_port(LOCALHOST)}.") \
                from None


def check_chief_reachable(oracle: Oracle, timeout: float) -> None:
    """A worker's first step: can it reach the chief? Keras Tuner alone would wait for an hour."""
    import grpc

    channel = grpc.insecure_channel(str(oracle))
    try:
        grpc.channel_ready_future(channel).result(timeout=timeout)
    except grpc.FutureTimeoutError:
        raise TuneError(
            f"This worker cannot reach the chief at {oracle} (waited {timeout:.0f} s). Start the chief first "
            f"(dnncourse tune --role chief --oracle {oracle}), check the address and port, and make sure a "
            f"firewall lets this machine reach it.") from None
    finally:
        channel.close()


def search_settings(book: Book, profile: str, overrides: dict | None) -> dict:
    """Lesson 08's search parameters in ``profile`` (book.yml), with overrides."""
    from .plan import notebook_parameters, plan_parameters

    planned = plan_parameters(book, [LESSON], profile, overrides, output_dir="unused")[LESSON]
    values = {**notebook_parameters(book.lesson(LESSON).path), **planned}  # the lesson's defaults, then the profile
    return {name: values[name] for name in SEARCH_PARAMETERS}


def make_tuner(settings: dict, out: Path, tuner_id: str):
    """A Keras Tuner ``Tuner`` over ``build_model`` whose oracle records who ran each trial."""
    import keras_tuner

    from ..search_space import build_model

    class RecordingOracle(keras_tuner.oracles.RandomSearchOracle):
        # The chief's oracle: notes which worker got each trial and when; writes tuning.json.
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.runs: dict[str, dict] = {}
            self.started = time.time()

        def create_trial(self, tuner_id):
            trial = super().create_trial(tuner_id)
            if trial.status == keras_tuner.engine.trial.TrialStatus.RUNNING:
                # A worker asks once per trial; it asks again for the same trial only after a restart.
                run = self.runs.setdefault(trial.trial_id, {"attempts": 0})
                run.update(worker=tuner_id, start=time.time(), attempts=run["attempts"] + 1)
            return trial

        def end_trial(self, trial):
            super().end_trial(trial)
            run = self.runs.setdefault(trial.trial_id, {"attempts": 1})
            run["ended"] = time.time()
            write_tuning_json(self, out / "tuning.json", settings, status="running")

    oracle = RecordingOracle(objective="val_accuracy", max_trials=settings["max_trials"], seed=settings["seed"])
    folder = out / "chief" if tuner_id == "chief" else out / "workers" / tuner_id
    return keras_tuner.Tuner(oracle=oracle, hypermodel=build_model, directory=str(folder),
                             project_name=LESSON, overwrite=True)


def write_tuning_json(oracle, path: Path, settings: dict, status: str) -> dict:
    """What the search did, trial by trial, and its best configuration."""
    trials = []
    for trial_id, trial in sorted(oracle.trials.items()):
        run = oracle.runs.get(trial_id, {})
        seconds = run["ended"] - run["start"] if "ended" in run and "start" in run else None
        trials.append({"trial": trial_id, "status": str(trial.status), "score": trial.score,
                       "worker": run.get("worker"), "attempts": run.get("attempts", 0),
                       "seconds": None if seconds is None else round(seconds, 1),
                       "hyperparameters": trial.hyperparameters.values})
    scored = [t for t in trials if t["score"] is not None]
    best = max(scored, key=lambda t: t["score"]) if scored else None
    record = {"status": status, "lesson": LESSON, "settings": settings, "objective": "val_accuracy",
              "seconds": round(time.time() - oracle.started, 1), "trials": trials,
              "workers": sorted({t["worker"] for t in trials if t["worker"]}),
              "best": None if best is None else {k: best[k] for k in ("trial", "score", "hyperparameters")}}
    path.write_text(json.dumps(record, indent=2))
    return record


def run_chief(settings: dict, oracle: Oracle, out: Path) -> int:
    """Serve the oracle until every trial is done (Keras Tuner's chief), then write tuning.json."""
    check_port_free(oracle)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.update(KERASTUNER_TUNER_ID="chief", KERASTUNER_ORACLE_IP=oracle.host,
                      KERASTUNER_ORACLE_PORT=str(oracle.port))
    tuner = make_tuner(settings, out, "chief")
    print(f"chief: serving {settings['max_trials']} trial(s) on {oracle}", flush=True)
    tuner.search()  # blocks until the workers have finished every trial
    record = write_tuning_json(tuner.oracle, out / "tuning.json", settings, status="done")
    print(f"chief: done in {record['seconds']:.0f} s; best trial {record['best']['trial']} "
          f"val_accuracy {record['best']['score']:.4f}", flush=True)
    return 0


def run_worker(settings: dict, oracle: Oracle, out: Path, worker_id: str, connect_timeout: float) -> int:
    """Ask the chief for trials and train them until it says stop."""
    check_chief_reachable(oracle, connect_timeout)
    if os.environ.get(CORES_ENV) and hasattr(os, "sched_setaffinity"):  # before JAX or TF start their threads
        os.sched_setaffinity(0, {int(core) for core in os.environ[CORES_ENV].split(",")})
    os.environ.update(KERASTUNER_TUNER_ID=worker_id, KERASTUNER_ORACLE_IP=oracle.host,
                      KERASTUNER_ORACLE_PORT=str(oracle.port))
    import dnncourse as dc

    data = dc.load_data(n_train=settings["search_n_train"])
    (out / "workers" / worker_id).mkdir(parents=True, exist_ok=True)
    (out / "workers" / worker_id / "pid").write_text(str(os.getpid()))
    dc.set_seed(settings["seed"])
    tuner = make_tuner(settings, out, worker_id)
    print(f"{worker_id}: connected to the chief at {oracle}", flush=True)
    tuner.search(data.x_train, data.y_train, validation_data=(data.x_val, data.y_val),
                 epochs=settings["search_epochs"], batch_size=settings["batch_size"], verbose=0)
    print(f"{worker_id}: no more trials", flush=True)
    return 0


def _command(role: str, oracle: Oracle, out: Path, settings: dict, worker_id: str | None = None) -> list[str]:
    command = [sys.executable, "-m", "dnncourse", "tune", "--role", role, "--oracle", str(oracle),
               "--out", str(out), "--settings-json", json.dumps(settings)]
    return command + (["--worker-id", worker_id] if worker_id else [])


def _cores_for(index: int, workers: int) -> set[int]:
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else list(range(os.cpu_count() or 1))
    share = max(1, len(cores) // workers)
    return set(cores[(index * share) % len(cores):][:share]) or set(cores)


def _start(command: list[str], log: Path, cores: set[int] | None = None) -> subprocess.Popen:
    env = {**os.environ, **kernel_env(chosen_backend(None), headless=True)}  # quiet TF, the course's backend
    if cores:
        env[CORES_ENV] = ",".join(map(str, sorted(cores)))  # the worker pins itself (run_worker)
    with open(log, "a") as handle:
        return subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env)


def run_local(settings: dict, workers: int, out: Path, restarts: int = 1, timeout: float = 3600) -> dict:
    """A chief and ``workers`` workers on this machine; restart a dying worker (same id) ``restarts`` times."""
    oracle = Oracle(LOCALHOST, free_port())
    out.mkdir(parents=True, exist_ok=True)
    (out / "logs").mkdir(exist_ok=True)
    chief = _start(_command("chief", oracle, out, settings), out / "logs" / "chief.log")
    time.sleep(0.5)
    ids = [f"worker{i}" for i in range(1, workers + 1)]
    procs = {w: _start(_command("worker", oracle, out, settings, w), out / "logs" / f"{w}.log",
                       _cores_for(i, workers)) for i, w in enumerate(ids)}
    left = {w: restarts for w in ids}
    started, note = time.monotonic(), []
    while chief.poll() is None and time.monotonic() - started < timeout:
        for w, proc in procs.items():
            code = proc.poll()
            if code not in (None, 0) and left[w] > 0:
                left[w] -= 1
                note.append(f"{w} exited with {code}; restarted with the same id, so it re-runs its trial")
                print(f"tune: {note[-1]}", flush=True)
                procs[w] = _start(_command("worker", oracle, out, settings, w), out / "logs" / f"{w}.log",
                                  _cores_for(ids.index(w), workers))
        if all(p.poll() is not None for p in procs.values()) and any(p.returncode for p in procs.values()):
            break  # every worker is gone and one failed for good: the chief would wait forever
        time.sleep(0.5)
    for proc in [chief, *procs.values()]:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)
    path = out / "tuning.json"
    record = json.loads(path.read_text()) if path.is_file() else {"status": "failed", "trials": []}
    if chief.returncode != 0:
        record["status"] = "incomplete"
    record["launcher"] = {"workers": workers, "oracle": str(oracle), "restarts": note,
                          "wall_seconds": round(time.monotonic() - started, 1)}
    path.write_text(json.dumps(record, indent=2))
    return record
