"""Safe file names for the agreements and their zip: property tests (the same names as the
reports': see tests/cli/test_files.py)."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from zicha.actions.files import safe_file_name

FORBIDDEN = set('\\/:*?"<>|') | {chr(c) for c in range(32)} | {"\x7f"}
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"{d}{i}" for d in ("COM", "LPT") for i in range(1, 10))}


@given(st.text(max_size=300))
def test_a_safe_name_has_no_forbidden_character_and_is_never_empty(name: str) -> None:
    safe = safe_file_name(name)
    assert safe
    assert not FORBIDDEN & set(safe)
    assert len(safe.encode("utf-8")) <= 255
    assert safe == safe.strip(" .")


@given(
    st.text(
        alphabet=st.characters(
            blacklist_characters="".join(FORBIDDEN) + " .",
            blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp", "Zs"),
        ),
        min_size=1,
        max_size=80,
    )
)
def test_a_name_that_is_already_safe_is_kept(name: str) -> None:
    import unicodedata

    assume(name.upper() not in RESERVED)
    assert safe_file_name(name) == unicodedata.normalize("NFC", name)


@given(st.text(min_size=200, max_size=400, alphabet="乡镇村甲乙"))
def test_a_long_name_keeps_its_extension(stem: str) -> None:
    safe = safe_file_name(stem + ".docx")
    # cut at 255 bytes: 83 characters of 3 bytes and the extension
    assert safe.endswith(".docx") and len(safe) == 83 + 5


def test_unit_names_with_separators() -> None:
    # what Windows forbids becomes its full-width twin, so the name still reads the same
    assert safe_file_name("510001-XX乡/东片:2010年度目标责任书.docx") == (
        "510001-XX乡／东片：2010年度目标责任书.docx"
    )
