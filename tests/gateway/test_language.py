import pytest

from gateway.language import LanguageChooser, build_detector


@pytest.fixture(scope="module")
def chooser() -> LanguageChooser:
    return LanguageChooser(build_detector())


@pytest.mark.parametrize("text", ["ok", "3511 AB", "hallo", "yes please", "1234ab", "112"])
def test_keep_language_on_short_latin_message(chooser: LanguageChooser, text: str) -> None:
    assert chooser.choose(text, "ar") == "ar"
    assert chooser.choose(text, "nl") == "nl"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my husband hits me when he is drunk", "en"),
        ("mijn vriend slaat me en ik durf niet naar huis", "nl"),
        ("زوجي يضربني كل يوم", "ar"),
        ("kocam beni her gün dövüyor", "tr"),
        ("mój mąż mnie bije i boję się wrócić", "pl"),
        ("чоловік мене б'є, я боюся", "uk"),
        ("شوهرم مرا کتک می زند", "fa"),
        ("ninkayga ayaa i garaacaya mar walba", "so"),
        ("ሰብኣየ ይወቕዓኒ እዩ", "ti"),
    ],
)
def test_switch_language_on_clear_message(
    chooser: LanguageChooser, text: str, expected: str
) -> None:
    assert chooser.choose(text, "nl" if expected != "nl" else "en") == expected


def test_switch_on_short_message_in_distinct_script(chooser: LanguageChooser) -> None:
    assert chooser.choose("مرحبا", "nl") == "ar"
