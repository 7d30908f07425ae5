/// The customers of a purchase log, summarised for ``BGNBD`` and ``GammaGamma``.
///
/// Built from a summary CSV (``init(csv:)``) or from raw transactions
/// (``init(transactions:calibrationEnd:)``, in CLVSummary+Transactions.swift).
public struct CLVSummary: Sendable, Hashable {
    /// The customers, in file order.
    public var customers: [CLVCustomer]

    /// Whether some repeat customer has a positive spend, so a ``GammaGamma`` model can be fitted.
    public var hasMonetaryValue: Bool { customers.contains { $0.frequency > 0 && ($0.monetaryValue ?? 0) > 0 } }

    /// Wraps customers already summarised.
    ///
    /// - Parameter customers: The customers.
    public init(customers: [CLVCustomer]) {
        self.customers = customers
    }

    /// Reads a summary CSV: a header, then one customer per line.
    ///
    /// The columns are `lifetimes`' layout `frequency,recency,T[,monetary_value]` or the CDNOW
    /// headers `x,t_x,T[,zbar]`; other columns (an `ID`) are ignored. Blank lines are skipped.
    /// - Parameter text: The file's contents.
    /// - Throws: ``CLVSummaryError`` naming the line of the first problem.
    public init(csv text: String) throws(CLVSummaryError) {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated().makeIterator()
        guard let (_, headerLine) = lines.next() else { throw .missingColumn("frequency") }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false)
            .map { String($0.trimmingWhitespace()).lowercased() }
        func column(_ names: [String]) -> Int? { header.firstIndex { names.contains($0) } }
        guard let xColumn = column(["frequency", "x"]) else { throw .missingColumn("frequency") }
        guard let txColumn = column(["recency", "t_x"]) else { throw .missingColumn("recency") }
        guard let tColumn = column(["t"]) else { throw .missingColumn("T") }
        let mColumn = column(["monetary_value", "zbar"])
        var customers: [CLVCustomer] = []
        while let (offset, line) = lines.next() {
            let number = offset + 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            func value(_ column: Int, _ name: String) throws(CLVSummaryError) -> Double {
                guard column < fields.count else { throw .badRow(line: number, reason: "no \(name) column") }
                guard let value = Double(fields[column]), value.isFinite, value >= 0 else {
                    throw .badRow(line: number, reason: "\(name) '\(fields[column])' is not a number ≥ 0")
                }
                return value
            }
            let x = try value(xColumn, "frequency")
            guard x == x.rounded(), x < 1e9 else { throw .badRow(line: number, reason: "frequency \(x) is not a whole number") }
            let tx = try value(txColumn, "recency")
            let age = try value(tColumn, "T")
            guard tx <= age else { throw .badRow(line: number, reason: "recency \(tx) exceeds T \(age)") }
            guard x > 0 || tx == 0 else { throw .badRow(line: number, reason: "recency must be 0 when frequency is 0") }
            let m = try mColumn.map { (column) throws(CLVSummaryError) in try value(column, "monetary_value") }
            customers.append(CLVCustomer(frequency: Int(x), recency: tx, age: age, monetaryValue: m))
        }
        self.customers = customers
    }
}

/// Why a purchase log could not be summarised.
public enum CLVSummaryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The summary CSV's header lacks a required column.
    case missingColumn(String)
    /// A line could not be read; `line` counts from 1, the header included.
    case badRow(line: Int, reason: String)
    /// The calibration end is not a `YYYY-MM-DD` or `YYYYMMDD` date.
    case badCalibrationEnd(String)

    /// A message for people.
    public var description: String {
        switch self {
        case .missingColumn(let name): "the header has no \(name) column"
        case .badRow(let line, let reason): "line \(line): \(reason)"
        case .badCalibrationEnd(let text): "calibration end '\(text)' is not a YYYY-MM-DD date"
        }
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let first = s.first, first.isWhitespace { s.removeFirst() }
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }
}
