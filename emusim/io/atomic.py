"""Publishing a file in one step: complete or not at all, never over another run's output.

A file is written under a hidden temporary name next to its target,
``.<name>.emusim-tmp.<pid>.<random><suffix>``, flushed to disk, then published:

* without ``force``: with an *exclusive* rename — Linux ``renameat2(RENAME_NOREPLACE)``, or a
  hard link, which fails if the target exists — so of two runs writing one new output,
  exactly one wins and the other is told so (exit 2), never a check-then-rename race;
* with ``force``: with ``os.replace``, atomic, so a reader sees the old file or the new one.

On any failure the temporary file is removed. A disk error (full disk, read-only folder,
quota, size limit) becomes an :class:`~emusim.errors.InputError` naming the path (CLI exit 2,
no traceback). A run killed with ``kill -9`` cannot clean up; the next run writing the same
output removes the temporary files of runs that are no longer alive (:func:`clear_leftovers`)
and says so on stderr.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import gc
import hashlib
import io as _pyio
import os
import re
import secrets
import shutil
import sys
import time
from pathlib import Path
from typing import Callable

from ..errors import InputError, Problem
from ..i18n import Message, t

TMP_TAG = "emusim-tmp"
OLD_TAG = "emusim-old"
LOCK_TAG = "emusim-lock"
_KEEP = 60  # characters of the target's name kept in a hidden name (file names are limited to 255 bytes)

_DISK_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READ_ONLY = {errno.EACCES, errno.EPERM, errno.EROFS}
_NO_LINKS = {errno.EPERM, errno.EMLINK, errno.EXDEV, getattr(errno, "ENOTSUP", -1), getattr(errno, "EOPNOTSUPP", -1)}

#: test hooks: ``{point: callable}`` run at named points (see :func:`checkpoint`)
hooks: dict[str, Callable[[], None]] = {}


# ----------------------------------------------------------------------------- notices and test points
def notify(text: str) -> None:
    """Tell the user what a run did on its own (recovered or removed a leftover), on stderr."""
    print(t("io.notice", text=text), file=sys.stderr)


def checkpoint(point: str) -> None:
    """A named point of the publishing sequence, for tests: runs ``hooks[point]``, and when
    the environment has ``EMUSIM_TEST_PAUSE=<point>``, writes the process id to the file
    ``EMUSIM_TEST_PAUSE_SIGNAL`` and sleeps (so a test can ``kill -9`` the run right there)."""
    hook = hooks.get(point)
    if hook is not None:
        hook()
    if os.environ.get("EMUSIM_TEST_PAUSE") == point:
        signal_file = os.environ.get("EMUSIM_TEST_PAUSE_SIGNAL")
        if signal_file:
            Path(signal_file).write_text(str(os.getpid()))
        time.sleep(float(os.environ.get("EMUSIM_TEST_PAUSE_SECONDS", "120")))


# ----------------------------------------------------------------------------- errors
def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


#: folders being built under a hidden name → the output they will become (for messages)
building: dict[Path, Path] = {}


def shown(path) -> str:
    """``path`` as the user knows it: a file in a folder being built is named inside the
    output folder it will be published as."""
    path = Path(path)
    for tmp, out in building.items():
        if path == tmp or tmp in path.parents:
            return str(out / path.relative_to(tmp))
    return str(path)


def os_error(path, exc: OSError) -> InputError:
    """The :class:`InputError` for a failed write of ``path``."""
    key = "io.disk_full" if exc.errno in _DISK_FULL else "io.read_only" if exc.errno in _READ_ONLY else "io.os_error"
    return InputError([Problem(Message(key, reason=_reason(exc)), file=shown(path))])


@contextlib.contextmanager
def _quiet_unraisable():
    """Swallow "Exception ignored in …" reports while a failed writer's objects (an open
    ZipFile) are collected: the failure itself is reported as an InputError."""
    old = sys.unraisablehook
    sys.unraisablehook = lambda _u: None
    try:
        yield
    finally:
        sys.unraisablehook = old


# ----------------------------------------------------------------------------- hidden names and leftovers
_mine: set[str] = set()  # hidden names this process made (its pid may be a killed run's, reused)


def hidden_name(target: Path, tag: str, suffix: str = "") -> str:
    """``.<name>.<tag>.<pid>.<random><suffix>``, with a long name shortened (and made unique by a hash)."""
    name = f".{_stem(target)}.{tag}.{os.getpid()}.{secrets.token_hex(4)}{suffix}"
    _mine.add(name)
    return name


def _stem(target: Path) -> str:
    name = target.name
    if len(name) <= _KEEP:
        return name
    return f"{name[:_KEEP - 9]}~{hashlib.sha1(name.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"


def _leftover_pattern(target: Path, tag: str):
    return re.compile(re.escape(f".{_stem(target)}.{tag}.") + r"(\d+)\.[0-9a-f]{8}(\.[^/]*)?$")


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie does not). On systems where this cannot be
    asked safely, every process counts as alive (so nothing is removed)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def leftovers(target: Path, tag: str) -> list[Path]:
    """Hidden entries next to ``target`` with ``tag`` whose run is no longer alive."""
    target = Path(target)
    pattern = _leftover_pattern(target, tag)
    try:
        names = os.listdir(target.parent if str(target.parent) else ".")
    except OSError:
        return []
    found = []
    for name in names:
        m = pattern.match(name)
        if not m:
            continue
        pid = int(m.group(1))
        if (pid == os.getpid() and name not in _mine) or (pid != os.getpid() and not pid_alive(pid)):
            found.append(target.parent / name)
    return sorted(found)


def clear_leftovers(target: str | os.PathLike) -> list[str]:
    """Remove the temporary files and folders that interrupted runs left for ``target``
    (only those of processes no longer alive), saying so. Returns what was removed."""
    target = Path(target)
    done = []
    for path in leftovers(target, TMP_TAG):
        _remove(path)
        if not path.exists():
            notify(t("io.removed_leftover", name=str(path)))
            done.append(path.name)
    return done


# ----------------------------------------------------------------------------- renames
_libc = None
if sys.platform.startswith("linux"):
    with contextlib.suppress(OSError):
        _libc = ctypes.CDLL(None, use_errno=True)
_renameat2 = getattr(_libc, "renameat2", None) if _libc is not None else None
_AT_FDCWD = -100
RENAME_NOREPLACE, RENAME_EXCHANGE = 1, 2


def rename2(src, dst, flags: int) -> bool:
    """``renameat2(src, dst, flags)`` (Linux). ``False`` when the system or file system lacks
    it (the caller falls back); raises ``OSError`` (``FileExistsError`` …) otherwise."""
    if _renameat2 is None or os.environ.get("EMUSIM_TEST_NO_RENAMEAT2"):
        return False
    rc = _renameat2(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), ctypes.c_uint(flags))
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, getattr(errno, "ENOTSUP", -1), getattr(errno, "EOPNOTSUPP", -1)):
        return False
    raise OSError(err, os.strerror(err), str(dst))


def publish_file(tmp: Path, target: Path, replace: bool) -> None:
    """Move the finished ``tmp`` to ``target``: atomically replacing it (``replace``), or
    only if ``target`` does not exist (``FileExistsError`` otherwise, whoever made it)."""
    if replace:
        os.replace(tmp, target)
        return
    if rename2(tmp, target, RENAME_NOREPLACE):
        return
    if os.name == "nt":  # Windows: rename never replaces an existing file
        os.rename(tmp, target)
        return
    try:
        os.link(tmp, target)  # fails with EEXIST if the target exists: an exclusive create
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        # a file system without hard links (FAT, some network shares): the best it allows
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.rename(tmp, target)
        return
    os.unlink(tmp)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ----------------------------------------------------------------------------- writing
def _new_temp(path: Path) -> Path:
    tmp = path.parent / hidden_name(path, TMP_TAG, path.suffix)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the user's umask applies
    os.close(fd)
    return tmp


def atomic_write(path: str | os.PathLike, writer: Callable[[Path], object] | bytes, *, force: bool = False,
                 inputs=()) -> Path:
    """Write ``path`` in one step: ``writer(tmp_path)`` (or the ``bytes`` given) fills a hidden
    temporary file next to it, which is then published (see the module docstring).

    Without ``force`` an existing ``path`` — also one another run published while this one
    was writing — is never replaced. An input of the run (``inputs``, and those guarded by
    :func:`emusim.io.guarding_inputs`) is never replaced, ``force`` or not.
    """
    from .inputs import input_at

    path = Path(path)
    hit = input_at(path, inputs)
    if hit is not None:
        raise InputError([Problem(Message("io.is_input", input=str(hit)), file=str(path))])
    failure: InputError | None = None
    tmp: Path | None = None
    try:
        tmp = _new_temp(path)
        if isinstance(writer, (bytes, bytearray, memoryview)):
            with open(tmp, "wb") as f:
                f.write(writer)
                f.flush()
                os.fsync(f.fileno())
        else:
            writer(tmp)  # the file exists with the mode the user's umask gives; writing keeps it
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
        checkpoint("publish")
        publish_file(tmp, path, replace=force)
        tmp = None
        _fsync_dir(path.parent)
    except FileExistsError:
        failure = InputError([Problem(Message("io.published_first"), file=str(path))])
    except OSError as exc:
        failure = os_error(path, exc)
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
    if failure is not None:
        with _quiet_unraisable():
            gc.collect()
        raise failure
    return path


def render(path, fill: Callable[[_pyio.BytesIO], object]) -> bytes:
    """The bytes a writer produces in memory (``fill(buffer)``) for the file ``path``: a file is
    rendered whole before any byte reaches its folder. A disk error on the way (openpyxl
    spools each sheet through a file in the system's temporary folder) is an
    :class:`InputError` naming ``path``, without the half-closed writer's "Exception ignored"."""
    failure: InputError | None = None
    buf = _pyio.BytesIO()
    try:
        fill(buf)
    except OSError as exc:
        failure = os_error(path, exc)
    if failure is not None:
        with _quiet_unraisable():
            gc.collect()
        raise failure
    return buf.getvalue()
