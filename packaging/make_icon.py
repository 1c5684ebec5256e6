"""Draw the program's icon: resources/icons/casusregister.png and .ico.

    QT_QPA_PLATFORM=offscreen python packaging/make_icon.py

Drawn with QPainter so no image editor is needed to change it: a dark blue card (the
Rijkshuisstijl's blue) with a white folder and a check mark. The .ico holds 16 to 256
pixels for Windows Explorer and the taskbar; PyInstaller puts it into the .exe. The
results are committed; run this again only to change the drawing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

OUT = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#154273"))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 40 * s, 40 * s)
    folder = QPainterPath()
    folder.moveTo(48 * s, 76 * s)
    folder.lineTo(108 * s, 76 * s)
    folder.lineTo(124 * s, 94 * s)
    folder.lineTo(208 * s, 94 * s)
    folder.lineTo(208 * s, 192 * s)
    folder.lineTo(48 * s, 192 * s)
    folder.closeSubpath()
    p.setBrush(QColor("#ffffff"))
    p.drawPath(folder)
    pen = QPen(QColor("#154273"), max(2.0, 20 * s))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    check = QPainterPath(QPointF(92 * s, 144 * s))
    check.lineTo(118 * s, 168 * s)
    check.lineTo(166 * s, 116 * s)
    p.drawPath(check)
    p.end()
    return img


def ico_bytes(images: list[QImage]) -> bytes:
    """An ICO with PNG entries (Windows Vista and later read them at every size)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    pngs = []
    for img in images:
        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        img.save(buf, "PNG")
        pngs.append(bytes(data.data()))
    header = (0).to_bytes(2, "little") + (1).to_bytes(2, "little") + \
        len(images).to_bytes(2, "little")
    offset = 6 + 16 * len(images)
    entries = b""
    for img, png in zip(images, pngs, strict=True):
        side = img.width() if img.width() < 256 else 0  # 0 means 256
        entries += bytes([side, side, 0, 0]) + (1).to_bytes(2, "little") + \
            (32).to_bytes(2, "little") + len(png).to_bytes(4, "little") + \
            offset.to_bytes(4, "little")
        offset += len(png)
    return header + entries + b"".join(pngs)


def main() -> int:
    QGuiApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    images = [draw(n) for n in SIZES]
    images[-1].save(str(OUT / "casusregister.png"))
    (OUT / "casusregister.ico").write_bytes(ico_bytes(images))
    print(f"{OUT / 'casusregister.png'}, {OUT / 'casusregister.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
