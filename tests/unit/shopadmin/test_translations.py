"""The zh-Hans catalog (locale/zh_Hans/LC_MESSAGES/django.po): complete, well formed, compiled, and in use.

After adding or changing a translatable string, run ``bin/messages`` (``make messages``), translate the new
entries in the .po and run it again: it re-extracts the strings and recompiles the committed .mo.
"""

import gettext
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import translation

from channels_sync.forms import SetDeliveryForm
from channels_sync.models import Shop, SyncJob
from channels_sync.platforms.channels.product_rules import title_errors as channels_title_errors
from products.fields import YuanFormField
from products.models import FreightTemplate, Product, Sku
from tests.conftest import skip_unless_ci

PROJECT_DIR = Path(settings.BASE_DIR)
MESSAGES_DIR = PROJECT_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = MESSAGES_DIR / "django.po"
MO_PATH = MESSAGES_DIR / "django.mo"

# --- A small .po parser ------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One message of a .po/.pot file."""

    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # msgstr is msgstr[0]
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    def __str__(self) -> str:
        return repr(self.msgid if self.msgctxt is None else f"{self.msgctxt}|{self.msgid}")


PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
KEYWORD_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


def unquote(quoted: str) -> str:
    """The value of one quoted .po string, C escapes resolved."""
    if len(quoted) < 2 or not quoted.startswith('"') or not quoted.endswith('"'):
        raise ValueError(f"not a quoted string: {quoted}")
    return re.sub(r"\\(.)", lambda m: PO_ESCAPES.get(m.group(1), m.group(1)), quoted[1:-1])


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po/.pot file, header included (msgid "").

    Handles flag lines (``#, fuzzy, python-format``), other comments (``#.``, ``#:``, ``#|`` are skipped),
    obsolete entries (``#~``, returned with obsolete=True), msgctxt, msgid_plural, msgstr[N] and values
    continued over several quoted lines.
    """
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None  # what a continuation line appends to

    def finish() -> None:
        nonlocal current, target
        if current is not None and current.msgstr:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):
                continue  # the previous msgid of an obsolete fuzzy entry
        if not line:
            finish()
            continue
        if line.startswith("#"):
            # A comment after a complete entry starts the next one.
            if current is not None and current.msgstr:
                finish()
            if line.startswith("#,"):
                current = current or Entry()
                current.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"line {number}: a continuation outside an entry: {raw!r}")
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += unquote(line)
            else:
                setattr(current, name, getattr(current, name) + unquote(line))
            continue
        match = KEYWORD_LINE.match(line)
        if match is None:
            raise ValueError(f"line {number}: cannot parse {raw!r}")
        keyword, index, value = match.group(1), match.group(2), unquote(match.group(3))
        if keyword in ("msgctxt", "msgid") and current is not None and current.msgstr:
            finish()  # entries not separated by a blank line
        current = current or Entry()
        current.obsolete = current.obsolete or obsolete
        if keyword.startswith("msgstr"):
            position = int(index) if index is not None else 0
            current.msgstr[position] = value
            target = ("msgstr", position)
        else:
            setattr(current, keyword, value)
            target = (keyword, None)
    finish()
    return entries


def catalog_entries() -> list[Entry]:
    return [e for e in parse_po(PO_PATH.read_text(encoding="utf-8")) if not e.obsolete]


def header_fields(entries: list[Entry]) -> dict[str, str]:
    header = next(e for e in entries if e.is_header)
    lines = [line for line in header.msgstr[0].split("\n") if ":" in line]
    return {name.strip(): value.strip() for name, value in (line.split(":", 1) for line in lines)}


PRINTF_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]")
BRACE_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def placeholders(entry: Entry, text: str) -> set[str]:
    found: set[str] = set()
    if "python-format" in entry.flags:
        found |= {m.group(0) for m in PRINTF_PLACEHOLDER.finditer(text) if m.group(0) != "%%"}
    if "python-brace-format" in entry.flags:
        found |= set(BRACE_PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))
    return found


def expected_gnu_catalog(entries: list[Entry]) -> dict:
    """What gettext.GNUTranslations reads from a .mo that msgfmt compiled from these entries: the translated,
    non-fuzzy ones; a context is joined to its msgid with EOT; plural forms are keyed (msgid, index)."""
    catalog: dict = {}
    for entry in entries:
        if entry.obsolete or ("fuzzy" in entry.flags and not entry.is_header) or not any(entry.msgstr.values()):
            continue
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.is_header:
            # msgfmt leaves POT-Creation-Date out of the .mo, so a re-extraction alone needs no recompiling.
            catalog[""] = re.sub(r"^POT-Creation-Date:.*\n", "", entry.msgstr[0], flags=re.M)
        elif entry.msgid_plural is None:
            catalog[msgid] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                catalog[(msgid, index)] = text
    return catalog


def load_mo(path: Path) -> dict:
    with path.open("rb") as fp:
        return dict(gettext.GNUTranslations(fp)._catalog)


def test_parser_reads_multiline_plural_context_and_flags():
    entries = parse_po(
        "\n".join(
            [
                'msgid ""',
                'msgstr ""',
                '"Language: zh_Hans\\n"',
                "",
                "#. a comment",
                "#, fuzzy, python-format",
                '#| msgid "old"',
                'msgctxt "menu"',
                'msgid ""',
                '"Two \\"quoted\\" "',
                '"lines %(n)d"',
                'msgid_plural "Many %(n)d"',
                'msgstr[0] "一"',
                'msgstr[1] ""',
                '"二"',
                "",
                '#~| msgid "older"',
                '#~ msgid "gone"',
                '#~ msgstr "没了"',
            ]
        )
    )
    assert [e.is_header for e in entries] == [True, False, False]
    header, entry, gone = entries
    assert header.msgstr == {0: "Language: zh_Hans\n"}
    assert entry.msgctxt == "menu"
    assert entry.msgid == 'Two "quoted" lines %(n)d'
    assert entry.msgid_plural == "Many %(n)d"
    assert entry.msgstr == {0: "一", 1: "二"}
    assert entry.flags == {"fuzzy", "python-format"}
    assert placeholders(entry, entry.msgid) == {"%(n)d"}
    assert gone.obsolete
    assert (gone.msgid, gone.msgstr) == ("gone", {0: "没了"})


# --- The catalog itself ------------------------------------------------------------------------------------


def test_header_declares_zh_hans_utf8_and_one_plural_form():
    fields = header_fields(catalog_entries())
    assert fields["Language"] == "zh_Hans"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


def test_no_entry_is_fuzzy():
    fuzzy = [str(e) for e in catalog_entries() if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries (check the translation, then remove the flag): {fuzzy}"


def test_every_entry_is_translated_with_one_plural_form():
    entries = [e for e in catalog_entries() if not e.is_header]
    assert len(entries) > 100
    untranslated = [str(e) for e in entries if not e.msgstr or not all(e.msgstr.values())]
    assert not untranslated, f"entries without a translation: {untranslated}"
    wrong_forms = [str(e) for e in entries if e.msgid_plural is not None and sorted(e.msgstr) != [0]]
    assert not wrong_forms, f"zh has one plural form: only msgstr[0] — {wrong_forms}"


def test_translations_keep_every_placeholder():
    problems = []
    for entry in catalog_entries():
        if entry.is_header:
            continue
        wanted = placeholders(entry, entry.msgid) | placeholders(entry, entry.msgid_plural or "")
        for index, text in entry.msgstr.items():
            found = placeholders(entry, text)
            if found != wanted:
                problems.append(f"{entry} msgstr[{index}]: expected {sorted(wanted)}, found {sorted(found)}")
    assert not problems, "\n".join(problems)


def compile_with_msgfmt(output: Path) -> bool:
    """Compile django.po into ``output`` as compilemessages does; False when GNU gettext is not installed."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return False
    completed = subprocess.run(
        [msgfmt, "--check-format", "--check-header", "-o", str(output), str(PO_PATH)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, f"msgfmt refuses django.po:\n{completed.stderr}"
    return True


def test_committed_mo_matches_the_po(tmp_path):
    assert MO_PATH.exists(), f"{MO_PATH.relative_to(PROJECT_DIR)} is missing: run bin/messages"
    committed = load_mo(MO_PATH)
    stale = "the committed django.mo does not match django.po: run bin/messages (or compilemessages -l zh_Hans)"
    # Always possible, even without GNU gettext: the .mo holds exactly the .po's translations.
    assert committed == expected_gnu_catalog(catalog_entries()), stale
    assert committed["Simplified Chinese"] == "简体中文"
    if compile_with_msgfmt(tmp_path / "django.mo"):
        assert load_mo(tmp_path / "django.mo") == committed, stale


# --- The catalog in use ------------------------------------------------------------------------------------


def test_key_strings_come_out_in_chinese():
    with translation.override("zh-hans"):
        assert str(Product._meta.verbose_name_plural) == "商品"
        assert str(Sku._meta.get_field("original_price").verbose_name) == "原价"
        assert str(SyncJob._meta.verbose_name_plural) == "同步任务"
        assert str(SyncJob.State.FAILED.label) == "失败"
        assert str(Shop._meta.verbose_name) == "店铺"
        assert str(FreightTemplate._meta.verbose_name_plural) == "运费模板"
        assert str(apps.get_app_config("channels_sync").verbose_name) == "平台同步"
    with translation.override("en"):
        assert str(Product._meta.verbose_name_plural) == "products"


def test_form_errors_render_in_chinese():
    class PriceForm(forms.Form):
        price = YuanFormField()

    with translation.override("zh-hans"):
        delivery = SetDeliveryForm(data={"need_delivery": "on", "company": "", "track_no": " "})
        assert not delivery.is_valid()
        rendered = str(delivery["track_no"].errors)
        assert 'class="errorlist' in rendered
        assert "请输入运单号。" in rendered
        assert "请选择快递公司。" in delivery.render()
        assert "运单号" in delivery["track_no"].label_tag()

        price = PriceForm(data={"price": "abc"})
        assert not price.is_valid()
        assert "请输入以元为单位的金额，例如 12.50。" in str(price.errors["price"])

        # A message with placeholders, interpolated after translation.
        assert channels_title_errors({"title": "短标题"})["title"] == ["标题长度须为 5 到 60 个字符（当前 3 个）。"]


# --- Completeness: every string of the Python sources is in the catalog ---------------------------------

# The same keywords as makemessages (xgettext's Python defaults cover gettext, ngettext and _ too).
XGETTEXT_KEYWORDS = [
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext:1,2",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "pgettext_lazy:1c,2",
    "npgettext:1c,2,3",
    "npgettext_lazy:1c,2,3",
]
# What bin/messages leaves out (--ignore), plus migrations, whose strings are never wrapped for translation.
EXCLUDED_DIR_NAMES = {"tests", "migrations", "__pycache__", "node_modules"}
EXCLUDED_PATHS = {Path(".venv"), Path("var"), Path("sandbox")}


def python_sources() -> list[str]:
    sources = []
    for directory, subdirectories, files in os.walk(PROJECT_DIR):
        relative = Path(directory).relative_to(PROJECT_DIR)
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if not name.startswith(".") and name not in EXCLUDED_DIR_NAMES and relative / name not in EXCLUDED_PATHS
        )
        sources.extend(str(relative / name) for name in sorted(files) if name.endswith(".py"))
    return sources


def test_every_source_string_is_in_the_catalog(tmp_path):
    xgettext = shutil.which("xgettext")
    if xgettext is None:
        skip_unless_ci("xgettext (GNU gettext) is not installed")
    sources = python_sources()
    assert "products/models/products.py" in sources
    assert not [s for s in sources if s.startswith(("tests/", ".venv/", "var/", "sandbox/"))]
    file_list = tmp_path / "files.txt"
    file_list.write_text("\n".join(sources) + "\n", encoding="utf-8")
    pot = tmp_path / "sources.pot"
    completed = subprocess.run(
        [
            xgettext,
            "--language=Python",
            "--from-code=UTF-8",
            "--no-location",
            "--force-po",
            f"--output={pot}",
            f"--files-from={file_list}",
            *(f"--keyword={keyword}" for keyword in XGETTEXT_KEYWORDS),
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0, f"xgettext failed:\n{completed.stderr}"
    extracted = [e for e in parse_po(pot.read_text(encoding="utf-8")) if not e.is_header]
    assert len(extracted) > 100, "xgettext found almost nothing: are the keywords right?"

    catalog = {e.key: e for e in catalog_entries()}
    missing = sorted(str(e) for e in extracted if e.key not in catalog)
    assert not missing, (
        f"{len(missing)} source string(s) missing from {PO_PATH.relative_to(PROJECT_DIR)}; run bin/messages, "
        "translate the new entries and run it again:\n  " + "\n  ".join(missing)
    )
    not_plural = sorted(str(e) for e in extracted if e.msgid_plural and catalog[e.key].msgid_plural is None)
    assert not not_plural, f"plural in the sources, singular in the catalog: {not_plural}"
