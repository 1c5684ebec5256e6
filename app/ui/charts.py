"""Small charts drawn with QPainter: a bar chart and a line chart.

QtCharts is not part of PySide6-Essentials (docs/PLATFORM.md), and the dashboard needs only a
few plain charts, so they are drawn here: axes with rounded ticks, category labels, a
value on every bar, a legend when there is more than one series.

Accessibility: a chart never relies on colour alone. Series differ in lightness *and*
in fill pattern (solid, hatched), so they stay apart when printed in grayscale. Every
chart has an accessible name, a text alternative (its tooltip and accessible
description list every value), takes keyboard focus, and with the arrow keys steps
through its points, naming each one in a caption under the plot.

The data a chart shows is kept as plain tuples (``categories``, ``series``) so tests
can check what it was given without reading pixels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.model.nlformat import number
from app.ui import style

# The charts' colours live with the rest of the look (app/ui/style.py).
TEXT, MUTED, GRID, AXIS, FOCUS = (style.CHART_TEXT, style.CHART_MUTED, style.CHART_GRID,
                                  style.CHART_AXIS, style.CHART_FOCUS)
SERIES_STYLES = style.CHART_SERIES

Number = int | float


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category."""

    name: str
    values: tuple[Number, ...]


def format_number(value: Number) -> str:
    """Dutch notation (``nlformat``): 1.234 and 12,5; a chart shows at most one decimal."""
    if isinstance(value, float) and not value.is_integer():
        return number(value, 1)
    return number(int(value))


def nice_scale(maximum: float, ticks: int = 4) -> tuple[float, float]:
    """A rounded top and step for an axis from 0 to at least ``maximum``."""
    if maximum <= 0:
        return 1.0, 1.0
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude
    for factor in (1, 2, 5, 10):
        step = factor * magnitude
        if raw <= step:
            break
    step = max(step, 1.0)  # counts: never a step below one
    top = math.ceil(maximum / step) * step
    return float(top), float(step)


def _fill(painter: QPainter, rect: QRectF, index: int) -> None:
    base, ink, pattern = SERIES_STYLES[index % len(SERIES_STYLES)]
    painter.fillRect(rect, base)
    if pattern != Qt.BrushStyle.SolidPattern:
        painter.fillRect(rect, QBrush(ink, pattern))
        painter.setPen(QPen(ink, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))


class Chart(QWidget):
    """What both charts share: data, title, text alternative, keyboard stepping."""

    def __init__(self, title: str, parent: QWidget | None = None, *,
                 x_title: str = "", empty_text: str = "Geen gegevens") -> None:
        super().__init__(parent)
        self.title = title
        self.x_title = x_title
        self.empty_text = empty_text
        self.categories: tuple[str, ...] = ()
        self.descriptions: tuple[str, ...] = ()  # longer category names for the text
        self.series: tuple[Series, ...] = ()
        self.current = -1  # the category stepped to with the arrow keys
        self.setAccessibleName(title)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(260, 200)
        self._plot = QRectF()

    # ------------------------------------------------------------------ data

    def set_data(self, categories: Sequence[str], series: Sequence[Series], *,
                 descriptions: Sequence[str] | None = None) -> None:
        """Show ``series`` over ``categories`` (short axis labels); ``descriptions``
        are the categories in full words, for the text alternative."""
        cats = tuple(categories)
        for s in series:
            if len(s.values) != len(cats):
                raise ValueError(f"series {s.name!r} has {len(s.values)} values for "
                                 f"{len(cats)} categories")
        longer = tuple(descriptions) if descriptions is not None else cats
        if len(longer) != len(cats):
            raise ValueError("one description per category")
        self.categories = cats
        self.descriptions = longer
        self.series = tuple(series)
        self.current = -1 if not cats else min(self.current, len(cats) - 1)
        self._describe()
        self.update()

    def clear(self) -> None:
        """Forget every value (the lock)."""
        self.categories = ()
        self.descriptions = ()
        self.series = ()
        self.current = -1
        self._describe()
        self.update()

    def values(self, name: str) -> tuple[Number, ...]:
        for s in self.series:
            if s.name == name:
                return s.values
        raise KeyError(name)

    @property
    def has_data(self) -> bool:
        return bool(self.categories and self.series)

    def point_text(self, index: int) -> str:
        """One category in words: "week 12: 4" or "0-4 weken: zonder escalatie 3, ..."."""
        label = self.descriptions[index]
        if self.x_title:
            label = f"{self.x_title} {label}"
        if len(self.series) == 1:
            return f"{label}: {format_number(self.series[0].values[index])}"
        parts = [f"{s.name} {format_number(s.values[index])}" for s in self.series]
        return f"{label}: " + ", ".join(parts)

    def text_alternative(self) -> str:
        """Every value in words (tooltip and accessible description)."""
        if not self.has_data:
            return f"{self.title}: {self.empty_text.lower()}."
        return f"{self.title}. " + "; ".join(
            self.point_text(i) for i in range(len(self.categories))) + "."

    def _describe(self) -> None:
        text = self.text_alternative()
        self.setAccessibleDescription(text)
        self.setToolTip(text)

    def _max_value(self) -> float:
        return max((float(v) for s in self.series for v in s.values), default=0.0)

    # ------------------------------------------------------------------ keyboard

    def keyPressEvent(self, event: QKeyEvent) -> None:
        n = len(self.categories)
        key = event.key()
        if n and key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End):
            if key == Qt.Key.Key_Home:
                self.current = 0
            elif key == Qt.Key.Key_End:
                self.current = n - 1
            elif self.current < 0:
                self.current = 0 if key == Qt.Key.Key_Right else n - 1
            else:
                step = 1 if key == Qt.Key.Key_Right else -1
                self.current = max(0, min(n - 1, self.current + step))
            self.setAccessibleDescription(self.point_text(self.current))
            self.update()
            event.accept()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.current = -1
        self.setAccessibleDescription(self.text_alternative())
        self.update()
        super().focusOutEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusInEvent(event)

    # ------------------------------------------------------------------ tooltips

    def index_at(self, x: float) -> int:
        """The category under horizontal position ``x`` (or -1)."""
        n = len(self.categories)
        if not n or not self._plot.isValid():
            return -1
        if x < self._plot.left() or x > self._plot.right():
            return -1
        return self._index_at(x, n)

    def _index_at(self, x: float, n: int) -> int:
        width = self._plot.width() / n
        return min(n - 1, int((x - self._plot.left()) / width))

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            i = self.index_at(e.pos().x())
            text = self.point_text(i) if i >= 0 and self.has_data else self.text_alternative()
            QToolTip.showText(e.globalPos(), text, self)
            return True
        return super().event(e)

    # ------------------------------------------------------------------ painting

    def sizeHint(self) -> QSize:
        return QSize(360, 240)

    def _small_font(self) -> QFont:
        f = QFont(self.font())
        f.setPointSizeF(max(7.0, f.pointSizeF() - 1))
        return f

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.fillRect(rect, QColor("white"))
        title_font = QFont(self.font())
        title_font.setBold(True)
        tfm = QFontMetrics(title_font)
        p.setFont(title_font)
        p.setPen(TEXT)
        inner = rect.adjusted(12, 8, -12, -8)
        title_rect = QRectF(inner.left(), inner.top(), inner.width(), tfm.height())
        p.drawText(title_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                   tfm.elidedText(self.title, Qt.TextElideMode.ElideRight, int(inner.width())))
        top = title_rect.bottom() + 6
        small = self._small_font()
        sfm = QFontMetrics(small)
        p.setFont(small)
        if len(self.series) > 1:
            top = self._legend(p, QRectF(inner.left(), top, inner.width(), sfm.height()),
                               sfm) + 6
        caption_h = sfm.height() + 4
        body = QRectF(inner.left(), top, inner.width(), inner.bottom() - top - caption_h)
        if not self.has_data:
            self._plot = QRectF()
            p.setPen(MUTED)
            p.drawText(body, int(Qt.AlignmentFlag.AlignCenter), self.empty_text)
        else:
            self._draw_body(p, body, sfm)
            caption = QRectF(inner.left(), inner.bottom() - sfm.height(), inner.width(),
                             sfm.height())
            p.setFont(small)
            if self.current >= 0:
                p.setPen(TEXT)
                p.drawText(caption, int(Qt.AlignmentFlag.AlignLeft), sfm.elidedText(
                    self.point_text(self.current), Qt.TextElideMode.ElideRight,
                    int(caption.width())))
            elif self.hasFocus():
                p.setPen(MUTED)
                p.drawText(caption, int(Qt.AlignmentFlag.AlignLeft), sfm.elidedText(
                    "Pijltjestoetsen: waarden één voor één", Qt.TextElideMode.ElideRight,
                    int(caption.width())))
        if self.hasFocus():
            p.setPen(QPen(FOCUS, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(rect.adjusted(1, 1, -1, -1))
        p.end()

    def _legend(self, p: QPainter, row: QRectF, fm: QFontMetrics) -> float:
        x = row.left()
        box = fm.height() - 4
        for i, s in enumerate(self.series):
            swatch = QRectF(x, row.top() + 2, box, box)
            _fill(p, swatch, i)
            p.setPen(TEXT)
            x += box + 5
            width = fm.horizontalAdvance(s.name)
            p.drawText(QRectF(x, row.top(), width + 2, row.height()),
                       int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), s.name)
            x += width + 16
        return row.bottom()

    def _axes(self, p: QPainter, body: QRectF, fm: QFontMetrics, label_h: float
              ) -> tuple[QRectF, float]:
        """Y axis with gridlines; returns the plot area and the axis top value."""
        top_value, step = nice_scale(self._max_value())
        labels = []
        v = 0.0
        while v <= top_value + 1e-9:
            labels.append(v)
            v += step
        y_w = max(fm.horizontalAdvance(format_number(int(t))) for t in labels) + 8
        value_h = fm.height() + 2  # room above the highest bar for its value
        plot = QRectF(body.left() + y_w, body.top() + value_h, body.width() - y_w,
                      body.height() - value_h - label_h)
        self._plot = plot
        for t in labels:
            y = plot.bottom() - plot.height() * t / top_value
            p.setPen(QPen(GRID if t else AXIS, 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(MUTED)
            p.drawText(QRectF(body.left(), y - fm.height() / 2, y_w - 6, fm.height()),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                       format_number(int(t)))
        return plot, top_value

    def _draw_body(self, p: QPainter, body: QRectF, fm: QFontMetrics) -> None:
        raise NotImplementedError


class BarChart(Chart):
    """Vertical bars per category, one bar per series side by side, values on top."""

    def _draw_body(self, p: QPainter, body: QRectF, fm: QFontMetrics) -> None:
        n = len(self.categories)
        label_h = fm.height() + 4
        plot, top_value = self._axes(p, body, fm, label_h)
        group_w = plot.width() / n
        k = len(self.series)
        bar_w = min(group_w * 0.72 / k, 56.0)
        for i, cat in enumerate(self.categories):
            left = plot.left() + group_w * i + (group_w - bar_w * k) / 2
            if i == self.current:
                p.fillRect(QRectF(plot.left() + group_w * i, plot.top(), group_w,
                                  plot.height()), style.CHART_CURRENT)
            for j, s in enumerate(self.series):
                value = float(s.values[i])
                h = plot.height() * value / top_value
                bar = QRectF(left + j * bar_w, plot.bottom() - h, bar_w - 2, h)
                if h > 0:
                    _fill(p, bar, j)
                p.setPen(TEXT)
                p.drawText(QRectF(bar.left() - 10, bar.top() - fm.height() - 1,
                                  bar.width() + 20, fm.height()),
                           int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                           format_number(s.values[i]))
            p.setPen(TEXT if i == self.current else MUTED)
            p.drawText(QRectF(plot.left() + group_w * i, plot.bottom() + 3, group_w, label_h),
                       int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                       fm.elidedText(cat, Qt.TextElideMode.ElideRight, int(group_w) - 2))


class LineChart(Chart):
    """One line over many categories (weeks): labels on the peak and the last point."""

    def _x(self, i: int, n: int) -> float:
        if n == 1:
            return self._plot.center().x()
        return self._plot.left() + self._plot.width() * i / (n - 1)

    def _index_at(self, x: float, n: int) -> int:
        if n == 1:
            return 0
        return max(0, min(n - 1, round((x - self._plot.left()) / self._plot.width()
                                       * (n - 1))))

    def _draw_body(self, p: QPainter, body: QRectF, fm: QFontMetrics) -> None:
        n = len(self.categories)
        label_h = fm.height() + 4 + (fm.height() if self.x_title else 0)
        plot, top_value = self._axes(p, body, fm, label_h)
        # leave half a label's room on the right so the last value label fits
        pad = fm.horizontalAdvance("000") / 2
        plot.setRight(plot.right() - pad)
        self._plot = plot
        # x labels: as many as fit without overlapping
        widest = max(fm.horizontalAdvance(c) for c in self.categories) + 10
        spacing = plot.width() / max(1, n - 1)
        every = max(1, math.ceil(widest / spacing)) if n > 1 else 1
        for nice in (1, 2, 4, 5, 10, 13, 26):
            if nice >= every:
                every = nice
                break
        p.setPen(MUTED)
        for i, cat in enumerate(self.categories):
            if i % every and i != n - 1:
                continue
            if i != n - 1 and n - 1 - i < every and (n - 1) % every:
                continue  # would collide with the last label
            x = self._x(i, n)
            p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3))
            p.drawText(QRectF(x - widest / 2, plot.bottom() + 3, widest, fm.height()),
                       int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), cat)
        if self.x_title:
            p.drawText(QRectF(plot.left(), plot.bottom() + 3 + fm.height(), plot.width(),
                              fm.height()), int(Qt.AlignmentFlag.AlignHCenter), self.x_title)
        for j, s in enumerate(self.series):
            points = [QPointF(self._x(i, n), plot.bottom() - plot.height()
                              * float(v) / top_value) for i, v in enumerate(s.values)]
            base, ink, pattern = SERIES_STYLES[j % len(SERIES_STYLES)]
            if j == 0:  # a light area under the first line
                area = QPainterPath()
                area.addPolygon(QPolygonF([QPointF(points[0].x(), plot.bottom()), *points,
                                           QPointF(points[-1].x(), plot.bottom())]))
                p.fillPath(area, QColor(1, 104, 155, 28))
            pen = QPen(base if pattern == Qt.BrushStyle.SolidPattern else ink, 2)
            if j:
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawPolyline(QPolygonF(points))
            p.setBrush(QColor("white"))
            radius = 2.5 if n > 30 else 3.5
            for pt in points:
                p.drawEllipse(pt, radius, radius)
            # value labels: the (first) peak and the last point
            peak = max(range(n), key=lambda i: (float(s.values[i]), -i))
            for i in sorted({peak, n - 1, *([self.current] if self.current >= 0 else [])}):
                pt = points[i]
                text = format_number(s.values[i])
                w = fm.horizontalAdvance(text) + 6
                p.setPen(TEXT)
                p.drawText(QRectF(pt.x() - w / 2, pt.y() - fm.height() - 3, w, fm.height()),
                           int(Qt.AlignmentFlag.AlignCenter), text)
        if 0 <= self.current < n:
            x = self._x(self.current, n)
            p.setPen(QPen(FOCUS, 1, Qt.PenStyle.DotLine))
            p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))

