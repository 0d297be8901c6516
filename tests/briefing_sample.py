"""A hand-made briefing (no warehouse needed) for the renderers' tests."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from briefings.model import Briefing, Chart, Masthead, Section, Table  # noqa: E402

MASTHEAD = Masthead(name="乌拉特前旗禁毒工作通报", number="第3期", recipients="各苏木镇（农牧场）禁毒办、旗禁毒委各成员单位：",
                    lead="现将2024年第三季度全旗毒情监测预警情况通报如下：", attachments=["案件统计"],
                    cc="抄送：旗委办公室、旗政府办公室、市禁毒办。", printer="乌拉特前旗禁毒委员会办公室",
                    printed_on="2024年10月8日印发")
EDITOR_NOTE = "（请结合本期情况补充下一步工作安排。）"


def sample_png(path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(4, 2.5))
    ax.bar(["Q1", "Q2", "Q3"], [3, 5, 4])
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def sample_briefing(tmp_path: Path, audience: str = "internal") -> Briefing:
    towns = Table(
        title="表1  各苏木镇吸毒人员情况",
        columns=["苏木镇", "现有吸毒人员", "失控人数", "见面核查率"],
        rows=[["乌拉山镇", "123", "2", "96.5%"], ["西小召镇", "<5", "0", "100.0%"], ["全旗", "1,234", "9", "97.1%"]],
        note="注：全旗以下单元格中 1～4 的人数以“<5”表示。",
        total_row=True,
    )
    chart = Chart(title="图1  全旗污水中甲基苯丙胺负荷（季度均值）",
                  draw=lambda: sample_png(tmp_path / "chart.png"),
                  note="单位：毫克/千人/天")
    sections = [
        Section("一、总体毒情", paragraphs=["2024年第三季度，全旗现有吸毒人员1,234名，同比下降3.2%。",
                                        "共破获毒品刑事案件12起，同比上升20.0%。"],
                subsections=[Section("（一）污水监测", paragraphs=["甲基苯丙胺负荷同比下降。"], charts=[chart])]),
        Section("二、主要特点", paragraphs=["新发现吸毒人员持续减少。"]),
        Section("三、各苏木镇情况", paragraphs=["各苏木镇情况见表1。"], tables=[towns]),
        Section("四、存在问题", paragraphs=["个别苏木镇见面核查率偏低。"]),
        Section("五、下一步工作", paragraphs=["1.加强重点人员毛发检测。"], editor_note=EDITOR_NOTE),
    ]
    annex = [Table(title="附表1  案件统计", columns=["季度", "案件数"], rows=[["2024年第3季度", "12"]])]
    return Briefing(
        title="乌拉特前旗2024年第三季度毒情通报", issuer="乌拉特前旗禁毒委员会办公室", date_text="2024年10月8日",
        period="2024Q3", audience=audience, lang="zh",
        marking="内部资料　注意保存" if audience == "internal" else None,
        sections=sections, annex=annex,
        footnotes=["数据截至2024年9月30日；仓库版本 20241008T000000Z-abc123。",
                   "字体：本机未安装方正小标宋简体、仿宋_GB2312，以 Noto Serif CJK SC 代替。"],
        version="20241008T000000Z-abc123", masthead=MASTHEAD,
    )
