"""The passphrase rules of docs/SECURITY.md and zxcvbn's hint, as the GUI and CLI show them."""

from __future__ import annotations

import pytest

from app.model.passphrase import MIN_LENGTH, problems, strength


@pytest.mark.parametrize("text", ["te-kort", "a" * 20, "password1234", "Wachtwoord123",
                                  "welkom123"])
def test_weak_passphrases_are_refused_with_a_reason(text: str) -> None:
    assert problems(text)


@pytest.mark.parametrize("text", ["correct horse battery staple", "een-lange-wachtwoordzin",
                                  "Fietsen langs de IJssel in maart"])
def test_a_sentence_of_words_passes_and_looks_strong(text: str) -> None:
    assert problems(text) == []
    assert strength(text).score >= 3


def test_the_hint_never_fails_on_a_long_passphrase() -> None:
    """zxcvbn 4.5 refuses text over 72 characters: the hint looks at the start."""
    text = "een heel lange zin " * 20
    assert len(text) > 72 and strength(text).score >= 3


def test_length_is_counted_in_characters() -> None:
    assert not any("minstens" in p for p in problems("é" * (MIN_LENGTH - 1) + "x"))
    assert any("minstens" in p for p in problems("é" * (MIN_LENGTH - 2) + "x"))
