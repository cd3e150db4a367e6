"""The one table of diagnostic codes: id, slug, family, severity, summary, explanation.

Checks import these constants; no code string is written anywhere else. A code is never
reused: retire one by leaving it here with a note in its explanation.
"""

from __future__ import annotations

from textwrap import dedent

from ttuplan.diagnostics.model import Code, Family, Severity

E, W = Severity.ERROR, Severity.WARNING


def _code(
    id: str,
    slug: str,
    family: Family,
    severity: Severity,
    summary: str,
    text: str,
    *,
    cap: int | None = None,
    retired: bool = False,
) -> Code:
    return Code(
        id=id,
        slug=slug,
        family=family,
        severity=severity,
        summary=summary,
        explanation=dedent(text).strip(),
        cap=cap,
        retired=retired,
    )


# ── files ──────────────────────────────────────────────────────────────────────
FILE_NOT_FOUND = _code(
    "TP001",
    "file-not-found",
    Family.FILES,
    E,
    "a file the plan names cannot be read",
    """
    A plan named a file (with `include`, `sites` or `personnel`) that does not exist or
    cannot be read. Paths are relative to the file that names them:

        include "districts.ttup"        # next to the file that has this line
        sites "data/tps-2024.csv"       # in the data/ folder beside it

    Check the spelling and the folder, and that the file is committed.
    """,
)
OUTSIDE_PLAN_FOLDER = _code(
    "TP002",
    "outside-plan-folder",
    Family.FILES,
    E,
    "a path leads outside the plan's folder",
    """
    Every file a plan reads must sit inside the folder of the plan file that `ttuplan`
    was given (its sub-folders are fine). A path with `..` that climbs out of it, an
    absolute path, or a symbolic link that points outside it is refused, so that checking
    or building a plan someone sent you can never read other files on your machine.

    Copy the file into the plan's folder and name it by a relative path.
    """,
)
INCLUDE_CYCLE = _code(
    "TP003",
    "include-cycle",
    Family.FILES,
    E,
    "files include each other in a loop",
    """
    A file includes itself, directly or through other files. Each file of a plan is read
    once; a loop of includes has no first file. The diagnostic lists every `include` on
    the loop. Remove the `include` that closes it: usually the one in the file that was
    meant to be included, not to include.
    """,
)
NOT_UTF8 = _code(
    "TP004",
    "not-utf8",
    Family.FILES,
    E,
    "a file is not UTF-8 text",
    """
    Plan files and data tables are read as UTF-8. The diagnostic points at the first byte
    that is not valid UTF-8. Spreadsheets often save CSV as Windows-1252: save it again
    as "CSV UTF-8", or convert it with `iconv -f windows-1252 -t utf-8`.
    """,
)
DUPLICATE_INCLUDE = _code(
    "TP005",
    "duplicate-include",
    Family.FILES,
    W,
    "a file is included more than once",
    """
    The same file is included twice. It is read only once, so the second `include` does
    nothing; remove it so that readers are not misled about where definitions come from.
    """,
)
FILE_TOO_LARGE = _code(
    "TP006",
    "file-too-large",
    Family.FILES,
    E,
    "a file the plan names is larger than ttuplan reads",
    """
    ttuplan reads plan files and tables of at most 256 MiB, and refuses a larger one
    before reading it, so that a wrong path (a disk image, a log) cannot fill the memory.
    A national site table is about 60 MiB. Split the table (`sites` may be given more than
    once), or check that the path names the file you meant. (Before this code, a file too
    large was reported as TP001, whose meaning is a file that cannot be read.)
    """,
)

# ── syntax ─────────────────────────────────────────────────────────────────────
UNEXPECTED_TOKEN = _code(
    "TP101",
    "unexpected-token",
    Family.SYNTAX,
    E,
    "something stands where the language does not allow it",
    """
    The parser found a word, number or sign where the language expects something else.
    The message names what was found and what could stand there instead. Compare the line
    with the language tour in the README; every statement sits on its own line:

        unit polres "Polres TTU" {
          force polri
          strength 425
        }
    """,
)
UNEXPECTED_CHARACTER = _code(
    "TP102",
    "unexpected-character",
    Family.SYNTAX,
    E,
    "a character that is not part of the language",
    """
    The file holds a character that cannot start any word, number or sign of the
    language (a stray symbol, a control character, a NUL byte). Labels may contain any
    character, but only inside double quotes:  "Pos Pol Bijaepasu (Rayon I)".
    """,
)
UNTERMINATED_STRING = _code(
    "TP103",
    "unterminated-string",
    Family.SYNTAX,
    E,
    "a quoted label is not closed on its line",
    """
    A label opened with `"` has no closing `"` on the same line. Labels cannot span lines.
    To put a double quote inside a label, write it as \\" .
    """,
)
UNCLOSED_BLOCK = _code(
    "TP104",
    "unclosed-block",
    Family.SYNTAX,
    E,
    "a block opened with { is never closed",
    """
    A block opened with `{` has no matching `}` before the next declaration or the end of
    the file. The diagnostic points at the `{` and at where the block should have ended.
    Add the `}` on its own line after the block's last statement.
    """,
)
UNKNOWN_KEYWORD = _code(
    "TP105",
    "unknown-keyword",
    Family.SYNTAX,
    E,
    "a statement starts with a word the block does not know",
    """
    A line starts with a word that is not one of the statements allowed in this block,
    usually a misspelling (`strenght` for `strength`). The message suggests the closest
    statement and lists the ones the block accepts.
    """,
)
UNQUOTED_LABEL = _code(
    "TP106",
    "unquoted-label",
    Family.SYNTAX,
    E,
    "a label is written without quotes",
    """
    Labels, the human names shown in documents, are written in double quotes; names
    (identifiers) are not:

        force polri "Polri"
        unit polres "Polres TTU" { ... }
    """,
)
STRAY_PUNCTUATION = _code(
    "TP107",
    "stray-punctuation",
    Family.SYNTAX,
    E,
    "a sign such as = : ; where the language has none",
    """
    Statements are a keyword followed by its values, with no `=` or `:` between them and
    no `;` after them:

        strength 425          # not: strength = 425   or   strength: 425;
    """,
)
BAD_DATE = _code(
    "TP108",
    "bad-date",
    Family.SYNTAX,
    E,
    "a date that is not a real YYYY-MM-DD date",
    """
    Dates are written as four-digit year, two-digit month and two-digit day, and must
    exist: `2024-02-14`. `2024-2-14` and `2024-02-30` are refused.
    """,
)
BAD_TIME = _code(
    "TP109",
    "bad-time",
    Family.SYNTAX,
    E,
    "a time that is not a real HH:MM time",
    """
    Times are written on the 24-hour clock as HH:MM, from 00:00 to 23:59: `06:00`,
    `18:30`. They are local times in the plan's `timezone`. A shift may also end at
    `24:00`, the midnight at the end of its day (`shift siang 12:00 .. 24:00`).
    """,
)
BAD_DURATION = _code(
    "TP110",
    "bad-duration",
    Family.SYNTAX,
    E,
    "a duration that is not minutes or hours",
    """
    Durations are a whole number followed by `m` (minutes) or `h` (hours), with no space:
    `30m`, `2h`.
    """,
)
BAD_NUMBER = _code(
    "TP111",
    "bad-number",
    Family.SYNTAX,
    E,
    "a number that is not allowed where it stands",
    """
    Counts of people and sites (strength, voters, reserves, the numbers of a ratio) are
    whole numbers of reasonable size; speeds and factors must be positive. The message
    says what the statement accepts.
    """,
)
BAD_COORDINATE = _code(
    "TP112",
    "bad-coordinate",
    Family.SYNTAX,
    E,
    "a coordinate outside the globe",
    """
    Coordinates are `at LATITUDE, LONGITUDE` in decimal degrees (WGS 84), latitude first,
    between -90 and 90, longitude between -180 and 180. Kefamenanu is `at -9.447, 124.479`.
    Swapped values are the usual cause.
    """,
)
BAD_NAME = _code(
    "TP113",
    "bad-name",
    Family.SYNTAX,
    E,
    "a name that is not snake_case",
    """
    Names (identifiers) are lower-case letters, digits and underscores, starting with a
    letter or underscore: `polsek_miomaffo_timur`. Put capitals and spaces in the label:

        unit polsek_insana "Polsek Insana" { ... }
    """,
)

# ── names and structure ────────────────────────────────────────────────────────
UNDEFINED_NAME = _code(
    "TP201",
    "undefined-name",
    Family.NAMES,
    E,
    "a name is used but never defined",
    """
    A statement refers to a name that no declaration defines. The message suggests the
    closest defined name of the right kind. Definitions may come from any included file
    and may appear before or after their use.
    """,
)
DUPLICATE_DEFINITION = _code(
    "TP202",
    "duplicate-definition",
    Family.NAMES,
    E,
    "a name is defined twice",
    """
    Two declarations of the same kind use the same name; both places are shown. Rename
    one, or remove the copy. Each kind of declaration has its own names (a force and a
    unit may both be called `linmas`), except where one position accepts several kinds:
    kinds and sites share names (a `guard` names either, and site ids from tables count
    too), and so do units, rayons and pools (`escalates to` names any of them).
    """,
)
UNUSED_DEFINITION = _code(
    "TP203",
    "unused-definition",
    Family.NAMES,
    W,
    "a definition nothing uses",
    """
    A force, kind, risk class or district is defined but never used: no site, rule,
    unit or rayon refers to it. It is often a leftover or a misspelling of the name used
    elsewhere. Remove it, or use it.
    """,
)
WRONG_KIND_OF_NAME = _code(
    "TP204",
    "wrong-kind-of-name",
    Family.NAMES,
    E,
    "a name of the wrong kind",
    """
    A name is defined, but as something else than the statement needs: `covers` takes
    districts, `parent` a unit, `escalates to` a unit, rayon or pool, `during` phases,
    `force` a force. The message says what the name is and what was expected.
    """,
)
DUPLICATE_STATEMENT = _code(
    "TP205",
    "duplicate-statement",
    Family.NAMES,
    E,
    "a statement given twice in one block",
    """
    A statement that takes one value (a unit's `strength`, a site's `district`, the
    plan's `authority`) appears twice in the same block. Keep one.
    """,
)
MISSING_STATEMENT = _code(
    "TP206",
    "missing-statement",
    Family.NAMES,
    E,
    "a block lacks a statement it needs",
    """
    A declaration lacks a statement without which it has no meaning: a site needs `kind`,
    `district` and `risk`; a unit needs `force`; a rayon needs `districts`; a plan needs
    one `plan` block. The message names what is missing.
    """,
)
INVALID_VALUE = _code(
    "TP207",
    "invalid-value",
    Family.NAMES,
    E,
    "a value outside what the statement accepts",
    """
    A statement has a value of the right form but not one it accepts: an unknown
    `language` (use `id` or `en`), an unknown `timezone`, a `role` other than `reserve`,
    `during` inside a phase, a phase that ends before it starts. The message lists what
    is accepted.

    Numbers of people have a plausibility limit, so that a slip of the keyboard cannot
    make a 400-byte plan write a hundred megabytes of rosters: at most 10,000 people per
    site, in a `guard ... with` and in a rule of a risk class (`polri 2 per tps`), and
    1,000,000 in a unit's `strength` or in a `reserve` (more than the whole of Polri). A
    date-only end on 9999-12-31 is refused too: the whole of that day ends past the
    last date ttuplan can count; give the end a time.
    """,
)
PARENT_LOOP = _code(
    "TP208",
    "parent-loop",
    Family.NAMES,
    E,
    "units are each other's parent in a loop",
    """
    The `parent` statements of some units form a loop (a unit that is its own parent is
    the shortest), so the command hierarchy has no top: those units would vanish from the
    briefing's strength table, and their strength would be rolled up nowhere. The
    diagnostic names the units on the loop and points at each `parent` on it. Remove the
    `parent` of the unit that commands the others (usually the Polres).
    """,
)

# ── data tables ────────────────────────────────────────────────────────────────
MISSING_COLUMN = _code(
    "TP301",
    "missing-column",
    Family.DATA,
    E,
    "a table lacks a required column",
    """
    The header (first line that is not a `#` comment) of a site table must name the
    columns id, name, kind, district and risk; village, voters, lat and lon are
    optional. Column order is free. Personnel tables need nrp, name, rank and unit.
    """,
)
UNKNOWN_NAME_IN_TABLE = _code(
    "TP302",
    "unknown-name-in-table",
    Family.DATA,
    E,
    "a table row names something the plan does not define",
    """
    A row refers to a district, risk class, kind or unit that no declaration defines. The
    position is the row's line and the cell's column in the table file. Define the name
    in the plan, or correct the cell.
    """,
)
DUPLICATE_ID = _code(
    "TP303",
    "duplicate-id",
    Family.DATA,
    E,
    "a table row repeats an id",
    """
    Site ids (and personnel NRPs) must be unique across the plan: in one table, across
    tables, and against sites declared in `.ttup` files. Both places are shown.
    """,
)
BAD_CELL = _code(
    "TP304",
    "bad-cell",
    Family.DATA,
    E,
    "a table cell that is not a valid value",
    """
    A cell does not hold what its column needs: an id that is not snake_case, a voter
    count that is not a whole number, a latitude or longitude that is not a number on the
    globe, an empty required cell. Leave lat and lon both empty when a site has no
    coordinates.
    """,
)
MALFORMED_ROW = _code(
    "TP305",
    "malformed-row",
    Family.DATA,
    E,
    "a table row has the wrong number of cells",
    """
    A row has more or fewer cells than the header has columns, usually a comma inside an
    unquoted name. Quote such cells: `"Kantor Camat, Lama"`.
    """,
)
UNKNOWN_COLUMN = _code(
    "TP306",
    "unknown-column",
    Family.DATA,
    W,
    "a table column ttuplan does not use",
    """
    The header names a column that ttuplan does not read, often a misspelling of one it
    does (`vilage` for `village`). Its cells are ignored.
    """,
)
EMPTY_TABLE = _code(
    "TP307",
    "empty-table",
    Family.DATA,
    W,
    "a table has no rows",
    """
    A table named by the plan has a header but no rows, so it adds nothing to the plan.
    """,
)
TOO_MANY_BAD_ROWS = _code(
    "TP308",
    "too-many-bad-rows",
    Family.DATA,
    E,
    "a table has more bad rows than are listed",
    """
    A table has so many bad rows that only the first 40 are listed one by one; this
    diagnostic counts the rest (and still fits within the text report's 50). Usually
    the whole file has one cause (a wrong separator, an export in another layout): fix
    that and check again.
    """,
)

DUPLICATE_COLUMN = _code(
    "TP309",
    "duplicate-column",
    Family.DATA,
    E,
    "a table's header names a column twice",
    """
    Two columns of a table's header have the same name (case and spaces around it do not
    count), so it is not clear which one holds the value: the table is not read. Rename
    or remove one of them.
    """,
)

# ── coverage ───────────────────────────────────────────────────────────────────
UNCOVERED_DISTRICT = _code(
    "TP401",
    "uncovered-district",
    Family.COVERAGE,
    E,
    "a district with sites to guard that no unit covers",
    """
    A phase guards sites in a district, but no unit of the force they need lists the
    district in its `covers` (or covers `all`) or has its `base` there. Units with
    `role reserve` stand by and are never posted, so they do not count. Nobody can be
    sent there. Add the district
    to the `covers` of the unit responsible for it, usually its Polsek.
    """,
)
UNDERSTAFFED = _code(
    "TP402",
    "understaffed",
    Family.COVERAGE,
    E,
    "a district is short of staff in a phase",
    """
    The posts of a district need more people of a force than the units covering it can
    give in that phase, after what the phase already takes from them (rayon reserves,
    pools, fixed guards, other districts). ttuplan solves the whole phase as a maximum
    flow (units to districts to posts), so a shortfall reported here cannot be closed by
    moving people between the units that cover the district: the bottleneck units named
    are all fully committed. Close it by raising the strength of a bottleneck unit, by
    letting a unit with spare people cover the district, or by reducing the demand
    (risk-class rules, fixed guards).
    """,
)
OUTSIDE_RAYON = _code(
    "TP403",
    "outside-rayon",
    Family.COVERAGE,
    W,
    "sites in a district that no rayon includes",
    """
    The plan has rayons, but this district, which has sites, is in none of them, so its
    sites have no rayon post and reserve behind them. Add the district to the `districts`
    of a rayon.
    """,
)
RESERVE_OVERDRAWN = _code(
    "TP404",
    "reserve-overdrawn",
    Family.COVERAGE,
    E,
    "a reserve larger than what its units have left",
    """
    A `reserve N from UNIT, ...` holds back more people than the named units have left in
    a phase, after the reserves declared before it. The message gives what each unit has.
    Lower the reserve, add a unit to draw from, or raise the units' strength.
    """,
)
OVERCOMMITTED_UNIT = _code(
    "TP405",
    "overcommitted-unit",
    Family.COVERAGE,
    E,
    "a unit committed beyond its strength in overlapping phases",
    """
    Two or more phases overlap in time, and a unit's commitments in them (reserves and
    posts) add up to more than its strength: the same people would be in two places at
    once. Separate the phases in time, or take fewer people from the unit in one of them.
    """,
)
RESERVE_OUT_OF_REACH = _code(
    "TP406",
    "reserve-out-of-reach",
    Family.COVERAGE,
    E,
    "a site farther from every reserve than its risk class allows",
    """
    The site's risk class says `reserve within DURATION`, but no reserve in the phase (a
    rayon post with coordinates, or the base of an available `role reserve` unit) is
    estimated to reach it in time. The estimate is the great-circle distance times the
    plan's `travel detour` (default 1.4) at its `travel speed` (default 40 km/h). Move or
    add a reserve, or review the site's risk class.
    """,
)
RESERVE_UNVERIFIABLE = _code(
    "TP407",
    "reserve-unverifiable",
    Family.COVERAGE,
    W,
    "a `reserve within` rule that cannot be checked for lack of coordinates",
    """
    The site's risk class asks for a reserve within a time, but the site, or every
    reserve that could serve it, has no coordinates, so ttuplan cannot say whether the
    rule holds. Give the site (`at` or lat/lon in its table) and the rayon posts
    coordinates.
    """,
)
NO_STAFFING_RULE = _code(
    "TP408",
    "no-staffing-rule",
    Family.COVERAGE,
    W,
    "guarded by risk, but the risk class has no rule for the site's kind",
    """
    A phase says `guard KIND by risk`, but the risk class of some of those sites has no
    staffing rule for their kind, so they get nobody. Add a rule such as
    `polri 1 per tps` to the risk class, or guard those sites `with N force`.
    """,
)
LOSS_NOT_SURVIVED = _code(
    "TP410",
    "loss-not-survived",
    Family.COVERAGE,
    E,
    "the plan breaks without a reserve or unit it says it must survive losing",
    """
    The plan says `survive loss of ...` (for example `survive loss of any rayon`): it
    must still hold if any one of those is committed elsewhere. This one is not survived:
    without it, sites of a class that asks for a reserve `within` a time have none left
    in reach (the lost reserve was the only one), or a district is short of people that
    the plan staffs today.

    Each loss is taken in turn, never two at once (N-1). A rayon's reserve committed
    elsewhere leaves its post empty; a unit committed elsewhere takes its posts, the
    reserves it gave (each reserve then takes from its next unit) and, for a `role
    reserve` unit, its base as a reserve. The message says, per phase, how many sites are
    stranded and how far the nearest reserve then is, and which districts go short.

    Put another rayon post or a `role reserve` unit within reach of those sites, draw the
    reserve from more than one unit, give the units that may staff the districts more
    people, or let a unit with people to spare cover them. `ttuplan check --contingency`
    lists every loss that breaks the plan, worst first.
    """,
    cap=100,
)
CONTINGENCY_LOSS = _code(
    "TP411",
    "contingency-loss",
    Family.COVERAGE,
    W,
    "the plan breaks if this reserve or unit is committed elsewhere",
    """
    Reported by `ttuplan check --contingency`, which asks for every rayon, pool and unit
    in turn: if it is committed elsewhere, what breaks? This loss leaves sites without a
    reserve within their class's time, or a district short of people (the message says
    which, per phase). A warning, as the plan does not say it must survive this loss; a
    `survive loss of NAME` (or `any rayon`, `any pool`, `any unit`) in the plan block
    makes it an error (TP410) in every `check`.

    Losses that cannot change anything are not worked out: a pool (it stands at no post
    and its people are on no post), a unit on no post and in no reserve.
    """,
    cap=100,
)

# ── escalation ─────────────────────────────────────────────────────────────────
ESCALATION_CYCLE = _code(
    "TP501",
    "escalation-cycle",
    Family.ESCALATION,
    E,
    "escalation chains run in a loop",
    """
    Following `escalates to` from unit to unit comes back to where it started, so a
    report can go round for ever without reaching a commander who decides. Every hop of
    the loop is shown at its own line. Make one of them escalate upward instead.
    """,
)
DEAD_END = _code(
    "TP502",
    "dead-end",
    Family.ESCALATION,
    E,
    "a unit that escalates to nobody and is not final",
    """
    In some phase a unit, rayon or pool has no `escalates to` that applies, and it is not
    marked `final`: a report stops there. Add `escalates to` (or `final` if this is where
    decisions are made). Remember that `escalates to X during P` replaces the
    unqualified edges in phase P only.

    A force none of whose units escalates or is `final` (often Linmas, who report to the
    police officer beside them) is outside the escalation plan, and its units are not
    checked; give one of them an `escalates to` and all of them are. A unit of such a
    force that a unit escalates to is checked all the same: a chain that enters it must
    still end at a final unit.
    """,
)
CHAIN_TOO_LONG = _code(
    "TP503",
    "chain-too-long",
    Family.ESCALATION,
    W,
    "an escalation chain longer than the plan allows",
    """
    A chain of escalation has more hops than the plan's `escalation limit` (default 6).
    Each chain is reported once, at its first `escalates to`, with the phases it is in:
    the longest chain from every command nobody escalates to, and from every unit that
    guards sites (a site's report to its guard is the first hop). Long chains delay
    decisions; shorten the chain or raise the limit deliberately. At most 20 are listed.
    """,
    cap=20,
)
UNAVAILABLE_ESCALATION = _code(
    "TP504",
    "unavailable-escalation",
    Family.ESCALATION,
    E,
    "escalation to a unit that is not there in that phase",
    """
    In some phase a unit escalates to a unit that is not available then (its `available
    from ... until ...` does not cover the phase): Brimob before it arrives, say. Qualify
    the edge with `during` for the phases the unit is there, and give another edge for
    the others.
    """,
)

# ── time ───────────────────────────────────────────────────────────────────────
REVERSED_PERIOD = _code(
    "TP601",
    "reversed-period",
    Family.TIME,
    E,
    "a phase or availability that ends before it starts",
    """
    A phase (`START .. END`) or a unit's `available from ... until ...` ends at or before
    its start. A date alone means the whole of that day. Swap or correct the dates.
    """,
)
EMPTY_SHIFT = _code(
    "TP602",
    "empty-shift",
    Family.TIME,
    E,
    "a shift that starts when it ends (retired)",
    """
    Retired: no longer reported. A shift that starts and ends at the same time of day
    (`shift jaga 06:00 .. 06:00`, or `00:00 .. 24:00`) now lasts 24 hours, which could not
    be written before. The code stays in the table so that it is never given another
    meaning.
    """,
    retired=True,
)
SHIFT_GAP = _code(
    "TP603",
    "shift-gap",
    Family.TIME,
    E,
    "the shifts of a phase leave hours uncovered",
    """
    When a phase has shifts, together they must cover the whole phase, every day, with no
    gap: the diagnostic names the first uncovered hours. Extend a shift or add one.
    """,
)
SHIFT_OVERLAP = _code(
    "TP604",
    "shift-overlap",
    Family.TIME,
    E,
    "two shifts of a phase overlap",
    """
    Two shifts of the same phase cover the same hours, so the people on them would be
    counted twice. Make one end where the next begins.
    """,
)
DOUBLE_BOOKED = _code(
    "TP605",
    "double-booked",
    Family.TIME,
    E,
    "a person is on two shifts at the same time",
    """
    The personnel table puts a person on shifts (its `shift` column, names separated by
    `;`) that overlap in time, in the same phase or in phases that overlap. Take the
    person off one of them.
    """,
)
UNKNOWN_SHIFT = _code(
    "TP606",
    "unknown-shift",
    Family.TIME,
    E,
    "a person is put on a shift that no phase has",
    """
    The personnel table's `shift` column (names separated by `;`) names a shift that no
    phase of the plan defines. Shifts are named inside phases (`shift pagi 06:00 ..
    18:00`); correct the name in the table, or add the shift to the phases it belongs to.
    (Before this code, the problem was reported as TP302, whose meaning is a name a table
    row gives that no declaration defines.)
    """,
)
DUTY_TOO_LONG = _code(
    "TP607",
    "duty-too-long",
    Family.TIME,
    E,
    "a duty longer than the plan allows",
    """
    Nobody may be on duty longer than the plan's `duty limit` (default 24h) at a stretch.
    A shift is one stretch; a phase without shifts is one stretch from its start to its
    end, so a guard held for days needs shifts: `shift pagi 06:00 .. 18:00` and `shift
    malam 18:00 .. 06:00` relieve each other. Shorten the shift, add shifts, or allow a
    longer duty for one phase deliberately (`duty limit 30h` inside the phase: the
    voting day, from 06:00 until the counting ends, as practised).
    """,
)
REST_TOO_SHORT = _code(
    "TP608",
    "rest-too-short",
    Family.TIME,
    E,
    "a shift leaves its crew too little rest before its next duty",
    """
    Everyone must rest at least the plan's `rest` (default 8h) between two stretches on
    duty. A shift's crew works it every day of its phase, so a shift longer than 16 hours
    leaves it less than 8 to rest before the shift comes round again. Add a shift so that
    each is shorter, or lower `rest` deliberately. (Before TP610, a person the personnel
    table put on two shifts with too little rest between them was reported under this
    code too.)
    """,
)
ROSTER_INCOMPLETE = _code(
    "TP609",
    "roster-incomplete",
    Family.TIME,
    W,
    "places a unit must fill that no person in the personnel table can take",
    """
    With a personnel table, every place a unit fills is given a person of the unit, never
    two places at once and never inside their rest. When a unit's places in a shift
    cannot all be given a person, the roster leaves them to be named, and this says why:
    the people of the unit the table lists, and the duty or the rest that keeps each one
    from the place. Add people to the table, free one of those duties, or lower the
    demand. Without a personnel table, rosters show numbered places instead and this is
    never reported.
    """,
)
PERSON_REST_TOO_SHORT = _code(
    "TP610",
    "person-rest-too-short",
    Family.TIME,
    E,
    "a person's listed shifts leave too little rest between them",
    """
    The personnel table's `shift` column (names separated by `;`) puts a person on shifts
    that leave less than the plan's `rest` (default 8h) between the end of one and the
    start of the next: `pagi;malam` (06:00 .. 18:00 and 18:00 .. 06:00) leaves no rest
    at all. Take the person off one of the shifts in the table. (The shifts themselves
    may be fine: TP608 is a shift whose own crew cannot rest. Until this code, both were
    reported as TP608.)
    """,
)
ALL_CODES: tuple[Code, ...] = tuple(
    value for value in dict(globals()).values() if isinstance(value, Code)
)
BY_ID: dict[str, Code] = {code.id: code for code in ALL_CODES}
BY_SLUG: dict[str, Code] = {code.slug: code for code in ALL_CODES}


def lookup(text: str) -> Code | None:
    """A code by id (`TP201`, any case) or slug (`undefined-name`)."""
    return BY_ID.get(text.upper()) or BY_SLUG.get(text.lower())
