import BaristaCore
/// One invoice line of the UCI Online Retail file, read and checked.
struct OnlineRetailLine: Sendable, Hashable {
    /// `InvoiceNo`; a leading `C` marks a cancellation.
    var invoice: String
    /// `StockCode`, the product id (case-sensitive).
    var stockCode: String
    /// `Description`, possibly empty.
    var description: String
    /// `Quantity`.
    var quantity: Double
    /// `InvoiceDate` as RFC 3339 in UTC (`2010-12-01T08:26:00Z`).
    var time: String
    /// `UnitPrice` in GBP.
    var unitPrice: Double
    /// `CustomerID` without the `.0` the file writes after it, or nil for a guest.
    var customer: String?
    /// `Country`.
    var country: String

    /// The positions of the eight columns in the file's header.
    struct Columns: Sendable {
        static let names = [
            "InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country",
        ]
        let indices: [Int]
        let count: Int

        /// Finds the columns in `header`.
        /// - Throws: ``ImportError/missingColumn(_:)`` when one is absent.
        init(header: [String]) throws(ImportError) {
            var indices: [Int] = []
            for name in Self.names {
                guard let index = header.firstIndex(of: name) else { throw .missingColumn(name) }
                indices.append(index)
            }
            self.indices = indices
            self.count = header.count
        }
    }

    /// Reads one row, or says why it cannot be read.
    init(fields: [String], columns: Columns) throws(RecordError) {
        guard fields.count == columns.count else {
            throw RecordError("expected \(columns.count) fields, found \(fields.count)")
        }
        let f = columns.indices.map { fields[$0].trimmingASCIISpaces() }
        guard !f[0].isEmpty else { throw RecordError("InvoiceNo is empty") }
        guard !f[1].isEmpty else { throw RecordError("StockCode is empty") }
        guard let quantity = Double(f[3]), quantity.isFinite else {
            throw RecordError("Quantity \"\(f[3])\" is not a number")
        }
        guard let time = Self.rfc3339(f[4]) else {
            throw RecordError("InvoiceDate \"\(f[4])\" is not YYYY-MM-DD HH:MM[:SS]")
        }
        guard let price = Double(f[5]), price.isFinite else {
            throw RecordError("UnitPrice \"\(f[5])\" is not a number")
        }
        invoice = f[0]
        stockCode = f[1]
        description = f[2]
        self.quantity = quantity
        self.time = time
        unitPrice = price
        customer = f[6].isEmpty ? nil : (f[6].hasSuffix(".0") ? String(f[6].dropLast(2)) : f[6])
        country = f[7]
    }

    /// `2010-12-01 08:26:00` (or `…08:26`) as `2010-12-01T08:26:00Z`.
    ///
    /// The file's times are the shop's local (UK) time without a zone; like the published
    /// interactions file (`reference_results.md`), they are read as UTC, so an hour in summer is
    /// off by one. Nothing downstream depends on the hour of a purchase that precisely.
    static func rfc3339(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { utf8 -> String? in
            guard utf8.count == 19 || utf8.count == 16 else { return nil }
            for position in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15] where !(48...57).contains(utf8[position]) {
                return nil
            }
            guard utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-"),
                utf8[10] == UInt8(ascii: " ") || utf8[10] == UInt8(ascii: "T"), utf8[13] == UInt8(ascii: ":")
            else { return nil }
            if utf8.count == 19 {
                guard utf8[16] == UInt8(ascii: ":"), (48...57).contains(utf8[17]), (48...57).contains(utf8[18]) else {
                    return nil
                }
            }
            func value(_ at: Int) -> Int { Int(utf8[at] - 48) * 10 + Int(utf8[at + 1] - 48) }
            let seconds = utf8.count == 19 ? value(17) : 0
            guard (1...12).contains(value(5)), (1...31).contains(value(8)), value(11) < 24, value(14) < 60, seconds < 60
            else { return nil }
            return String(unsafeUninitializedCapacity: 20) { out in
                for k in 0..<16 { out[k] = utf8[k] }
                out[10] = UInt8(ascii: "T")
                out[16] = UInt8(ascii: ":")
                out[17] = UInt8(48 + seconds / 10)
                out[18] = UInt8(48 + seconds % 10)
                out[19] = UInt8(ascii: "Z")
                return 20
            }
        }
    }
}
