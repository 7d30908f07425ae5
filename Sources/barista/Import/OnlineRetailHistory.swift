import BaristaCore

/// The customers and invoices of the Online Retail file, turned into `identify` and
/// `Order Completed` events.
struct OnlineRetailHistory {
    /// A customer's first purchase and latest country.
    private struct Customer {
        var id: String
        var firstTime: String
        var country: String
        var countryTime: String
    }

    /// An invoice being collected.
    private struct Order {
        var invoice: String
        var customer: String
        var time: String
        var products: [JSONValue] = []
        var revenue = 0.0
    }

    private var customerIndex: [String: Int] = [:]
    private var customers: [Customer] = []
    private var orders: [Order] = []
    private var orderIndex: [String: Int] = [:]
    private var products: Set<String> = []
    /// Lines added so far.
    private(set) var lineCount = 0
    /// Distinct StockCodes in orders so far.
    var productCount: Int { products.count }

    /// Adds one clean line of a known customer to its invoice.
    mutating func add(_ line: OnlineRetailLine) {
        guard let customerID = line.customer else { return }
        lineCount += 1
        products.insert(line.stockCode)
        if let position = customerIndex[customerID] {
            if line.time < customers[position].firstTime { customers[position].firstTime = line.time }
            if line.time >= customers[position].countryTime, !line.country.isEmpty {
                customers[position].country = line.country
                customers[position].countryTime = line.time
            }
        } else {
            customerIndex[customerID] = customers.count
            customers.append(Customer(id: customerID, firstTime: line.time, country: line.country, countryTime: line.time))
        }
        let index: Int
        if let existing = orderIndex[line.invoice] {
            index = existing
        } else {
            index = orders.count
            orderIndex[line.invoice] = index
            orders.append(Order(invoice: line.invoice, customer: customerID, time: line.time))
        }
        // An invoice's lines sometimes straddle a minute: the order takes its earliest time.
        if line.time < orders[index].time { orders[index].time = line.time }
        orders[index].products.append([
            "product_id": .string(line.stockCode), "quantity": .number(line.quantity), "price": .number(line.unitPrice),
        ])
        orders[index].revenue += line.quantity * line.unitPrice
    }

    /// One `identify` per customer, by time of first purchase: `user_id` is the CustomerID, the
    /// trait `address.country` the country of the customer's latest line.
    func identifyEvents() -> [JSONValue] {
        let sorted = customers.enumerated().sorted { a, b in
            a.element.firstTime != b.element.firstTime ? a.element.firstTime < b.element.firstTime : a.offset < b.offset
        }
        return sorted.map { _, customer in
            let id = customer.id
            var traits: [String: JSONValue] = [:]
            if !customer.country.isEmpty { traits["address"] = ["country": .string(customer.country)] }
            return [
                "type": "identify", "user_id": .string(id), "message_id": .string("or-identify-" + id),
                "timestamp": .string(customer.firstTime), "traits": .object(traits),
            ]
        }
    }

    /// One `Order Completed` per invoice, in file order, with `products[]`, `revenue` (rounded to
    /// pence), `currency` GBP and `context.channel` web.
    func orderEvents() -> [JSONValue] {
        orders.map { order in
            [
                "type": "track", "event": "Order Completed", "user_id": .string(order.customer),
                "message_id": .string("or-order-" + order.invoice), "timestamp": .string(order.time),
                "properties": [
                    "order_id": .string(order.invoice), "products": .array(order.products),
                    "revenue": .number((order.revenue * 100).rounded() / 100), "currency": "GBP",
                ],
                "context": ["channel": "web"],
            ]
        }
    }
}
