"""The catalogue in gettext form: Babel writes it, gettext reads it, a translator's file comes back checked."""
import gettext

import pytest

from emusim.errors import InputError
from emusim.i18n import catalogue, t
from emusim.i18n.po import export_po, import_po


def test_exported_catalogue_is_read_by_gettext(tmp_path):
    export_po(tmp_path)
    english = gettext.translation("emusim", localedir=tmp_path, languages=["en"])
    vietnamese = gettext.translation("emusim", localedir=tmp_path, languages=["vi"])
    for key in ("allocate.not_nominated", "common.yes", "errors.row"):
        source = catalogue()[key]["vi"]
        assert english.pgettext(key, source) == catalogue()[key]["en"]
        assert vietnamese.pgettext(key, source) == source
    assert english.pgettext("common.yes", t("common.yes", lang="vi")) == t("common.yes", lang="en")


def test_a_translators_file_round_trips(tmp_path):
    export_po(tmp_path)
    texts = import_po(tmp_path / "en" / "LC_MESSAGES" / "emusim.po")
    assert texts == {key: pair["en"] for key, pair in catalogue().items()}


def test_a_translation_with_other_placeholders_is_refused_with_its_line(tmp_path):
    export_po(tmp_path)
    po = tmp_path / "en" / "LC_MESSAGES" / "emusim.po"
    text = po.read_text(encoding="utf-8")
    source = catalogue()["allocate.not_nominated"]["en"]
    assert source in text
    po.write_text(text.replace(source, source.replace("{position}", "{rank}")), encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_po(po)
    message = str(info.value)
    assert "allocate.not_nominated" in message and f"{po}:" in message and "chỗ điền" in message
