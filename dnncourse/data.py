"""Load Fashion-MNIST (or MNIST) from a local copy, check it, and split it.

Where the files are looked for, first hit wins:

1. a folder the user names (``data_dir=`` or the ``DNNCOURSE_DATA_DIR`` variable),
2. the Keras cache (``$KERAS_HOME/datasets/fashion-mnist``, default ``~/.keras``),
3. the system copy of Debian/Ubuntu's ``dataset-fashion-mnist`` package,
4. a download through Keras, for users who have internet.

Every file is checked against the SHA-256 of its *decompressed* bytes (Debian
recompresses the .gz files, so the compressed bytes differ from the originals).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import switches

DATA_DIR_ENV = switches.DATA_DIR
NO_DOWNLOAD_ENV = switches.NO_DOWNLOAD
SYSTEM_DIR = Path("/usr/share/datasets/fashion-mnist")

FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
DIGIT_CLASSES = tuple(str(d) for d in range(10))

# SHA-256 of the decompressed idx files of the official Fashion-MNIST release.
FASHION_FILES = {
    "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}

HOW_TO_GET_DATA = """\
Fashion-MNIST was not found on this machine. Any one of these fixes it:
  1. Install the system copy (Debian/Ubuntu, offline-friendly):
       sudo apt-get install dataset-fashion-mnist
  2. Put the four files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
     t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz; .gz or not) in a folder
     and point the course at it:
       export DNNCOURSE_DATA_DIR=/path/to/that/folder
  3. Connect to the internet once; Keras then downloads the files into its cache.
Then check with:  dnncourse data"""


class DataError(RuntimeError):
    """The data set could not be loaded; the message says how to fix it."""


class DataNotFoundError(DataError):
    """No copy of the data set was found and none could be downloaded."""


class DataIntegrityError(DataError):
    """A data file exists but is damaged or is not the official file."""


@dataclass
class Dataset:
    """The splits a lesson needs, pixels scaled to [0, 1] as float32."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    source: str

    def __repr__(self) -> str:
        return (f"Dataset(train={len(self.x_train)}, val={len(self.x_val)}, "
                f"test={len(self.x_test)}, image={self.x_train.shape[1:]}, source={self.source!r})")


# ---------------------------------------------------------------- finding files

def keras_cache_dir(name: str = "fashion-mnist") -> Path:
    """The folder Keras downloads a data set into (honours ``KERAS_HOME``)."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / name


def _file_in(folder: Path, stem: str) -> Path | None:
    for name in (stem + ".gz", stem):
        if (folder / name).is_file():
            return folder / name
    return None


def candidate_dirs(data_dir: str | os.PathLike | None = None) -> list[tuple[str, Path]]:
    """The folders searched, in order, each with a label saying why."""
    found = []
    if data_dir is not None:
        found.append(("data_dir argument", Path(data_dir).expanduser()))
    elif os.environ.get(DATA_DIR_ENV):
        found.append((DATA_DIR_ENV, Path(os.environ[DATA_DIR_ENV]).expanduser()))
    found.append(("Keras cache", keras_cache_dir()))
    found.append(("system package dataset-fashion-mnist", SYSTEM_DIR))
    return found


def find_fashion_mnist(data_dir: str | os.PathLike | None = None,
                       download: bool | None = None) -> tuple[str, Path]:
    """Return ``(label, folder)`` of the first folder that holds all four files.

    A folder the user named explicitly must hold the files: if it does not, that
    is an error rather than a silent fall-back to another copy.
    """
    searched = []
    for label, folder in candidate_dirs(data_dir):
        missing = [stem for stem in FASHION_FILES if _file_in(folder, stem) is None]
        if not missing:
            return label, folder
        searched.append(f"  - {label}: {folder} ({'missing ' + ', '.join(missing) if folder.is_dir() else 'no such folder'})")
        if label in ("data_dir argument", DATA_DIR_ENV):
            raise DataNotFoundError(f"The folder named by {label} does not hold Fashion-MNIST:\n"
                                    + "\n".join(searched) + "\n" + _other_copies(label))
    if _download_allowed(download):
        try:
            _download_with_keras()
            return "downloaded into the Keras cache", keras_cache_dir()
        except Exception as err:  # no network, proxy, SSL...: one clear message instead
            searched.append(f"  - download through Keras: failed ({type(err).__name__}: {str(err)[:120]})")
    else:
        searched.append("  - download through Keras: switched off (DNNCOURSE_NO_DOWNLOAD or download=False)")
    raise DataNotFoundError("Searched:\n" + "\n".join(searched) + "\n\n" + HOW_TO_GET_DATA)


def _other_copies(named_by: str) -> str:
    """What to do when a named folder is wrong: use a complete copy found elsewhere, or get one."""
    complete = [(label, folder) for label, folder in candidate_dirs()[-2:]
                if all(_file_in(folder, stem) is not None for stem in FASHION_FILES)]
    if not complete:
        return "Fix the path, or get the files:\n\n" + HOW_TO_GET_DATA
    label, folder = complete[0]
    if named_by == DATA_DIR_ENV:
        fix = f"unset {DATA_DIR_ENV} to use that copy, or point it there:\n  export {DATA_DIR_ENV}={folder}"
    else:
        fix = f"leave out data_dir to use that copy, or pass data_dir=\"{folder}\""
    return f"A complete copy is already on this machine ({label}: {folder}).\nFix the path, or {fix}"


def _download_allowed(download: bool | None) -> bool:
    if download is not None:
        return download
    return not switches.is_on(NO_DOWNLOAD_ENV)


def _download_with_keras() -> None:
    import keras  # imported here: finding local files needs no TensorFlow
    keras.datasets.fashion_mnist.load_data()


# ---------------------------------------------------------------- reading files

def _read_bytes(path: Path) -> bytes:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as fh:
                return fh.read()
        return path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        raise DataIntegrityError(
            f"{path} could not be read ({err}). The file is truncated or damaged: "
            f"delete it and get a fresh copy (see `dnncourse data`).") from None


def parse_idx(raw: bytes, path: Path | str = "<bytes>") -> np.ndarray:
    """Decode the idx format of (Fashion-)MNIST: magic number, sizes, uint8 data."""
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08 or raw[3] not in (1, 3):
        raise DataIntegrityError(
            f"{path} is not an idx file of unsigned bytes (magic number {raw[:4].hex() or 'missing'}, "
            f"expected 00000801 or 00000803). Replace it with the official file.")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataIntegrityError(f"{path} ends inside its header: the file is truncated. Get a fresh copy.")
    shape = struct.unpack(">" + "I" * ndim, raw[4:header])
    expected = int(np.prod(shape))
    if len(raw) - header != expected:
        raise DataIntegrityError(
            f"{path} holds {len(raw) - header} data bytes but its header promises {expected} "
            f"(shape {shape}): the file is truncated or damaged. Get a fresh copy.")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def read_verified(path: Path, expected_sha256: str | None) -> np.ndarray:
    """Read one idx file, checking its decompressed bytes against a SHA-256."""
    raw = _read_bytes(path)
    if expected_sha256 is not None:
        digest = hashlib.sha256(raw).hexdigest()
        if digest != expected_sha256:
            raise DataIntegrityError(
                f"{path} is not the official Fashion-MNIST file: SHA-256 of its contents is "
                f"{digest[:16]}..., expected {expected_sha256[:16]}.... Delete it and get a fresh "
                f"copy (sudo apt-get install --reinstall dataset-fashion-mnist, or remove it from "
                f"the Keras cache and download again).")
    return parse_idx(raw, path)


def verify_folder(folder: Path) -> dict[str, np.ndarray]:
    """Read the four Fashion-MNIST files of ``folder``, each checked against its SHA-256.

    Returns the arrays by file stem (``"train-images-idx3-ubyte"``, ...).
    """
    arrays = {}
    for stem, sha in FASHION_FILES.items():
        path = _file_in(folder, stem)
        if path is None:
            raise DataNotFoundError(f"{folder} does not hold {stem}(.gz).\n\n{HOW_TO_GET_DATA}")
        arrays[stem] = read_verified(path, sha)
    return arrays


def load_raw(data_dir: str | os.PathLike | None = None, dataset: str = "fashion_mnist",
             download: bool | None = None) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray], str]:
    """Return ``(x_train, y_train), (x_test, y_test), source`` as uint8 arrays, verified."""
    if dataset == "mnist":
        return _load_mnist(download)
    if dataset != "fashion_mnist":
        raise ValueError(f"dataset={dataset!r} is unknown; use 'fashion_mnist' or 'mnist'.")
    label, folder = find_fashion_mnist(data_dir, download)
    arrays = verify_folder(folder)
    return ((arrays["train-images-idx3-ubyte"], arrays["train-labels-idx1-ubyte"]),
            (arrays["t10k-images-idx3-ubyte"], arrays["t10k-labels-idx1-ubyte"]),
            f"{label}: {folder}")


def _load_mnist(download: bool | None):
    cached = keras_cache_dir("").parent / "mnist.npz"
    if not cached.is_file() and not _download_allowed(download):
        raise DataNotFoundError(
            f"MNIST digits are not in the Keras cache ({cached}) and downloading is switched off.\n"
            "Connect to the internet once (Keras downloads mnist.npz), copy mnist.npz there, "
            "or use dataset='fashion_mnist', which the course can load offline.")
    try:
        import keras
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as err:
        raise DataNotFoundError(
            f"MNIST digits could not be loaded ({type(err).__name__}). They are not in the Keras "
            f"cache ({cached}) and the download failed. Connect to the internet once, copy "
            "mnist.npz into that folder, or use dataset='fashion_mnist'.") from None
    return (x_train, y_train), (x_test, y_test), f"Keras cache: {cached}"


# ---------------------------------------------------------------- what lessons call

def load_data(n_train: int | None = None, val_fraction: float = 0.2, random_state: int = 42,
              dataset: str = "fashion_mnist", data_dir: str | os.PathLike | None = None,
              download: bool | None = None) -> Dataset:
    """Load, scale to [0, 1] and split the data the way every lesson uses it (lesson 01).

    The 60,000 training images are split 8:2 into train and validation with
    ``train_test_split(random_state=42)`` (as in the source notes). ``n_train``
    keeps a stratified subset of the *training* part only; validation and test
    sets are never shrunk, so scores stay comparable across runs.
    """
    from sklearn.model_selection import train_test_split  # a second's import: only where data is split

    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be between 0 and 1, got {val_fraction}.")
    (x_all, y_all), (x_test, y_test), source = load_raw(data_dir, dataset, download)
    x_train, x_val, y_train, y_val = train_test_split(
        x_all, y_all, test_size=val_fraction, random_state=random_state)
    if n_train is not None:
        x_train, y_train = stratified_subset(x_train, y_train, n_train, random_state)
    names = FASHION_CLASSES if dataset == "fashion_mnist" else DIGIT_CLASSES
    return Dataset(_scale(x_train), y_train.astype("int64"), _scale(x_val), y_val.astype("int64"),
                   _scale(x_test), y_test.astype("int64"), names, source)


def stratified_subset(x: np.ndarray, y: np.ndarray, n: int, random_state: int = 42):
    """Keep ``n`` samples with the same class proportions as ``y`` (the ``n_train`` of every lesson)."""
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 10:
        raise ValueError(f"n_train must be a whole number of at least 10 (one per class), got {n!r}.")
    if n > len(y):
        raise ValueError(f"n_train={n} is larger than the {len(y)} training samples available; "
                         f"use at most {len(y)}, or None for all of them.")
    if n == len(y):
        return x, y
    from sklearn.model_selection import train_test_split

    x_keep, _, y_keep, _ = train_test_split(x, y, train_size=n, stratify=y, random_state=random_state)
    return x_keep, y_keep


def _scale(images: np.ndarray) -> np.ndarray:
    return images.astype("float32") / 255.0


def copy_to_keras_cache(data_dir: str | os.PathLike | None = None) -> Path:
    """Copy the verified Fashion-MNIST files into the Keras cache as .gz files."""
    _, folder = find_fashion_mnist(data_dir, download=False)
    target = keras_cache_dir()
    target.mkdir(parents=True, exist_ok=True)
    verify_folder(folder)
    for stem in FASHION_FILES:
        source = _file_in(folder, stem)
        destination = target / (stem + ".gz")
        if source.resolve() == destination.resolve():
            continue
        if source.suffix == ".gz":
            shutil.copyfile(source, destination)
        else:
            with open(source, "rb") as src, gzip.open(destination, "wb") as dst:
                shutil.copyfileobj(src, dst)
    return target
