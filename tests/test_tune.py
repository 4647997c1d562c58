"""dnncourse tune: Keras Tuner's chief and workers on localhost, and the faults a lab meets."""

import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from dnncourse.tools import tune
from dnncourse.tools.cli import build_parser, main


@pytest.fixture
def fashion_mnist(fashion_mnist_folder):
    return fashion_mnist_folder


@pytest.mark.slow
def test_two_workers_share_the_search(fashion_mnist, tmp_path, capsys):
    out = tmp_path / "tune"
    assert main(["tune", "--workers", "2", "--profile", "smoke", "--out", str(out), "-p", "max_trials=4"]) == 0
    record = json.loads((out / "tuning.json").read_text())
    assert record["status"] == "done" and record["settings"]["max_trials"] == 4
    assert [t["status"] for t in record["trials"]] == ["COMPLETED"] * 4
    assert {t["worker"] for t in record["trials"]} == {"worker1", "worker2"}, "one worker ran every trial"
    assert all(t["seconds"] > 0 and t["attempts"] == 1 for t in record["trials"])
    assert record["best"]["score"] == max(t["score"] for t in record["trials"])
    assert {"units", "learning_rate", "optimizer"} <= set(record["best"]["hyperparameters"])
    assert "done in" in capsys.readouterr().out


@pytest.mark.slow
def test_a_worker_killed_mid_trial_is_restarted_and_its_trial_re_run(fashion_mnist, tmp_path):
    out = tmp_path / "tune"
    settings = {"max_trials": 3, "search_epochs": 3, "search_n_train": 6000, "batch_size": 250, "seed": 0}
    result = {}
    launcher = threading.Thread(target=lambda: result.update(tune.run_local(settings, 2, out)))
    launcher.start()
    log = out / "logs" / "worker1.log"
    deadline = time.monotonic() + 120
    while not (log.is_file() and "connected to the chief" in log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)  # its first trial starts right after it connects: now it is training
    os.kill(int((out / "workers" / "worker1" / "pid").read_text()), signal.SIGKILL)
    launcher.join(timeout=300)
    assert result["status"] == "done", result
    assert [t["status"] for t in result["trials"]] == ["COMPLETED"] * 3
    assert any("worker1 exited with -9" in note for note in result["launcher"]["restarts"])
    retried = [t for t in result["trials"] if t["attempts"] == 2]
    assert len(retried) == 1 and retried[0]["worker"] == "worker1", "the killed trial was not re-run"


def test_a_worker_that_cannot_reach_the_chief_names_the_address_and_the_fix(tmp_path, capsys):
    port = tune.free_port()
    code = main(["tune", "--role", "worker", "--oracle", f"127.0.0.1:{port}", "--connect-timeout", "1",
                 "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"cannot reach the chief at 127.0.0.1:{port}" in err
    assert f"dnncourse tune --role chief --oracle 127.0.0.1:{port}" in err


def test_a_port_in_use_is_refused_before_anything_runs(tmp_path, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["tune", "--role", "chief", "--oracle", f"127.0.0.1:{port}", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and f"The chief cannot listen on 127.0.0.1:{port}" in err and "Pick another one" in err
    assert not (tmp_path / "tuning.json").exists()


@pytest.mark.parametrize("text", ["8000", "host:", "host:port", ":8000", "host:70000"])
def test_a_malformed_oracle_address_is_refused(text):
    with pytest.raises(tune.TuneError, match="expected HOST:PORT"):
        tune.parse_oracle(text)


def test_a_worker_needs_the_chiefs_address(tmp_path, capsys):
    assert main(["tune", "--role", "worker", "--out", str(tmp_path)]) == 2
    assert "A worker needs the chief's address: --oracle HOST:PORT" in capsys.readouterr().err


def listening_addresses(port: int) -> set[str]:
    """The local addresses on which some process listens on TCP ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                local, state = row.split()[1], row.split()[3]
                address, port_hex = local.rsplit(":", 1)
                if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                    found.add(str(kernel_address(address)))
    return found


def kernel_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An address as /proc/net/tcp* writes it: 32-bit words in host (little-endian) order; IPv4-mapped as IPv4."""
    raw = b"".join(bytes.fromhex(text[i:i + 8])[::-1] for i in range(0, len(text), 8))
    address = ipaddress.ip_address(raw)
    return getattr(address, "ipv4_mapped", None) or address


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="reads the listening sockets from Linux's /proc")
def test_the_chief_binds_to_localhost_unless_told_otherwise(tmp_path):
    port = tune.free_port()
    start_chief = (f"from dnncourse.tools import tune; tune.DEFAULT_PORT = {port}; "  # no --oracle: the default host
                   f"from dnncourse.tools.cli import main; "
                   f"raise SystemExit(main(['tune', '--role', 'chief', '--out', {str(tmp_path / 'tune')!r}]))")
    chief = subprocess.Popen([sys.executable, "-c", start_chief], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not listening_addresses(port) and chief.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert listening_addresses(port) == {"127.0.0.1"}, chief.stderr.read1().decode() if chief.poll() else ""
    finally:
        chief.kill()
        chief.wait()
    help_text = build_parser()._subparsers._group_actions[0].choices["tune"].format_help()
    assert "127.0.0.1" in help_text and "no" in help_text and "authentication" in help_text
