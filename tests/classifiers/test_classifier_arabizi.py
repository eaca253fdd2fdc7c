"""The Arabic lexicons read in Arabizi (classifiers/arabizi.py): what they catch and what they must not."""

from __future__ import annotations

import pytest

from classifiers import Classifier
from classifiers.arabizi import first_person, from_arabic
from classifiers.normalise import arabizi_skeleton, fold, looks_arabizi


def matches(entry: str, latin: str) -> bool:
    pattern = from_arabic(fold(entry))
    assert pattern is not None, entry
    return bool(pattern.regex.search(arabizi_skeleton(latin).text))


@pytest.mark.parametrize(
    ("entry", "latin"),
    [
        ("اجرح نفسي", "ajra7 nafsi"),  # ح as 7
        ("اجرح نفسي", "ajrah nafsy"),  # ح as h, ي as y
        ("يطق امي", "y6ig omy"),  # ط as 6, ق as g
        ("يطق امي", "ytig ommi"),  # ط as t
        ("بقتل نفسي", "ba2tel nafsi"),  # ق as a glottal 2
        ("اخذت حبوب كثير", "akhadt 7boob kteer"),  # خ as kh, ث as t
        ("الحبوب جاهزه", "el7boob jahza"),  # article glued, final ه as a vowel
        ("الحبوب جاهزه", "el 7boob jahzeh"),  # article apart
        ("حريق كبير", "7ari8 kbeer"),
    ],
)
def test_an_arabic_entry_matches_its_arabizi_spellings(entry: str, latin: str) -> None:
    assert matches(entry, latin)


@pytest.mark.parametrize(
    ("entry", "latin"),
    [
        ("حريق كبير", "7ar kbeer wallah"),  # a great heat: a final ق may not vanish
        ("يحرقه", "el dawam y7ar8 a3sabi"),  # it burns my nerves: a lone verb keeps its "his"
        ("اجرح نفسي", "a3raf nafsi"),  # a different verb
    ],
)
def test_an_arabic_entry_does_not_match_other_words(entry: str, latin: str) -> None:
    assert not matches(entry, latin)


def test_one_word_entries_too_short_to_stand_alone_are_not_derived() -> None:
    assert from_arabic(fold("موت")) is None  # "mt": met, mate, might
    assert from_arabic(fold("الحريق")) is None  # "7r8" once the article is left aside
    assert from_arabic(fold("انتحر*")) is not None


def test_first_person_is_read_from_the_arabic_entry() -> None:
    assert first_person("يضرب امي") and first_person("ضربني") and first_person("اجرح نفسي")
    assert not first_person("يتحرش فيها")


@pytest.mark.parametrize(
    "text",
    [
        "Boston may not be my hometown but I live here it's so sad what happened earlier 2day",
        "Results of hurricane Sandy in Indiana, pics 2nite",
    ],
)
def test_english_with_a_digit_word_is_not_read_with_the_arabic_lexicons(
    lexicon_only: Classifier, text: str
) -> None:
    """"hometown" has the skeleton of هيموتني (he will kill me), "Indiana" that of انقذوني (save me)."""
    assert looks_arabizi(text) and not looks_arabizi(text, strict=True)
    assert not [e for e in lexicon_only.classify(text).evidence if e.source.endswith("/arabizi")]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("ana m3aya el shafra w 3amal ajra7 nafsi msh 2ader awa2af", "self_harm"),
        ("ubooy y6ig omy kil lail w ana 5ayfa 3ala a5way el sgar", "domestic_violence"),
    ],
)
def test_arabizi_found_only_through_the_arabic_lists(lexicon_only: Classifier, text: str, label: str) -> None:
    res = lexicon_only.classify(text)
    assert label in res.labels
    assert res.urgency in ("P1", "P2")
    assert any(e.source == f"lexicon:{label}/arabizi" for e in res.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "wallah el dawam y7ar8 a3sabi, bamoot mn el mal",
        "wallah el 7ar ya8tilni 😂",
        "ana w zoji ra7 nsafer el 3eed, kaif n8adem 3ala ta9reeh?",
        "el walad kasar el ka2s w mama zi3lat menno shway",
    ],
)
def test_everyday_arabizi_gets_no_lexicon_label(lexicon_only: Classifier, text: str) -> None:
    assert lexicon_only.classify(text).urgency not in ("P1", "P2")
    assert not [e for e in lexicon_only.classify(text).evidence if e.source.startswith("lexicon:")]


def test_a_present_verb_matches_with_the_dialect_tense_prefix() -> None:
    """"byedrob" (بيضرب) and "hay2telni" (هيقتلني) are the lexicon's يضرب / يقتلني; not for a one-word entry,
    where بتضرر (it is damaged) would read "bat9eer" (it will become)."""
    assert matches("يضرب امي", "bayye byedrob emme")
    assert matches("يقتلني الليله", "hay2telni el lela")
    assert matches("اجرح نفسي", "bajra7 nafsi")  # the first person drops its alef: بجرح، هجرح
    pattern = from_arabic(fold("تضرر"))
    assert pattern is None or not pattern.regex.search(arabizi_skeleton("bat9eer").text)


def test_an_age_in_an_arabic_cue_is_read_in_arabizi() -> None:
    assert matches("عندي 13 سنه", "w 3ndi 13 sana")


def test_arabizi_without_digits_counts_when_its_words_outnumber_english_ones() -> None:
    assert looks_arabizi("bayye byedrob emme kel ma bisker", strict=True)
    assert not looks_arabizi("la la land is the film my ma loved, el capitan too", strict=True)


def test_short_arabizi_context_words_come_from_their_own_lists(lexicon_only: Classifier) -> None:
    """"el jaw" (the weather) makes "ra7 y2tilni" a figure of speech; "al7een" (now) makes a beating P1. Both are
    too short for the patterns derived from the Arabic cue lists."""
    assert lexicon_only.classify("el jaw ra7 y2tilni, 50 daraja w ma fi kahraba").urgency not in ("P1", "P2")
    assert lexicon_only.classify("zoji y6igni al7een w el 3yal yseeho").urgency == "P1"


def test_a_word_final_glottal_2_is_read_as_qaf() -> None:
    """"7ari2" is حريق (fire), not "7ar" (heat); a 2 inside a word stays a vowel ("hay2telni")."""
    assert arabizi_skeleton("fi 7ari2!").text == "f 7r8!"
    assert arabizi_skeleton("hay2telni").text == "htln"
    assert matches("حريق في العماره", "fi 7ari2 fil 3imara")


def test_the_article_runs_into_the_preposition_before_it() -> None:
    """"fel sereer" (في السرير) and "3al daraj" (على الدرج), beside the spelled-out "fi el sereer"."""
    assert matches("يربطني في السرير", "yerbotni fel sereer")
    assert matches("يربطني في السرير", "yerbotni fi el sereer")
    assert matches("وقف على الدرج", "w2ef 3al daraj")
    assert not matches("يربطني في السرير", "yerbotni fel bait")


def test_the_article_after_bi_may_stand_apart() -> None:
    """"bel bir" is بالبير written as two words."""
    assert matches("واقع بالبير", "wa2e3 bel bir")
    assert matches("واقع بالبير", "wa2e3 belbir")


def test_a_short_skeleton_entry_matches_only_as_spelt(lexicon_only: Classifier) -> None:
    """"seil" (flood) has the skeleton "sl", which "so2al" (a question) shares: it counts only spelt as written."""
    assert lexicon_only.rules.run("ya jama3a el seil dakhal el bait w el 3yal fog el sat7").active("disaster")
    asked = lexicon_only.rules.run("el gym embare7 mawetni, bas so2al: el nady fih mawa3eed lel setat?")
    assert not asked.hits


def test_an_entry_marked_exact_does_not_match_words_sharing_its_skeleton(lexicon_only: Classifier) -> None:
    """"=bantahy" (I'll end it) is also the skeleton of "bintah" (his daughter)."""
    assert lexicon_only.rules.run("5la9 ana ta3bt, bantahy el lela").active("self_harm")
    assert not lexicon_only.rules.run("hwa yingith bintah mn el ba7ar").hits


def test_mafi_before_an_arabizi_match_negates_it(lexicon_only: Classifier) -> None:
    hit = lexicon_only.rules.run("la la mafi 7ariq, kan bas dukhan mn el shawaya").hits
    assert hit and all(h.muted_by == "negation" for h in hit)
    assert lexicon_only.rules.run("fi 7ariq fi el 3imara w ummi ma tigdar tinzil").active("disaster")


def test_a_series_and_a_figure_of_speech_make_an_arabizi_wish_no_disclosure(lexicon_only: Classifier) -> None:
    """As laughter does: "the episode slaughtered me ... I'm dead from crying" is about a series."""
    text = "el7al9a ams mn el mosalsal thab7tni 😭 ana mayta mn el bcha, bantahy mn el 7uzn"
    res = lexicon_only.rules.run(text)
    assert res.has("quote") and res.has("hyperbole")
    assert res.muted("self_harm") and not res.active("self_harm")


def test_an_entry_ending_in_me_needs_the_vowel_of_me_or_us(lexicon_only: Classifier) -> None:
    """تضربني (she hits me) read in Arabizi has the skeleton "t9rbn", which "ta9reeban" (almost) shares: a child shut
    in a car "ta9reeban 3 snin" had been labelled domestic violence. "-ni", "-ny", "-nee" and "-na" (us) count."""
    assert not lexicon_only.rules.run("fee ya7al ta9reeban 3 snin m9akkar 3aleh fe sayyara").active("domestic_violence")
    assert not lexicon_only.rules.run("ya jama3a tadreeban el sob7 w ba3dain el dawam").hits
    assert lexicon_only.rules.run("ya jama3a omi t9rbny bil 3asa kel yom").active("domestic_violence")
    assert lexicon_only.rules.run("abooy kil yom ydig'na ana w e5wani").active("domestic_violence")


def test_a_child_shut_in_a_car_in_gulf_arabizi(lexicon_only: Classifier) -> None:
    """Child protection, whatever heat is told beside it; the writer's own keys locked in ("3alay") are not."""
    car = lexicon_only.rules.run("fee bzr 9gheer m9akkar 3aleh fel sayyara w el shams 7arra")
    assert car.active("child_protection")
    keys = lexicon_only.rules.run("el bab msakkar 3alay fe sayyara w el mafta7 dakhil 😂")
    assert not keys.active("child_protection")
