"""The lexicon layer: spaCy PhraseMatcher/Matcher over normalised text, with context rules.

Runs on its own (degraded mode) or beside the trained model. Everything it needs is in `lexicons/` and spaCy's
tokenizer, so it works even when the trained pipeline is missing or broken.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifiers import arabizi
from classifiers.normalise import (
    Normalised,
    arabizi_skeleton,
    arabizi_skeleton_text,
    fold,
    looks_arabizi,
    normalise,
)
from classifiers.result import LABELS
from classifiers.spelling import FIRST_PERSON_AR, english_spellings, speaks_of_writer, strip_clitic

log = logging.getLogger(__name__)

LEXICON_DIR = Path(__file__).resolve().parent / "lexicons"
LANGS = ("ar", "en")
CUES = (
    "negation", "hyperbole", "news", "quote", "past", "service", "urgent", "plan", "minor",
    "fear", "act", "family", "employer", "bystander", "shelter", "literal", "knowing", "ongoing", "today",
    "soon", "denial", "helpless", "drill", "exposed", "calm", "unhurt",
)
# How far (in tokens) a cue reaches. Hyperbole only ever mutes the families that are used figuratively
# ("killing me", "I want to die", floods of email); a beating is never a figure of speech.
NEGATION_REACH = 3
# Domestic violence: only a cue right beside the verb ("ضربتني الشمس", sunstroke), never one a word away.
HYPERBOLE_REACH = {"self_harm": 4, "imminent_danger": 4, "disaster": 1, "domestic_violence": 0}
# The families whose words are used figuratively (an everyday subject beside them can make them an idiom).
FIGURATIVE_LABELS = frozenset(label for label, reach in HYPERBOLE_REACH.items() if reach > 0)
_CLAUSE_END = frozenset(".!?;,:\n") | frozenset(["but", "لكن", "بس", "..."])
_PLEA_OPENS = frozenset(["please", "pls", "plz", "ارجوكم", "ارجوك"])
_FIRST_PERSON_EN = frozenset("i me my myself we us our im i'm i've ive i'd i'll we're we've".split())
# "كل ما" = whenever, "يوم ما" = when ("اليوم ما" stays a negation: NORM keeps the article)
# "اذا ما جبت فلوس يضربنا" = if I bring no money he beats us: the condition is negated, not the beating
_NOT_NEGATION_BEFORE = frozenset(["كل", "لين", "بعد", "قبل", "مثل", "زي", "اول", "يوم", "اذا", "لو"])
_NOR = frozenset(["ولا", "nor"])
# After "عمره"/"عمرها" these tell an age, not "never": "عمره فوق الثلاثين يكلمها" (he is over thirty)
_AGE_WORDS = frozenset(
    "فوق تحت تقريبا حوالي اكثر اقل قرابه سنه سنتين شهر شهور ثلاث اربع خمس ست سبع ثمان تسع عشر احدعش اطنعش "
    "عشرين ثلاثين اربعين خمسين ستين سبعين ثمانين تسعين".split()
)
# Up to this many tokens before a match are searched for a first-person pronoun ("I don't want to wake up").
FIRST_PERSON_LOOKBEHIND = 3
# "a family who I think hit their kids": the writer's belief about someone else's act, not the writer's act
_BELIEF_EN = frozenset("think believe suspect guess".split())
_PUNCT = "،؛؟.,;:!?\"'()[]«»…-"
GAP = arabizi.GAP  # a lexicon word "?" stands for any one word ("طفل ? متروك": طفل صغير متروك)
_QUOTED = re.compile(r"\"[^\"]{3,300}\"")
# Words just before an opening quote that make it the words of someone in the story ("قال "بذبحك الليله"",
# "he texted me "I will kill you""), not a lyric or a film line.
_SAID = re.compile(
    r"\b(?:said|says|told me|texted me|wrote|shouted|screamed|قال|قالت|قالي|يقول|تقول|كتب|ارسل|يصارخ)"
    r"(?:\W+\w+){0,2}\W{0,12}$"  # up to two words between: "قال لي بالحرف", "said to me"
)


def read_list(path: Path) -> list[str]:
    if not path.exists():
        return []
    out: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line:
            out.append(line)
    return out


_SLOT = re.compile(r"\{(\w+)\}")


def read_lexicon(path: Path, slots: Path | None = None) -> list[str]:
    """A lexicon or context list with its slots filled in: in `<label>.<lang>.txt`, `{child}` stands for each line
    of `slots/child.<lang>.txt`. One reviewable list of the words for a child serves every act written beside it
    ("يربط {child}", "locks {child} in"), instead of each act spelled out with each child word.

    A slot with no list is logged and its entry left out: a typo in one line must not take the rest down.
    `slots`: the folder of slot lists (default: `slots/` beside the file; the context lists share the labels')."""
    lang = path.name.split(".")[-2]
    lists: dict[str, list[str]] = {}
    out: list[str] = []
    for entry in read_list(path):
        variants = [entry]
        for name in dict.fromkeys(_SLOT.findall(entry)):
            if name not in lists:
                lists[name] = read_list((slots or path.parent / "slots") / f"{name}.{lang}.txt")
            if not lists[name]:
                log.error("lexicon %s: slot {%s} has no list slots/%s.%s.txt", path.name, name, name, lang)
            variants = [v.replace(f"{{{name}}}", word) for v in variants for word in lists[name]]
        out.extend(variants)
    return out


@dataclass(frozen=True)
class Hit:
    """One lexicon match, in original-text characters."""

    label: str
    start: int
    end: int
    phrase: str
    source: str  # "lexicon:self_harm/ar"
    first_person: bool
    muted_by: str = ""  # "" if it counts; otherwise the context rule that muted it
    topic: bool = False  # a topic word ("suicide", "عنف اسري"): labels the message, does not page alone


@dataclass(frozen=True)
class ArabiziEntry:
    """A lexicon entry matched on the consonant skeleton of Latin text: hand-written in `<label>.arabizi.txt`, or
    derived from an Arabic entry (`arabizi.from_arabic`; those count only in text that looks like Arabizi)."""

    label: str
    pattern: re.Pattern[str]
    entry: str
    has_digit: bool
    topic: bool = False
    first_person: bool = True
    derived: bool = False
    # A hand-written entry whose skeleton is under MIN_SKELETON letters ("seil": "sl") shares it with everyday
    # words ("so2al", a question): it matches only where the Latin words are spelt as `spelt` (lower case).
    spelt: str = ""


MIN_SKELETON = 3
# An entry ending in "me" (ني: تضربني, she hits me; or an Arabizi "taydrebni") matched on Latin text: its skeleton
# ("t9rbn") drops the final vowel and so matches adverbs in "-an" ("ta9reeban", almost; "tadreeban", as a training);
# the Latin word must end in a vowel: i, y or e, or the a of "-na" (us: "abooy ydig'na", he hits us).
_ENDS_IN_ME = re.compile(r"(ني|n[iye]+)$")


@dataclass
class RuleResult:
    hits: list[Hit] = field(default_factory=list)
    cues: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # cue -> original-text spans
    lang: str = "en"
    narrator: int = 0  # first-person pronouns ("I", "my", "انا"): how much the writer speaks of themself

    def active(self, label: str) -> list[Hit]:
        return [h for h in self.hits if h.label == label and not h.muted_by]

    def muted(self, label: str) -> list[Hit]:
        return [h for h in self.hits if h.label == label and h.muted_by]

    def has(self, cue: str) -> bool:
        return bool(self.cues.get(cue))


_ARABIC_BLOCK = re.compile("[\u0600-\u06ff]")
_ARABIC_BLOCKS = re.compile("[\u0600-\u06ff\u0750-\u077f]")


def detect_lang(text: str) -> str:
    # counted in C (map, findall): this runs on every message, and a loop over characters cost 7% of the
    # lexicon stage
    letters = sum(map(str.isalpha, text))
    if not letters:
        return "ar" if _ARABIC_BLOCK.search(text) else "en"
    arabic = sum(map(str.isalpha, _ARABIC_BLOCKS.findall(text)))
    if arabic * 10 >= letters * 3:
        return "ar"
    return "ar" if looks_arabizi(text) else "en"


_SKELETON_WORD = re.compile(r"[a-z0-9$]+")
# doc.user_data key: (glued-negation token indexes, clause-boundary token indexes, first-person pronoun count,
# the tokens' NORMs joined: what the wildcard gate searches)
_WALK = "najda_walk"
_I_WE_AR = frozenset(["انا", "احنا", "نحن"])
_SUBJECT_I = _I_WE_AR | {"i"}
# "I", "we", and "with us" / "at ours" ("ومعنا جدتي على كرسي متحرك": the writer's own people)
_NARRATOR_AR = _I_WE_AR | {"معنا", "عندنا", "معانا"}


def keep_only_read_lexeme_attrs(vocab: Any) -> None:
    """Stop spaCy computing lexeme attributes nothing here reads.

    spaCy computes ~20 attributes (shape, prefix, stop word, like_url ...) for every word the first time it meets
    it; a worker meets new words all day, and on a first pass over unseen messages that was a third of the
    lexicon stage's time (`Vocab._new_lexeme`, cProfile). The rules read LOWER, NORM, IS_PUNCT and LIKE_NUM;
    the textcat's bag of words reads ORTH, which is the word itself and needs no getter."""
    from spacy.attrs import IS_PUNCT, LIKE_NUM, LOWER, NORM

    getters = vocab.lex_attr_getters
    for attr in [a for a in getters if a not in (LOWER, NORM, IS_PUNCT, LIKE_NUM)]:
        del getters[attr]


class RuleLayer:
    """Lexicons compiled into spaCy matchers. Build once per process."""

    def __init__(self, nlp: Any, lexicon_dir: Path = LEXICON_DIR) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp = nlp
        keep_only_read_lexeme_attrs(nlp.vocab)
        self.phrases = PhraseMatcher(nlp.vocab, attr="NORM")
        self.wildcards = Matcher(nlp.vocab)
        # One literal every wildcard pattern needs (its longest word or word core). spaCy's Matcher tries each
        # pattern's regex on every token, which cost half the rule layer's time; a message containing none of
        # these literals cannot match, so the Matcher runs only on the few that do.
        self.wildcard_anchors: set[str] = set()
        self.wildcard_gate: re.Pattern[str] | None = None
        # Every literal of each wildcard pattern: past the one-regex gate (common words such as "said" pass it),
        # the Matcher runs only where all the words of at least one pattern are in the message.
        self.wildcard_literals: set[tuple[str, ...]] = set()
        self.cue_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.cue_symbols: dict[str, list[str]] = {}  # emoji cues: the tokenizer may glue them together
        self.arabizi: list[ArabiziEntry] = []
        # Context cues read in Arabizi (derived from the Arabic lists; negation is read beside each hit instead)
        self.arabizi_cues: list[tuple[str, re.Pattern[str]]] = []
        # Hand-written entries with a digit, the only ones read in Latin text that does not look like Arabizi,
        # by the first skeleton word each needs (indexes into self.arabizi). Such an entry can only match where
        # its first word stands whole in the skeleton; most Latin-script messages are English and hold few of
        # these words, and set lookups are cheaper than a regex scan per entry.
        self.arabizi_digit_first: dict[str, list[int]] = {}
        for label in LABELS:
            for lang in LANGS:
                plain: dict[str, list[Any]] = {}
                entries = read_lexicon(lexicon_dir / f"{label}.{lang}.txt")
                if lang == "en":
                    entries = [v for e in entries for v in english_spellings(e)]
                for entry in entries:
                    key = f"{label}/{lang}"
                    if entry.startswith("~"):
                        key, entry = key + "/topic", entry[1:].strip()
                    if "*" in entry or GAP in entry.split():
                        self.wildcards.add(key, [self._wildcard_pattern(entry)])
                    else:
                        plain.setdefault(key, []).append(self.make_doc(entry))
                    derived = arabizi.from_arabic(fold(entry)) if lang == "ar" else None
                    if derived is not None:
                        self.arabizi.append(
                            ArabiziEntry(
                                label, derived.regex, entry, False, key.endswith("/topic"),
                                arabizi.first_person(fold(entry)), derived=True,
                            )
                        )
                for key, pattern_docs in plain.items():
                    self.phrases.add(key, pattern_docs)
            for entry in read_list(lexicon_dir / f"{label}.arabizi.txt"):
                topic = entry.startswith("~")  # a topic word, as in the other lists
                entry = entry.removeprefix("~").strip()
                exact = entry.startswith("=")  # "=bantahy": spelt as written ("bintah", his daughter, shares it)
                entry = entry.removeprefix("=").strip()
                skel = arabizi_skeleton(entry).text
                has_digit = any(c.isdigit() for c in skel)
                letters = len(skel.removeprefix("al ").replace(" ", ""))
                spelt = entry.lower() if exact or letters < MIN_SKELETON else ""
                self.arabizi.append(
                    ArabiziEntry(label, arabizi.skeleton_pattern(entry), entry, has_digit, topic, spelt=spelt)
                )
                first = _SKELETON_WORD.match(skel)
                if has_digit:  # "": no whole first word, always tried
                    self.arabizi_digit_first.setdefault(first.group() if first else "", []).append(
                        len(self.arabizi) - 1
                    )
        for cue in CUES:
            docs: list[Any] = []
            for lang in LANGS:
                for entry in read_lexicon(lexicon_dir / "context" / f"{cue}.{lang}.txt", lexicon_dir / "slots"):
                    if sum(c.isalnum() for c in fold(entry)) > 1:
                        docs.append(self.make_doc(entry))
                    elif any(c.isalnum() for c in entry):
                        # a laughter run ("هههه") folds to one letter that would match any lone "ه" or "خ" (a
                        # letter, the Hijri-year mark): like an emoji, its first three letters are looked for in
                        # the original text, where a run of three or more is laughter
                        self.cue_symbols.setdefault(cue, []).append(entry[:3])
                    else:
                        self.cue_symbols.setdefault(cue, []).append(entry)
            if docs:
                self.cue_matcher.add(cue, docs)
            if cue != "negation":
                for entry in read_lexicon(lexicon_dir / "context" / f"{cue}.ar.txt", lexicon_dir / "slots"):
                    derived = arabizi.from_arabic(fold(entry))
                    if derived is not None:
                        self.arabizi_cues.append((cue, derived.regex))
                # the short everyday words ("al7een", "el jaw") the derived patterns leave out
                for entry in read_list(lexicon_dir / "context" / f"{cue}.arabizi.txt"):
                    self.arabizi_cues.append((cue, arabizi.skeleton_pattern(entry)))
        if self.wildcard_anchors:
            ordered = sorted(self.wildcard_anchors, key=len, reverse=True)
            self.wildcard_gate = re.compile("|".join(re.escape(a) for a in ordered))

    def make_doc(self, text: str) -> Any:
        doc = self.nlp.make_doc(fold(text))
        for tok in doc:
            tok.norm_ = strip_clitic(tok.lower_)
        return doc

    def _wildcard_pattern(self, entry: str) -> list[dict[str, Any]]:
        pattern: list[dict[str, Any]] = []
        literals: list[str] = []  # what a matching token's NORM must contain, per non-gap word
        for word in fold(entry).split():
            if word == GAP:
                # an optional word of any kind: an adjective or a number between the two halves
                pattern.append({"OP": "?"})
            elif word.startswith("*") or word.endswith("*"):
                # "word*": any ending; "*word": up to four letters of prefixes (بال، وبال، لل ...)
                core = re.escape(strip_clitic(word.strip("*")))
                head = r"^\w{0,4}" if word.startswith("*") else "^"
                tail = "" if word.endswith("*") else "$"
                pattern.append({"NORM": {"REGEX": head + core + tail}})
                literals.append(strip_clitic(word.strip("*")))
            else:
                norms = [strip_clitic(t.lower_) for t in self.nlp.make_doc(word)]
                pattern.extend({"NORM": n} for n in norms)
                literals.extend(norms)
        # a token's NORM contains this literal, and the gate searches the message's NORMs
        self.wildcard_anchors.add(max(literals, key=len))
        self.wildcard_literals.add(tuple(sorted(set(literals), key=len, reverse=True)))
        return pattern

    def may_match_wildcards(self, norm_text: str) -> bool:
        """False only where no wildcard pattern can match: the NORMs lack a word every pattern needs."""
        if self.wildcard_gate is None or not self.wildcard_gate.search(norm_text):
            return False
        return any(all(lit in norm_text for lit in lits) for lits in self.wildcard_literals)

    def doc_for(self, text: str) -> tuple[Any, Normalised]:
        norm = normalise(text)
        doc = self.nlp.make_doc(norm.text)
        # One walk over the tokens (each walk builds a Python object per token): set NORM, and note the glued
        # negations and clause boundaries `run` needs.
        nor: list[int] = []
        boundaries: list[int] = []
        narrator = 0
        norms: list[str] = []
        for i, tok in enumerate(doc):
            lower = tok.lower_
            tok.norm_ = norm_ = strip_clitic(lower)
            norms.append(norm_)
            if lower in _NOR:
                nor.append(i)
            if norm_ in _CLAUSE_END or tok.is_punct:
                boundaries.append(i)
            elif norm_ in _PLEA_OPENS and i > 0:
                boundaries.append(i - 1)  # a plea opens its own clause: "not here yet please send someone"
            if lower in _FIRST_PERSON_EN or norm_ in _NARRATOR_AR:
                narrator += 1
        doc.user_data[_WALK] = (nor, boundaries, narrator, " ".join(norms))
        return doc, norm

    def run(self, text: str, doc: Any = None, norm: Normalised | None = None) -> RuleResult:
        if doc is None or norm is None or _WALK not in doc.user_data:
            doc, norm = self.doc_for(text)  # NORM and the token walk come from doc_for
        strings = self.nlp.vocab.strings
        result = RuleResult(lang=detect_lang(text))
        cue_tokens: dict[str, list[tuple[int, int]]] = {}
        for match_id, start, end in self.cue_matcher(doc):
            cue_tokens.setdefault(strings[match_id], []).append((start, end))
        # "ما انتحرت ولا بنتحر": the glued "ولا" (neither / nor) negates like "ما"; the matcher sees it as "لا",
        # which on its own is too often a plea ("لا تقتلني") to be a negation cue.
        nor, boundaries, result.narrator, norm_text = doc.user_data[_WALK]
        for i in nor:
            cue_tokens.setdefault("negation", []).append((i, i + 1))
        # "afraid he will be punished more if the parents find out I reported": "reported" after the writer's own
        # "I" or "we" is the writer's act, not a news report about others; as news it muted a teacher's account of
        # a pupil's burn marks (batch 139).
        if "news" in cue_tokens:
            cue_tokens["news"] = [(s, e) for s, e in cue_tokens["news"] if not _writer_reported(doc, s)]
            if not cue_tokens["news"]:
                del cue_tokens["news"]
        # A "now" inside a past or recovery phrase ("والحين الحمدلله احسن", "الحين بخير") says the harm is over;
        # inside a news phrase ("والشرطه تقبض عليه") it is the reporter's police, not a call for them.
        frames = cue_tokens.get("past", []) + cue_tokens.get("news", [])
        for cue in ("urgent", "fear"):
            if cue in cue_tokens and frames:
                kept = [(s, e) for s, e in cue_tokens[cue] if not any(fs <= s and e <= fe for fs, fe in frames)]
                if kept:
                    cue_tokens[cue] = kept
                else:
                    del cue_tokens[cue]
        # "السلام عليكم ورحمة الله": the greeting's "mercy of God" is no condolence ("رحمه الله")
        if "bystander" in cue_tokens:
            cue_tokens["bystander"] = [(s, e) for s, e in cue_tokens["bystander"] if not _greeting_before(doc, s)]
            if not cue_tokens["bystander"]:
                del cue_tokens["bystander"]
        # "ما رجعت لها من خمس سنين" (I have not gone back to it in five years): a denied relapse is no relapse
        if "ongoing" in cue_tokens and "negation" in cue_tokens:
            negations = [ne for _, ne in cue_tokens["negation"]]
            denied = [(s, e) for s, e in cue_tokens["ongoing"] if any(s - 2 <= ne <= s for ne in negations)]
            cue_tokens["ongoing"] = [span for span in cue_tokens["ongoing"] if span not in denied]
            if not cue_tokens["ongoing"]:
                del cue_tokens["ongoing"]
        for cue, spans in cue_tokens.items():
            result.cues[cue] = [self._orig(doc, norm, s, e) for s, e in spans]
        if _has_laugh_symbol(text):
            result.cues["laugh"] = [(0, 0)]
        for cue, symbols in self.cue_symbols.items():
            for sym in symbols:
                pos = text.find(sym)
                if pos >= 0:
                    result.cues.setdefault(cue, []).append((pos, pos + len(sym)))
        quoted = [m.span() for m in _QUOTED.finditer(norm.text) if not _SAID.search(norm.text[: m.start()][-40:])]
        raw_matches = list(self.phrases(doc))
        if self.may_match_wildcards(norm_text):
            raw_matches += list(self.wildcards(doc))
        seen: set[tuple[str, int, int]] = set()
        harm_end = -1  # token after the last harm found
        for match_id, start, end in sorted(raw_matches, key=lambda m: (m[1], -m[2])):
            key = strings[match_id]
            label = key.split("/", 1)[0]
            if any(label == s[0] and s[1] <= start and end <= s[2] for s in seen):
                continue  # a shorter match inside a longer one for the same label adds nothing
            seen.add((label, start, end))
            span = doc[start:end]
            # A topic word names a subject ("عنف اسري": the nisba ending is not "my"); it is the writer's only
            # with "I" right before it ("انا مش قادره اكمل", not "how do I report child neglect").
            o_start, o_end = self._orig(doc, norm, start, end)
            if key.endswith("/topic"):
                first = start > 0 and doc[start - 1].norm_ in _SUBJECT_I
            else:
                after = text[o_end : o_end + 40]
                first = self._first_person(span, text[o_start:o_end], after) or _pronoun_before(doc, start)
            muted = self._muted_by(
                label, start, end, first, cue_tokens, boundaries, span, quoted, result
            )
            topic = key.endswith("/topic")
            source = f"lexicon:{key.removesuffix('/topic')}"
            result.hits.append(Hit(label, o_start, o_end, span.text, source, first, muted, topic))
            if not muted and not topic:
                harm_end = max(harm_end, end)
        # "حاولت انتحر وانا بالثانوية، الحين متزوجة": beside a past cue, a word for today (list `today`) that
        # opens a clause after all the harm tells of the writer's life now, not of the harm; it is no "now".
        # "والحين" opens its clause with its own "and" ("قبل عشر سنين والحين اشتغل متطوعة").
        # A harm only the model sees ("امي كانت تضربنا لما كنا صغار، الحين كبرنا") is dated by the past cue itself.
        if harm_end < 0 and cue_tokens.get("past"):
            harm_end = max(e for _, e in cue_tokens["past"])
        if harm_end >= 0 and result.has("past") and result.has("urgent") and cue_tokens.get("today"):
            today = {
                self._orig(doc, norm, s, e) for s, e in cue_tokens["today"]
                if s >= harm_end
                and (any(harm_end - 1 <= i < s for i in boundaries) or doc[s].lower_.startswith("و"))
            }
            result.cues["urgent"] = [span for span in result.cues["urgent"] if span not in today]
            if not result.cues["urgent"]:
                del result.cues["urgent"]
        if any(c.isascii() and c.isalpha() for c in text):
            self._arabizi(text, result)
        _drop_urgent_after_relative(result, text)
        # A service cue inside a matched phrase is part of the disclosure ("how to" in "searching how to die"); so
        # is a news word ("تعرفت عليه بالسناب": met him on Snapchat is no retweet).
        _drop_cues_inside(result, "service", [h for h in result.hits if not h.topic])
        _drop_cues_inside(result, "news", [h for h in result.hits if not h.muted_by])
        # "nothing happening right now": a "now" inside a calm phrase says the danger is not now
        calm = result.cues.get("calm", [])
        for cue in ("urgent", "today"):
            _keep_cue_spans(result, cue, lambda s, e: not any(cs <= s and e <= ce for cs, ce in calm))
        return result

    def _arabizi(self, text: str, result: RuleResult) -> None:
        # Entries without a digit ("bdi mout") have skeletons English words can share ("bad meth"):
        # they only count in text that looks like Arabizi as a whole.
        derived = looks_arabizi(text, strict=True)  # mostly Arabizi words: the Arabic lists apply too
        arabizi_text = derived or looks_arabizi(text)
        items = self.arabizi
        if not arabizi_text:
            skel_text = arabizi_skeleton_text(text)
            words = set(_SKELETON_WORD.findall(skel_text)) | {""}
            # in the lists' order, as the loop over all entries would meet them
            items = [self.arabizi[i] for i in sorted(i for w in words for i in self.arabizi_digit_first.get(w, ()))]
            # most English text holds a first word ("b" from "by") and no whole entry: no offsets needed
            if not any(item.pattern.search(skel_text) for item in items):
                return
        skel = arabizi_skeleton(text)
        seen: set[tuple[str, int]] = set()
        if derived:
            for cue, pattern in self.arabizi_cues:
                for m in pattern.finditer(skel.text):
                    result.cues.setdefault(cue, []).append(skel.span(m.start(), m.end()))
        for item in items:
            if (item.derived and not derived) or (not item.has_digit and not arabizi_text):
                continue
            label = item.label
            for m in item.pattern.finditer(skel.text):
                start, end = skel.span(m.start(), m.end())
                while end < len(text) and text[end].isalnum():
                    end += 1  # the skeleton drops a final vowel; show the whole word
                if item.spelt and " ".join(text[start:end].lower().split()) != item.spelt:
                    continue
                if _ENDS_IN_ME.search(item.entry) and text[end - 1 : end].lower() not in "aiye":
                    continue  # the skeleton drops the "-ni" of تضربني: "ta9reeban" (almost) is not "tedrobni"
                if any(label == s[0] and s[1] == end for s in seen):
                    continue
                seen.add((label, end))
                muted = ""
                literal = any(start <= s and e <= end for s, e in result.cues.get("literal", []))
                before = skel.text[max(0, m.start() - 12) : m.start()].split()
                # ma / mish / mob / mo / not / mafi (there is no: "mafi 7ariq"), right before or one word before
                # ("ma fakart a2thi nafsi"); not the "ma" of "kil ma" (whenever: "kil ma yesker yedrubna"), as
                # "كل ما" in _NOT_NEGATION_BEFORE
                n = len(before)
                if any(
                    before[i] in ("m", "m$", "mb", "mw", "nt", "mf", "mf$") and not (i > 0 and before[i - 1] == "kl")
                    for i in range(max(0, n - 2), n)
                ):
                    muted = "negation"
                elif label in ("self_harm", "imminent_danger") and not literal and (
                    _near_cue(result, "hyperbole", start, end)  # "abi amoot mn el 7ar": heat beside the wish
                    # as in Arabic script, laughter and an everyday subject anywhere make the wish a joke
                    # ("el boss el akheer fe el game dammarni 😂 ... bant7ar"), as does a series or a song
                    # ("el 7al9a mn el mosalsal thab7tni ... ana mayta")
                    or ((result.has("laugh") or result.has("quote")) and result.has("hyperbole"))
                ):
                    muted = "hyperbole"
                # "ana", "ani", "ena" (I) all have the skeleton "an"; a lone "a" is also English "a" and "I"
                first = item.first_person or (item.topic and bool(before) and before[-1] == "an")
                result.hits.append(
                    Hit(label, start, end, item.entry, f"lexicon:{label}/arabizi", first, muted, item.topic)
                )

    @staticmethod
    def _orig(doc: Any, norm: Normalised, start: int, end: int) -> tuple[int, int]:
        span = doc[start:end]
        return norm.span(span.start_char, span.end_char)

    @staticmethod
    def _first_person(span: Any, original: str, after: str = "") -> bool:
        """A pronoun in the match, or an Arabic word ending in "my"/"me"/"us" (ي، ني، نا). The ending is read on
        the original words (`after`: the text following the match): folding turns ى into ي, and "اعتدى على
        زوجته" (he attacked his wife) is not "me"."""
        if any(tok.norm_ in _FIRST_PERSON_EN or tok.norm_ in FIRST_PERSON_AR for tok in span):
            return True
        words = original.split()
        next_words = words + after.split()[:1]
        for k, raw in enumerate(words):
            raw = raw.strip(_PUNCT)
            if not raw or not "\u0600" <= raw[:1] <= "\u06ff" or raw.endswith("ى"):
                continue
            word = strip_clitic(fold(raw))
            if word == "علي" and k + 1 < len(next_words) and _his_or_hers(next_words[k + 1]):
                continue  # "على" typed with ي: "اعتدي علي زوجته" is his wife
            if speaks_of_writer(word):
                return True
        return False

    def _muted_by(
        self,
        label: str,
        start: int,
        end: int,
        first_person: bool,
        cue_tokens: dict[str, list[tuple[int, int]]],
        boundaries: list[int],
        span: Any,
        quoted: list[tuple[int, int]],
        result: RuleResult,
    ) -> str:
        def same_clause(a: int, b: int) -> bool:
            lo, hi = min(a, b), max(a, b)
            return not any(lo <= i < hi for i in boundaries)

        doc = span.doc
        for c_start, c_end in cue_tokens.get("negation", []):
            if c_start > 0 and doc[c_start - 1].norm_ in _NOT_NEGATION_BEFORE:
                continue  # "كل ما يسكر يضربني": whenever he drinks he beats me
            if c_end < len(doc) and (doc[c_end].like_num or _age_word(doc[c_end].lower_)):
                continue  # "عمره ١٧ يجرح نفسه", "عمره فوق الثلاثين": his age ("عمره ما" = never)
            if any(c_end <= k_start and k_end <= start for k_start, k_end in cue_tokens.get("knowing", [])):
                continue  # "ما حد يعرف اني اجرح نفسي", "nobody knows I cut myself": it is the knowing that is denied
            if start - NEGATION_REACH <= c_start and c_end <= start and same_clause(c_end, start):
                if not _conjunct_between(doc, c_end, start + 1):
                    return "negation"
        reach = HYPERBOLE_REACH.get(label)
        if reach is not None:
            # A self-harm act or method inside the match ("اجرح نفسي", "cut myself") is never a figure of speech,
            # whatever stressor sits beside it ("من ضغط الدوام صرت اجرح نفسي").
            literal = any(start <= c_start and c_end <= end for c_start, c_end in cue_tokens.get("literal", []))
            # Nor is a wish a figure of speech when its time or method (a `plan` cue) is as near as the everyday
            # subject or the laughter would need to be: "ابي انتحر الليلة ههه", "kill myself tonight lol" (gallows
            # humour is common in those who mean it), "رسب في اختبار الرياضيات ويقول بينتحر الليلة وعنده حبوب".
            timed = label == "self_harm" and any(
                abs(c_start - end) <= reach or abs(start - c_end) <= reach
                for c_start, c_end in cue_tokens.get("plan", [])
            )
            # Danger to someone else, now, is no figure of speech: "البيت ... طاح نصه الحين ... الحارس وعياله داخل",
            # "جارتنا طاحت عند بابها ... والحارس يقول": the word for a guard (a goalkeeper in football talk) is
            # beside it, not making it an idiom. The figure of speech is the writer's own ("الحر بيموتني", "I can't
            # breathe in this traffic", and "ما نقدر نطلع" in a dust storm, whose "we" the verb alone says).
            others = label == "imminent_danger" and not first_person and result.has("urgent")
            for c_start, c_end in [] if literal or timed or others else cue_tokens.get("hyperbole", []):
                if start <= c_start and c_end <= end:
                    continue  # the entry names it: "fainted from the heat" is about the heat, not a figure
                near = (start - reach <= c_end <= end + reach) or (
                    start - reach <= c_start <= end + reach
                )
                if near and (same_clause(c_end, start) or same_clause(end, c_start)):
                    return "hyperbole"
            # on the original text: folding turns "هههه" into one letter. Laughter does not make an act or method
            # a figure of speech either ("I took pills and want to die now ههه" went unpaged)
            laughing = label in ("self_harm", "imminent_danger") and result.has("laugh") and not (literal or timed)
            if laughing and result.cues.get("hyperbole"):
                return "hyperbole"
        # Disaster words are not muted by prayers or news: the ministry tracks disasters reported by others too
        # (the label never pages on its own; see urgency.py).
        if label != "disaster":
            if result.has("quote") or any(
                q0 <= span.start_char and span.end_char <= q1 for q0, q1 in quoted
            ):
                return "quote"
            # a news word the entry names is part of the disclosure ("تعرفت عليه بالسناب": met him on Snapchat)
            news = [span for span in cue_tokens.get("news", []) if not (start <= span[0] and span[1] <= end)]
            if news and not first_person:
                return "news"
        return ""


def _drop_cues_inside(result: RuleResult, cue: str, hits: list[Hit]) -> None:
    """Forget the `cue` spans that lie inside one of `hits` (the cue word is part of the matched phrase)."""
    _keep_cue_spans(result, cue, lambda s, e: not any(h.start <= s and e <= h.end for h in hits))


def _drop_urgent_after_relative(result: RuleResult, text: str) -> None:
    """After the relative "اللي" / "illi" (who) the plea is a past verb: "الفريق اللي ساعدنا" is the team who helped
    us. (English needs no such rule: "helped us" is not "help us".)"""
    _keep_cue_spans(result, "urgent", lambda s, e: (text[:s].split() or [""])[-1].lower() not in _RELATIVE)


_RELATIVE = frozenset({"اللي", "الي", "اللى", "illi", "elli", "illy", "elly", "ili", "eli", "lli"})


def _writer_reported(doc: Any, start: int) -> bool:
    """The news cue at token `start` is "reported" said by the writer: "I reported", "we have reported"
    ("reported" after anyone else, or "reportedly", stays news)."""
    if doc[start].lower_ != "reported":
        return False
    before = [t.lower_ for t in doc[max(0, start - 2) : start]]
    if before and before[-1] in _AUX:
        before = before[:-1]
    return bool(before) and before[-1] in _WRITER


_WRITER = frozenset({"i", "we"})
_AUX = frozenset({"have", "had", "already", "just", "'ve", "'d"})


def _keep_cue_spans(result: RuleResult, cue: str, keep: Callable[[int, int], bool]) -> None:
    kept = [(s, e) for s, e in result.cues.get(cue, []) if keep(s, e)]
    if kept:
        result.cues[cue] = kept
    else:
        result.cues.pop(cue, None)


def _his_or_hers(raw: str) -> bool:
    """An Arabic noun with a third-person possessive ending ("زوجته", "بنتها", "عيالهم")."""
    word = fold(raw.strip(_PUNCT))
    return len(word) > 3 and "\u0600" <= word[:1] <= "\u06ff" and word.endswith(("ه", "ها", "هم", "هن"))


def _pronoun_before(doc: Any, start: int) -> bool:
    """An explicit "I" / "انا" just before a match ("I don't want to wake up", "انا ابي اختفي") makes it first person;
    the suffix heuristic of `_first_person` is not used here (a "ي" ending on a word before says nothing)."""
    if start > 0 and doc[start - 1].lower_ in _BELIEF_EN:
        return False
    for tok in doc[max(0, start - FIRST_PERSON_LOOKBEHIND) : start]:
        if tok.norm_ in _FIRST_PERSON_EN or tok.norm_ in FIRST_PERSON_AR:
            return True
    return False


def _greeting_before(doc: Any, start: int) -> bool:
    return start > 0 and doc[start - 1].lower_ in ("عليكم", "السلام")


def _age_word(word: str) -> bool:
    """The folded word as written (not its NORM, which drops a leading ف: "فوق" would be "وق")."""
    return word in _AGE_WORDS or (word.startswith("ال") and word[2:] in _AGE_WORDS)


def _conjunct_between(doc: Any, lo: int, hi: int) -> bool:
    """An "and" (or a و glued to a word) in doc[lo:hi] starts a new clause a negation before it does not reach:
    "ما يروح المدرسه ويضربونه" (he does not go to school, and they beat him)."""
    for tok in doc[lo:hi]:
        if tok.lower_ == "and" or (tok.lower_ != tok.norm_ and tok.lower_.startswith("و")):
            return True
    return False


def _near_cue(result: RuleResult, cue: str, start: int, end: int, reach: int = 25) -> bool:
    """A cue span within `reach` characters of [start, end) (Arabizi hits have no tokens to count)."""
    return any(s - reach <= end and start <= e + reach for s, e in result.cues.get(cue, []) if e > s)


def _has_laugh_symbol(text: str) -> bool:
    low = text.lower()
    return any(s in low for s in _LAUGH_SYMBOLS) or _LAUGH_WORD.search(low) is not None


_LAUGH_SYMBOLS = ("😂", "🤣", "😹", "💀", "🙄", "😅", "🫠", "ههه", "خخخخ", "haha", "lol", "lmao", "hhhh")
# "jk" as a word only: inside Arabizi words ("ajkm") it is no joke
_LAUGH_WORD = re.compile(r"\bjk\b")


def run_all(layer: RuleLayer, texts: Iterable[str]) -> list[RuleResult]:
    return [layer.run(t) for t in texts]
