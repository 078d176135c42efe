"""Unix file permissions: octal ↔ symbolic (rwxr-xr-x) with the rwx table, setuid, setgid and sticky bits."""

from __future__ import annotations

import re
import stat

from pydantic import BaseModel, Field

from core.forms import ToolInputError
from core.operations import Operation
from core.registry import Tool

WHO = (("user", "u", 6), ("group", "g", 3), ("others", "o", 0))  # (name, letter, shift of its rwx bits)
SPECIAL = {"u": stat.S_ISUID, "g": stat.S_ISGID, "o": stat.S_ISVTX}  # the bit shown in each class's x place
OCTAL = re.compile(r"(?:0o)?([0-7]{1,4})", re.I)
# ls -l: an optional file type letter, nine permission places, an optional ACL/SELinux marker.
LS_MODE = re.compile(r"[-dlcbps]?([r-][w-][xsS-][r-][w-][xsS-][r-][w-][xtT-])[.+@]?")
# What an ls -l execute place says in chmod's letters ("s": setuid or setgid and execute; "S": without execute).
EXECUTE_PLACE = {"-": "", "s": "xs", "S": "s", "t": "xt", "T": "t"}
CLAUSE = re.compile(r"([ugoa]*)([=+-])([rwxst]*)")


class ChmodInput(BaseModel):
    input: str = Field(
        max_length=100,
        title="Mode",
        description="Octal (755, 4755, 0o644), as ls -l shows it (rwxr-xr-x, -rwsr-xr-x, drwxrwxrwt) or as "
        "chmod clauses from no permissions (u=rwx,go=rx; a+x).",
    )


class Permission(BaseModel):
    who: str = Field(description="user (owner), group or others.")
    read: bool
    write: bool
    execute: bool
    octal: int = Field(description="4 × read + 2 × write + 1 × execute.")


class ChmodOutput(BaseModel):
    octal: str = Field(description="Three digits, four with special bits: 755, 4755, 044 (stat -c %a prints 44).")
    symbolic: str = Field(description="The nine places of ls -l: rwsr-xr-x.")
    ls: str = Field(description="ls -l of a regular file: -rwsr-xr-x.")
    clauses: str = Field(description="chmod's symbolic form: u=rwxs,g=rx,o=rx.")
    command: str = Field(description="The chmod command.")
    setuid: bool
    setgid: bool
    sticky: bool
    table: list[Permission] = Field(description="The rwx table, user, group, others.")
    input_was_octal: bool


def parse_ls(places: str) -> int:
    mode = 0
    for index, char in enumerate(places):
        shift = 8 - index
        if char in "rwxst":
            mode |= 1 << shift
        if char in "sStT":
            mode |= SPECIAL["ugo"[index // 3]]
    return mode


def parse_clauses(text: str) -> int:
    """chmod's symbolic clauses applied to mode 000 (no umask: 'a' stands for an empty who)."""
    mode = 0
    for clause in text.split(","):
        found = CLAUSE.fullmatch(clause.strip())
        if not found:
            raise ToolInputError(f"{clause!r} is not a chmod clause such as u=rwx, go-w or a+x", "input")
        who, operator, perms = found.groups()
        classes = "ugo" if who in ("", "a") or "a" in who else who
        bits = 0
        for letter in classes:
            shift = dict((w[1], w[2]) for w in WHO)[letter]
            bits |= sum(1 << (shift + 2 - "rwx".index(p)) for p in perms if p in "rwx")
            bits |= SPECIAL[letter] if ("s" in perms and letter in "ug") or ("t" in perms and letter == "o") else 0
        if operator == "=":
            mask = sum(0o7 << w[2] | SPECIAL[w[1]] for w in WHO if w[1] in classes)
            mode = (mode & ~mask) | bits
        else:
            mode = mode | bits if operator == "+" else mode & ~bits
    return mode


def parse_mode(text: str) -> tuple[int, bool]:
    """(the permission bits, whether the text was octal)."""
    text = text.strip()
    if found := OCTAL.fullmatch(text):
        return int(found.group(1), 8), True
    if found := LS_MODE.fullmatch(text):
        return parse_ls(found.group(1)), False
    if text and re.fullmatch(r"[ugoa=+\-rwxst, ]+", text):
        return parse_clauses(text), False
    raise ToolInputError("give an octal mode (755), an ls -l mode (rwxr-xr-x) or chmod clauses (u=rwx,go=rx)", "input")


def symbolic(mode: int) -> str:
    """The nine ls -l places: stat.filemode without the file type letter."""
    return stat.filemode(stat.S_IFREG | mode)[1:]


def describe(mode: int, input_was_octal: bool = False) -> ChmodOutput:
    table = [
        Permission(
            who=name,
            read=bool(mode >> shift & 4),
            write=bool(mode >> shift & 2),
            execute=bool(mode >> shift & 1),
            octal=mode >> shift & 7,
        )
        for name, _, shift in WHO
    ]
    places = symbolic(mode)
    clauses = [
        f"{letter}=" + "".join(EXECUTE_PLACE.get(char, char) for char in places[shift_index : shift_index + 3])
        for (_, letter, _), shift_index in zip(WHO, (0, 3, 6), strict=True)
    ]
    octal = f"{mode:o}" if mode > 0o777 else f"{mode:03o}"
    return ChmodOutput(
        octal=octal,
        symbolic=places,
        ls="-" + places,
        clauses=",".join(clauses),
        command=f"chmod {octal} FILE",
        setuid=bool(mode & stat.S_ISUID),
        setgid=bool(mode & stat.S_ISGID),
        sticky=bool(mode & stat.S_ISVTX),
        table=table,
        input_was_octal=input_was_octal,
    )


def convert_mode(data: ChmodInput) -> ChmodOutput:
    """Read a mode in any notation; give it in all of them, with the rwx table and the special bits."""
    return describe(*parse_mode(data.input))


TOOL = Tool(
    slug="chmod",
    title="File permissions (chmod)",
    category="Network",
    icon="file-lock",
    keywords=("permissions", "unix", "linux", "octal", "rwx", "ls -l", "setuid", "setgid", "sticky bit", "umask"),
    examples=(
        ("755", {"input": "755"}),
        ("setuid: rwsr-xr-x", {"input": "rwsr-xr-x"}),
        ("/tmp: drwxrwxrwt", {"input": "drwxrwxrwt"}),
        ("chmod clauses", {"input": "u=rw,go=r"}),
    ),
    # The other notation: octal for a symbolic input, the ls -l places for an octal one.
    operations=(
        Operation(
            ChmodInput,
            convert_mode,
            ChmodOutput,
            primary=lambda output: output.symbolic if output.input_was_octal else output.octal,
        ),
    ),
)
