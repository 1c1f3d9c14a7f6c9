"""What emusim promises about its output (README, "Reliability: what emusim promises about
output"; issue 17 "Data loss", issue 18): one test (or one parametrised group) per promise.

Runs that must race or be killed run as forked processes (``multiprocessing`` with
``fork``: a real second process, without paying the import time again); the named points of
the publishing sequence (:func:`emusim.io.atomic.checkpoint`) let a test line two runs up on
a barrier right before they publish, or ``kill -9`` a run exactly there.
"""
from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import io as pyio
import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import emusim as es
import emusim.brief
from emusim.cli import main
from emusim.errors import InputError
from emusim.io import MANIFEST, atomic, check_out_dir, guarding_inputs, note_input, publish_dir, write_sheets, write_table
from emusim.io.folders import new_temp_dir

PLAN, LEVEL, REGISTRY = "lao_cai_cds_2022", "commune", "lao_cai_2025"
HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-5", "@SUM(A1)", "\tTab"]
FORK = multiprocessing.get_context("fork")
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux file-system semantics")


# ----------------------------------------------------------------------------- fixtures and helpers
@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A registry whose first commune names are formulas, and observations for the commune
    scheme at its evaluation month (small, so each run takes well under a second)."""
    d = tmp_path_factory.mktemp("inputs")
    raw = pd.read_csv(es.registry.resolve_registry(REGISTRY), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    communes = raw.index[raw["level"] == "commune"][: len(HOSTILE)]
    raw.loc[communes, "name"] = HOSTILE
    raw.to_csv(d / "registry.csv", index=False, encoding="utf-8")
    scheme = es.load_plan(PLAN).scheme(LEVEL)
    catalog = es.load_catalog()
    rng = np.random.default_rng(1)
    rows = []
    for lid in raw.loc[raw["level"] == "commune", "locality_id"]:
        for ind in scheme.indicators:
            unit = catalog[ind].unit
            value = rng.uniform(0.6, 1.0) if unit == "ratio" else float(rng.integers(0, 2)) if unit == "bool" \
                else float(rng.integers(0, 20))
            rows.append((lid, "2025-06", ind, round(value, 3)))
    pd.DataFrame(rows, columns=["locality_id", "period", "indicator", "value"]).to_csv(d / "obs.csv", index=False)
    return {"registry": d / "registry.csv", "data": d / "obs.csv",
            "ids": list(raw.loc[communes, "locality_id"])}


def award_argv(files, out, *extra):
    return ["award", "--plan", PLAN, "--level", LEVEL, "--data", str(files["data"]), "--registry",
            str(files["registry"]), "--out", str(out), *extra]


def brief_argv(files, out, *extra):
    return ["brief", "--plan", PLAN, "--level", LEVEL, "--data", str(files["data"]), "--registry",
            str(files["registry"]), "--mc", "0", "--formats", "png", "--out", str(out), *extra]


@pytest.fixture
def quick_brief(monkeypatch):
    """``emusim brief`` without its charts (the folder, the award list and the summary are
    written as always): the publishing is what these tests look at."""
    monkeypatch.setattr(emusim.brief, "make_brief", functools.partial(_make_brief, charts_wanted=()))


_make_brief = emusim.brief.make_brief


def run(argv, capsys) -> tuple[int, str]:
    capsys.readouterr()
    rc = main(argv)
    return rc, capsys.readouterr().err


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in Path(folder).iterdir() if p.name.startswith("."))


def _child(argv, err_file, env, barrier, quick, point="publish"):
    """A second emusim process (forked): runs ``main(argv)``, stderr to ``err_file``; with a
    barrier, it waits there for the others at ``point`` (a file's or a folder's publishing)."""
    os.environ.update(env)
    if barrier is not None:
        atomic.hooks[point] = lambda: barrier.wait(timeout=60)
    if quick:
        emusim.brief.make_brief = functools.partial(_make_brief, charts_wanted=())
    sys.stderr = open(err_file, "w", encoding="utf-8")
    try:
        rc = main(argv) if isinstance(argv, list) else argv()
    finally:
        sys.stderr.flush()
    sys.exit(rc)


def race(argvs, tmp_path, barrier=True, quick=False, env=None, point="publish") -> list[tuple[int, str]]:
    """Run the commands at once in forked processes (lined up right before publishing at
    ``point`` when ``barrier``); their exit statuses and stderr."""
    b = FORK.Barrier(len(argvs)) if barrier else None
    procs = []
    for k, argv in enumerate(argvs):
        err = tmp_path / f".race-{time.monotonic_ns()}-{k}.err"
        p = FORK.Process(target=_child, args=(argv, err, env or {}, b, quick, point))
        p.start()
        procs.append((p, err))
    out = []
    for p, err in procs:
        p.join(120)
        out.append((p.exitcode, err.read_text(encoding="utf-8")))
        err.unlink()
    return out


def killed_at(point, argv, tmp_path, quick=False, env=None) -> None:
    """Start ``argv`` in a forked process, ``kill -9`` it when it reaches ``point``."""
    signal_file = tmp_path / f".signal-{time.monotonic_ns()}"
    env = {"EMUSIM_TEST_PAUSE": point, "EMUSIM_TEST_PAUSE_SIGNAL": str(signal_file), **(env or {})}
    err = tmp_path / f".killed-{time.monotonic_ns()}.err"
    p = FORK.Process(target=_child, args=(argv, err, env, None, quick))
    p.start()
    deadline = time.monotonic() + 120
    while not signal_file.exists():
        assert p.is_alive() and time.monotonic() < deadline, err.read_text() if err.exists() else "no output"
        time.sleep(0.02)
    os.kill(p.pid, signal.SIGKILL)
    p.join()
    assert p.exitcode == -signal.SIGKILL
    signal_file.unlink()
    err.unlink()


@contextlib.contextmanager
def tmpfs(path: Path, size: str = "256k", options: str = ""):
    """A tiny file system of its own (a full disk is easy to make), or skip without the right."""
    path.mkdir()
    opts = f"size={size}" + (f",{options}" if options else "")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)], capture_output=True)
    if r.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode(errors='replace').strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


# ----------------------------------------------------------------------------- formula injection (issue 18)
@pytest.mark.parametrize("name", HOSTILE)
def test_formula_like_text_is_written_as_text_in_xlsx_and_neutralised_in_csv(tmp_path, name):
    table = pd.DataFrame({"name": [name, "Xã Ngũ Chỉ Sơn"], "total": [-5.0, 12.5], "code": ["-5", "00703"]},
                         index=pd.Index(["=1+1", "00703"], name="locality_id"))
    write_table(table, tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    assert not [c for c in cells.values() if c.data_type == "f"]            # no formula at all
    for text in (name, "=1+1", "-5"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix      # the text, kept exactly, inert
    assert cells[-5].data_type == "n" and cells[12.5].data_type == "n"      # numbers stay numbers
    assert not cells["Xã Ngũ Chỉ Sơn"].quotePrefix

    write_table(table, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", dtype={"code": str, "locality_id": str})
    assert back["name"].tolist() == ["'" + name, "Xã Ngũ Chỉ Sơn"]
    assert back["locality_id"].tolist() == ["'=1+1", "00703"] and back["code"].tolist() == ["'-5", "00703"]
    assert back["total"].tolist() == [-5.0, 12.5]


def test_every_xlsx_writer_neutralises(tmp_path):
    """Several sheets (compare, uncertainty, equity) and a hand-built workbook (the brief's
    award list) go through the same escaping."""
    write_sheets({"a": pd.DataFrame({"x": ["=2+2"]}), "b": pd.DataFrame({"@h": [1]})}, tmp_path / "s.xlsx",
                 no_index=("a",))
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    assert wb["a"]["A2"].value == "=2+2" and wb["a"]["A2"].data_type == "s" and wb["a"]["A2"].quotePrefix
    assert wb["b"]["B1"].value == "@h" and wb["b"]["B1"].quotePrefix
    from emusim.io import save_workbook

    hand = openpyxl.Workbook()
    hand.active["A1"] = "=HYPERLINK(\"http://x\")"
    save_workbook(hand, tmp_path / "h.xlsx")
    c = openpyxl.load_workbook(tmp_path / "h.xlsx").active["A1"]
    assert c.data_type == "s" and c.value == "=HYPERLINK(\"http://x\")"


def test_award_outputs_from_a_hostile_registry_hold_no_formula(files, tmp_path, capsys):
    for suffix in ("xlsx", "csv"):
        assert run(award_argv(files, tmp_path / f"aw.{suffix}"), capsys)[0] == 0
    ws = openpyxl.load_workbook(tmp_path / "aw.xlsx").active
    texts = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert all(texts[n].quotePrefix and texts[n].data_type == "s" for n in HOSTILE)
    csv = pd.read_csv(tmp_path / "aw.csv", encoding="utf-8-sig", dtype=str)
    assert set("'" + n for n in HOSTILE) <= set(csv["name"])
    assert not csv["name"].map(lambda s: isinstance(s, str) and s[:1] in "=+-@\t").any()


def test_no_table_writer_outside_emusim_io():
    """One place writes tables: a new writer must use emusim.io (write_table, write_sheets,
    save_workbook), or its cells escape the formula check."""
    import re

    root = Path(es.__file__).parent
    pattern = re.compile(r"\.to_csv\(|\.to_excel\(|ExcelWriter\(|\bwb\.save\(|\bworkbook\.save\(")
    offenders = [f"{p.relative_to(root)}:{k}" for p in root.rglob("*.py") if "io" not in p.relative_to(root).parts[:1]
                 for k, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line) and not line.lstrip().startswith("#")]
    assert not offenders, offenders


# ----------------------------------------------------------------------------- an output is never an input (issue 17)
def _inputs_cases(files, tmp: Path):
    data, reg = files["data"], files["registry"]
    (tmp / "link.csv").symlink_to(data)
    os.link(reg, tmp / "hard.csv")
    return {
        "award --data D --out D": (award_argv(files, data, "--force"), data),
        "score --data D --out D": (["score"] + award_argv(files, data, "--force")[1:], data),
        "equity --data D --out D": (["equity"] + award_argv(files, data, "--force")[1:], data),
        "award --out REGISTRY": (award_argv(files, reg, "--force"), reg),
        "award --out symlink to D": (award_argv(files, tmp / "link.csv", "--force"), data),
        "award --out D via ..": (award_argv(files, data.parent / "x" / ".." / data.name, "--force"), data),
        "simulate --registry R --out R": (["simulate", "--registry", str(reg), "--out", str(reg), "--force"], reg),
        "simulate --out hard link to R": (["simulate", "--registry", str(reg), "--out", str(tmp / "hard.csv"),
                                           "--force"], reg),
    }


def test_an_output_that_is_an_input_is_refused_even_with_force(files, tmp_path, capsys):
    for label, (argv, victim) in _inputs_cases(files, tmp_path).items():
        before = digest(victim)
        rc, err = run(argv + ["--lang", "en"] if argv[0] in ("award", "score") else argv, capsys)
        assert rc == 2, label
        assert "Traceback" not in err and ("is one of the inputs" in err or "trùng với một tệp đầu vào" in err), (label, err)
        assert digest(victim) == before, label


def test_an_input_found_later_is_protected_too(tmp_path):
    """A file a run reads without the arguments naming it (the plan's own registry) is noted
    by the loader and protected just the same."""
    mine = tmp_path / "registry.csv"
    mine.write_text("x\n")
    with guarding_inputs([]):
        note_input(mine)
        with pytest.raises(InputError, match="registry.csv"):
            write_table(pd.DataFrame({"a": [1]}), mine, force=True)
    assert mine.read_text() == "x\n"


def test_brief_never_replaces_a_folder_holding_an_input(files, tmp_path, capsys):
    out = tmp_path / "brief"
    out.mkdir()
    data = out / "obs.csv"
    data.write_bytes(files["data"].read_bytes())
    argv = brief_argv(files, out, "--force")
    argv[argv.index("--data") + 1] = str(data)
    rc, err = run(argv, capsys)
    assert rc == 2 and "obs.csv" in err and "Traceback" not in err
    assert data.read_bytes() == files["data"].read_bytes() and os.listdir(out) == ["obs.csv"]


# ----------------------------------------------------------------------------- --force replaces only what emusim wrote
def _published(tmp_path, name="brief", files=None) -> Path:
    """A folder published by emusim (the mechanism ``brief`` uses)."""
    out = tmp_path / name
    tmp = new_temp_dir(out)
    for rel, text in (files or {"summary.md": "# v1", "01_ranking.png": "png"}).items():
        (tmp / rel).write_text(text)
    publish_dir(tmp, out)
    return out


def test_brief_force_refuses_a_folder_emusim_did_not_write(files, tmp_path, capsys):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "my_notes.docx").write_text("mine")
    rc, err = run(brief_argv(files, out, "--force", "--lang", "en"), capsys)
    assert rc == 2 and "not written by emusim" in err and str(out) in err
    assert os.listdir(out) == ["my_notes.docx"] and (out / "my_notes.docx").read_text() == "mine"


def test_force_refuses_an_emusim_folder_with_foreign_or_changed_files(tmp_path):
    out = _published(tmp_path)
    assert (out / MANIFEST).is_file()
    check_out_dir(out, force=True)                                  # emusim's own, unchanged: replaceable
    (out / "ghi_chu.txt").write_text("the official's note")
    with pytest.raises(InputError, match="ghi_chu.txt"):
        check_out_dir(out, force=True)
    (out / "ghi_chu.txt").unlink()
    (out / "summary.md").write_text("# edited by hand")
    with pytest.raises(InputError, match="summary.md"):
        publish_dir(new_temp_dir(out), out, force=True)
    assert (out / "summary.md").read_text() == "# edited by hand"
    assert hidden(tmp_path) == []                                   # the refused build folder is gone too


def test_force_replaces_emusim_folder_in_one_step(tmp_path):
    out = _published(tmp_path)
    tmp = new_temp_dir(out)
    (tmp / "summary.md").write_text("# v2")
    publish_dir(tmp, out, force=True)
    assert sorted(os.listdir(out)) == [MANIFEST, "summary.md"] and (out / "summary.md").read_text() == "# v2"
    assert hidden(tmp_path) == []


def test_force_replaces_a_brief_an_older_emusim_wrote(tmp_path):
    """Folders ``make demo`` wrote before manifests existed: only a brief's own files and its
    ``summary.json`` — replaceable; the same with one file of the user's — refused."""
    old = tmp_path / "hg"
    old.mkdir()
    (old / "summary.json").write_text('{"scheme": "x", "headlines": {}}')
    for name in ("summary.md", "01_ranking.png", "01_ranking.pdf", emusim.brief.XLSX_NAME):
        (old / name).write_text("x")
    emusim.brief.check_out_dir(old, force=True)
    (old / "bao_cao.docx").write_text("mine")
    with pytest.raises(InputError, match="emusim"):
        emusim.brief.check_out_dir(old, force=True)


# ----------------------------------------------------------------------------- full disk, read-only folder
def _assert_clean_failure(rc, err, path, folder):
    assert rc == 2, err
    assert str(path) in err and "Traceback" not in err and "Exception ignored" not in err, err
    assert not [p for p in os.listdir(folder) if p.startswith(".") or p == Path(path).name], os.listdir(folder)


def test_full_disk_exit_2_naming_the_path_and_no_partial_file(files, tmp_path, capsys):
    with tmpfs(tmp_path / "disk", size="64k") as disk:
        (disk / "filler").write_bytes(b"\0" * (64 * 1024 - 8192))
        for out in (disk / "aw.xlsx", disk / "aw.csv"):
            rc, err = run(award_argv(files, out, "--lang", "en"), capsys)
            assert "disk is full" in err
            _assert_clean_failure(rc, err, out, disk)
        assert os.listdir(disk) == ["filler"]


def test_full_disk_brief_exit_2_and_no_partial_folder(files, tmp_path, capsys, quick_brief):
    with tmpfs(tmp_path / "disk", size="64k") as disk:
        (disk / "filler").write_bytes(b"\0" * (64 * 1024 - 8192))
        rc, err = run(brief_argv(files, disk / "brief", "--lang", "en"), capsys)
        assert "disk is full" in err
        _assert_clean_failure(rc, err, disk / "brief", disk)
        assert os.listdir(disk) == ["filler"]


def test_read_only_folder_exit_2_naming_the_path(files, tmp_path, capsys):
    if os.geteuid() == 0:
        ctx = tmpfs(tmp_path / "ro", options="ro")
    else:
        (tmp_path / "ro").mkdir()
        os.chmod(tmp_path / "ro", 0o555)
        ctx = contextlib.nullcontext(tmp_path / "ro")
    with ctx as ro:
        rc, err = run(award_argv(files, ro / "aw.xlsx", "--lang", "en"), capsys)
        assert "read-only or not writable" in err
        _assert_clean_failure(rc, err, ro / "aw.xlsx", ro)


def test_size_limit_exit_2_without_traceback(files, tmp_path):
    """The kernel refuses the write (a file-size limit, EFBIG: what a full disk does, without
    needing the right to mount one); the run says so and leaves nothing."""
    out = tmp_path / "aw.xlsx"

    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        return main(award_argv(files, out, "--lang", "en"))

    [(rc, err)] = race([limited], tmp_path, barrier=False)
    assert "disk is full or the file is over the size limit" in err
    _assert_clean_failure(rc, err, out, tmp_path)


def test_a_failed_write_leaves_no_partial_file(files, tmp_path, capsys, monkeypatch):
    def full():
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setitem(atomic.hooks, "publish", full)
    out = tmp_path / "aw.xlsx"
    rc, err = run(award_argv(files, out), capsys)
    _assert_clean_failure(rc, err, out, tmp_path)
    assert "ổ đĩa đầy" in err                                          # Vietnamese by default


# ----------------------------------------------------------------------------- concurrent runs (issue 18)
def _exit_status(write, out: Path, k: int) -> int:
    """``write(out, k)`` with the command line's exit status: 0, or 2 and the message on stderr."""
    try:
        write(out, k)
        return 0
    except InputError as exc:
        print(exc, file=sys.stderr)
        return 2


def _write_file(out: Path, k: int) -> None:
    write_table(pd.DataFrame({"run": [k] * 500}), out)


def _write_folder(out: Path, k: int) -> None:
    tmp = new_temp_dir(out)
    (tmp / "run.txt").write_text(str(k))
    publish_dir(tmp, out)


def test_two_runs_on_one_new_file_exactly_one_wins(files, tmp_path):
    for trial in range(20):
        out = tmp_path / f"aw{trial}.csv"
        res = race([functools.partial(_exit_status, _write_file, out, k) for k in (1, 2)], tmp_path)
        codes = sorted(rc for rc, _ in res)
        assert codes == [0, 2], (trial, res)
        assert str(out) in next(err for rc, err in res if rc == 2)
        winner = 1 + [rc for rc, _ in res].index(0)
        assert pd.read_csv(out)["run"].tolist() == [winner] * 500      # complete, and the winner's
    assert hidden(tmp_path) == []
    # the same through the command line, lined up before publishing and on their own timing
    for trial in range(2):
        out = tmp_path / f"cli{trial}.xlsx"
        res = race([award_argv(files, out), award_argv(files, out)], tmp_path, barrier=trial == 0)
        assert sorted(rc for rc, _ in res) == [0, 2], res
        assert str(out) in next(err for rc, err in res if rc == 2)
        assert len(pd.read_excel(out)) == 99
    assert hidden(tmp_path) == []


def test_two_runs_with_force_both_write_a_complete_file(files, tmp_path):
    out = tmp_path / "aw.csv"
    write_table(pd.DataFrame({"run": [0]}), out)
    res = race([award_argv(files, out, "--force"), award_argv(files, out, "--force")], tmp_path)
    assert [rc for rc, _ in res] == [0, 0], res
    assert len(pd.read_csv(out)) == 99 and hidden(tmp_path) == []


def test_two_runs_on_one_new_folder_exactly_one_wins(files, tmp_path):
    for trial in range(8):
        out = tmp_path / f"b{trial}"
        res = race([functools.partial(_exit_status, _write_folder, out, k) for k in (1, 2)], tmp_path,
                   point="publish-dir")
        assert sorted(rc for rc, _ in res) == [0, 2], (trial, res)
        assert str(out) in next(err for rc, err in res if rc == 2)
        assert (out / "run.txt").read_text() == str(1 + [rc for rc, _ in res].index(0))
    assert sorted(hidden(tmp_path)) == []


def test_two_briefs_on_one_new_out_exactly_one_wins(files, tmp_path):
    for trial in range(2):
        out = tmp_path / f"brief{trial}"
        res = race([brief_argv(files, out), brief_argv(files, out)], tmp_path, barrier=trial == 0, quick=True,
                   point="publish-dir")
        assert sorted(rc for rc, _ in res) == [0, 2], res
        assert str(out) in next(err for rc, err in res if rc == 2)
        assert {"summary.md", "summary.json", emusim.brief.XLSX_NAME, MANIFEST} == set(os.listdir(out))
    assert hidden(tmp_path) == []
    # with --force over emusim's own folder, both succeed in turn and the folder stays whole
    res = race([brief_argv(files, out, "--force"), brief_argv(files, out, "--force")], tmp_path, quick=True,
               point="publish-dir")
    assert [rc for rc, _ in res] == [0, 0], res
    emusim.io.folders.check_replaceable(out)                      # the manifest matches what is there
    assert hidden(tmp_path) == []


# ----------------------------------------------------------------------------- interrupted runs (issue 18)
def test_a_run_killed_mid_write_is_cleaned_up_by_the_next(files, tmp_path, capsys):
    out = tmp_path / "aw.xlsx"
    killed_at("publish", award_argv(files, out), tmp_path)
    assert not out.exists() and len(hidden(tmp_path)) == 1           # the temporary file it could not remove
    rc, err = run(award_argv(files, out, "--lang", "en"), capsys)
    assert rc == 0 and "left by an interrupted emusim run" in err
    assert len(pd.read_excel(out)) == 99 and hidden(tmp_path) == []


def test_a_brief_killed_while_publishing_is_cleaned_up_by_the_next(files, tmp_path, capsys, quick_brief):
    out = tmp_path / "brief"
    killed_at("publish-locked", brief_argv(files, out), tmp_path, quick=True)   # holding the lock
    assert not out.exists() and hidden(tmp_path)
    rc, err = run(brief_argv(files, out, "--lang", "en"), capsys)
    assert rc == 0 and "left by an interrupted emusim run" in err
    emusim.io.folders.check_replaceable(out)
    assert hidden(tmp_path) == []


def test_a_brief_force_killed_between_renames_never_loses_the_folder(files, tmp_path, capsys, quick_brief):
    """Where the file system cannot swap two folders in one step, ``--force`` renames twice;
    a run killed in between leaves the old folder aside, and the next run puts it back."""
    out = tmp_path / "brief"
    assert run(brief_argv(files, out), capsys)[0] == 0
    before = digest(out / "summary.json")
    killed_at("between-renames", brief_argv(files, out, "--force"), tmp_path, quick=True,
              env={"EMUSIM_TEST_NO_RENAMEAT2": "1"})
    assert not out.exists() and any(".emusim-old." in n for n in hidden(tmp_path))
    rc, err = run(brief_argv(files, out, "--lang", "en"), capsys)            # no --force: restore, then refuse
    assert rc == 2 and "restored" in err and digest(out / "summary.json") == before
    rc, err = run(brief_argv(files, out, "--force"), capsys)
    assert rc == 0
    emusim.io.folders.check_replaceable(out)
    assert hidden(tmp_path) == []


# ----------------------------------------------------------------------------- --sheet
def test_cli_reads_the_named_sheet(files, tmp_path, capsys):
    book = tmp_path / "obs.xlsx"
    with pd.ExcelWriter(book) as xw:
        pd.DataFrame({"note": ["not the data"]}).to_excel(xw, sheet_name="ghi chu", index=False)
        pd.read_csv(files["data"], dtype={"locality_id": str}).to_excel(xw, sheet_name="so lieu", index=False)
    argv = award_argv(files, tmp_path / "aw.csv")
    argv[argv.index("--data") + 1] = str(book)
    assert run(argv, capsys)[0] == 2                                  # the first sheet is not observations
    rc, err = run(argv + ["--sheet", "so lieu"], capsys)
    assert rc == 0, err
    assert len(pd.read_csv(tmp_path / "aw.csv")) == 99
