"""Spelling: the same word written other ways, so that one lexicon entry matches them all.

Arabic: a leading و/ف ("and"), the dialects' tense prefixes (ب, Egyptian ه, Iraqi دي) and the first person's
dropped alef after them. English: contractions both ways and without the apostrophe. Both the lexicon entries
and the message's words go through these, so either spelling of an entry matches either spelling in a message.
"""

from __future__ import annotations

# After a ب/ه prefix these letters start no first-person verb: "بال..." (with the), "بنت" (girl), "بو..." (father of)
_NOT_FIRST_PERSON_VERB = frozenset("اأإآءوينتى")


def strip_clitic(word: str) -> str:
    """Drop a leading و/ف ("and", "so") from Arabic words of three letters or more ("وما" -> "ما"), and a
    dialect tense prefix from a present verb.

    Applied twice: a word that itself starts with و/ف loses that letter on both sides (lexicon "ودي" -> "دي"),
    so the same word after a conjunction ("وودي اموت", "ووين") must lose two to match it.
    """
    for _ in range(2):
        if len(word) > 2 and word[0] in "وف" and "\u0600" <= word[1] <= "\u06ff":
            word = word[1:]
        else:
            break
    # The dialects' tense prefix on a present verb: ب (Gulf, Levantine, Egyptian: "بيضرب امي") and the Egyptian
    # future ه ("هيقتلني") are the same verb as يضرب / يقتلني. Only before a verb's own ي/ت (Gulf "بنتحر" is "I
    # will kill myself", not "نتحرك", we move) and on four letters or more ("بيت", "هيك" keep theirs). Entries
    # are read through the same function, so both spellings of an entry match both spellings in a message.
    if len(word) > 4 and word.startswith("هال"):
        return word[1:]  # Gulf and Levantine "this": "هالمسلسل", "هالحياه" are المسلسل، الحياه with ها
    if len(word) > 3 and word[0] == "د" and word[1] == "ي":
        return word[1:]  # Iraqi progressive: "ديكسر", "ديضربني" are يكسر، يضربني
    if len(word) > 3 and word[0] in "به" and "\u0600" <= word[1] <= "\u06ff":
        if word[1] in "يت":
            word = word[1:]
        elif word[1] not in _NOT_FIRST_PERSON_VERB:
            # The first person drops its alef after the prefix: "بموت", "هشرب" are اموت, اشرب.
            word = "ا" + word[1:]
    return word


# English written both ways: an entry "he will kill me" also matches "he'll kill me", "i'm scared" also "im scared".
_CONTRACTIONS = (
    ("he will", "he'll"), ("she will", "she'll"), ("they will", "they'll"), ("i will", "i'll"),
    ("we will", "we'll"), ("i am", "i'm"), ("i have", "i've"), ("i would", "i'd"), ("do not", "don't"),
    ("does not", "doesn't"), ("did not", "didn't"), ("will not", "won't"), ("cannot", "can't"),
    ("is not", "isn't"), ("he is", "he's"), ("she is", "she's"), ("you are", "you're"),
)
# Contractions also typed without the apostrophe (not "he'll" -> "hell", "i'll" -> "ill", "it's" -> "its").
_BARE = ("i'm", "i've", "don't", "doesn't", "didn't", "won't", "can't", "isn't", "he's", "she's", "they'll")


def english_spellings(entry: str) -> list[str]:
    """The entry and its contracted / expanded / apostrophe-less forms."""
    out = [entry]
    if entry.startswith("will "):  # "will kill me" is also "he'll kill me": one token in the message
        out += [f"{who}'ll {entry[5:]}" for who in ("he", "she", "they", "you")]
    for long, short in _CONTRACTIONS:
        for form in list(out):
            padded = f" {form} "
            if f" {long} " in padded:
                out.append(padded.replace(f" {long} ", f" {short} ").strip())
            elif f" {short} " in padded:
                out.append(padded.replace(f" {short} ", f" {long} ").strip())
    for form in list(out):
        padded = f" {form} "
        bare = [c for c in _BARE if f" {c} " in padded]
        for c in bare:
            padded = padded.replace(f" {c} ", f" {c.replace(chr(39), '')} ")
        if bare:
            out.append(padded.strip())
    return list(dict.fromkeys(out))


# Arabic words that are the writer: pronouns and "myself".
FIRST_PERSON_AR = frozenset(["انا", "احنا", "نحن", "نفسي", "حالي"])


def speaks_of_writer(word: str) -> bool:
    """A folded Arabic word that is the writer: a pronoun, or an ending "my"/"me"/"us" (ي، ني، نا)."""
    return word in FIRST_PERSON_AR or word.endswith(("ني", "نا")) or (word.endswith("ي") and len(word) > 2)
