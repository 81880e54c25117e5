"""Column specifications: how a raw text cell becomes a typed value, and the checks each
cell must pass on its own. The engine turns them into one SQL pass over the staging table
(no per-row Python), and formats the messages of the few cells that fail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal as D
from typing import Any, ClassVar

from omic import dates
from omic.loading.sql import literal

# Every cell check returns the index of the first message that applies.
MISSING = 1
UNREADABLE = 2


@dataclass(frozen=True)
class Rule:
    """A check on a typed value: `condition` (SQL over `{v}`) is true when the value is bad.
    `message` is formatted with value (the cell, quoted), raw (the cell as it is), column,
    length and today (in Europe/London, the service's time zone)."""

    condition: str
    message: str


def show(value: str) -> str:
    value = value if len(value) <= 40 else value[:37] + "..."
    return f"'{value}'"


@dataclass(frozen=True, kw_only=True)
class Column:
    name: str
    required: bool = False
    default: Any = None
    # Checked before the type's own rules, so a specific message can win over a general
    # one (e.g. kind 'bcst' refused with the policy's reason rather than "not allowed").
    extra_rules: tuple[Rule, ...] = ()

    sql_type: ClassVar[str] = "text"
    unreadable: ClassVar[str] = ""

    def readable(self, x: str) -> str | None:
        """SQL that is true when the trimmed text `x` can be cast; None when any text can."""
        return None

    def quick_readable(self, x: str, value: str) -> str | None:
        """Like readable(x) but cheaper, given `value`, the cell already cast: the quick pass
        casts every cell once, which raises a data error on a cell that cannot be cast
        (the engine then starts again with readable)."""
        return self.readable(x)

    def cast(self, x: str) -> str:
        return x

    def rules(self, *, lookups: bool = True) -> Sequence[Rule]:
        """`lookups=False` leaves out what consults other tables (only ever a shortcut), for
        a file staged while those tables are being written (read_ahead.py)."""
        return (*self.extra_rules, *self.standard_rules(lookups=lookups))

    def standard_rules(self, *, lookups: bool = True) -> Sequence[Rule]:
        return ()

    # The SQL the engine assembles: `x` is the trimmed cell (NULL when empty), `ok` an
    # already computed readable(x) and `value` the cell already cast where it is readable,
    # so that each costly part runs once per cell.
    def typed_sql(self, x: str, ok: str | None = None, value: str | None = None) -> str:
        default = f"{literal(self.default)}::{self.sql_type}"
        readable = ok or self.readable(x)
        value = value or self.cast(x)
        if readable is None:
            return f"COALESCE({value}, {default})" if self.default is not None else value
        return f"(CASE WHEN {x} IS NULL THEN {default} WHEN {readable} THEN {value} END)"

    def check_sql(
        self, x: str, ok: str | None = None, value: str | None = None, *, lookups: bool = True
    ) -> str | None:
        whens = [f"WHEN {x} IS NULL THEN {MISSING if self.required else 'NULL'}"]
        readable = ok or self.readable(x)
        if readable is not None:
            whens.append(f"WHEN NOT ({readable}) THEN {UNREADABLE}")
        value = value or self.cast(x)
        for number, rule in enumerate(self.rules(lookups=lookups), start=UNREADABLE + 1):
            whens.append(f"WHEN {rule.condition.replace('{v}', value)} THEN {number}")
        if len(whens) == 1 and not self.required:
            return None
        return "(CASE " + " ".join(whens) + " END)::smallint"

    def message(self, code: int, value: str | None) -> str:
        if code == MISSING:
            return f"is empty; every row needs a {self.name}"
        if code == UNREADABLE:
            return self.unreadable.format(value=show(value or ""), column=self.name)
        rule = self.rules()[code - UNREADABLE - 1]
        return rule.message.format(
            value=show(value or ""),
            raw=value or "",
            column=self.name,
            length=len(value or ""),
            today=dates.today().isoformat(),
        )


@dataclass(frozen=True, kw_only=True)
class Text(Column):
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: str = "{value} is not in the expected format"
    # (table, column) whose values a CHECK constraint holds to `pattern`: a cell found there
    # needs no regular expression (most cells of a big file name a known prisoner or prison,
    # and a hash lookup costs a fraction of the match).
    pattern_known_in: tuple[str, str] | None = None
    choices: tuple[str, ...] | None = None

    def standard_rules(self, *, lookups: bool = True) -> Sequence[Rule]:
        rules = []
        if self.max_length is not None:
            rules.append(
                Rule(
                    f"char_length({{v}}) > {self.max_length}",
                    "is {length} characters long; at most " + str(self.max_length) + " are allowed",
                )
            )
        if self.pattern is not None:
            unmatched = f"{{v}} !~ {literal(self.pattern)}"
            if self.pattern_known_in is not None and lookups:
                table, column = self.pattern_known_in
                unmatched = f"{{v}} NOT IN (SELECT {column} FROM {table}) AND {unmatched}"
            rules.append(Rule(unmatched, self.pattern_message))
        if self.choices is not None:
            allowed = ", ".join(self.choices)
            empty = "" if self.required else ", or leave it empty"
            rules.append(
                Rule(
                    f"{{v}} NOT IN ({', '.join(literal(c) for c in self.choices)})",
                    "{value} is not allowed; use one of " + allowed + empty,
                )
            )
        return rules


@dataclass(frozen=True, kw_only=True)
class Date(Column):
    sql_type: ClassVar[str] = "date"
    unreadable: ClassVar[str] = "{value} is not a date; use YYYY-MM-DD, e.g. 2024-03-31"

    def readable(self, x: str) -> str | None:
        # Shape first, then the day against the month's length (PostgreSQL 15 has no
        # pg_input_is_valid, and a cast error would abort the whole statement).
        return (
            f"(CASE WHEN {x} ~ '^[1-9][0-9]{{3}}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' "
            f"THEN substr({x}, 9, 2)::int <= 28 OR substr({x}, 9, 2)::int <= extract(day FROM "
            f"make_date(substr({x}, 1, 4)::int, substr({x}, 6, 2)::int, 1) + interval '1 month - 1 day') "
            f"ELSE false END)"
        )

    def quick_readable(self, x: str, value: str) -> str | None:
        # A cast accepts far more than YYYY-MM-DD ('today', '3/1/2024'); printed back
        # (datestyle ISO) it equals the cell only when the cell was YYYY-MM-DD, with a year
        # of four digits (printed back, year 999 is '0999').
        return f"(length({x}) = 10 AND {value}::text = {x} AND {value} >= '1000-01-01')"

    def cast(self, x: str) -> str:
        return f"{x}::date"


def _range_rule(low: Any, high: Any) -> list[Rule]:
    if low is None and high is None:
        return []
    conditions = [
        f"{{v}} < {literal(low)}" if low is not None else "",
        f"{{v}} > {literal(high)}" if high is not None else "",
    ]
    if high is None:
        wanted = f"at least {low}"
    elif low is None:
        wanted = f"at most {high}"
    else:
        wanted = f"from {low} to {high}"
    return [
        Rule(" OR ".join(c for c in conditions if c), "{value} is out of range; {column} must be " + wanted)
    ]


@dataclass(frozen=True, kw_only=True)
class Integer(Column):
    min: int | None = None
    max: int | None = None

    sql_type: ClassVar[str] = "integer"
    unreadable: ClassVar[str] = "{value} is not a whole number"

    def readable(self, x: str) -> str | None:
        return f"{x} ~ '^[+-]?[0-9]{{1,9}}$'"

    def quick_readable(self, x: str, value: str) -> str | None:
        # Most cells are written as PostgreSQL prints the number: print the value back, and
        # match only the rest ('+5', '007').
        canonical = f"{value} BETWEEN -999999999 AND 999999999 AND {value}::text = {x}"
        return f"(({canonical}) OR {self.readable(x)})"

    def cast(self, x: str) -> str:
        return f"{x}::integer"

    def standard_rules(self, *, lookups: bool = True) -> Sequence[Rule]:
        return _range_rule(self.min, self.max)


@dataclass(frozen=True, kw_only=True)
class Decimal(Column):
    places: int = 2
    min: D | None = None
    max: D | None = None

    sql_type: ClassVar[str] = "numeric"
    unreadable: ClassVar[str] = "{value} is not a number; write it with a decimal point, e.g. 0.50"

    def readable(self, x: str) -> str | None:
        return f"{x} ~ '^[+-]?([0-9]{{1,12}}(\\.[0-9]{{0,12}})?|\\.[0-9]{{1,12}})$'"

    def cast(self, x: str) -> str:
        return f"{x}::numeric"

    def standard_rules(self, *, lookups: bool = True) -> Sequence[Rule]:
        places = Rule(
            f"scale(trim_scale({{v}})) > {self.places}",
            "{value} has more than " + f"{self.places} decimal place{'s' if self.places != 1 else ''}",
        )
        return [places, *_range_rule(self.min, self.max)]
