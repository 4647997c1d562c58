"""The sandbox each graded copy runs in: bubblewrap (``bwrap``) on Linux.

Inside, the system's programs and this Python are read-only, and so are the course package and
the Fashion-MNIST folder; the only writable place is the copy's own scratch folder (also its home
and working folder). There is no network at all, not even 127.0.0.1 of the grading machine:
the sandbox has a loopback of its own. Nothing else of the machine is visible: not the other
copies, not the grades, not the instructor's home. ``prlimit`` caps the address space (memory)
and ``timeout`` kills the copy at its time limit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import ToolError

INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: apt-get install -y bubblewrap; Fedora: dnf install "
                "bubblewrap), or, for copies you trust, pass --no-sandbox")


class SandboxError(ToolError):
    """No sandbox can be made here."""


def check_available() -> None:
    """Raise ``SandboxError`` (saying how to proceed) unless ``bwrap`` can make a sandbox here."""
    if sys.platform != "linux":
        raise SandboxError(f"dnncourse grade sandboxes students' code with bubblewrap, which needs Linux "
                           f"(this is {sys.platform}). Grade on Linux, or pass --no-sandbox for copies you trust.")
    for tool in ("bwrap", "prlimit", "timeout"):
        if shutil.which(tool) is None:
            raise SandboxError(f"dnncourse grade runs each copy in a sandbox, and `{tool}` is not installed: "
                               f"{INSTALL_HINT}.")
    probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-all", "true"], capture_output=True,
                           text=True, timeout=30)
    if probe.returncode != 0:
        raise SandboxError("bwrap is installed but cannot make a sandbox here "
                           f"({probe.stderr.strip()[:200] or 'exit ' + str(probe.returncode)}); user namespaces "
                           "may be switched off (sysctl kernel.unprivileged_userns_clone=1), or pass --no-sandbox "
                           "for copies you trust.")


def _system_binds() -> list[str]:
    """The system's programs and libraries, read-only (``/lib`` etc. as the links they are on merged-/usr)."""
    args = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args


def read_only_paths(extra: list[Path]) -> list[Path]:
    """This Python (its installation and virtual environment), the course package, and ``extra``."""
    import dnncourse
    paths = [Path(sys.base_prefix), Path(sys.prefix), Path(dnncourse.__file__).resolve().parent, *extra]
    keep = []
    for path in dict.fromkeys(p.resolve() for p in paths):
        if not path.is_relative_to("/usr") and path.exists():
            keep.append(path)
    return keep


def wrap(command: list[str], scratch: Path, env: dict[str, str], read_only: list[Path],
         memory_bytes: int, seconds: int, sockets: Path | None = None) -> list[str]:
    """``command`` run in a sandbox whose only writable folder is ``scratch`` (also its home and cwd),
    and ``sockets``, a short-named folder for the kernel's Unix sockets (their paths are limited to
    about 100 characters)."""
    # bwrap mounts in order: the empty /tmp first, so that folders under /tmp (a venv, the scratch) show
    args = ["bwrap", *_system_binds(), "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for path in read_only:
        args += ["--ro-bind", str(path), str(path)]
    args += ["--bind", str(scratch), str(scratch), *(["--bind", str(sockets), str(sockets)] if sockets else []),
             "--chdir", str(scratch),
             "--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]
    for name, value in {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", **env,
                        "HOME": str(scratch)}.items():
        args += ["--setenv", name, value]
    return [*args, "timeout", "--signal=KILL", str(seconds), "prlimit", f"--as={memory_bytes}", "--", *command]


def limited(command: list[str], memory_bytes: int, seconds: int) -> list[str]:
    """``command`` with the same limits and no sandbox (``--no-sandbox``), where ``timeout`` and
    ``prlimit`` exist (not on macOS: there only the cell timeout holds)."""
    if shutil.which("prlimit"):
        command = ["prlimit", f"--as={memory_bytes}", "--", *command]
    if shutil.which("timeout"):
        command = ["timeout", "--signal=KILL", str(seconds), *command]
    return command
