"""Writing results: the one place where emusim writes a file or a folder (DESIGN §8, issues 17, 18).

What it promises (README, "Reliability: what emusim promises about output"):

* an output is never one of the run's inputs (:mod:`emusim.io.inputs`), ``--force`` or not;
* a file appears complete or not at all, never over an existing file without ``force``, and
  of two runs writing one new output exactly one succeeds (:mod:`emusim.io.atomic`);
* a folder (``brief --out``) is replaced only if emusim wrote everything in it, never
  half-replaced, never missing after a crash (:mod:`emusim.io.folders`);
* a full disk or a read-only folder is an :class:`~emusim.errors.InputError` naming the
  path, with nothing left behind; what a killed run left is cleared by the next one;
* no text cell of an XLSX or CSV output is run as a formula (:mod:`emusim.io.cells`).
"""
from __future__ import annotations

from .atomic import atomic_write, clear_leftovers
from .cells import escape_frame, escape_text, is_formula_like, neutralise_workbook
from .folders import MANIFEST, check_out_dir, discard_temp, new_temp_dir, publish_dir
from .inputs import guarding_inputs, inputs_of, note_input, same_file
from .tables import (TABLE_SUFFIXES, check_output, csv_bytes, save_workbook, workbook_bytes, write_sheets, write_table,
                     xlsx_bytes)

__all__ = ["atomic_write", "clear_leftovers", "escape_frame", "escape_text", "is_formula_like", "neutralise_workbook",
           "MANIFEST", "check_out_dir", "discard_temp", "new_temp_dir", "publish_dir", "guarding_inputs", "inputs_of",
           "note_input", "same_file", "TABLE_SUFFIXES", "check_output", "csv_bytes", "save_workbook", "workbook_bytes", "write_sheets",
           "write_table", "xlsx_bytes"]
