"""Which characters the deep check considers a written character may be a slip for (no model needed)."""

from __future__ import annotations

from coach.typo.candidates import confusables, fuzzy_syllables, near_sound, same_sound
from coach.typo.detector import TypoDetector, _near_placeholder, in_words


def test_pinyin_ime_confusions_are_one_swap_away():
    # 前后鼻音 and 平翘舌, each a single swap; unrelated sounds are not confused
    assert fuzzy_syllables("jing") == {"jing", "jin"}
    assert fuzzy_syllables("zhang") == {"zhang", "zang", "zhan"}
    assert fuzzy_syllables("lian") == {"lian", "nian", "liang"}
    assert "ben" in fuzzy_syllables("beng") and "bang" not in fuzzy_syllables("beng")


def test_near_sound_candidates_cover_ime_slips_the_hand_made_lists_miss():
    assert "金" in near_sound("精")  # 万精油 → 万金油 (jing / jin)
    assert "彻" in confusables("切")  # 贯切 → 贯彻 (pycorrector's list)
    assert "个" in same_sound("各") and "各" not in same_sound("各")
    # only common characters are offered: a correction to a rare character is not what a document needs
    assert all(len(c) == 1 for c in near_sound("是")) and "啐" not in near_sound("翠")


class _NoLM:
    def token_id(self, token):
        return None


def test_a_candidate_must_make_a_dictionary_word_more_frequent_than_what_is_written():
    d = TypoDetector(_NoLM())
    sentence = "我们要认真贯切落实党的二十大精神。"
    cands = d.candidates(sentence, sentence.index("切"))
    assert cands["彻"] == "贯彻"
    assert "金" in d.candidates("他是万精油式的干部。", 3)
    # a rare character gets any common character that completes a frequent word (形近, outside the lists)
    assert d.candidates("工作很琐啐。", 4)["碎"] == "琐碎"
    # a correct common word is not "corrected" into a rarer one
    assert "彻" not in d.candidates("我们要认真贯彻落实。", 6)


def test_a_wrong_word_for_the_same_syllables_is_one_candidate():
    d = TypoDetector(_NoLM())
    # 持道 is no word; the IME's word for chi-dao that the writer meant is
    assert "迟到" in d.pair_candidates("他上课常常持道。", 5)
    # a pair where one character is right is a single-character candidate, not a pair
    assert "迟到" not in d.pair_candidates("他上课常常迟道。", 5)


def test_anonymisation_marks_and_their_neighbours_are_never_suspicious():
    sentence = "热烈欢迎XX领导来XX视察，全*同志参加。"
    masked = _near_placeholder(sentence)
    for ch in "X视来全同":
        assert masked[sentence.index(ch)]
    assert not masked[sentence.index("欢")] and not masked[sentence.index("导")]


def test_word_level_view_tells_a_character_inside_a_word_from_one_standing_alone():
    sentence = "要认真贯切落实文种要求"
    at = in_words(sentence)
    assert at[sentence.index("文")] and at[sentence.index("种")]  # 文种 is a word: a change must overturn it
    assert not at[sentence.index("切")]  # 贯切 is no word: the slip stands alone
