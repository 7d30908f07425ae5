import Foundation

/// What an `event` leaf measures over its window.
public enum EventMeasure: Sendable, Hashable {
    /// How many matching events happened.
    case count
    /// The total of a numeric property (`revenue`) over the matching events.
    case sum(property: String)
}

/// An `event` leaf: how many matching events, or what total of a property, within a window.
///
/// Written `{"event":"Order Completed","within":"30d","count":{"gte":2}}` or
/// `{"event":…,"sum":{"property":"revenue","gte":100}}`. Without `count` or `sum` it means
/// "at least one"; without `within` the window is all time.
public struct EventCondition: Sendable, Hashable {
    /// The event name, exactly as tracked (`Order Completed`).
    public var name: String
    /// The window in seconds, ending now; nil for all time.
    public var within: TimeInterval?
    /// A count or a sum.
    public var measure: EventMeasure
    /// The comparisons that must all hold, at least one, in ``NumericOperator`` order.
    public var comparisons: [NumericComparison]

    /// A condition on events named `name`; `comparisons` are kept in a canonical order.
    public init(name: String, within: TimeInterval? = nil, measure: EventMeasure = .count,
        comparisons: [NumericComparison] = [NumericComparison(.gte, 1)])
    {
        self.name = name
        self.within = within
        self.measure = measure
        self.comparisons = comparisons.sorted {
            NumericOperator.allCases.firstIndex(of: $0.op)! < NumericOperator.allCases.firstIndex(of: $1.op)!
        }
    }

    /// What a per-profile ``EventTally`` must keep for this condition.
    public var signature: EventSignature {
        switch measure {
        case .count: EventSignature(name: name, sumProperty: nil)
        case .sum(let property): EventSignature(name: name, sumProperty: property)
        }
    }

    /// Whether the window's count or sum satisfies every comparison.
    public func holds(_ window: EventTally.Window) -> Bool {
        let x: Double
        switch measure {
        case .count: x = Double(window.count)
        case .sum: x = window.sum
        }
        return comparisons.allSatisfy { $0.holds(x) }
    }
}

/// The identity of a per-profile event tally: the event name, and the property summed (if any).
///
/// A tally for a signature without `sumProperty` counts events (their recorded values are
/// unused); one with it records each event's numeric value of that property.
public struct EventSignature: Sendable, Hashable {
    /// The event name.
    public var name: String
    /// The property whose values are summed; nil when only counts are needed.
    public var sumProperty: String?

    /// The signature of events `name`, summing `sumProperty` when given.
    public init(name: String, sumProperty: String?) {
        self.name = name
        self.sumProperty = sumProperty
    }
}
