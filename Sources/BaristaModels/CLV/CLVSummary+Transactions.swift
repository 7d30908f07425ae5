extension CLVSummary {
    /// Summarises a transaction log up to and including `calibrationEnd`, in weeks.
    ///
    /// Accepted layouts, one purchase per line: a CSV `customer_id,date,amount` (a header line
    /// is skipped), CDNOW_master's whitespace-separated `customer_id YYYYMMDD cds usd`, and
    /// CDNOW_sample's `master_id sample_id YYYYMMDD cds usd`. Dates are `YYYYMMDD` or
    /// `YYYY-MM-DD` (anything after the tenth character, such as a time, is ignored).
    /// Purchases on one day count as one transaction whose amount is their sum. Per customer:
    /// frequency is the number of distinct purchase days − 1, recency the weeks from the first to
    /// the last purchase day, T the weeks from the first purchase day to `calibrationEnd`, and the
    /// monetary value the mean amount of the repeat days (absent when there are none).
    /// Customers whose first purchase falls after `calibrationEnd` are left out.
    /// - Parameters:
    ///   - text: The log's contents.
    ///   - calibrationEnd: The last day of the calibration period, `YYYY-MM-DD` or `YYYYMMDD`.
    /// - Throws: ``CLVSummaryError`` naming the line of the first bad row.
    public init(transactions text: String, calibrationEnd: String) throws(CLVSummaryError) {
        guard let end = Self.dayNumber(Substring(calibrationEnd)) else { throw .badCalibrationEnd(calibrationEnd) }
        var order: [Substring] = []
        var days: [Substring: [Int: Double]] = [:]
        for (offset, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            if line.allSatisfy(\.isWhitespace) { continue }
            let fields: [Substring] =
                line.contains(",")
                ? line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
                : line.split(whereSeparator: \.isWhitespace)
            let dateIndex = fields.count == 5 && !line.contains(",") ? 2 : 1
            guard fields.count >= 3, fields.count > dateIndex else {
                throw .badRow(line: offset + 1, reason: "expected customer_id, date and amount")
            }
            guard let day = Self.dayNumber(fields[dateIndex]) else {
                if offset == 0 { continue }  // a header
                throw .badRow(line: offset + 1, reason: "date '\(fields[dateIndex])' is not YYYYMMDD or YYYY-MM-DD")
            }
            guard let amount = Double(fields[fields.count - 1]), amount.isFinite else {
                throw .badRow(line: offset + 1, reason: "amount '\(fields[fields.count - 1])' is not a number")
            }
            guard day <= end else { continue }
            let customer = fields[0]
            if days[customer] == nil { order.append(customer) }
            days[customer, default: [:]][day, default: 0] += amount
        }
        self.customers = order.map { id in
            let history = days[id]!.sorted { $0.key < $1.key }
            let first = history[0].key
            let repeats = history.dropFirst()
            return CLVCustomer(
                frequency: repeats.count,
                recency: Double(history[history.count - 1].key - first) / 7,
                age: Double(end - first) / 7,
                monetaryValue: repeats.isEmpty ? nil : repeats.reduce(0) { $0 + $1.value } / Double(repeats.count))
        }
    }

    /// Days since 1970-01-01 of a `YYYYMMDD` or `YYYY-MM-DD…` date, or nil if it is not one.
    static func dayNumber(_ text: Substring) -> Int? {
        let digits: [Character]
        let chars = Array(text.prefix(10))
        if chars.count == 10, chars[4] == "-", chars[7] == "-" {
            digits = Array(chars[0..<4] + chars[5..<7] + chars[8..<10])
        } else if text.count == 8 {
            digits = Array(text)
        } else {
            return nil
        }
        guard digits.allSatisfy(\.isASCII), let value = Int(String(digits)) else { return nil }
        let (year, month, day) = (value / 10_000, value / 100 % 100, value % 100)
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
