import BaristaCore

/// Why a line of the Online Retail file did not become part of an order.
///
/// A line is counted under the first reason that applies, in the order of the cases.
enum OnlineRetailRejection: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// The line cannot be read (wrong number of fields, a quantity, price or date that does not parse).
    case malformed
    /// The invoice number starts with `C`: a cancellation.
    case cancellation
    /// The invoice number starts with `A`: a bookkeeping adjustment ("Adjust bad debt"), not a sale.
    case adjustment
    /// Quantity is zero or negative (returns, write-offs, stock adjustments).
    case nonPositiveQuantity = "quantity_not_positive"
    /// No CustomerID: a guest purchase. Its product still goes into the catalog.
    case missingCustomer = "missing_customer"
    /// UnitPrice is negative, or zero when zero-price lines are not kept.
    case nonPositivePrice = "price_not_positive"

    /// The snake_case name (`quantity_not_positive`), as reports and `--json` show it.
    var description: String { rawValue }

    static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What an Online Retail conversion read and produced.
struct OnlineRetailSummary: Sendable, Hashable {
    /// Data rows read (the header not counted).
    var rowsRead = 0
    /// Catalog items: one per StockCode sold (not cancelled, positive quantity, and a positive
    /// price or a known customer).
    var items = 0
    /// Customers with at least one order (one `identify` event each).
    var customers = 0
    /// Invoices of known customers (one `Order Completed` event each).
    var orders = 0
    /// Invoice lines inside those orders.
    var orderLines = 0
    /// Order lines with a unit price of zero, kept as free items (see ``OnlineRetailReader``).
    var zeroPriceOrderLines = 0
    /// Distinct StockCodes inside orders.
    var productsOrdered = 0
    /// Lines left out of orders, by reason.
    var rejected: [OnlineRetailRejection: Int] = [:]

    /// All lines left out of orders.
    var rejectedTotal: Int { rejected.values.reduce(0, +) }
}

/// The result of converting the Online Retail file: API-shaped items and events, and a summary.
struct OnlineRetailImport: Sendable {
    /// Catalog items, in order of first appearance in the file.
    var items: [JSONValue]
    /// One `identify` per customer (by first purchase), then one `Order Completed` per invoice
    /// (in file order, which is time order).
    var events: [JSONValue]
    /// Counts of what was read, produced and rejected.
    var summary: OnlineRetailSummary
    /// The first malformed lines, with their line numbers and reasons.
    var problems: [Record]
}
