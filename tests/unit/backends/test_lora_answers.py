"""Tagging answers of the lora backend as text: rendering, and parsing by alignment (pure
functions; no model)."""

from __future__ import annotations

import pytest

from taskaffinity.backends.lora import TagAnswers, align
from taskaffinity.backends.lora._answers import default_answer_format
from taskaffinity.errors import InputError

TEXT = tuple("学而时习之不亦说乎")
MARKS = ("O", "O", "O", "O", "，", "O", "O", "O", "？")
PUNCT_LABELS = ("O", "，", "？", "。")
POEM = tuple("春草绿，平地看。")
TONES = ("平", "仄", "仄", "O", "平", "仄", "平", "O")


def punct() -> TagAnswers:
    return TagAnswers.for_task(PUNCT_LABELS, [TEXT])


def tonal() -> TagAnswers:
    return TagAnswers.for_task(("O", "仄", "平"), [POEM])


def test_defaults_follow_the_tag_set() -> None:
    assert default_answer_format(PUNCT_LABELS) == "insert"
    assert default_answer_format(("O", "仄", "平")) == "tags"
    assert default_answer_format(("B-PER", "I-PER", "O")) == "tags"
    assert punct().format == "insert" and punct().joined and punct().empty == "O"
    assert tonal().format == "tags" and tonal().joined
    assert TagAnswers.for_task(PUNCT_LABELS, [TEXT], "tags").format == "tags"
    with pytest.raises(InputError) as err:
        TagAnswers.for_task(PUNCT_LABELS, [TEXT], "spans")
    assert err.value.field == "answer_format"


def test_insert_format_renders_the_marks_after_their_characters() -> None:
    assert punct().render(TEXT, MARKS) == "学而时习之，不亦说乎？"
    assert punct().input_text(TEXT) == "学而时习之不亦说乎"
    assert punct().null_text(3) == "___"


def test_exact_output_parses_back_to_the_gold_tags() -> None:
    for answers, tokens, tags in ((punct(), TEXT, MARKS), (tonal(), POEM, TONES)):
        parsed = answers.parse(tokens, answers.render(tokens, tags))
        assert parsed.ok and parsed.coverage == 1.0 and parsed.tags == tags
    assert tonal().render(POEM, TONES) == "平仄仄，平仄平。"  # the token 平 tagged 平 as well


def test_inserted_characters_cost_nothing_but_what_they_touch() -> None:
    # an extra character before the question mark: the mark still follows 乎
    parsed = punct().parse(TEXT, "学而时习之，不亦说乎也？")
    assert parsed.ok and parsed.tags == MARKS and parsed.coverage == pytest.approx(9 / 10)
    # a mark the gold does not have: that character alone gets it
    parsed = punct().parse(TEXT, "学而，时习之，不亦说乎？")
    assert parsed.ok and parsed.tags == ("O", "，", *MARKS[2:])
    # whitespace in the output is not a unit
    assert punct().parse(TEXT, "学而时习之， 不亦说乎？").tags == MARKS


def test_deleted_characters_get_the_empty_tag_the_rest_stays_aligned() -> None:
    parsed = punct().parse(TEXT, "学而时之，不亦说乎？")  # 习 dropped
    assert parsed.ok and parsed.tags == MARKS  # 习 was O anyway; 之 keeps its comma
    parsed = punct().parse(TEXT, "学而时习，不亦说乎？")  # 之 dropped: its comma has no owner
    assert parsed.ok and parsed.tags == ("O", "O", "O", "，", "O", "O", "O", "O", "？")
    parsed = tonal().parse(POEM, "平仄，平仄平。")  # one tone missing before the comma
    assert parsed.ok and parsed.tags.count("O") == 3 and parsed.tags[4:] == TONES[4:]
    parsed = punct().parse(TEXT, "学而时习之，不亦悦乎？")  # a character changed
    assert parsed.ok and parsed.tags == MARKS


def test_garbage_and_other_texts_are_unparsable_with_all_tags_empty() -> None:
    for answers, tokens in ((punct(), TEXT), (tonal(), POEM)):
        for text in ("", "hello world", "子曰：三人行，必有我师焉。"):
            parsed = answers.parse(tokens, text)
            assert not parsed.ok and parsed.tags == ("O",) * len(tokens), text
    twice = punct().render(TEXT, MARKS) * 2  # the answer twice: half of it aligns
    parsed = punct().parse(TEXT, twice)
    assert not parsed.ok and parsed.coverage == pytest.approx(0.5)
    half = "学而时习之，"  # cut short: half the input is missing
    assert not punct().parse(TEXT, half).ok
    assert TagAnswers.for_task(PUNCT_LABELS, [TEXT], min_alignment=0.5).parse(TEXT, half).ok


def test_word_tokens_are_space_separated() -> None:
    words = ("hello", "world", "again")
    answers = TagAnswers.for_task(("O", ",", "."), [words])
    assert answers.format == "insert" and not answers.joined
    assert answers.render(words, (",", "O", ".")) == "hello, world again."
    assert answers.parse(words, "hello, world again.").tags == (",", "O", ".")
    assert answers.parse(words, "hello world , again .").tags == ("O", ",", ".")
    sentence = ("Ann", "Lee", "went", "home")
    ner = TagAnswers.for_task(("B-PER", "I-PER", "O"), [sentence])
    assert ner.render(sentence, ("B-PER", "I-PER", "O", "O")) == "B-PER I-PER went home"
    parsed = ner.parse(sentence, "B-PER went home")  # one tag missing: 3 of 4 aligned
    assert parsed.ok and parsed.tags[2:] == ("O", "O") and parsed.tags.count("B-PER") == 1
    assert not ner.parse(sentence, "B-PER went").ok  # 2 of 4


def test_align_is_a_minimum_edit_alignment() -> None:
    ops = align("abc", "axc", lambda s, t: s == t)
    assert ops == [("match", 0, 0), ("sub", 1, 1), ("match", 2, 2)]
    assert align("abc", "ac", lambda s, t: s == t) == [
        ("match", 0, 0),
        ("del", 1, None),
        ("match", 2, 1),
    ]
    ops = align("ab", "a,b", lambda s, t: s == t, lambda t: t == ",")
    assert ops == [("match", 0, 0), ("ins", None, 1), ("match", 1, 2)]
    assert align("", "", lambda s, t: s == t) == []


def test_outputs_rejected_without_alignment_could_not_have_aligned() -> None:
    import random

    rng = random.Random(0)
    for fmt in ("insert", "tags"):
        exact = TagAnswers.for_task(PUNCT_LABELS, [TEXT], fmt, min_alignment=1e-9)
        default = TagAnswers.for_task(PUNCT_LABELS, [TEXT], fmt)
        for _ in range(300):
            units = list(default.render(TEXT, MARKS))
            for _ in range(rng.randint(0, 12)):  # random edits, some of them marks
                pos = rng.randint(0, len(units))
                edit = rng.choice(["del", "ins", "sub"])
                char = rng.choice("学而时习之子曰，？xy")
                if edit == "ins":
                    units.insert(pos, char)
                elif units and pos < len(units):
                    units[pos : pos + 1] = [] if edit == "del" else [char]
            text = "".join(units)
            aligned, parsed = exact.parse(TEXT, text), default.parse(TEXT, text)
            assert parsed.ok == (aligned.coverage >= 0.75), text
            assert parsed.coverage >= aligned.coverage - 1e-12
            if parsed.ok:
                assert parsed.tags == aligned.tags and parsed.coverage == aligned.coverage
