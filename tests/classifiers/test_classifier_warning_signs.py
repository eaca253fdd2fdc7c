"""Batches 107-109 (issue #4, an eleventh session): warning signs that add up, danger told through circumstances,
children seen by teachers and neighbours, and words that were read too widely. Lexicon layer alone (no model)."""

from __future__ import annotations

import pytest

from classifiers import Classifier

PAGED = ("P1", "P2")


def labels_and_urgency(clf: Classifier, text: str) -> tuple[tuple[str, ...], str]:
    result = clf.classify(text)
    return tuple(result.labels), result.urgency


@pytest.mark.parametrize(
    "text",
    [
        "اختي من شهر صارت توزع اغراضها على صاحباتها، وامس عطت قطتها لبنت الجيران",
        "my brother keeps getting rid of his things and asked me to take care of the kids if anything happens",
    ],
)
def test_several_warning_signs_together_page(lexicon_only: Classifier, text: str) -> None:
    labels, urgency = labels_and_urgency(lexicon_only, text)
    assert "self_harm" in labels and urgency == "P2"


def test_one_warning_sign_alone_is_queued_not_paged(lexicon_only: Classifier) -> None:
    labels, urgency = labels_and_urgency(lexicon_only, "عطت قطتها لبنت الجيران لانها مسافره تدرس برا")
    assert "self_harm" in labels and urgency == "P3"


@pytest.mark.parametrize(
    "text",
    [
        "some nights i think it would be easier for everyone if i just don't wake up",
        "والله احس اهلي راح يرتاحون اذا ما بقيت",
    ],
)
def test_a_wish_to_be_gone_pages(lexicon_only: Classifier, text: str) -> None:
    labels, urgency = labels_and_urgency(lexicon_only, text)
    assert "self_harm" in labels and urgency in PAGED


# What the blind batches of 2026-12-02 missed, in the team's own words: 107-109, then 110-111, then 112-113.
@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("We are 12 men in the camp, electricity cut since Sunday, no food left, one man fainted", "imminent_danger"),
        ("جيراننا مسافرين وقافلين عليها الباب، الشغالة تصيح من الشباك", "imminent_danger"),
        (
            "el shaghala elly 3and gerranna bt3ayat mn el shebbak, homma msafreen w 2aflin 3aleha el bab",
            "imminent_danger",
        ),
        ("فيه طفل صغير ماسك في السور في البلكونة والباب مقفول", "imminent_danger"),
        (
            "a Grade 3 boy came in with buckle marks on his legs and begs not to go home, what do I do right now",
            "child_protection",
        ),
        ("ما احد بيفتقدني، الليلة بمر على الجسر واخلص من كل شي", "self_harm"),
        ("i took like a whole box of sertraline an hour ago and my heart is racing", "self_harm"),
        ("abouya 9oorat sharayi7 7boob w mob raad 3la el tilifoon", "self_harm"),
        ("ابوي على جهاز الاكسجين والكهربا قاطعه من الظهر", "imminent_danger"),
        ("اخوي وعياله علقت سيارتهم في الوادي وطالعين فوق السقف", "imminent_danger"),
        ("طفل صغير يمشي على كتف الطريق السريع لحاله", "imminent_danger"),
        ("right now I can hear slapping sounds and the maid crying next door", "imminent_danger"),
        ("طفل صغير تقريبا سنتين في سيارة جيب سودا مسكرة والمكيف طافي من ساعة", "imminent_danger"),
        ("عامل عندنا طاح من الحر وجسمه يغلي", "imminent_danger"),
        ("الجدار يتشقق وخايفين العماره تنزل علينا الحين", "imminent_danger"),
        ("he came home drunk and kicked the door in, the kids are hiding in the bathroom", "imminent_danger"),
        ("الطفلين يبكون خلف الباب من الصبح وامهم ما شفناها من يومين", "imminent_danger"),
    ],
)
def test_danger_told_through_circumstances_is_p1(lexicon_only: Classifier, text: str, label: str) -> None:
    labels, urgency = labels_and_urgency(lexicon_only, text)
    assert label in labels and urgency == "P1"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("طالب في الصف الاول يجمع بقايا طعام زملائه وفي شعره قمل من اسابيع", "child_protection"),
        ("ولد عمره ٩ سنين يطلع من الفجر يبيع موية للسيارات", "child_protection"),
        ("ولد جيراننا عمره عشر سنين وعمو بضربو بالخرطوش", "child_protection"),
        ("بنت عمي عمرها ١٤ وابوها كتب كتابها على رجال عمره ٤٠", "child_protection"),
        (
            "a man who says he is a scout asked my son (12) for photos and told him to delete the chats",
            "child_protection",
        ),
        ("بنت اخوي عمرها ١٤ وابوها بيزوجها ولد عمه بدون ما يروحوا المحكمة", "child_protection"),
        ("honestly they'd be better off with the insurance money than with me", "self_harm"),
        ("حاسس اني عبء عليهم وهيرتاحوا لو انا مش موجود", "self_harm"),
        ("ولده ياخذ بطاقه معاشه كل شهر ويقول له ان رحت تشتكي بكسر راسك", "domestic_violence"),
        (
            "one of my Grade 2 girls has round burns on her wrist, she says her uncle does the lighter",
            "child_protection",
        ),
        ("ابن اختي عمره ثلاث عشر سنة وابوه بيزوجه بنت عمه", "child_protection"),
        ("الطالبة تاكل من بقايا طعام زميلاتها من اسبوعين", "child_protection"),
        ("مرت ابوها تسخن المعلقه وتحطها على ايد البنت، عمرها ٧ سنين", "child_protection"),
        ("جارتنا سابت العيال لوحدهم في الشقة وسافرت", "child_protection"),
        ("the little boy next door, maybe five, is on his own every night till morning", "child_protection"),
        ("ابني عمره ١٠، واحد باللعبة طلب منه صور وقله لا تخبر ماما", "child_protection"),
    ],
)
def test_a_disclosure_told_in_new_words_pages(lexicon_only: Classifier, text: str, label: str) -> None:
    labels, urgency = labels_and_urgency(lexicon_only, text)
    assert label in labels and urgency in PAGED


@pytest.mark.parametrize(
    "text",
    [
        "امتحان الرياضيات بكره راح يذبحني",
        "FIRE SALE this weekend only: stock trapped in our warehouse must go",
        "منو عنده ملخص الوحدة الثالثة يدزه بالكروب",
        "شفتوا فيديو انهيار الجسر في البلد الثاني؟ يقولون فيه ناس تحت الانقاض، الله يرحمهم",
    ],
)
def test_words_read_too_widely_do_not_page(lexicon_only: Classifier, text: str) -> None:
    assert labels_and_urgency(lexicon_only, text)[1] not in PAGED


def test_a_school_registration_question_does_not_page(classifier: Classifier) -> None:
    """The label model and the urgency head read a child at risk in a custody question ("شلون أسجلها")."""
    text = "أريد أسأل، آني مطلقة وبنتي عمرها سبع سنين، أبوها رافض ينطيني شهادة الميلاد حتى أسجلها بالمدرسة، "
    text += "شلون أسجلها؟"
    assert labels_and_urgency(classifier, text)[1] not in PAGED


def test_a_short_arabizi_word_is_no_branding(lexicon_only: Classifier) -> None:
    """ "betkon" (will be) has the skeleton of "بتكويني" (she brands me): a one-word entry of four consonants is read
    in Arabizi, so the branding is listed only with the spoon ("تسخن المعلقه")."""
    text = "el walad 3ando 9 sneen w el bent betkon m3aya fel weekend"
    assert labels_and_urgency(lexicon_only, text)[1] not in PAGED
