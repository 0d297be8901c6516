"""The fonts of an official document (GB/T 9704-2012) and what this machine has instead.

The official faces (方正小标宋, 仿宋_GB2312, 黑体, 楷体_GB2312) are rarely installed on Linux. Each role
falls back to a Noto CJK face that fontconfig sees, and the briefing's footnotes say which fell back. DOCX
files name the official face first (Word on the office's PCs has it); PDF and charts embed what is here.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import cache

# role → (official family names, in order of preference; fall-back families, in order of preference).
# 楷体 falls back to a 楷书 face (Debian fonts-arphic-ukai) so that （一） headings stay distinct from the body.
ROLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "title": (("方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK"), ("Noto Serif CJK SC",)),
    "body": (("仿宋_GB2312", "仿宋", "FangSong_GB2312", "FangSong"), ("Noto Serif CJK SC",)),
    "heading1": (("黑体", "SimHei"), ("Noto Sans CJK SC",)),
    "heading2": (("楷体_GB2312", "楷体", "KaiTi_GB2312", "KaiTi"), ("AR PL UKai CN", "LXGW WenKai", "Noto Serif CJK SC")),
}
# Chinese names of the fall-back faces, for a Chinese sentence that names them
ZH_NAMES = {"Noto Serif CJK SC": "思源宋体", "Noto Sans CJK SC": "思源黑体", "AR PL UKai CN": "文鼎中楷"}
LATIN = "Times New Roman"


@dataclass(frozen=True)
class Face:
    role: str
    official: str          # the face GB/T 9704 asks for (named in DOCX files)
    available: str | None  # the family to draw with on this machine (None: no CJK font at all)

    @property
    def fell_back(self) -> bool:
        return self.available != self.official


@cache
def installed_families() -> frozenset[str]:
    """Font families fontconfig knows (every name of each family), empty without fontconfig."""
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def face(role: str) -> Face:
    official, fallbacks = ROLES[role]
    have = installed_families()
    found = next((name for name in (*official, *fallbacks) if name in have), None)
    return Face(role, official[0], found)


def display_name(family: str | None, lang: str) -> str:
    """A family as a sentence in `lang` names it ("—" for none): Chinese text says 仿宋, not 仿宋_GB2312."""
    if family is None:
        return "—"
    return ZH_NAMES.get(family, family.split("_")[0]) if lang == "zh" else family


def faces() -> dict[str, Face]:
    return {role: face(role) for role in ROLES}


@cache
def font_file(family: str) -> str | None:
    """Path of the regular face of `family` (for matplotlib), or None."""
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", f"{family}:style=Regular"], capture_output=True,
                             text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return out or None
