"""Publishing a folder (``emusim brief --out DIR``): whole or not at all, and never over
anything emusim did not write.

The folder is built under a hidden name next to ``DIR`` (:func:`new_temp_dir`), then
:func:`publish_dir` writes the manifest :data:`MANIFEST` — every file emusim wrote, with its
size and SHA-256 — and, holding a lock on ``DIR``, moves it into place:

* ``DIR`` absent (or an empty folder): an exclusive rename (``RENAME_NOREPLACE``); of two runs
  on one new ``DIR``, exactly one succeeds, the other ends with exit 2 naming ``DIR``.
* ``DIR`` present, with ``force``: only if emusim wrote it — it has a manifest, and every file
  in it is listed there, unchanged — and it holds no input. It is swapped with the new folder
  in one step (``RENAME_EXCHANGE``), so ``DIR`` always exists; where the file system cannot
  exchange, two renames, the old folder kept as ``.DIR.emusim-old.<pid>.<random>`` in between.

The lock is ``.DIR.emusim-lock`` held with ``flock``: the kernel releases it when a run dies,
so a killed run never blocks the next one. Under the lock, a run first repairs what an
interrupted run left (:func:`recover`): it removes dead runs' hidden build folders, and an
old folder left between the two renames is put back if ``DIR`` is missing (else removed) —
and says so.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable, Iterable

from ..errors import InputError, Problem
from ..i18n import Message, t
from .atomic import (LOCK_TAG, building, OLD_TAG, RENAME_EXCHANGE, RENAME_NOREPLACE, TMP_TAG, _remove, _stem, checkpoint,
                     clear_leftovers, hidden_name, leftovers, notify, os_error, rename2)
from .inputs import input_inside

MANIFEST = "emusim_manifest.json"
LOCK_WAIT = 10.0  # seconds a run waits for another run's publish step before giving up


def _problem(key: str, out: Path, **values) -> InputError:
    return InputError([Problem(Message(key, **values), file=str(out))])


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _files(folder: Path) -> list[str]:
    """Every entry under ``folder`` as a relative POSIX path (folders end in ``/`` when empty)."""
    out = []
    for root, dirs, files in os.walk(folder):
        rel = Path(root).relative_to(folder)
        out += [(rel / f).as_posix() for f in files]
        out += [(rel / d).as_posix() + "/" for d in dirs if not os.listdir(Path(root) / d)]
    return sorted(out)


def write_manifest(folder: Path) -> dict:
    """Write :data:`MANIFEST` in ``folder``: what emusim wrote there, so a later ``--force``
    knows it may replace it."""
    from .. import __version__

    files = {}
    for rel in _files(folder):
        if rel == MANIFEST or rel.endswith("/"):
            continue
        p = folder / rel
        files[rel] = {"bytes": p.stat().st_size, "sha256": _sha256(p)}
    doc = {"written_by": "emusim", "version": __version__, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "files": files}
    (folder / MANIFEST).write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return doc


def _names(items: list[str]) -> str:
    return ", ".join(items[:5]) + (f" … (+{len(items) - 5})" if len(items) > 5 else "")


def check_replaceable(out: Path, legacy: Callable[[Path], bool] | None = None, shown: Path | None = None) -> None:
    """Refuse to replace ``out`` unless emusim wrote everything in it (see the module docstring).
    ``legacy(out)``: accepts a folder an older emusim wrote before manifests existed."""
    shown = shown or out
    manifest = out / MANIFEST
    present = [r for r in _files(out) if r != MANIFEST]
    if not manifest.is_file():
        if legacy is not None and legacy(out):
            return
        raise _problem("io.dir_not_emusim", shown, manifest=MANIFEST)
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        assert isinstance(listed, dict)
    except (OSError, ValueError, KeyError, TypeError, AssertionError):
        raise _problem("io.dir_not_emusim", shown, manifest=MANIFEST) from None
    foreign = [r for r in present if r not in listed]
    if foreign:
        raise _problem("io.dir_foreign_files", shown, names=_names(foreign))
    changed = []
    for rel in present:
        entry = listed[rel]
        p = out / rel
        if not isinstance(entry, dict) or p.stat().st_size != entry.get("bytes") or _sha256(p) != entry.get("sha256"):
            changed.append(rel)
    if changed:
        raise _problem("io.dir_changed_files", shown, names=_names(changed))


def _check_state(out: Path, force: bool, inputs, legacy, shown: Path) -> None:
    if os.path.lexists(out) and not out.is_dir():
        raise _problem("io.not_a_folder", shown)
    hit = input_inside(out, inputs)
    if hit is not None:
        raise _problem("io.dir_holds_input", shown, input=str(hit))
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise _problem("io.dir_exists", shown)
        check_replaceable(out, legacy, shown)


@contextlib.contextmanager
def locked(out: Path, shown: Path | None = None, wait: float = LOCK_WAIT):
    """Hold the lock on publishing ``out`` (``.<name>.emusim-lock`` next to it, ``flock``)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock (the exclusive rename still holds)
        yield
        return
    lock = out.parent / f".{_stem(out)}.{LOCK_TAG}"
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise os_error(shown or out, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() > deadline:
                raise _problem("io.busy", shown or out) from None
            time.sleep(0.05)
            continue
        # the file may have been removed by the run that held it: lock the file that is there
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(lock))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)


def recover(out: Path) -> None:
    """Repair what interrupted runs left for ``out`` (call it holding the lock): remove dead
    runs' build folders; put an old folder left between two renames back when ``out`` is
    missing, else remove it; say so."""
    clear_leftovers(out)
    old = sorted(leftovers(out, OLD_TAG), key=lambda p: p.stat().st_mtime if p.exists() else 0, reverse=True)
    if old and not os.path.lexists(out):
        os.rename(old[0], out)
        notify(t("io.restored_previous", path=str(out), name=old[0].name))
        old = old[1:]
    for p in old:
        _remove(p)
        notify(t("io.removed_previous", name=str(p)))


def check_out_dir(out: str | os.PathLike, force: bool = False, inputs: Iterable = (),
                  legacy: Callable[[Path], bool] | None = None) -> Path:
    """Validate an output folder before any work is done (and repair what interrupted runs
    left): refused if it is a file, holds an input, exists and is not empty without ``force``,
    or — with ``force`` — was not written by emusim; or if its parent is missing or unwritable."""
    shown = Path(out)
    out = shown.resolve()
    if not out.parent.is_dir():
        raise _problem("io.no_parent", shown)
    with locked(out, shown):
        recover(out)
        _check_state(out, force, inputs, legacy, shown)
    try:
        probe = new_temp_dir(out)
        os.rmdir(probe)
    except OSError as exc:
        raise os_error(shown, exc) from None
    return shown


def new_temp_dir(out: str | os.PathLike) -> Path:
    """A new hidden folder next to ``out`` to build it in."""
    given = Path(out)
    out = given.resolve()
    tmp = out.parent / hidden_name(out, TMP_TAG)
    os.mkdir(tmp, 0o777)  # the user's umask applies
    building[tmp] = given
    return tmp


def discard_temp(tmp: Path | None) -> None:
    """Remove a build folder that was not published (after a failure)."""
    if tmp is None:
        return
    building.pop(Path(tmp), None)
    if tmp.exists():
        shutil.rmtree(tmp, ignore_errors=True)


def publish_dir(tmp: Path, out: str | os.PathLike, force: bool = False, inputs: Iterable = (),
                legacy: Callable[[Path], bool] | None = None) -> Path:
    """Write the manifest into the finished folder ``tmp`` and move it to ``out`` (see the
    module docstring). Raises :class:`InputError` (exit 2), naming ``out``, when another run
    published ``out`` first, is publishing it now, or when ``out`` may not be replaced; ``tmp``
    is then removed."""
    try:
        return _publish_dir(tmp, out, force, inputs, legacy)
    except BaseException:
        discard_temp(tmp)
        raise


def _publish_dir(tmp: Path, out, force, inputs, legacy) -> Path:
    shown = Path(out)
    out = shown.resolve()
    try:
        write_manifest(tmp)
    except OSError as exc:
        raise os_error(shown, exc) from None
    checkpoint("publish-dir")
    old_content: Path | None = None
    with locked(out, shown):
        recover(out)
        _check_state(out, force, inputs, legacy, shown)
        checkpoint("publish-locked")
        try:
            if out.is_dir() and not any(out.iterdir()):
                out.rmdir()  # an empty folder: nothing to keep
            if not os.path.lexists(out):
                if not rename2(tmp, out, RENAME_NOREPLACE):
                    os.rename(tmp, out)  # under the lock, and out is absent
            elif rename2(tmp, out, RENAME_EXCHANGE):
                old_content = tmp  # tmp now holds the previous folder
            else:
                old_content = out.parent / hidden_name(out, OLD_TAG)
                os.rename(out, old_content)
                checkpoint("between-renames")
                try:
                    os.rename(tmp, out)
                except OSError:
                    os.rename(old_content, out)
                    old_content = None
                    raise
        except FileExistsError:
            raise _problem("io.published_first", shown) from None
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
                raise _problem("io.published_first", shown) from None
            raise os_error(shown, exc) from None
    building.pop(tmp, None)
    if old_content is not None:
        shutil.rmtree(old_content, ignore_errors=True)
    return shown
