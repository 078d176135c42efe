"""The data converter: YAML 1.2, TOML 1.0 and RFC 4180 examples, hand-made XML, round trips, limits, page, API."""

from __future__ import annotations

import html
import inspect
import json
import re
from urllib.parse import urlencode

import pytest
import xmltodict

from core.forms import ToolInputError
from tools.convert import MAX_INPUT, ConvertInput, convert, readers
from tools.convert.readers import read
from tools.convert.writers import write

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}


def run(text: str, source: str, target: str = "json"):
    return convert(ConvertInput(input=text, source_format=source, target_format=target))


def to_data(text: str, source: str) -> object:
    """The input as JSON data (what the tool writes for target JSON, parsed back)."""
    return json.loads(run(text, source, "json").result)


def refused(text: str, source: str, target: str = "json") -> ToolInputError:
    with pytest.raises(ToolInputError) as raised:
        run(text, source, target)
    return raised.value


def share_link(page: str) -> str | None:
    found = re.search(r'<p class="share"><a href="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


def result_of(page: str) -> str | None:
    found = re.search(r'<code id="convert-result">(.*?)</code>', page, re.S)
    return html.unescape(found.group(1)) if found else None


# --- YAML: examples from the YAML 1.2.2 specification, chapter 2 ---------------------------------------

YAML_SPEC = [
    (
        "Example 2.1 Sequence of Scalars",
        "- Mark McGwire\n- Sammy Sosa\n- Ken Griffey\n",
        ["Mark McGwire", "Sammy Sosa", "Ken Griffey"],
    ),
    (
        "Example 2.2 Mapping Scalars to Scalars",
        "hr:  65    # Home runs\navg: 0.278 # Batting average\nrbi: 147   # Runs Batted In\n",
        {"hr": 65, "avg": 0.278, "rbi": 147},
    ),
    (
        "Example 2.3 Mapping Scalars to Sequences",
        "american:\n- Boston Red Sox\n- Detroit Tigers\n- New York Yankees\n"
        "national:\n- New York Mets\n- Chicago Cubs\n- Atlanta Braves\n",
        {
            "american": ["Boston Red Sox", "Detroit Tigers", "New York Yankees"],
            "national": ["New York Mets", "Chicago Cubs", "Atlanta Braves"],
        },
    ),
    (
        "Example 2.4 Sequence of Mappings",
        "-\n  name: Mark McGwire\n  hr:   65\n  avg:  0.278\n-\n  name: Sammy Sosa\n  hr:   63\n  avg:  0.288\n",
        [{"name": "Mark McGwire", "hr": 65, "avg": 0.278}, {"name": "Sammy Sosa", "hr": 63, "avg": 0.288}],
    ),
    (
        "Example 2.5 Sequence of Sequences",
        "- [name        , hr, avg  ]\n- [Mark McGwire, 65, 0.278]\n- [Sammy Sosa  , 63, 0.288]\n",
        [["name", "hr", "avg"], ["Mark McGwire", 65, 0.278], ["Sammy Sosa", 63, 0.288]],
    ),
    (
        "Example 2.6 Mapping of Mappings",
        "Mark McGwire: {hr: 65, avg: 0.278}\nSammy Sosa: {\n    hr: 63,\n    avg: 0.288,\n }\n",
        {"Mark McGwire": {"hr": 65, "avg": 0.278}, "Sammy Sosa": {"hr": 63, "avg": 0.288}},
    ),
    (
        "Example 2.9 Single Document with Two Comments",
        "---\nhr: # 1998 hr ranking\n- Mark McGwire\n- Sammy Sosa\n# 1998 rbi ranking\nrbi:\n- Sammy Sosa\n"
        "- Ken Griffey\n",
        {"hr": ["Mark McGwire", "Sammy Sosa"], "rbi": ["Sammy Sosa", "Ken Griffey"]},
    ),
    (
        "Example 2.10 Node for Sammy Sosa appears twice (anchor and alias)",
        "---\nhr:\n- Mark McGwire\n# Following node labeled SS\n- &SS Sammy Sosa\nrbi:\n- *SS # Subsequent occurrence\n"
        "- Ken Griffey\n",
        {"hr": ["Mark McGwire", "Sammy Sosa"], "rbi": ["Sammy Sosa", "Ken Griffey"]},
    ),
    (
        "Example 2.12 Compact Nested Mapping",
        "---\n# Products purchased\n- item    : Super Hoop\n  quantity: 1\n- item    : Basketball\n  quantity: 4\n"
        "- item    : Big Shoes\n  quantity: 1\n",
        [
            {"item": "Super Hoop", "quantity": 1},
            {"item": "Basketball", "quantity": 4},
            {"item": "Big Shoes", "quantity": 1},
        ],
    ),
    (
        "Example 2.13 In literals, newlines are preserved",
        "# ASCII Art\n--- |\n  \\//||\\/||\n  // ||  ||__\n",
        "\\//||\\/||\n// ||  ||__\n",
    ),
    (
        "Example 2.14 In the folded scalars, newlines become spaces",
        "--- >\n  Mark McGwire's\n  year was crippled\n  by a knee injury.\n",
        "Mark McGwire's year was crippled by a knee injury.\n",
    ),
    (
        "Example 2.16 Indentation determines scope",
        "name: Mark McGwire\naccomplishment: >\n  Mark set a major league\n  home run record in 1998.\n"
        "stats: |\n  65 Home Runs\n  0.278 Batting Average\n",
        {
            "name": "Mark McGwire",
            "accomplishment": "Mark set a major league home run record in 1998.\n",
            "stats": "65 Home Runs\n0.278 Batting Average\n",
        },
    ),
    (
        "Example 2.17 Quoted Scalars",
        'unicode: "Sosa did fine.\\u263A"\ncontrol: "\\b1998\\t1999\\t2000\\n"\nhex esc: "\\x0d\\x0a is \\r\\n"\n\n'
        "single: '\"Howdy!\" he cried.'\nquoted: ' # Not a ''comment''.'\ntie-fighter: '|\\-*-/|'\n",
        {
            "unicode": "Sosa did fine.\u263a",
            "control": "\b1998\t1999\t2000\n",
            "hex esc": "\r\n is \r\n",
            "single": '"Howdy!" he cried.',
            "quoted": " # Not a 'comment'.",
            "tie-fighter": "|\\-*-/|",
        },
    ),
    (
        "Example 2.18 Multi-line Flow Scalars",
        'plain:\n  This unquoted scalar\n  spans many lines.\n\nquoted: "So does this\n  quoted scalar.\\n"\n',
        {"plain": "This unquoted scalar spans many lines.", "quoted": "So does this quoted scalar.\n"},
    ),
    (
        # YAML 1.2 reads 0o14 as 12; PyYAML follows YAML 1.1 (where octal is 014), so 0o14 stays a string.
        "Example 2.19 Integers",
        "canonical: 12345\ndecimal: +12345\noctal: 0o14\nhexadecimal: 0xC\n",
        {"canonical": 12345, "decimal": 12345, "octal": "0o14", "hexadecimal": 12},
    ),
    (
        # The key "null" is the YAML null, so it becomes the string "null" in JSON (with a note).
        "Example 2.21 Miscellaneous",
        "null:\nbooleans: [ true, false ]\nstring: '012345'\n",
        {"null": None, "booleans": [True, False], "string": "012345"},
    ),
    (
        "Example 2.22 Timestamps",
        "canonical: 2001-12-15T02:59:43.1Z\niso8601: 2001-12-14t21:59:43.10-05:00\nspaced: 2001-12-14 21:59:43.10 -5\n"
        "date: 2002-12-14\n",
        {
            "canonical": "2001-12-15T02:59:43.100000+00:00",
            "iso8601": "2001-12-14T21:59:43.100000-05:00",
            "spaced": "2001-12-14T21:59:43.100000-05:00",
            "date": "2002-12-14",
        },
    ),
    (
        # A set is a mapping whose values are null (the example's own comment says so); sorted here.
        "Example 2.25 Unordered Sets",
        "# Sets are represented as a\n# Mapping where each key is\n# associated with a null value\n--- !!set\n"
        "? Mark McGwire\n? Sammy Sosa\n? Ken Griffey\n",
        {"Ken Griffey": None, "Mark McGwire": None, "Sammy Sosa": None},
    ),
    (
        # PyYAML reads an !!omap as a list of (key, value) pairs.
        "Example 2.26 Ordered Mappings",
        "# Ordered maps are represented as\n# A sequence of mappings, with\n# each mapping having one key\n"
        "--- !!omap\n- Mark McGwire: 65\n- Sammy Sosa: 63\n- Ken Griffey: 58\n",
        [["Mark McGwire", 65], ["Sammy Sosa", 63], ["Ken Griffey", 58]],
    ),
]


@pytest.mark.parametrize(("example", "text", "expected"), YAML_SPEC, ids=[e[0].split(" ")[1] for e in YAML_SPEC])
def test_yaml_spec_examples(example, text, expected):
    assert to_data(text, "yaml") == expected


def test_yaml_timestamps_and_keys_come_with_notes():
    result = run("null:\ndate: 2002-12-14\n", "yaml")
    assert result.notes == [
        'Keys that were not strings became strings, e.g. null → "null": JSON keys are text.',
        "JSON has no date type: dates and times became ISO 8601 strings.",
    ]


def test_yaml_example_2_23_binary_and_custom_tag():
    # YAML 1.2.2, Example 2.23 Various Explicit Tags: !!str and !!binary are standard; !something is not.
    text = (
        "---\nnot-date: !!str 2002-04-28\n\npicture: !!binary |\n R0lGODlhDAAMAIQAAP//9/X\n 17unp5WZmZgAAAOfn515eXv\n"
        " Pz7Y6OjuDg4J+fn5OTk6enp\n 56enmleECcgggoBADs=\n"
    )
    # The decoded GIF bytes, Base64-encoded again: the spec's lines joined.
    picture = "R0lGODlhDAAMAIQAAP//9/X17unp5WZmZgAAAOfn515eXvPz7Y6OjuDg4J+fn5OTk6enp56enmleECcgggoBADs="
    assert to_data(text, "yaml") == {"not-date": "2002-04-28", "picture": picture}
    assert "Binary values (!!binary) became Base64 text." in run(text, "yaml").notes
    error = refused("application specific tag: !something |\n The semantics of the tag\n", "yaml")
    assert error.field == "input"
    assert error.message == (
        "Invalid YAML at line 1, column 27: could not determine a constructor for the tag '!something' "
        "(custom tags are not read: only standard YAML types)."
    )


@pytest.mark.parametrize(
    ("example", "text", "message"),
    [
        (
            "Example 2.7 Two Documents in a Stream",
            "# Ranking of 1998 home runs\n---\n- Mark McGwire\n- Sammy Sosa\n- Ken Griffey\n\n# Team ranking\n---\n"
            "- Chicago Cubs\n- St Louis Cardinals\n",
            "The YAML holds more than one document (another one starts at line 8): convert one document at a time.",
        ),
        (
            "Example 2.8 Play by Play Feed",
            "---\ntime: 20:03:20\nplayer: Sammy Sosa\naction: strike (miss)\n...\n---\ntime: 20:03:47\n",
            "The YAML holds more than one document (another one starts at line 6): convert one document at a time.",
        ),
        (
            "Example 2.11 Mapping between Sequences",
            "? - Detroit Tigers\n  - Chicago cubs\n: - 2001-07-23\n",
            "Invalid YAML at line 1, column 3: a mapping key is itself a list or a mapping (a complex key); "
            "only plain keys are supported.",
        ),
        (
            "Example 2.27 Invoice (a global tag)",
            "--- !<tag:clarkevans.com,2002:invoice>\ninvoice: 34843\n",
            "Invalid YAML at line 1, column 5: could not determine a constructor for the tag "
            "'tag:clarkevans.com,2002:invoice' (custom tags are not read: only standard YAML types).",
        ),
    ],
)
def test_yaml_spec_examples_this_tool_refuses(example, text, message):
    error = refused(text, "yaml")
    assert (error.field, error.message) == ("input", message)


def test_yaml_example_2_20_floats():
    # YAML 1.2.2, Example 2.20 Floating Point: JSON has no infinity or NaN; TOML has both.
    text = (
        "canonical: 1.23015e+3\nexponential: 12.3015e+02\nfixed: 1230.15\nnegative infinity: -.inf\n"
        "not a number: .nan\n"
    )
    error = refused(text, "yaml", "json")
    assert error.field == "target_format"
    assert error.message == '["negative infinity"]: the value is -inf, and JSON has no NaN or Infinity.'
    assert run(text, "yaml", "toml").result == (
        'canonical = 1230.15\nexponential = 1230.15\nfixed = 1230.15\n"negative infinity" = -inf\n'
        '"not a number" = nan\n'
    )


def test_yaml_syntax_error_names_line_and_column():
    error = refused("a: [1, 2\nb: 3", "yaml")
    assert error.message == "Invalid YAML at line 2, column 2: did not find expected ',' or ']'."


def test_yaml_1_1_quirks_are_what_pyyaml_does():
    # PyYAML implements YAML 1.1 (the page says so): yes/on are booleans, 20:03:20 is base-60 (72,200 s).
    assert to_data("a: yes\nb: on\nc: 20:03:20\nd: 012\n", "yaml") == {"a": True, "b": True, "c": 72200, "d": 10}


def test_yaml_alias_bomb_is_refused():
    # The "billion laughs" shape: 9 levels of 9 aliases each stand for 9**7 = 4,782,969 strings.
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, previous in zip("bcdefg", "abcdef", strict=True):
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    error = refused("\n".join(lines), "yaml")
    assert error.message.startswith("The YAML's aliases (*name) expand to more than 1,000,000 values")


def test_yaml_alias_within_limits_is_expanded():
    assert to_data("a: &x [1, 2]\nb: *x\nc: {<<: {k: v}, j: w}\n", "yaml") == {
        "a": [1, 2],
        "b": [1, 2],
        "c": {"k": "v", "j": "w"},
    }


def test_yaml_self_reference_is_refused():
    assert refused("a: &a [1, *a]", "yaml").message.startswith("The YAML contains itself through an alias")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("!!int abc", "invalid literal for int() with base 10: 'abc'"),
        ("a: 2001-02-30", "day is out of range for month"),  # looks like a timestamp, is not a date
    ],
)
def test_yaml_value_that_does_not_fit_its_type(text, reason):
    # PyYAML's constructors raise ValueError here, not a YAMLError: still a 422 with a message.
    error = refused(text, "yaml")
    assert error.message == f"Invalid YAML: a value cannot be read as its type ({reason}). Quote it to keep it as text."
    assert to_data("a: '2001-02-30'", "yaml") == {"a": "2001-02-30"}


def test_unexpected_parser_failure_is_a_message_not_a_500(monkeypatch):
    def broken(text):
        raise RuntimeError("parser bug")

    monkeypatch.setitem(readers.READERS, "toml", broken)
    error = refused("a = 1", "toml")
    assert (error.field, error.message) == ("input", "The TOML could not be read: parser bug.")


def test_yaml_deep_flow_nesting_is_refused_before_parsing():
    # libyaml overflows the C stack past about 20,000 levels (a crash, not an exception): refused first.
    error = refused("[" * 30_000 + "]" * 30_000, "yaml")
    assert error.message == "The YAML nests [ ] or { } more than 1,000 levels deep: refused."


# --- TOML: examples from the TOML v1.0.0 specification (toml.io/en/v1.0.0) ------------------------------

TOML_SPEC = [
    (
        "Keys: dotted keys, with the JSON the spec gives",
        'name = "Orange"\nphysical.color = "orange"\nphysical.shape = "round"\nsite."google.com" = true\n',
        {"name": "Orange", "physical": {"color": "orange", "shape": "round"}, "site": {"google.com": True}},
    ),
    ("Keys: a float-looking dotted key", '3.14159 = "pi"\n', {"3": {"14159": "pi"}}),
    (
        "Table: quoted key in a header",
        '[dog."tater.man"]\ntype.name = "pug"\n',
        {"dog": {"tater.man": {"type": {"name": "pug"}}}},
    ),
    (
        "Array of Tables",
        '[[products]]\nname = "Hammer"\nsku = 738594937\n\n[[products]]  # empty table within the array\n\n'
        '[[products]]\nname = "Nail"\nsku = 284758393\n\ncolor = "gray"\n',
        {"products": [{"name": "Hammer", "sku": 738594937}, {}, {"name": "Nail", "sku": 284758393, "color": "gray"}]},
    ),
    (
        "Array of Tables: nested",
        '[[fruits]]\nname = "apple"\n\n[fruits.physical]  # subtable\ncolor = "red"\nshape = "round"\n\n'
        '[[fruits.varieties]]  # nested array of tables\nname = "red delicious"\n\n[[fruits.varieties]]\n'
        'name = "granny smith"\n\n\n[[fruits]]\nname = "banana"\n\n[[fruits.varieties]]\nname = "plantain"\n',
        {
            "fruits": [
                {
                    "name": "apple",
                    "physical": {"color": "red", "shape": "round"},
                    "varieties": [{"name": "red delicious"}, {"name": "granny smith"}],
                },
                {"name": "banana", "varieties": [{"name": "plantain"}]},
            ]
        },
    ),
    (
        # Hand-computed: 0xDEADBEEF = 3735928559, 0o755 = 493, 0b11010110 = 214, 0o01234567 = 342391.
        "Integer",
        "int1 = +99\nint2 = 42\nint3 = 0\nint4 = -17\nint5 = 1_000\nint6 = 5_349_221\nint7 = 53_49_221\n"
        "hex1 = 0xDEADBEEF\nhex3 = 0xdead_beef\noct1 = 0o01234567\noct2 = 0o755\nbin1 = 0b11010110\n",
        {
            "int1": 99,
            "int2": 42,
            "int3": 0,
            "int4": -17,
            "int5": 1000,
            "int6": 5349221,
            "int7": 5349221,
            "hex1": 3735928559,
            "hex3": 3735928559,
            "oct1": 342391,
            "oct2": 493,
            "bin1": 214,
        },
    ),
    (
        "Float",
        "flt1 = +1.0\nflt2 = 3.1415\nflt3 = -0.01\nflt4 = 5e+22\nflt5 = 1e06\nflt6 = -2E-2\nflt7 = 6.626e-34\n"
        "flt8 = 224_617.445_991_228\n",
        {
            "flt1": 1.0,
            "flt2": 3.1415,
            "flt3": -0.01,
            "flt4": 5e22,
            "flt5": 1e6,
            "flt6": -0.02,
            "flt7": 6.626e-34,
            "flt8": 224617.445991228,
        },
    ),
    (
        "Offset Date-Time, Local Date, Local Time",
        "odt1 = 1979-05-27T07:32:00Z\nodt2 = 1979-05-27T00:32:00-07:00\nodt3 = 1979-05-27T00:32:00.999999-07:00\n"
        "ld1 = 1979-05-27\nlt1 = 07:32:00\n",
        {
            "odt1": "1979-05-27T07:32:00+00:00",
            "odt2": "1979-05-27T00:32:00-07:00",
            "odt3": "1979-05-27T00:32:00.999999-07:00",
            "ld1": "1979-05-27",
            "lt1": "07:32:00",
        },
    ),
    (
        "Array: mixed types are allowed",
        'numbers = [ 0.1, 0.2, 0.5, 1, 2, 5 ]\ncontributors = [\n  "Foo Bar <foo@example.com>",\n'
        '  { name = "Baz Qux", email = "bazqux@example.com", url = "https://example.com/bazqux" }\n]\n',
        {
            "numbers": [0.1, 0.2, 0.5, 1, 2, 5],
            "contributors": [
                "Foo Bar <foo@example.com>",
                {"name": "Baz Qux", "email": "bazqux@example.com", "url": "https://example.com/bazqux"},
            ],
        },
    ),
]


@pytest.mark.parametrize(("example", "text", "expected"), TOML_SPEC, ids=[e[0] for e in TOML_SPEC])
def test_toml_spec_examples(example, text, expected):
    assert to_data(text, "toml") == expected


def test_toml_dates_stay_dates_in_yaml_and_toml():
    text = "odt1 = 1979-05-27T07:32:00Z\nld1 = 1979-05-27\nlt1 = 07:32:00\n"
    # tomli-w writes the offset date-time with a space and +00:00, which TOML 1.0 allows (RFC 3339, 5.6).
    assert run(text, "toml", "toml").result == "odt1 = 1979-05-27 07:32:00+00:00\nld1 = 1979-05-27\nlt1 = 07:32:00\n"
    yaml_result = run(text, "toml", "yaml")
    assert yaml_result.result == "odt1: 1979-05-27 07:32:00+00:00\nld1: 1979-05-27\nlt1: 07:32:00\n"
    assert yaml_result.notes == ["YAML has no time-of-day type: times became ISO 8601 strings."]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # TOML v1.0.0, Key/Value Pair: "Unspecified values are invalid", and a newline must follow each pair.
        ("key = # INVALID\n", "Invalid TOML: Invalid value (at line 1, column 7)."),
        (
            'first = "Tom" last = "Preston-Werner" # INVALID\n',
            "Invalid TOML: Expected newline or end of document after a statement (at line 1, column 15).",
        ),
        # TOML v1.0.0, Keys: defining a key twice is invalid.
        ('name = "Tom"\nname = "Pradyun"\n', "Invalid TOML: Cannot overwrite a value (at line 2, column 17)."),
    ],
)
def test_toml_spec_invalid_examples(text, message):
    error = refused(text, "toml")
    assert (error.field, error.message) == ("input", message)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            "[1, 2]",
            "TOML needs a table (key = value pairs) at the top level, but the data is a list: put it under a key",
        ),
        ('"x"', "TOML needs a table (key = value pairs) at the top level, but the data is a single value (str)"),
        (
            '{"a": {"b": [1, null]}}',
            "a.b[1]: the value is null, and TOML has no null: remove the key or give it a value.",
        ),
        ('{"site": {"google.com": null}}', 'site["google.com"]: the value is null, and TOML has no null'),
        ('{"big": 9223372036854775808}', "big: the integer does not fit in 64 bits, the TOML limit."),
    ],
)
def test_toml_refuses_what_it_cannot_hold(data, message):
    error = refused(data, "json", "toml")
    assert error.field == "target_format"
    assert error.message.startswith(message)


def test_toml_largest_integer_is_fine():
    assert run('{"big": 9223372036854775807}', "json", "toml").result == "big = 9223372036854775807\n"


# --- CSV: examples from RFC 4180, section 2 -------------------------------------------------------------


def test_rfc4180_rule_1_and_2_first_row_is_the_header():
    # Rules 1 and 2: CRLF line breaks, the last one optional. This tool reads the first record as the header.
    assert to_data("aaa,bbb,ccc\r\nzzz,yyy,xxx\r\n", "csv") == [{"aaa": "zzz", "bbb": "yyy", "ccc": "xxx"}]
    assert to_data("aaa,bbb,ccc\r\nzzz,yyy,xxx", "csv") == [{"aaa": "zzz", "bbb": "yyy", "ccc": "xxx"}]


def test_rfc4180_rule_3_header_with_repeated_names_is_refused():
    # Rule 3's example header repeats "field_name": as object keys the columns would overwrite each other.
    error = refused("field_name,field_name,field_name\r\naaa,bbb,ccc\r\nzzz,yyy,xxx\r\n", "csv")
    assert error.message == (
        'The CSV header has "field_name" twice (columns 1 and 2): each column needs its own name, as the first '
        "row names the keys."
    )


def test_rfc4180_rules_5_to_7_quoted_fields():
    # Rule 5: fields may be quoted. Rule 6: quoted fields may hold CRLF and commas. Rule 7: "" is a quote.
    text = '"aaa","b\r\nbb","ccc"\r\nzzz,"y,y","x""x"\r\n'
    assert to_data(text, "csv") == [{"aaa": "zzz", "b\r\nbb": "y,y", "ccc": 'x"x'}]


def test_csv_rows_must_match_the_header():
    # RFC 4180, rule 4: "Each line should contain the same number of fields throughout the file."
    error = refused("a,b,c\r\n1,2,3\r\n4,5\r\n", "csv")
    assert error.message == (
        "Row 2 (ending on line 3) has 2 fields but the header has 3: every row needs one field per column "
        "(RFC 4180, section 2)."
    )


def test_csv_stray_quote_is_an_error():
    assert refused('a,b\r\n"x"y,1\r\n', "csv").message == "Invalid CSV on line 2: ',' expected after '\"'."


def test_csv_values_are_strings_and_a_note_says_so():
    result = run("n,ok\r\n42,true\r\n,\r\n", "csv")
    assert json.loads(result.result) == [{"n": "42", "ok": "true"}, {"n": "", "ok": ""}]
    assert result.notes == [
        'CSV has no types: every value is a string ("42", "true"); an empty cell is an empty string.'
    ]


def test_json_to_csv_quotes_as_rfc4180_says():
    # Hand-computed with RFC 4180 rules 6 and 7: comma, quote and CRLF force quotes; quotes are doubled.
    data = '[{"a": "x,y", "b": "say \\"hi\\"", "c": "two\\r\\nlines"}, {"a": 1.5, "c": null, "d": true}]'
    result = run(data, "json", "csv")
    assert result.result == 'a,b,c,d\r\n"x,y","say ""hi""","two\r\nlines",\r\n1.5,,,true\r\n'
    assert result.notes == [
        "CSV has no types: numbers and true/false became text, null an empty cell.",
        "The header is every key in first-seen order; rows without a key have an empty cell there.",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ('[{"name": "a", "address": {"city": "Paris"}}]', 'Row 1 ([0]), key "address": the value is an object'),
        ('[{"a": 1}, {"a": 2, "tags": ["x"]}]', 'Row 2 ([1]), key "tags": the value is a list'),
        ('{"a": 1}', "CSV holds a table: the data must be a list of flat objects (one per row), but it is an object."),
        ("[1, 2]", "Row 1 ([0]) is a single value (int), not an object"),
    ],
)
def test_csv_refuses_nested_data_naming_row_and_key(data, message):
    error = refused(data, "json", "csv")
    assert error.field == "target_format"
    assert error.message.startswith(message)


# --- XML: hand-made documents ---------------------------------------------------------------------------


def test_xmltodict_refuses_entities_by_default():
    # Checked, as the brief asks: xmltodict.parse has disable_entities=True by default (xmltodict >= 0.13).
    assert inspect.signature(xmltodict.parse).parameters["disable_entities"].default is True


def test_xml_to_json_attributes_text_lists_and_empty_elements():
    # Hand-made: an attribute, text beside child elements, a repeated element and an empty one.
    result = run('<a x="1"><b>t</b>tail<b>u</b><c/></a>', "xml")
    assert json.loads(result.result) == {"a": {"@x": "1", "b": ["t", "u"], "c": None, "#text": "tail"}}
    assert result.notes == [
        'XML has only text: every value is a string. Attributes became keys starting with "@", text next to '
        'attributes or child elements became "#text", a repeated element became a list, and an empty element '
        "became null."
    ]


def test_xml_entities_cdata_and_namespaces():
    text = (
        '<?xml version="1.0"?>\n<p:doc xmlns:p="urn:x"><p:v>&lt;&amp;&#65;</p:v>'
        "<c><![CDATA[<raw>]]></c><!-- c --></p:doc>"
    )
    result = run(text, "xml")
    assert json.loads(result.result) == {"p:doc": {"@xmlns:p": "urn:x", "p:v": "<&A", "c": "<raw>"}}
    assert "XML comments were left out." in result.notes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # The classic "billion laughs" document: refused at its DOCTYPE, before any entity is declared.
        (
            '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;">\n]>\n'
            "<lolz>&lol2;</lolz>",
            "The XML has a DOCTYPE (<!DOCTYPE lolz …>): DTDs are refused",
        ),
        # An external entity (XXE) that would read a file.
        ('<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>', "The XML has a DOCTYPE (<!DOCTYPE a …>)"),
        # A DOCTYPE without entities is refused too.
        ('<!DOCTYPE a SYSTEM "http://example.com/a.dtd"><a/>', "The XML has a DOCTYPE (<!DOCTYPE a …>)"),
        ("<a>&foo;</a>", "Invalid XML at line 1, column 4: undefined entity."),
        ("<a><b></a>", "Invalid XML at line 1, column 9: mismatched tag."),
        ("<a>1</a><b>2</b>", "Invalid XML at line 1, column 9: junk after document element."),
        ("", "Invalid XML at line 1, column 1: no element found."),
    ],
)
def test_xml_refusals(text, message):
    error = refused(text, "xml")
    assert error.field == "input"
    assert error.message.startswith(message)


def test_json_to_xml_with_one_root():
    data = (
        '{"order": {"@id": "7", "item": [{"name": "pen", "qty": 2}, {"name": "ink", "qty": 1}], '
        '"paid": true, "note": null}}'
    )
    result = run(data, "json", "xml")
    assert result.result == (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<order id="7">\n'
        "  <item>\n    <name>pen</name>\n    <qty>2</qty>\n  </item>\n"
        "  <item>\n    <name>ink</name>\n    <qty>1</qty>\n  </item>\n"
        "  <paid>true</paid>\n"
        "  <note></note>\n"
        "</order>\n"
    )
    assert result.notes == ["XML has only text: numbers, true/false and null (an empty element) lose their type."]


@pytest.mark.parametrize(
    ("data", "xml", "note"),
    [
        (
            '{"a": 1, "b": 2}',
            "<root>\n  <a>1</a>\n  <b>2</b>\n</root>",
            "XML needs a single root element and the data has 2 top-level keys: they were wrapped in <root>.",
        ),
        (
            '{"a": [1, 2]}',
            "<root>\n  <a>1</a>\n  <a>2</a>\n</root>",
            'XML needs a single root element and the only top-level key, "a", holds a list (several root elements): '
            "it was wrapped in <root>.",
        ),
        (
            "[1, 2]",
            "<root>\n  <item>1</item>\n  <item>2</item>\n</root>",
            "The data is a list: its items became <item> elements inside <root>.",
        ),
        ('"hi"', "<root>hi</root>", "The data is a single value: it became the text of a <root> element."),
    ],
)
def test_json_to_xml_wraps_in_root_and_says_so(data, xml, note):
    result = run(data, "json", "xml")
    assert result.result == f'<?xml version="1.0" encoding="utf-8"?>\n{xml}\n'
    assert result.notes[0] == note


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ('{"first name": 1}', '["first name"]: this key is not a valid XML element name'),
        ('{"r": {"1st": 1}}', 'r["1st"]: this key is not a valid XML element name'),
        ('{"r": {"@bad name": 1}}', "r[\"@bad name\"]: 'bad name' is not a valid XML attribute name."),
        ('{"r": {"@a": [1]}}', 'r["@a"]: an attribute (a key starting with @) needs a plain value'),
        ('{"r": [[1, 2]]}', "r[0]: XML cannot hold a list directly inside a list"),
        ('{"r": "bell \\u0007"}', "r: the text holds U+0007, a character XML 1.0 does not allow."),
    ],
)
def test_xml_refuses_what_it_cannot_hold(data, message):
    error = refused(data, "json", "xml")
    assert error.field == "target_format"
    assert error.message.startswith(message)


# --- round trips JSON -> X -> JSON, where the format keeps everything --------------------------------------

RICH = {
    "name": "Zoë",
    "count": 3,
    "ratio": 0.25,
    "big": 12345678901234567890,
    "ok": True,
    "missing": None,
    "tags": ["a", "b"],
    "empty_list": [],
    "empty_object": {},
    "nested": {"list": [1, [2, 3], {"x": "y"}], "deep": {"er": {"est": "!"}}},
    # strings a careless writer would turn into other types or break
    "yes": "yes",
    "octal": "012",
    "time": "20:03:20",
    "date": "2002-12-14",
    "number": "1e3",
    "colon": "a: b",
    "hash": "# not a comment",
    "lead": "  spaces  ",
    "multi": "line 1\nline 2\n",
    "quote": 'it\'s "quoted"',
    "key with spaces": "value",
    "": "empty key",
}


def test_round_trip_json_yaml_json():
    yaml_text = run(json.dumps(RICH), "json", "yaml").result
    assert to_data(yaml_text, "yaml") == RICH


def test_round_trip_json_toml_json():
    # TOML has no null: everything else round-trips (mixed arrays are allowed since TOML 1.0).
    data = {k: v for k, v in RICH.items() if v is not None and k != "big"} | {"big": 9223372036854775807}
    toml_text = run(json.dumps(data), "json", "toml").result
    assert to_data(toml_text, "toml") == data


def test_round_trip_json_xml_json():
    # XML keeps text only, with one root; @attributes, #text and repeated elements come back as they were.
    data = {
        "root": {
            "@id": "7",
            "name": 'Zoë <&> "x"',
            "items": {"item": ["a", "b", "c"]},
            "mixed": {"@lang": "en", "#text": "hello"},
            "empty": None,
            "deep": {"er": {"est": "!"}},
        }
    }
    xml_text = run(json.dumps(data), "json", "xml").result
    assert to_data(xml_text, "xml") == data


def test_round_trip_json_csv_json():
    # CSV keeps a list of flat objects whose values are strings.
    data = [
        {"id": "1", "text": "comma, inside", "note": ""},
        {"id": "2", "text": 'quote " inside', "note": "line\r\nbreak"},
        {"id": "3", "text": "Zoë", "note": "  spaces  "},
    ]
    csv_text = run(json.dumps(data), "json", "csv").result
    assert to_data(csv_text, "csv") == data


@pytest.mark.parametrize("target", ["json", "yaml", "toml", "xml", "csv"])
def test_same_format_in_and_out(target):
    samples = {
        "json": '{"a": [1, 2]}',
        "yaml": "a:\n- 1\n- 2\n",
        "toml": "a = [\n    1,\n    2,\n]\n",
        "xml": '<?xml version="1.0" encoding="utf-8"?>\n<a>\n  <b>1</b>\n</a>\n',
        "csv": "a,b\r\n1,2\r\n",
    }
    text = samples[target]
    assert run(text, target, target).result == (text if target != "json" else '{\n  "a": [\n    1,\n    2\n  ]\n}')


def test_reader_and_writer_are_inverse_for_yaml():
    data, notes = read("a: 1\nb: [x, y]\n", "yaml")
    assert (data, notes) == ({"a": 1, "b": ["x", "y"]}, [])
    assert write(data, "yaml") == ("a: 1\nb:\n- x\n- y\n", [])


# --- other limits ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "source", "message"),
    [
        (
            "[" * 150 + "]" * 150,
            "json",
            "[0][0][0][0][0]…[0][0][0][0][0] (101 levels down): the data is nested more than 100",
        ),
        (
            "<a>" * 2000 + "</a>" * 2000,
            "xml",
            "a.a.a.a.a…a.a.a.a.a (101 levels down): the data is nested more than 100",
        ),
        ("a = " + "[" * 5000 + "]" * 5000, "toml", "The TOML is nested too deeply."),
        ("[" * 5000 + "]" * 5000, "json", "The JSON is nested too deeply"),
    ],
)
def test_deep_nesting_is_an_error_not_a_crash(text, source, message):
    error = refused(text, source, "yaml")
    assert error.field == "input"
    assert error.message.startswith(message)


def test_json_input_errors_say_where():
    assert refused('{"a": 1,}', "json").message == (
        "Invalid JSON at line 1, column 9: Expecting property name enclosed in double quotes."
    )
    assert refused('{"a":\n NaN}', "json").message == (
        "NaN at line 2, column 2 is not JSON: numbers cannot be NaN or Infinity (RFC 8259, section 6)."
    )


def test_json_duplicate_keys_note():
    assert run('{"a": 1, "a": 2}', "json", "yaml").notes == [
        'Some objects repeat a key ("a"): the last value was kept.'
    ]


def test_lone_surrogate():
    # RFC 8259, section 8.2: "\ud800" alone parses but is not Unicode text.
    assert run('{"a": "\\ud800"}', "json", "json").result == '{\n  "a": "\\ud800"\n}'
    error = refused('{"a": "\\ud800"}', "json", "yaml")
    assert (
        error.message == "a: the text holds an unpaired surrogate U+D800 (from a \\u escape), which YAML cannot hold."
    )


# --- JSON API --------------------------------------------------------------------------------------------


async def test_api_converts(tool_client):
    body = {"input": "hr:  65\navg: 0.278\n", "source_format": "yaml", "target_format": "toml"}
    response = await tool_client.post("/api/convert", json=body)
    assert response.status_code == 200
    assert await response.get_json() == {
        "source_format": "yaml",
        "target_format": "toml",
        "detected": False,
        "result": "hr = 65\navg = 0.278\n",
        "notes": [],
    }


async def test_api_defaults_are_json_to_yaml(tool_client):
    response = await tool_client.post("/api/convert", json={"input": '{"a": [1]}'})
    assert (await response.get_json())["result"] == "a:\n- 1\n"


async def test_api_shape_error_names_the_target_format(tool_client):
    body = {"input": '{"a": null}', "source_format": "json", "target_format": "toml"}
    response = await tool_client.post("/api/convert", json=body)
    assert response.status_code == 422
    assert await response.get_json() == {
        "error": {
            "message": "a: the value is null, and TOML has no null: remove the key or give it a value.",
            "field": "target_format",
        }
    }


async def test_api_syntax_error_names_the_input(tool_client):
    body = {"input": "<a><b></a>", "source_format": "xml"}
    response = await tool_client.post("/api/convert", json=body)
    assert response.status_code == 422
    assert await response.get_json() == {
        "error": {"message": "Invalid XML at line 1, column 9: mismatched tag.", "field": "input"}
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "input"),
        ({"input": "{}", "source_format": "ini"}, "source_format"),
        ({"input": "{}", "target_format": "xlsx"}, "target_format"),
        ({"input": ["{}"]}, "input"),
    ],
)
async def test_api_schema_errors_name_the_field(tool_client, body, field):
    response = await tool_client.post("/api/convert", json=body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == field and field in error["message"]


async def test_api_oversize_input_states_the_limit(tool_client):
    response = await tool_client.post("/api/convert", json={"input": " " * (MAX_INPUT + 1)})
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["field"] == "input" and "1000000" in error["message"]


async def test_openapi_documents_the_convert_api(tool_client):
    spec = await (await tool_client.get("/api/openapi.json")).get_json()
    operation = spec["paths"]["/api/convert"]["post"]
    assert operation["summary"].startswith("Convert data between JSON, YAML, TOML, XML and CSV")
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert schema["properties"]["source_format"]["enum"] == ["auto", "json", "yaml", "toml", "xml", "csv"]


# --- page ------------------------------------------------------------------------------------------------


async def test_empty_page(tool_client):
    response = await tool_client.get("/tools/convert/")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'hx-post="/tools/convert/"' in page and 'hx-trigger="input delay:300ms, submit"' in page
    assert (
        '<option value="json" selected>JSON</option>' in page and '<option value="yaml" selected>YAML</option>' in page
    )
    assert "Example — JSON to YAML." in page and "style=" not in page
    assert '<code id="convert-result">name: mytools\nports:\n- 8000\n- 8001\ndebug: false\n</code>' in page


async def test_page_post_without_htmx_returns_the_whole_page(tool_client):
    form = urlencode({"input": '{"a": 1}', "source_format": "json", "target_format": "toml"})
    response = await tool_client.post("/tools/convert/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" in page
    assert result_of(page) == "a = 1\n"
    assert 'data-copy-target="convert-result"' in page
    assert "HX-Request" in response.headers.get("Vary", "")
    assert share_link(page) == "/tools/convert/?" + form


async def test_page_post_with_htmx_returns_only_the_result_and_notes(tool_client):
    form = urlencode({"input": "a,b\r\n1,2\r\n", "source_format": "csv", "target_format": "json"})
    response = await tool_client.post("/tools/convert/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in fragment
    assert result_of(fragment) == '[\n  {\n    "a": "1",\n    "b": "2"\n  }\n]'
    assert "<li>CSV has no types: every value is a string" in fragment


async def test_page_shape_error_is_shown_next_to_the_target_format(tool_client):
    form = urlencode({"input": "[1, 2]", "source_format": "json", "target_format": "toml"})
    response = await tool_client.post("/tools/convert/", data=form, headers={**FORM, **HTMX})
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 422
    oob = re.search(r'<div id="target_format-feedback" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and "TOML needs a table" in oob.group(1)
    assert '<div id="input-feedback" hx-swap-oob="true"></div>' in fragment


async def test_page_syntax_error_is_shown_next_to_the_input(tool_client):
    form = urlencode({"input": "a: [1", "source_format": "yaml", "target_format": "json"})
    response = await tool_client.post("/tools/convert/", data=form, headers=FORM)
    page = await response.get_data(as_text=True)
    assert response.status_code == 422
    message = re.search(r'<small class="field-error" id="input-error" role="alert">([^<]*)</small>', page)
    assert (
        message
        and html.unescape(message.group(1)) == "Invalid YAML at line 2, column 1: did not find expected ',' or ']'."
    )
    assert "a: [1</textarea>" in page


async def test_get_with_query_reproduces_the_result(tool_client):
    query = urlencode({"input": "<a><b>1</b></a>", "source_format": "xml", "target_format": "yaml"})
    response = await tool_client.get(f"/tools/convert/?{query}")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert result_of(page) == "a:\n  b: '1'\n"
    assert '<option value="xml" selected>XML</option>' in page
    assert share_link(page) == f"/tools/convert/?{query}"


async def test_tool_is_listed_on_the_home_page(tool_client):
    page = await (await tool_client.get("/?q=toml")).get_data(as_text=True)
    assert '<a href="/tools/convert/">Data converter</a>' in page
