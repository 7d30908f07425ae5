import BaristaCore

/// Converts the UCI Online Retail file (`online_retail.csv.gz`: InvoiceNo, StockCode,
/// Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country) into API-shaped records:
/// a catalog, an identified profile per customer and an `Order Completed` per invoice.
///
/// Cleaning follows the published one (Quantity > 0, CustomerID present, no cancellations), which
/// leaves 397,924 lines, 18,536 invoices, 4,339 customers and 3,665 products. Forty of those lines
/// have a unit price of 0 (free items in a paid order, and four invoices made only of them); they
/// are kept, at price 0, by default, so that orders and customers match the published figures and
/// the offline-evaluation file (`online_retail_interactions.csv`). Pass
/// `keepZeroPriceLines: false` to leave them out instead.
///
/// The catalog also has the products only guests bought (3,921 items in all on the real file);
/// it leaves out the shop's stock adjustments (free lines without a customer, described "check",
/// "damaged"…) and bookkeeping invoices (`A…`, "Adjust bad debt").
struct OnlineRetailReader {
    private var tokenizer: CSVTokenizer
    private let keepZeroPriceLines: Bool
    /// How many malformed lines to keep in ``OnlineRetailImport/problems`` (all are counted).
    var maxProblems = 100

    /// Reads the CSV (already decompressed, or gzip through ``GzipChunkSource``) from `source`.
    init(source: any ByteChunkSource, keepZeroPriceLines: Bool = true) {
        tokenizer = CSVTokenizer(source: source)
        self.keepZeroPriceLines = keepZeroPriceLines
    }

    /// Opens `path`, gzip-compressed (`online_retail.csv.gz`) or not.
    ///
    /// - Throws: ``ImportError/unreadable(path:reason:)`` when the file cannot be opened.
    init(path: String, keepZeroPriceLines: Bool = true) throws {
        self.init(source: try FileChunkSource.open(path: path), keepZeroPriceLines: keepZeroPriceLines)
    }

    /// Reads the whole file and builds the items, events and summary.
    ///
    /// - Parameter progress: Called now and then with the number of rows read so far.
    /// - Throws: ``ImportError`` when the file cannot be read or its header lacks a column. Bad
    ///   lines are counted in the summary, never thrown.
    mutating func convert(progress: (Int) -> Void = { _ in }) throws -> OnlineRetailImport {
        guard let header = try tokenizer.nextRow() else { throw ImportError.missingHeader }
        let columns = try OnlineRetailLine.Columns(header: header.fields.map { $0.trimmingASCIISpaces() })
        var catalog = OnlineRetailCatalog()
        var history = OnlineRetailHistory()
        var summary = OnlineRetailSummary()
        var problems: [Record] = []

        while let row = try tokenizer.nextRow() {
            summary.rowsRead += 1
            if summary.rowsRead % 16_384 == 0 { progress(summary.rowsRead) }
            let line: OnlineRetailLine
            do throws(RecordError) {
                if let problem = row.problem { throw RecordError(problem) }
                line = try OnlineRetailLine(fields: row.fields, columns: columns)
            } catch {
                summary.rejected[.malformed, default: 0] += 1
                if problems.count < maxProblems { problems.append(Record(line: row.line, result: .failure(error))) }
                continue
            }
            if line.invoice.hasPrefix("C") {
                summary.rejected[.cancellation, default: 0] += 1
                continue
            }
            if line.invoice.hasPrefix("A") {
                summary.rejected[.adjustment, default: 0] += 1
                continue
            }
            guard line.quantity > 0 else {
                summary.rejected[.nonPositiveQuantity, default: 0] += 1
                continue
            }
            catalog.add(line)
            guard line.customer != nil else {
                summary.rejected[.missingCustomer, default: 0] += 1
                continue
            }
            guard line.unitPrice > 0 || (line.unitPrice == 0 && keepZeroPriceLines) else {
                summary.rejected[.nonPositivePrice, default: 0] += 1
                continue
            }
            if line.unitPrice == 0 { summary.zeroPriceOrderLines += 1 }
            history.add(line)
        }
        progress(summary.rowsRead)

        let items = catalog.items()
        let identifies = history.identifyEvents()
        let orders = history.orderEvents()
        summary.items = items.count
        summary.customers = identifies.count
        summary.orders = orders.count
        summary.orderLines = history.lineCount
        summary.productsOrdered = history.productCount
        return OnlineRetailImport(items: items, events: identifies + orders, summary: summary, problems: problems)
    }
}
