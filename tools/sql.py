"""Format SQL with sqlparse: keyword and identifier case, one clause per line, comments stripped."""

from __future__ import annotations

import logging
import threading
import time
from typing import Literal

from pydantic import BaseModel, Field
from sqlparse import filters, formatter, lexer, sql
from sqlparse.engine import StatementSplitter, grouping
from sqlparse.engine.filter_stack import FilterStack
from sqlparse.exceptions import SQLParseError

from core.forms import ToolInputError
from core.operations import Operation
from core.registry import Tool

log = logging.getLogger(__name__)

MAX_INPUT = 1_000_000
# Measured: sqlparse re-indents about 70 kB of SQL per second here, so a 1 MB script takes ~15 s.
# Stop well before a proxy's request timeout; what is left after TIME_LIMIT is shown unformatted.
TIME_LIMIT = 8.0
Case = Literal["upper", "lower", "capitalize", "unchanged"]


class SqlInput(BaseModel):
    input: str = Field(max_length=MAX_INPUT, description="SQL text: one or more statements, any dialect.")
    # Defaults are sqlparse.format()'s own; the page pre-selects upper-case keywords and reindent.
    keyword_case: Case = Field(default="unchanged", description="Case of keywords (SELECT, FROM, …).")
    identifier_case: Case = Field(default="unchanged", description="Case of identifiers (table and column names).")
    reindent: bool = Field(default=False, description="Re-indent: one clause per line (sqlparse's reindent).")
    indent_width: int = Field(default=2, ge=1, le=16, description="Spaces per indentation level when re-indenting.")
    strip_comments: bool = Field(default=False, description="Remove -- and /* */ comments.")
    use_space_around_operators: bool = Field(default=False, description="Put spaces around =, +, <, etc.")


class SqlOutput(BaseModel):
    result: str = Field(description="The formatted SQL.")
    statements: int = Field(description="Number of statements sqlparse found (split on ;).")
    warnings: list[str] = Field(description="Statements sqlparse could not fully format, and why.")


def sqlparse_options(data: SqlInput) -> dict:
    """The sqlparse.format() keyword arguments for the input ("unchanged" is sqlparse's None)."""
    return {
        "keyword_case": None if data.keyword_case == "unchanged" else data.keyword_case,
        "identifier_case": None if data.identifier_case == "unchanged" else data.identifier_case,
        "reindent": data.reindent,
        "indent_width": data.indent_width,
        "strip_comments": data.strip_comments,
        "use_space_around_operators": data.use_space_around_operators,
    }


class GroupingStack(FilterStack):
    """sqlparse's filter stack, saying (without reading its private flag) whether the options need grouping."""

    grouping = False

    def enable_grouping(self) -> None:
        super().enable_grouping()
        self.grouping = True


def failure(exc: Exception) -> str:
    """Why sqlparse could not format a statement, in words."""
    if isinstance(exc, SQLParseError | RecursionError):
        reason = str(exc).rstrip(".") if isinstance(exc, SQLParseError) else "Maximum recursion depth exceeded"
        return f"is too large or too deeply nested for sqlparse to re-indent ({reason})"
    log.exception("sqlparse failed")  # not an input problem: worth a look
    return f"made sqlparse fail ({type(exc).__name__})"


def format_sql(data: SqlInput, deadline: float | None = None, cancelled: threading.Event | None = None) -> SqlOutput:
    """sqlparse.format(), statement by statement, so one statement sqlparse cannot group does not lose
    the rest, and so the work can stop at a deadline (time.monotonic()) or when `cancelled` is set."""
    stack = formatter.build_filter_stack(GroupingStack(), formatter.validate_options(sqlparse_options(data)))
    serializer = filters.SerializerUnicode()
    stream = lexer.tokenize(data.input)
    for token_filter in stack.preprocess:  # case changes work on tokens and need no grouping
        stream = token_filter.process(stream)
    parts: list[str] = []
    warnings: list[str] = []
    line, count = 1, 0
    for number, statement in enumerate(StatementSplitter().process(stream), start=1):
        if cancelled is not None and cancelled.is_set():
            raise ToolInputError("Formatting was cancelled.")
        if deadline is not None and time.monotonic() > deadline:
            raise ToolInputError(
                f"Formatting took longer than {TIME_LIMIT:g} seconds and stopped at statement {number} "
                f"(line {line}): format a smaller part of the script at a time."
            )
        text = str(statement)
        count += bool(text.strip())
        try:
            if stack.grouping:
                statement = grouping.group(statement)
            for statement_filter in stack.stmtprocess:
                statement_filter.process(statement)
            parts.append(serializer.process(statement))
        except MemoryError:  # the bounded executor's limit: stop, and say so
            raise
        except Exception as exc:  # SQLParseError (sqlparse's DoS limits), RecursionError, or a sqlparse bug
            warnings.append(f"Statement {number} (line {line}) {failure(exc)}: it is shown with only the case changes.")
            tokens = [sql.Token(token_type, value) for token_type, value in lexer.tokenize(text)]
            parts.append(serializer.process(sql.Statement(tokens)))
        line += text.count("\n")
    return SqlOutput(result="".join(parts), statements=count, warnings=warnings)


def format_in_time(data: SqlInput) -> SqlOutput:
    """Format SQL with sqlparse (non-validating: invalid SQL is formatted as well as possible)."""
    # Past TIME_LIMIT the statements left are shown unformatted, well before the executor's hard limit.
    return format_sql(data, time.monotonic() + TIME_LIMIT, threading.Event())


TOOL = Tool(
    slug="sql",
    title="SQL formatter",
    category="Data",
    icon="database",
    keywords=("sql", "format", "beautify", "pretty print", "sqlparse", "indent", "uppercase keywords"),
    examples=(
        (
            "Re-indent, upper-case keywords",
            {
                "input": "select id, name from users where active = 1 and created_at > '2024-01-01' order by name",
                "keyword_case": "upper",
                "reindent": "true",
            },
        ),
        (
            "Strip comments",
            {
                "input": "-- big orders\nSELECT * FROM orders /* all columns */ WHERE total > 100;",
                "strip_comments": "true",
            },
        ),
        (
            "Two statements, spaced operators",
            {
                "input": "insert into t (a,b) values (1,2); update t set a=a+1 where b=2;",
                "keyword_case": "upper",
                "reindent": "true",
                "use_space_around_operators": "true",
            },
        ),
    ),
    operations=(
        Operation(
            SqlInput,
            format_in_time,
            SqlOutput,
            primary="result",
            bounded=True,
            # The child is killed at the executor's limit only should one statement run on past TIME_LIMIT.
            adjust_limits=lambda limits: limits.replace(seconds=max(limits.seconds, TIME_LIMIT + 2)),
            ready=lambda data: bool(data.input.strip()),
            context=lambda form, result: {"fresh": not form.values},
        ),
    ),
)
