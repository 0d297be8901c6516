"""What a briefing says, independent of its format: the renderers (`docx`, `html`, `pdf`) take a `Briefing`.

Every text is final display text in the briefing's language (numbers formatted, small counts already
suppressed for a public briefing): a renderer lays it out and adds nothing of its own but the layout.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class Table:
    title: str                      # "表1  各苏木镇吸毒人员情况"
    columns: list[str]
    rows: list[list[str]]           # display strings, one list per row, len == len(columns)
    note: str | None = None         # a line under the table (sources, suppression note)
    total_row: bool = False         # the last row is a total (set in bold)


@dataclass(frozen=True)
class Chart:
    title: str                      # "图1  全旗污水中主要毒品负荷（季度均值）"
    # writes the PNG (briefings.charts: 300 dpi, CJK font embedded) from figures already read
    draw: Callable[[], Path] = field(repr=False, compare=False)
    note: str | None = None

    @cached_property
    def png(self) -> Path:
        """The picture, drawn when a renderer first embeds it: a briefing read only for its text (the page's
        preview, most tests) draws none, and the DOCX, PDF and HTML of one briefing share one."""
        return self.draw()


@dataclass(frozen=True)
class Section:
    """A numbered part of the briefing. Level-1 headings read "一、…", level-2 "（一）…"."""

    heading: str                    # numbering included: "一、总体毒情" / "（一）污水监测"
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    subsections: list["Section"] = field(default_factory=list)
    editor_note: str | None = None  # a line asking the office to add its own text: in the DOCX only


@dataclass(frozen=True)
class Masthead:
    """版头 and 版记 of GB/T 9704-2012: who issues, which issue, to whom, and the imprint at the end."""

    name: str                       # red masthead: "乌拉特前旗禁毒工作通报"
    number: str                     # "第3期", counted per year from the archive
    recipients: str                 # 主送: "各苏木镇（农牧场）禁毒办、旗禁毒委各成员单位："
    lead: str                       # "现将2024年第三季度全旗毒情监测预警情况通报如下："
    attachments: list[str]          # 附件 list: the annex tables' titles
    cc: str                         # 版记 抄送 line
    printer: str                    # 版记: the office that issues it (left) …
    printed_on: str                 # … and the day (right): "2024年10月8日印发"

    @classmethod
    def of_office(cls, lang: str, *, number: str, lead: str, day: str, recipients: str | None = None,
                  attachments: list[str] | None = None) -> Masthead:
        """The office's 版头 and 版记 (settings `briefing_*` of `lang`) around one issue's own number, lead and day
        of issue; 主送 is `recipients` if given, else the office's (the colon added)."""
        import i18n

        office = office_settings(lang)
        zh = lang == "zh"
        colon = "：" if zh else ": "
        return cls(name=office["masthead"], number=number, recipients=(recipients or office["recipients"]) + colon,
                   lead=lead, attachments=attachments or [],
                   cc=i18n.t("brief.cc_label", lang) + colon + office["cc"] + ("。" if zh else "."),
                   printer=office["printer"], printed_on=i18n.t("brief.printed", lang, day=day))


def office_settings(lang: str) -> dict[str, str]:
    """The office's masthead, 主送 recipients, 抄送 and 印发机关 in `lang` (settings `briefing_*_zh|en`)."""
    import config

    zh = lang == "zh"
    office = {"masthead": config.get("briefing_masthead_zh") if zh else config.get("briefing_masthead_en"),
              "recipients": config.get("briefing_recipients_zh") if zh else config.get("briefing_recipients_en"),
              "cc": config.get("briefing_cc_zh") if zh else config.get("briefing_cc_en"),
              "printer": config.get("briefing_printer_zh") if zh else config.get("briefing_printer_en")}
    return {key: str(value).strip() for key, value in office.items()}


@dataclass(frozen=True)
class Briefing:
    title: str                      # "乌拉特前旗2024年第三季度毒情通报"
    issuer: str                     # "乌拉特前旗禁毒委员会办公室"
    date_text: str                  # date of issue in Arabic numerals: "2024年10月8日"
    period: str                     # "2024Q3" | "2024H1" | "2024"
    audience: str                   # "internal" | "public"
    lang: str                       # "zh" | "en"
    marking: str | None             # top-left marking, e.g. "内部资料　注意保存" (None for public)
    sections: list[Section]
    annex: list[Table]              # 附表
    footnotes: list[str]            # data as of, warehouse version, sources, suppression rule, font fallback
    version: str                    # warehouse version the figures come from
    masthead: Masthead | None = None
    as_of: str | None = None        # ISO day the figures are cut at, when the period ended before the data
