/// Customers with the same `(x, tₓ, T)` and spend, counted once so a likelihood evaluates each
/// distinct history a single time.
struct CLVGroup: Hashable {
    var frequency: Int
    var recency: Double
    var age: Double
    var monetaryValue: Double
    var count: Int

    /// The distinct histories of `customers` with their multiplicities, in first-seen order.
    static func grouped(_ customers: [CLVCustomer]) -> [CLVGroup] {
        var index: [CLVGroup: Int] = [:]
        var groups: [CLVGroup] = []
        for customer in customers {
            let key = CLVGroup(
                frequency: customer.frequency, recency: customer.recency, age: customer.age,
                monetaryValue: customer.monetaryValue ?? 0, count: 0)
            if let i = index[key] {
                groups[i].count += 1
            } else {
                index[key] = groups.count
                var group = key
                group.count = 1
                groups.append(group)
            }
        }
        return groups
    }
}
