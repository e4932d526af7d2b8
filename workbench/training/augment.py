"""Rule-based claim rewrites that teach the stance model what a claim's wording does not say.

Negation: a claim's label flips with its negation (supports <-> refutes) and a neutral pair stays
neutral, so a negation word alone predicts nothing (the claim-only bias known from FEVER).
Contrast: one swapped number, date, unit, month, nationality, named entity or an antonym turns a
supported claim into a refuted one (FactCC / VitaminC-style contrastive pairs).

The rules are deliberately conservative: when a sentence has no clear place to negate or nothing
to swap, the functions return None and the pair is simply not augmented.
"""

from __future__ import annotations

import random
import re

from lemminflect import getAllLemmas, getInflection

_AUX = {
    "is", "are", "was", "were", "has", "have", "had", "can", "could", "will", "would",
    "should", "may", "might", "must", "does", "do", "did", "shall",
}  # fmt: skip
_HAVE_MAIN = re.compile(
    r"^(a|an|the|no|one|two|three|four|five|six|seven|eight|nine|ten|many|several|more|some|"
    r"its|his|her|their|our|\d[\d,.]*)$",
    re.I,
)
_REPORT_TO_DENY = {
    "says": "denies", "said": "denied", "claims": "denies", "claimed": "denied",
    "states": "denies", "stated": "denied", "confirms": "denies", "confirmed": "denied",
    "admits": "denies", "admitted": "denied", "acknowledges": "denies",
    "acknowledged": "denied", "asserts": "denies", "asserted": "denied",
}  # fmt: skip
_DENY_TO_REPORT = {"denies": "confirms", "denied": "confirmed", "deny": "confirm"}
_CLAUSE_OPENERS = {"who", "which", "that", "whose", "whom", "where", "when", "because", "if"}
_NEGATION = re.compile(
    r"\b(not|never|no longer|cannot|denies|denied|deny)\b|n't\b", re.I
)  # what `affirm` knows how to undo
_OTHER_NEGATION = re.compile(r"\b(no|none|nobody|nothing|neither|nor|without)\b", re.I)
_TOKEN = re.compile(r"\S+")


def has_negation(text: str) -> bool:
    return bool(_NEGATION.search(text) or _OTHER_NEGATION.search(text))


def _words(text: str) -> list[re.Match]:
    return list(_TOKEN.finditer(text))


def _bare(token: str) -> str:
    return token.strip(".,;:!?\"'()").lower()


def _replace_span(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def negate(text: str) -> str | None:
    """'X happened' -> 'X did not happen', 'A says B' -> 'A denies B'; None when unsure."""
    if has_negation(text):
        return None
    words = _words(text)
    for i, m in enumerate(words):
        bare = _bare(m.group())
        if i == 0:
            continue
        if bare in _CLAUSE_OPENERS:
            return None  # the first verb may sit in a subordinate clause: do not guess
        if bare in _REPORT_TO_DENY and m.group().islower():
            new = _REPORT_TO_DENY[bare] + m.group()[len(bare) :]
            out = _replace_span(text, m.start(), m.end(), new)
            return re.sub(r"\b(denie[sd]) that\b", r"\1 that", out)
        if bare in _AUX and m.group().islower():
            nxt = _bare(words[i + 1].group()) if i + 1 < len(words) else ""
            if bare in {"has", "have", "had"} and _HAVE_MAIN.match(nxt):
                do = {"has": "does", "have": "do", "had": "did"}[bare]
                return _replace_span(text, m.start(), m.end(), f"{do} not have")
            return _replace_span(text, m.end(), m.end(), " not")
        if not m.group().islower() or not bare.isalpha():
            continue
        lemmas = getAllLemmas(bare)
        if "VERB" not in lemmas:
            continue
        lemma = lemmas["VERB"][0]
        if bare in getInflection(lemma, "VBD") and bare != lemma:
            return _replace_span(text, m.start(), m.start() + len(bare), f"did not {lemma}")
        if bare in getInflection(lemma, "VBZ") and bare != lemma and "NOUN" not in lemmas:
            return _replace_span(text, m.start(), m.start() + len(bare), f"does not {lemma}")
    return None


def affirm(text: str) -> str | None:
    """Undo the claim's one negation ('did not win' -> 'won'); None if unsure."""
    found = _NEGATION.findall(text)
    if len(found) != 1 or _OTHER_NEGATION.search(text):
        return None

    def did_not(m: re.Match) -> str:
        form = {"did": "VBD", "does": "VBZ", "do": "VB"}[m.group(1).lower()]
        verb = m.group(2)
        inflected = getInflection(verb.lower(), form) if form != "VB" else (verb,)
        return inflected[0] if inflected else m.group(0)

    rules = [
        (r"\b(did|does|do) not (\w+)", did_not),
        (r"\b(did|does|do)n't (\w+)", did_not),
        (r"\bcannot\b", "can"),
        (r"\bwon't\b", "will"),
        (r"\b(is|are|was|were|has|have|had|can|could|will|would|should|may|might|must) not\b",
         r"\1"),
        (r"\b(is|are|was|were|has|have|had|could|would|should)n't\b", r"\1"),
        (r" never\b", ""),
        (r"\b(denies|denied|deny)\b", lambda m: _DENY_TO_REPORT[m.group(1).lower()]),
    ]  # fmt: skip
    for pattern, repl in rules:
        out, n = re.subn(pattern, repl, text, count=1)  # lower case only: not inside titles
        if n:
            return out
    return None


# --------------------------------------------------------------------------- contrastive swaps

_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
_NUMBER_WORDS = [
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "million", "billion",
]  # fmt: skip
_UNITS = ["seconds", "minutes", "hours", "days", "weeks", "months", "years", "decades"]
_NATIONALITIES = [
    "American", "British", "English", "French", "German", "Italian", "Spanish", "Portuguese",
    "Russian", "Ukrainian", "Polish", "Turkish", "Greek", "Chinese", "Japanese", "Korean",
    "Indian", "Pakistani", "Iranian", "Iraqi", "Syrian", "Israeli", "Egyptian", "Nigerian",
    "Kenyan", "Brazilian", "Mexican", "Argentine", "Canadian", "Australian", "Irish",
    "Scottish", "Welsh", "Dutch", "Belgian", "Swedish", "Norwegian", "Danish", "Finnish",
    "Swiss", "Austrian", "Hungarian", "Czech", "Romanian", "Serbian", "Croatian", "Georgian",
    "Armenian", "Azerbaijani", "Kazakh", "Vietnamese", "Thai", "Indonesian", "Filipino",
    "Cuban", "Chilean", "Colombian", "Peruvian", "Saudi", "Afghan",
]  # fmt: skip
_ANTONYMS = [
    ("won", "lost"), ("win", "lose"), ("increased", "decreased"), ("increase", "decrease"),
    ("rose", "fell"), ("before", "after"), ("first", "last"), ("largest", "smallest"),
    ("highest", "lowest"), ("older", "younger"), ("oldest", "youngest"), ("more", "fewer"),
    ("larger", "smaller"), ("higher", "lower"), ("born", "died"), ("started", "ended"),
    ("began", "ended"), ("opened", "closed"), ("accepted", "rejected"), ("allowed", "banned"),
    ("supported", "opposed"), ("joined", "left"), ("male", "female"), ("north", "south"),
    ("east", "west"), ("northern", "southern"), ("eastern", "western"), ("early", "late"),
    ("earlier", "later"), ("success", "failure"), ("successful", "unsuccessful"),
    ("alive", "dead"), ("public", "private"), ("legal", "illegal"), ("always", "rarely"),
    ("many", "few"), ("entered", "exited"), ("gained", "lost"), ("raised", "lowered"),
    ("victory", "defeat"), ("peace", "war"), ("best", "worst"), ("long", "short"),
    # directions and roles of an exchange
    ("imported", "exported"), ("imports", "exports"), ("bought", "sold"), ("buys", "sells"),
    ("above", "below"), ("upstream", "downstream"), ("ascending", "descending"),
    ("preceded", "succeeded"), ("predecessor", "successor"), ("inside", "outside"),
    ("arrived", "departed"), ("maximum", "minimum"), ("majority", "minority"),
    ("gave", "received"), ("sent", "received"), ("lent", "borrowed"), ("attacked", "defended"),
    ("invaded", "liberated"), ("expanded", "shrank"), ("grew", "shrank"), ("rising", "falling"),
    ("increasing", "decreasing"), ("strengthened", "weakened"), ("imposed", "lifted"),
    ("withdrew", "deployed"), ("withdrawn", "deployed"), ("ceded", "regained"),
]  # fmt: skip
_ANTONYM = {a: b for a, b in _ANTONYMS} | {b: a for a, b in _ANTONYMS}
_ENTITY = re.compile(r"\b[A-Z][\w'-]+(?:\s+(?:of\s+|the\s+|de\s+)?[A-Z][\w'-]+)*")


def _swap_year_or_number(claim: str, evidence: str, rng: random.Random) -> str | None:
    nums = list(re.finditer(r"\b\d[\d,]*(?:\.\d+)?\b", claim))
    if not nums:
        return None
    m = rng.choice(nums)
    raw = m.group().replace(",", "")
    try:
        value = float(raw)
    except ValueError:
        return None
    if "." not in raw and 1000 <= value <= 2100:
        new = str(int(value) + rng.choice([-1, 1]) * rng.randint(1, 12))
    elif value == int(value):
        value = int(value)
        new = str(rng.choice([value + rng.randint(1, 9), max(0, value - rng.randint(1, 9)),
                              value * rng.choice([2, 3, 10]), max(1, value // 2)]))  # fmt: skip
    else:
        new = f"{value * rng.choice([0.5, 1.5, 2.0, 3.0]):.{len(raw.split('.')[1])}f}"
    if new == raw or new in evidence:
        return None
    return _replace_span(claim, m.start(), m.end(), new)


def _swap_from_list(words: list[str], claim: str, evidence: str, rng: random.Random):
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.I)
    found = list(pattern.finditer(claim))
    if not found:
        return None
    m = rng.choice(found)
    lower = {w.lower() for w in words}
    choices = [w for w in words if w.lower() != m.group().lower() and w.lower() in lower]
    choices = [w for w in choices if not re.search(rf"\b{re.escape(w)}\b", evidence, re.I)]
    if not choices:
        return None
    new = rng.choice(choices)
    if m.group()[0].isupper():
        new = new[0].upper() + new[1:]
    elif m.group().islower():
        new = new.lower()
    return _replace_span(claim, m.start(), m.end(), new)


def _swap_antonym(claim: str, evidence: str, rng: random.Random) -> str | None:
    found = [m for m in re.finditer(r"\b[a-z]+\b", claim) if m.group() in _ANTONYM]
    if not found:
        return None
    m = rng.choice(found)
    return _replace_span(claim, m.start(), m.end(), _ANTONYM[m.group()])


def _swap_entity(claim: str, evidence: str, rng: random.Random) -> str | None:
    """Replace a named entity of the claim with another one the evidence mentions (FactCC)."""
    ours = [m for m in _ENTITY.finditer(claim) if m.start() > 0]
    if not ours:
        return None
    m = rng.choice(ours)
    claim_lower = claim.lower()
    theirs = {
        e.group()
        for e in _ENTITY.finditer(evidence)
        if e.group().lower() not in claim_lower and len(e.group()) > 2
    }
    # Same length and not a month or nationality: a rough stand-in for "same entity type".
    kinds = set(_MONTHS) | set(_NATIONALITIES)
    size = len(m.group().split())
    theirs = sorted(
        t
        for t in theirs
        if t.split()[0].lower() not in {"the", "a", "an", "in"}
        and t not in kinds
        and len(t.split()) == size
    )
    if not theirs:
        return None
    return _replace_span(claim, m.start(), m.end(), rng.choice(theirs))


_SYMMETRIC = re.compile(
    r"\b(and|or|with|married|met|versus|vs|between|both|together|alongside|co-\w+|"
    r"collaborated|partnered|related|neighbou?rs?|borders?|bordering|same|duet|like)\b",
    re.I,
)


def swap_roles(claim: str, evidence: str, rng: random.Random | None = None) -> str | None:
    """Exchange two named entities of the claim ("A imposed a blockade on B" -> "B imposed a
    blockade on A"): the same words, other roles. Both must appear in the evidence, so it speaks
    to who did what; symmetric relations ("A married B", "A and B") are skipped."""
    adjectives = set(_MONTHS) | set(_NATIONALITIES)
    found = [m for m in _ENTITY.finditer(claim) if m.group().split()[0] not in adjectives]
    distinct = []
    for m in found:
        if all(m.group().lower() != d.group().lower() for d in distinct):
            distinct.append(m)
    if len(distinct) < 2:
        return None
    first, second = distinct[0], distinct[-1]
    between = claim[first.end() : second.start()]
    words = between.split()
    if (
        has_negation(claim)  # "A is not a B" stays true with the roles exchanged
        or _SYMMETRIC.search(between)
        or "," in between
        or any(w[:1].isupper() for w in words)  # part of a longer name or title
        or not any(w in _AUX or "VERB" in getAllLemmas(w) for w in words)
        or min(len(first.group()), len(second.group())) < 3
    ):
        return None
    lower = evidence.lower()
    if first.group().lower() not in lower or second.group().lower() not in lower:
        return None
    return claim[: first.start()] + second.group() + between + first.group() + claim[second.end() :]


def swap_from_to(claim: str, evidence: str, rng: random.Random | None = None) -> str | None:
    """ "moved from X to Y" -> "moved from Y to X" (a reversed direction)."""
    m = re.search(r"\bfrom ([A-Z][\w' -]*?) to ([A-Z][\w'-]*(?: [A-Z][\w'-]*)*)", claim)
    if not m or m.group(1).lower() == m.group(2).lower() or has_negation(claim):
        return None
    return claim[: m.start()] + f"from {m.group(2)} to {m.group(1)}" + claim[m.end() :]


_SWAPS = {
    "number": _swap_year_or_number,
    "month": lambda c, e, r: _swap_from_list(_MONTHS, c, e, r),
    "number_word": lambda c, e, r: _swap_from_list(_NUMBER_WORDS, c, e, r),
    "unit": lambda c, e, r: _swap_from_list(_UNITS, c, e, r),
    "nationality": lambda c, e, r: _swap_from_list(_NATIONALITIES, c, e, r),
    "antonym": _swap_antonym,
    "entity": _swap_entity,
}


def contrast(
    claim: str, evidence: str, rng: random.Random, entities: bool = True
) -> tuple[str, str] | None:
    """One factual change to a supported claim, as (new claim, kind of change); None if none fits.

    Kinds are tried in random order, the specific ones (numbers, dates, units, nationalities,
    antonyms) before swapping a whole named entity (`entities=False` leaves that out: an entity
    taken from the evidence is sometimes an alias of the original, so the swap stays true).
    """
    kinds = [k for k in _SWAPS if k != "entity"]
    rng.shuffle(kinds)
    for kind in [*kinds, "entity"] if entities else kinds:
        out = _SWAPS[kind](claim, evidence, rng)
        if out and out != claim:
            return out, kind
    return None


# --------------------------------------------------------------------------- paraphrases

_DURATIONS = [
    (r"\b18 months\b", "a year and a half"), (r"\ba year and a half\b", "18 months"),
    (r"\b6 months\b", "half a year"), (r"\bhalf a year\b", "six months"),
    (r"\b12 months\b", "a year"), (r"\b24 months\b", "two years"),
    (r"\btwo years\b", "24 months"), (r"\b10 years\b", "a decade"),
    (r"\ba decade\b", "ten years"), (r"\b100 years\b", "a century"),
    (r"\b7 days\b", "a week"), (r"\b14 days\b", "two weeks"), (r"\b50 ?%", "half"),
    (r"\b25 ?%", "a quarter"), (r"\bhalf of\b", "50% of"),
]  # fmt: skip
_SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen", "twenty"]  # fmt: skip


def _format_number(value: int, rng: random.Random) -> str | None:
    """Another way to write a count: "3,500", "3.5 thousand", "eighteen"."""
    if 2 <= value <= 20:
        return _SMALL[value]
    if value >= 1000 and value % 100 == 0:
        for scale, word in ((1_000_000_000, "billion"), (1_000_000, "million"), (1000, "thousand")):
            if value >= scale:
                short = f"{value / scale:g} {word}"
                return rng.choice([short, f"{value:,}"])
    if value >= 1000:
        return f"{value:,}"
    return None


def paraphrase_numbers(claim: str, rng: random.Random) -> tuple[str, str] | None:
    """The claim with one number or duration written another way, meaning unchanged (the label
    stays): "3500" -> "3,500" / "3.5 thousand", "18 months" -> "a year and a half"."""
    rules = list(_DURATIONS)
    rng.shuffle(rules)
    for pattern, new in rules:
        out, n = re.subn(pattern, new, claim, count=1, flags=re.I)
        if n:
            return out, "duration"
    nums = list(re.finditer(r"(?<![\d.,$£€])(\d{1,3}(?:,\d{3})+|\d+)(?![.,]?\d)", claim))
    rng.shuffle(nums)
    for m in nums:
        raw = m.group(1).replace(",", "")
        after = claim[m.end() : m.end() + 12].lower()
        if not raw.isdigit() or (
            len(raw) == 4 and 1000 <= int(raw) <= 2100 and "," not in m.group()
        ):
            continue  # a year, not a count
        before = claim[max(0, m.start() - 10) : m.start()].strip().split()
        if after.startswith(("st", "nd", "rd", "th", "%", ".")) or (
            before and before[-1].capitalize() in _MONTHS
        ):
            continue  # an ordinal, a percentage, a decimal or a day of the month
        new = _format_number(int(raw), rng)
        if new and new != m.group(1):
            return claim[: m.start()] + new + claim[m.end() :], "number_format"
    return None
