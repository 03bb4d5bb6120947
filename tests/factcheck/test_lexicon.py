"""A pack's lexicon: loaded through the pack schema, errors naming file, line and field; any
pack may bring its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from zicha.actions.factchecking import fact_check
from zicha.domain.errors import InputError
from zicha.packs.loader import load_pack
from zicha.packs.registry import get_pack

PACK_TOML = '[pack]\nid = "mini"\nname = "小包"\n'


def folder(tmp_path: Path, lexicon: str) -> Path:
    path = tmp_path / "mini"
    path.mkdir()
    (path / "pack.toml").write_text(PACK_TOML, encoding="utf-8")
    (path / "lexicon.toml").write_text(lexicon, encoding="utf-8")
    return path


GOOD = """
[lexicon.terms.pupils]
name = "在校学生"
unit = "人"
labels = ["在校学生", "学生"]
[lexicon.terms.boarders]
name = "住校生"
unit = "人"
labels = ["住校生", "寄宿生"]
[lexicon.terms.day_pupils]
name = "走读生"
unit = "人"
labels = ["走读生"]
[lexicon.terms.boarding_rate]
name = "住校率"
unit = "%"
labels = ["住校率"]
[[lexicon.rates]]
rate = "boarding_rate"
numerator = "boarders"
denominator = "pupils"
factor = 100
maximum = 100
[[lexicon.partitions]]
whole = "pupils"
parts = ["boarders", "day_pupils"]
"""


def test_another_pack_brings_its_own_terms(tmp_path: Path) -> None:
    path = folder(tmp_path, GOOD)
    pack = load_pack(path)
    assert set(pack.lexicon.terms) == {"pupils", "boarders", "day_pupils", "boarding_rate"}
    result = fact_check(
        "全校在校学生1260人，其中住校生830人、走读生420人，住校率65.9%。", pack=str(path)
    )
    # 830 + 420 = 1250 ≠ 1260; 830 / 1260 = 65.87 % agrees with 65.9 %
    assert [(f.rule, f.severity) for f in result.findings] == [("partition_sum", "error")]
    assert "830 + 走读生 420 = 1250人" in result.findings[0].message


def test_the_builtin_lexicon_states_the_packs_indicators() -> None:
    pack = get_pack("family-planning")
    lexicon = pack.lexicon
    stated = {t.indicator for t in lexicon.terms.values() if t.indicator}
    assert stated <= set(pack.indicators)
    assert {"births", "birth_rate", "natural_growth_rate", "policy_birth_rate"} <= stated
    for rate in lexicon.rates:
        assert lexicon.terms[rate.rate].unit in ("%", "‰", ":100")


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        (GOOD.replace('unit = "%"', 'unit = "percent"'), "terms.boarding_rate.unit", "应为"),
        (GOOD.replace('"走读生"]', '"走读生", "学生"]'), "terms.day_pupils.labels", "已用于"),
        (GOOD.replace('"day_pupils"]', '"day_pupil"]'), "partitions[0].parts", "day_pupil"),
        (GOOD.replace('"boarders"\n', '"boarders +"\n'), "rates[0].numerator", "术语代码"),
        (
            GOOD + '[lexicon.terms.x]\nname = "X"\nunit = "人"\nlabels = ["X"]\nindicator = "no"\n',
            "terms.x.indicator",
            "未定义的指标",
        ),
    ],
)
def test_errors_name_file_line_and_field(tmp_path: Path, text: str, field: str, words: str) -> None:
    path = folder(tmp_path, text)
    with pytest.raises(InputError) as excinfo:
        load_pack(path)
    found = [str(p) for p in excinfo.value.problems]
    assert any("lexicon.toml" in p and field in p and words in p for p in found), found
