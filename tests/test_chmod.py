"""The chmod tool, checked against the kernel: os.chmod on a temporary file, read back with os.stat."""

from __future__ import annotations

import os
import stat

import pytest

from core.forms import ToolInputError
from tools.chmod import ChmodInput, convert_mode


def convert(text: str):
    return convert_mode(ChmodInput(input=text))


# Hand-checked against `ls -l` and `stat -c %a`: 4755 is /usr/bin/passwd, 1777 is /tmp, 2755 a setgid directory.
HAND_CHECKED = {
    "755": ("755", "rwxr-xr-x"),
    "644": ("644", "rw-r--r--"),
    "4755 (setuid, as /usr/bin/passwd)": ("4755", "rwsr-xr-x"),
    "2755 (setgid)": ("2755", "rwxr-sr-x"),
    "1777 (sticky, as /tmp)": ("1777", "rwxrwxrwt"),
    "4644 (setuid without execute: S)": ("4644", "rwSr--r--"),
    "1776 (sticky without execute: T)": ("1776", "rwxrwxrwT"),
    "000": ("000", "---------"),
    "7777": ("7777", "rwsrwsrwt"),
}


@pytest.mark.parametrize("case", HAND_CHECKED)
def test_octal_and_symbolic_both_ways(case):
    octal, places = HAND_CHECKED[case]
    assert convert(octal).symbolic == places
    assert convert(places).octal == octal
    assert convert("-" + places).ls == "-" + places


@pytest.mark.parametrize("mode", [0o755, 0o644, 0o4755, 0o2750, 0o1777, 0o4644, 0o1776, 0o7777, 0o0, 0o600, 0o111])
def test_the_kernel_agrees(tmp_path, mode):
    """Independent oracle: the mode set on a real file and read back (stat.filemode is what ls -l prints)."""
    path = tmp_path / "f"
    path.touch()
    os.chmod(path, mode)
    st_mode = os.stat(path).st_mode
    output = convert(f"{mode:o}")
    assert output.ls == stat.filemode(st_mode)
    assert int(output.octal, 8) == stat.S_IMODE(st_mode)
    assert convert(stat.filemode(st_mode)).octal == output.octal


def test_the_rwx_table_and_special_bits():
    output = convert("4751")
    assert [(p.who, p.read, p.write, p.execute, p.octal) for p in output.table] == [
        ("user", True, True, True, 7),
        ("group", True, False, True, 5),
        ("others", False, False, True, 1),
    ]
    assert (output.setuid, output.setgid, output.sticky) == (True, False, False)
    assert output.clauses == "u=rwxs,g=rx,o=x" and output.command == "chmod 4751 FILE"


CLAUSES = {
    "u=rwx,go=rx is 755": ("u=rwx,go=rx", "755"),
    "a+x from nothing is 111": ("a+x", "111"),
    "ug=rw,o=r then a-w is 444": ("ug=rw,o=r,a-w", "444"),
    "u=rwxs is setuid": ("u=rwxs,g=rx,o=rx", "4755"),
    "o+t is sticky": ("a=rwx,o+t", "1777"),
}


@pytest.mark.parametrize("case", CLAUSES)
def test_chmod_clauses(case):
    clauses, octal = CLAUSES[case]
    assert convert(clauses).octal == octal


def test_ls_type_letters_and_acl_markers_are_read():
    assert convert("drwxrwxrwt").octal == "1777"
    assert convert("-rw-r--r--.").octal == "644"
    assert convert("0o644").symbolic == "rw-r--r--"


@pytest.mark.parametrize("text", ["8", "12345", "rwxrwxrw", "rwxrwxrwxx", "u=q", "hello", ""])
def test_bad_modes_name_the_input(text):
    with pytest.raises(ToolInputError) as error:
        convert(text)
    assert error.value.field == "input"


async def test_chmod_api_page_and_primary(tool_client):
    api = await tool_client.post("/api/chmod", json={"input": "rwsr-xr-x"})
    assert (await api.get_json())["octal"] == "4755"
    page = await (await tool_client.get("/tools/chmod/?input=1777")).get_data(as_text=True)
    assert "rwxrwxrwt" in page
    from core.registry import import_tool_modules, tool_of

    (tool,) = [tool_of(m) for m in import_tool_modules() if m.__name__ == "tools.chmod"]
    operation = tool.operations[0]
    assert operation.primary_text(convert("755")) == "rwxr-xr-x"  # octal in: the symbolic form out
    assert operation.primary_text(convert("rwxr-xr-x")) == "755"
