"""The message catalogue: every message has Vietnamese and English, with the same placeholders."""
import pytest

from emusim.i18n import LANGS, catalogue, placeholders, t, using_lang


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_message_has_both_languages_and_the_same_placeholders(key):
    texts = catalogue()[key]
    for lang in LANGS:
        assert isinstance(texts.get(lang), str) and texts[lang].strip(), f"{key} lacks {lang}"
    assert placeholders(texts["vi"]) == placeholders(texts["en"]), key


def test_language_switch_follows_the_context():
    assert t("common.yes") == "có"
    with using_lang("en"):
        assert t("common.yes") == "yes"
    assert t("common.yes") == "có"
