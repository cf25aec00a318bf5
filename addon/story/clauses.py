"""What a language front end reads from a sentence, before anything is resolved.

The English and Chinese readers turn text into `Clause`s made of `Mention`s; `build` turns
clauses into a Screenplay (resolving pronouns, creating cast and props, timing, inserted
walks).  Keeping this seam language-neutral means a new language is only a new reader.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Mention:
    """A noun phrase (or pronoun) that names someone or something."""
    kind: str                 # person, prop, spot, narrator, pronoun, group
    key: str                  # person noun ("man"), name ("Anna"), prop category, spot name,
    #                           or for pronouns: he, she, it, they
    text: str
    start: int = 0
    end: int = 0
    proper: bool = False      # a personal name
    count: int = 1            # "two children" -> 2
    counted: bool = False     # a number said how many ("ten dominoes"), not just a plural
    plural: bool = False      # the noun was plural ("dominoes", "the boxes")
    arrangement: str = ""     # how counted things stand: "row", "stack" (screenplay.ARRANGEMENTS)
    definite: bool = False    # "the glass" refers back; "a glass" may be new
    another: bool = False     # "another ball" is always new
    sex: str = ""             # male, female, "" when the words do not say
    age_years: float | None = None
    height_m: float | None = None
    height_word: str = ""     # tall, short
    build: str = ""
    accessories: list[str] = field(default_factory=list)
    outfit: list[tuple[str, str, str]] = field(default_factory=list)  # (slot, item, colour)
    colour: str = ""
    material: str = ""
    size_m: float | None = None
    placement: tuple[str, "Mention"] | None = None  # ("on", table) for "a cup on the table"
    members: list["Mention"] = field(default_factory=list)  # kind "group": "Tom and Anna"


@dataclass
class Clause:
    """One predicate: someone does something, possibly to something, somewhere."""
    start: int
    end: int
    text: str
    subject: Mention | None = None     # None: same subject as the previous clause
    action: str | None = None          # canonical action, None when no verb was recognised
    verb: str = ""                     # the word as written, for warnings
    obj: Mention | None = None         # direct object or partner (hug Anna, talk to Ben)
    dest: tuple[str, Mention] | None = None  # (relation, where): to the bench, on the table
    link: str = "after"                # after: follows the previous beat; with: at the same time
    duration_s: float | None = None
    start_s: float | None = None
    delay_s: float | None = None       # "three seconds later"
    params: dict = field(default_factory=dict)
    place: str = ""                    # set place named in the clause: park, kitchen
    time_of_day: str = ""
    then_falls: bool = False           # "knocks him down": the object falls afterwards
    state: bool = False                # describes how things are, no action ("there is a cup")
