"""SafetyPriority with bot/config.yml's threshold, after Rasa's FallbackClassifier (Rasa 3.6)."""

from pathlib import Path

from tests.bot.components.bot_venv import run_check

CHECK = Path(__file__).with_name("safety_priority_check.py")


def test_choose_safety_intent_from_threshold() -> None:
    checked = run_check(CHECK)
    served = {name: case["pipeline"] for name, case in checked["cases"].items()}
    assert checked["threshold"] == 0.15
    assert served["danger_above"] == "immediate_danger"
    assert served["danger_below"] == "domestic_violence"
    assert served["both_above"] == "suicidal_thoughts"
    assert served["fallback_then_suicide"] == "suicidal_thoughts"
    assert served["plain_fallback"] == "nlu_fallback"


def test_benchmark_models_pipeline_decision() -> None:
    # benchmarks/safety_threshold.py chooses the threshold from its own copy of this rule.
    cases = run_check(CHECK)["cases"]
    differing = [name for name, case in cases.items() if case["pipeline"] != case["benchmark"]]
    assert len(cases) > 300
    assert not differing
