"""The Windows version resource of both executables, made from ``app.__version__``.

PyInstaller reads a version resource from a text file holding a ``VSVersionInfo(...)``
expression (the form ``pyi-grab_version`` prints). Writing it from the package version
at build time means Explorer's "Details" tab never shows a stale number. The classes
live in ``PyInstaller.utils.win32.versioninfo``, which imports ``pefile`` (installed
with PyInstaller on Windows only), so the text is written here without them.
"""

from __future__ import annotations

import re
from pathlib import Path

COMPANY = "Ministerie van Financiën – Belangenbehartiger Belastingplichtigen en " \
    "Toeslaggerechtigden"
PRODUCT = "Casusregister"


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """'0.1.0' -> (0, 1, 0, 0): the four numbers a version resource holds."""
    numbers = [int(n) for n in re.findall(r"\d+", version)[:4]]
    numbers += [0] * (4 - len(numbers))
    return numbers[0], numbers[1], numbers[2], numbers[3]


def version_info_text(version: str, *, name: str, description: str) -> str:
    v = version_tuple(version)
    strings = {
        "CompanyName": COMPANY,
        "FileDescription": description,
        "FileVersion": version,
        "InternalName": name,
        "LegalCopyright": "EUPL-1.2",
        "OriginalFilename": f"{name}.exe",
        "ProductName": PRODUCT,
        "ProductVersion": version,
    }
    table = ",\n".join(f"          StringStruct({k!r}, {val!r})" for k, val in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={v}, prodvers={v}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([
      StringTable('041304b0', [
{table}
      ])
    ]),
    VarFileInfo([VarStruct('Translation', [0x0413, 1200])])
  ]
)
"""


def write_version_file(folder: Path, version: str, *, name: str, description: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"version-{name}.txt"
    path.write_text(version_info_text(version, name=name, description=description),
                    encoding="utf-8")
    return path
