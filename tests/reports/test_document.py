"""The neutral document model: validation and small helpers."""

from __future__ import annotations

import datetime

import pytest

from zicha.reports.document import (
    Attachment,
    Document,
    Figure,
    Heading,
    Paragraph,
    Table,
    format_date_cn,
    placeholder_text,
    signature_indent_chars,
    text_width_chars,
)


def test_format_date_cn_has_no_zero_padding() -> None:
    assert format_date_cn(datetime.date(2011, 3, 31)) == "2011年3月31日"
    assert format_date_cn(datetime.date(2024, 1, 5)) == "2024年1月5日"


def test_placeholder_text() -> None:
    assert placeholder_text("做法") == "【待填写：做法】"
    assert placeholder_text("【自定】") == "【自定】"


def test_widths_and_signature_indent() -> None:
    assert text_width_chars("中共XX乡委员会") == 7.0
    assert text_width_chars("2011年3月31日") == 6.5
    # the issuer is centred over the date, which stands 4 characters in
    assert signature_indent_chars("中共XX乡委员会", "2011年3月31日") == 3.75
    assert signature_indent_chars("很长很长很长很长很长很长的机关名称", "2024年1月1日") == 0.0
    assert signature_indent_chars("机关", "") == 4.0


def test_heading_levels() -> None:
    with pytest.raises(ValueError):
        Heading(5, "x")
    assert Heading(4, "（1）x").level == 4


def test_table_validation() -> None:
    Table(columns=("a", "b"), rows=(("1", "2"),), marks=((None, "bad"),))
    with pytest.raises(ValueError, match="cells"):
        Table(columns=("a", "b"), rows=(("1",),))
    with pytest.raises(ValueError, match="mark"):
        Table(columns=("a",), rows=(("1",),), marks=(("great",),))
    with pytest.raises(ValueError, match="alignment"):
        Table(columns=("a",), rows=(("1",),), align=("middle",))
    t = Table(columns=("a", "b"), rows=(("1", "2"),))
    assert (t.column_align(0), t.column_align(1)) == ("left", "center")
    assert t.mark(0, 1) is None


def test_figure_needs_png() -> None:
    with pytest.raises(ValueError, match="PNG"):
        Figure(b"GIF89a", "x")


def test_attachment_labels() -> None:
    one = Document("t", None, (), None, None, attachments=(Attachment("甲", ()),))
    assert one.attachment_label(0) == "附件"
    two = Document(
        "t", None, (Paragraph("x"),), None, None, attachments=(Attachment("甲", ()),) * 2
    )
    assert [two.attachment_label(i) for i in range(2)] == ["附件1", "附件2"]


def test_model_is_frozen() -> None:
    p = Paragraph("x")
    with pytest.raises(AttributeError):
        p.text = "y"  # type: ignore[misc]
