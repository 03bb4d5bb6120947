"""Safe file names for the agreements and their zip: property tests."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from zicha.actions.files import safe_file_name

FORBIDDEN = set('\\/:*?"<>|') | {chr(c) for c in range(32)} | {"\x7f"}


@given(st.text(max_size=300))
def test_a_safe_name_has_no_forbidden_character_and_is_never_empty(name: str) -> None:
    safe = safe_file_name(name)
    assert safe
    assert not FORBIDDEN & set(safe)
    assert len(safe) <= 120
    assert safe == safe.strip(" .") or safe == "_"


@given(
    st.text(
        alphabet=st.characters(blacklist_characters="".join(FORBIDDEN) + " ."),
        min_size=1,
        max_size=100,
    )
)
def test_a_name_that_is_already_safe_is_kept(name: str) -> None:
    import unicodedata

    assert safe_file_name(name) == unicodedata.normalize("NFC", name)


@given(st.text(min_size=200, max_size=400, alphabet="乡镇村甲乙"))
def test_a_long_name_keeps_its_extension(stem: str) -> None:
    safe = safe_file_name(stem + ".docx")
    assert safe.endswith(".docx") and len(safe) == 120


def test_unit_names_with_separators() -> None:
    assert safe_file_name("510001-XX乡/东片:2010年度目标责任书.docx") == (
        "510001-XX乡_东片_2010年度目标责任书.docx"
    )
