import Foundation

/// Charts drawn by the server as inline SVG: no script, readable by screen readers (`role="img"`
/// with a label and a `<title>`), and scaled to the width of the page.
enum SVGChart {
    /// A bar chart of `values`, one bar per value, with the first and last labels under the axis.
    static func bars(_ values: [Double], labels: [String], title: String, unit: String = "", height: Int = 120) -> String {
        let width = 1000
        let top = values.max() ?? 0
        let scale = top > 0 ? Double(height - 20) / top : 0
        let step = values.isEmpty ? 0 : Double(width) / Double(values.count)
        var bars = ""
        for (index, value) in values.enumerated() {
            let barHeight = max(value * scale, value > 0 ? 1 : 0)
            let x = Double(index) * step
            let label = index < labels.count ? labels[index] : ""
            let barWidth = min(max(step * 0.8, 1), 120)
            bars += #"<rect x="\#(format(x + (step - barWidth) / 2))" y="\#(format(Double(height - 16) - barHeight))" width="\#(format(barWidth))" height="\#(format(barHeight))" class="bar"><title>\#(escape(label)): \#(escape(number(value)))\#(escape(unit))</title></rect>"#
        }
        let first = labels.first.map(escape) ?? "", last = labels.last.map(escape) ?? ""
        return #"""
            <svg class="chart" viewBox="0 0 \#(width) \#(height)" role="img" aria-label="\#(escape(title)): highest \#(escape(number(top)))\#(escape(unit))"><title>\#(escape(title))</title>\#(bars)<line x1="0" y1="\#(height - 16)" x2="\#(width)" y2="\#(height - 16)" class="axis"/><text x="0" y="\#(height - 2)" class="tick">\#(first)</text><text x="\#(width)" y="\#(height - 2)" class="tick" text-anchor="end">\#(last)</text><text x="\#(width)" y="10" class="tick" text-anchor="end">max \#(escape(number(top)))\#(escape(unit))</text></svg>
            """#
    }

    /// Horizontal bars of shares in [0, 1] (affinities), each labelled.
    static func shares(_ rows: [(label: String, value: Double)], title: String) -> String {
        let rowHeight = 22, width = 1000, labelWidth = 220
        let top = max(rows.map(\.value).max() ?? 0, 1e-9)
        var body = ""
        for (index, row) in rows.enumerated() {
            let y = index * rowHeight
            let length = Double(width - labelWidth - 60) * row.value / top
            body += #"<text x="0" y="\#(y + 15)" class="label">\#(escape(row.label))</text><rect x="\#(labelWidth)" y="\#(y + 4)" width="\#(format(length))" height="14" class="bar"/><text x="\#(format(Double(labelWidth) + length + 6))" y="\#(y + 15)" class="tick">\#(escape(number(row.value)))</text>"#
        }
        return #"""
            <svg class="chart" viewBox="0 0 \#(width) \#(max(rows.count * rowHeight, 1))" role="img" aria-label="\#(escape(title))"><title>\#(escape(title))</title>\#(body)</svg>
            """#
    }

    /// Estimates with their intervals against a zero line (uplifts of arms over control).
    static func intervals(_ rows: [(label: String, estimate: Double, low: Double, high: Double)], title: String, percent: Bool = true) -> String {
        let rowHeight = 28, width = 1000, labelWidth = 160
        let extent = max(rows.flatMap { [abs($0.low), abs($0.high), abs($0.estimate)] }.max() ?? 0, 0.01) * 1.1
        let plot = Double(width - labelWidth - 20)
        func x(_ value: Double) -> Double { Double(labelWidth) + plot * (value + extent) / (2 * extent) }
        var body = #"<line x1="\#(format(x(0)))" y1="0" x2="\#(format(x(0)))" y2="\#(rows.count * rowHeight)" class="axis"/>"#
        for (index, row) in rows.enumerated() {
            let y = Double(index * rowHeight) + 14
            let shown = percent ? "\(number(row.estimate * 100))% (\(number(row.low * 100))% to \(number(row.high * 100))%)" : "\(number(row.estimate)) (\(number(row.low)) to \(number(row.high)))"
            let tone = row.low > 0 ? "good" : row.high < 0 ? "bad" : "neutral"
            body += #"<text x="0" y="\#(format(y + 4))" class="label">\#(escape(row.label))</text><line x1="\#(format(x(row.low)))" y1="\#(format(y))" x2="\#(format(x(row.high)))" y2="\#(format(y))" class="interval \#(tone)"/><circle cx="\#(format(x(row.estimate)))" cy="\#(format(y))" r="5" class="estimate \#(tone)"><title>\#(escape(row.label)): \#(escape(shown))</title></circle>"#
        }
        return #"""
            <svg class="chart" viewBox="0 0 \#(width) \#(max(rows.count * rowHeight, 1))" role="img" aria-label="\#(escape(title))"><title>\#(escape(title))</title>\#(body)</svg>
            """#
    }

    /// A number as people read it: whole numbers without decimals, others to 3 significant digits.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value == value.rounded(), abs(value) < 1e15 { return Int(value).formatted() }
        return value.formatted(.number.precision(.significantDigits(1...3)))
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String { HTML.escape(text) }
}

/// HTML text helpers.
enum HTML {
    /// Escapes `& < > " '` for text and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
