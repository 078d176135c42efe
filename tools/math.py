"""Evaluate arithmetic safely (exact fractions, no eval), with bytes and time units: "1.5 GiB in MB", "90 min in h"."""

from __future__ import annotations

import ast
import math
import operator
import re
import sys
from contextlib import contextmanager
from fractions import Fraction

from pydantic import BaseModel, Field
from simpleeval import FunctionNotDefined, InvalidExpression, NameNotDefined, SimpleEval

from core.forms import ToolInputError
from core.operations import Operation
from core.quantities import AMBIGUOUS, BYTE_UNITS, TIME_UNITS, decimal_text, human_bytes, human_duration
from core.registry import Tool

MAX_INPUT = 1000
MAX_DIGITS = 1000  # an exact result may have this many digits (numerator or denominator), no more
MAX_BITS = int(MAX_DIGITS * math.log2(10)) + 1
RECURSION_LIMIT = 6 * MAX_INPUT
MAX_FACTORIAL = 449  # 449! has 998 digits, 450! has 1001
UNITS = {name: ("bytes", size) for name, size in BYTE_UNITS.items()}
UNITS |= {name: ("time", size) for name, size in TIME_UNITS.items()}
CONSTANTS = {"pi": math.pi, "e": math.e, "tau": math.tau}
# "in MB" / "to h" at the end converts the result; a number written before a unit multiplies it ("1.5 GiB").
CONVERSION = re.compile(r"^(.*\S)\s+(?:in|to)\s+(\S+)\s*$", re.S)
UNIT_NAMES = "|".join(re.escape(name) for name in sorted({*UNITS, *AMBIGUOUS}, key=len, reverse=True))
NUMBER_THEN_UNIT = re.compile(
    rf"(0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|\))\s*(?=(?:{UNIT_NAMES})(?![\w]))"
)


class MathInput(BaseModel):
    input: str = Field(
        max_length=MAX_INPUT,
        title="Expression",
        description="Arithmetic: + - * / // % ** (or ^), parentheses, functions such as sqrt(2) or log(8, 2), "
        "pi and e; units of bytes (kB, MB, KiB, GiB, bit …) and time (ms, s, min, h, d, week); end with "
        "'in UNIT' to convert, e.g. 1.5 GiB in MB.",
    )


class MathOutput(BaseModel):
    result: str = Field(description="The value, with its unit when there is one: what a recipe passes on.")
    value: str = Field(description="The number alone, as a decimal (rounded to 15 digits when not exact).")
    exact: bool = Field(description="True when `value` is the exact result, not a rounded one.")
    fraction: str | None = Field(description="The exact result as a fraction (1/3) when its decimal is endless.")
    unit: str | None = Field(description="The unit of the result: the one asked for, else B or s; null for none.")
    human: str | None = Field(description="A quantity in the largest fitting unit: 1.5 GiB, 1 h 30 min.")


def check_size(value):
    """Refuse an exact result too long to be useful, and an overflowing float."""
    if isinstance(value, Fraction):
        if max(value.numerator.bit_length(), value.denominator.bit_length()) > MAX_BITS:
            raise ToolInputError(f"the result has more than {MAX_DIGITS} digits: this calculator stops there")
    elif isinstance(value, complex):
        raise ToolInputError("the result is not a real number (e.g. a fractional power of a negative number)")
    elif isinstance(value, float) and not math.isfinite(value):
        raise ToolInputError("the result is too large for a floating-point number")
    return value


def checked(function):
    def apply(*args):
        return check_size(function(*args))

    return apply


def power(base, exponent):
    """base ** exponent, refused before it is computed when the result would be too long."""
    if isinstance(base, Fraction) and isinstance(exponent, Fraction) and exponent.denominator == 1:
        n = exponent.numerator
        largest = max(abs(base.numerator), base.denominator)
        # 0, 1 and -1 stay small to any power; any other base has at least log10(2) digits per unit of exponent.
        if largest > 1 and (abs(n) > MAX_BITS or abs(n) * math.log10(largest) > MAX_DIGITS + 1):
            raise ToolInputError(
                f"the result of a power would have more than {MAX_DIGITS} digits: this calculator stops there"
            )
        return check_size(base**n)
    return check_size(float(base) ** float(exponent))


def square_root(x):
    if isinstance(x, Fraction) and x >= 0:
        top, bottom = math.isqrt(x.numerator), math.isqrt(x.denominator)
        if top * top == x.numerator and bottom * bottom == x.denominator:
            return Fraction(top, bottom)  # exact for perfect squares
    return math.sqrt(x)


def factorial(n):
    if not (isinstance(n, Fraction) and n.denominator == 1 and 0 <= n <= MAX_FACTORIAL):
        raise ToolInputError(f"factorial takes a whole number from 0 to {MAX_FACTORIAL}")
    return Fraction(math.factorial(int(n)))


def logarithm(x, base=math.e):
    return math.log(x, base)


def whole(function):
    """floor, ceil, round: exact on fractions."""

    def apply(x, *args):
        return Fraction(function(x, *args)) if isinstance(x, Fraction) else function(x, *args)

    return apply


OPERATORS = {
    ast.Add: checked(operator.add),
    ast.Sub: checked(operator.sub),
    ast.Mult: checked(operator.mul),
    ast.Div: checked(operator.truediv),
    ast.FloorDiv: checked(operator.floordiv),
    ast.Mod: checked(operator.mod),
    ast.Pow: power,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
FUNCTIONS = {
    "sqrt": checked(square_root),
    "abs": abs,
    "round": whole(round),
    "floor": whole(math.floor),
    "ceil": whole(math.ceil),
    "min": min,
    "max": max,
    "exp": checked(math.exp),
    "log": logarithm,
    "ln": math.log,
    "log10": math.log10,
    "log2": math.log2,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "asin": math.asin,
    "acos": math.acos,
    "atan": math.atan,
    "factorial": factorial,
}


class ExactEval(SimpleEval):
    """simpleeval with numbers as exact fractions and only arithmetic: no attributes, subscripts or strings."""

    ALLOWED = (ast.Expr, ast.Name, ast.UnaryOp, ast.BinOp, ast.Call, ast.Constant)

    def __init__(self, names: dict):
        super().__init__(operators=OPERATORS, functions=FUNCTIONS, names=names)
        self.nodes = {kind: handler for kind, handler in self.nodes.items() if kind in self.ALLOWED}
        self.nodes[ast.Constant] = self.number

    @staticmethod
    def number(node: ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ToolInputError(f"{value!r} is not a number: only numbers, units and functions are allowed")
        if isinstance(value, float) and not math.isfinite(value):
            raise ToolInputError("a number is too large for a floating-point number")
        return check_size(Fraction(repr(value)) if isinstance(value, float) else Fraction(value))


def parse(text: str) -> tuple[ast.expr, str | None]:
    """The expression's tree and the unit to convert to (None when there is no 'in UNIT')."""
    text = text.strip()
    if not text:
        raise ToolInputError("enter an expression, e.g. (2 + 3) * 4 or 1.5 GiB in MB")
    target = None
    conversion = CONVERSION.match(text)
    if conversion and conversion.group(2) in {*UNITS, *AMBIGUOUS}:
        text, target = conversion.groups()
    source = NUMBER_THEN_UNIT.sub(r"\1*", text.replace("^", "**"))
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        where = f" at position {exc.offset}" if exc.offset and source == text else ""
        raise ToolInputError(f"cannot read the expression{where}: {exc.msg}") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ToolInputError(f"cannot read the expression: {exc or 'too deeply nested'}") from None
    return tree.body, target


def unit_of(name: str) -> tuple[str, Fraction]:
    if name in AMBIGUOUS:
        raise ToolInputError(f"'{name}' is ambiguous here: write {AMBIGUOUS[name]}")
    if name not in UNITS:
        raise ToolInputError(f"unknown name '{name}': the units are {', '.join(UNITS)}; the constants pi, e, tau")
    return UNITS[name]


def dimension_of(tree: ast.expr) -> str | None:
    """'bytes', 'time' or None, from the unit names the expression uses; refuses unknown names and mixtures."""
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    kinds = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in CONSTANTS and id(node) not in called:
            kinds.add(unit_of(node.id)[0])
    if len(kinds) > 1:
        raise ToolInputError("the expression mixes bytes and time: a unit must be of one kind")
    return kinds.pop() if kinds else None


@contextmanager
def deep_enough():
    """Room for the evaluator's recursion over the deepest tree an input of MAX_INPUT characters makes
    ("1+1+…+1": 500 nested additions, a few frames each); the parser refuses deeper nesting itself."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def evaluate(text: str) -> MathOutput:
    """The value of an arithmetic expression, exact where it can be, converted to a unit when asked."""
    tree, target = parse(text)
    kind = dimension_of(tree)
    names = {**CONSTANTS, **{name: size for name, (_, size) in UNITS.items()}}
    try:
        with deep_enough():
            value = ExactEval(names).eval(text, previously_parsed=tree)
    except ToolInputError:
        raise
    except NameNotDefined as exc:
        raise ToolInputError(f"unknown name '{exc.name}'") from None
    except FunctionNotDefined as exc:
        raise ToolInputError(f"unknown function '{exc.func_name}': the functions are {', '.join(FUNCTIONS)}") from None
    except InvalidExpression as exc:
        raise ToolInputError(f"not allowed: {exc}") from None
    except ZeroDivisionError:
        raise ToolInputError("division by zero") from None
    except OverflowError:
        raise ToolInputError("the result is too large for a floating-point number") from None
    except (ValueError, TypeError) as exc:
        raise ToolInputError(f"cannot compute: {exc}") from None
    except (RecursionError, MemoryError):
        raise ToolInputError("the expression is too deeply nested") from None
    return describe(check_size(value), kind, target)


def describe(value, kind: str | None, target: str | None) -> MathOutput:
    unit = None
    if target is not None:
        target_kind, size = unit_of(target)
        if kind is None:
            raise ToolInputError(f"nothing to convert to {target}: the expression has no unit")
        if target_kind != kind:
            raise ToolInputError(f"cannot convert {kind} to {target}")
        value, unit = value / size, target
    elif kind is not None:
        unit = "B" if kind == "bytes" else "s"
    if isinstance(value, Fraction):
        text, exact = decimal_text(value)
        fraction = None if exact else f"{value.numerator}/{value.denominator}"
    else:
        text, exact, fraction = f"{value:.15g}", False, None
    human = None
    if kind is not None:
        base = Fraction(value) * (UNITS[unit][1] if target else 1)
        human = human_bytes(base) if kind == "bytes" else human_duration(base)
    result = f"{text} {unit}" if unit else text
    return MathOutput(result=result, value=text, exact=exact, fraction=fraction, unit=unit, human=human)


def run(data: MathInput) -> MathOutput:
    """Evaluate an arithmetic expression (exact fractions; units of bytes and time; 'in UNIT' converts)."""
    return evaluate(data.input)


TOOL = Tool(
    slug="math",
    title="Math",
    category="Numbers",
    icon="square-function",
    keywords=("calculator", "expression", "evaluate", "arithmetic", "fraction", "bytes", "duration", "convert"),
    examples=(
        ("1.5 GiB in MB", {"input": "1.5 GiB in MB"}),
        ("90 min in h", {"input": "90 min in h"}),
        ("Exact fractions", {"input": "0.1 + 0.2 - 1/3"}),
        ("Functions", {"input": "sqrt(2) * 2^10 + log(8, 2)"}),
    ),
    operations=(
        Operation(
            MathInput,
            run,
            MathOutput,
            bounded=True,
            ready=lambda data: bool(data.input.strip()),
        ),
    ),
)
