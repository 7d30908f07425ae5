import Foundation

/// One profile's record of the events of one ``EventSignature``: when each happened and its value.
///
/// Entries are kept sorted by time in two parallel arrays of seconds since 1970 and values (the
/// summed property, or 0 for a count-only signature), beside all-time totals that survive
/// ``prune(before:)``. Windows are half-open, `(now − within, now]`: an entry counts from its
/// own time until exactly `time + within`. An entry stamped in the future (events may be up to
/// 24 h ahead) counts from when it happens, in every window including all time.
public struct EventTally: Sendable, Hashable {
    /// Entry times in seconds since 1970, ascending; parallel to ``values``.
    public private(set) var times: ContiguousArray<Double> = []
    /// Entry values, parallel to ``times``.
    public private(set) var values: ContiguousArray<Double> = []
    /// Every event ever recorded, pruned ones included.
    public private(set) var totalCount: Int = 0
    /// The sum of every value ever recorded, pruned ones included.
    public private(set) var totalSum: Double = 0

    /// A window's count and sum, and when they next change.
    public struct Window: Sendable, Hashable {
        /// How many entries the window holds.
        public var count: Int
        /// The sum of their values.
        public var sum: Double
        /// The earliest time after `now` at which the window's contents change: an entry leaves
        /// it, or a future entry enters it. Nil when nothing would change by the clock alone.
        public var changesAt: Date?

        /// A window of `count` entries summing to `sum`, next changing at `changesAt`.
        public init(count: Int, sum: Double, changesAt: Date?) {
            self.count = count
            self.sum = sum
            self.changesAt = changesAt
        }

        /// No entries, changing never.
        public static let empty = Window(count: 0, sum: 0, changesAt: nil)
    }

    /// An empty tally.
    public init() {}

    /// A tally restored from storage (``times``, ``values``, ``totalCount``, ``totalSum``).
    ///
    /// Entries are sorted by time if they are not; of arrays of different lengths the extra
    /// elements are dropped; totals smaller than the entries' own are replaced by theirs.
    public init(times: [Double], values: [Double], totalCount: Int, totalSum: Double) {
        let count = min(times.count, values.count)
        let order = (0..<count).sorted { times[$0] < times[$1] }
        self.times = ContiguousArray(order.map { times[$0] })
        self.values = ContiguousArray(order.map { values[$0] })
        if totalCount >= count {
            self.totalCount = totalCount
            self.totalSum = totalSum
        } else {
            self.totalCount = count
            self.totalSum = self.values.reduce(0, +)
        }
    }

    /// Whether nothing was ever recorded.
    public var isEmpty: Bool { totalCount == 0 }

    /// Records one event at `date` with `value`, in time order even when it arrives late.
    public mutating func record(at date: Date, value: Double) {
        let t = date.timeIntervalSince1970
        let index = Self.firstIndex(in: times, after: t)
        if index == times.count {
            times.append(t)
            values.append(value)
        } else {
            times.insert(t, at: index)
            values.insert(value, at: index)
        }
        totalCount += 1
        totalSum += value
    }

    /// Adds another tally's entries and totals (two profiles becoming one).
    public mutating func merge(_ other: EventTally) {
        guard !other.times.isEmpty else {
            totalCount += other.totalCount
            totalSum += other.totalSum
            return
        }
        var mergedTimes = ContiguousArray<Double>()
        var mergedValues = ContiguousArray<Double>()
        mergedTimes.reserveCapacity(times.count + other.times.count)
        mergedValues.reserveCapacity(times.count + other.times.count)
        var i = 0
        var j = 0
        while i < times.count || j < other.times.count {
            if j == other.times.count || i < times.count && times[i] <= other.times[j] {
                mergedTimes.append(times[i])
                mergedValues.append(values[i])
                i += 1
            } else {
                mergedTimes.append(other.times[j])
                mergedValues.append(other.values[j])
                j += 1
            }
        }
        times = mergedTimes
        values = mergedValues
        totalCount += other.totalCount
        totalSum += other.totalSum
    }

    /// Drops the entries before `date`, keeping them in the all-time totals.
    ///
    /// Pass `now` minus the longest window any rule of the site uses (``SegmentRule/longestWindow``):
    /// no window can need older entries. All-time conditions read the totals.
    public mutating func prune(before date: Date) {
        let cut = Self.firstIndex(in: times, notBefore: date.timeIntervalSince1970)
        guard cut > 0 else { return }
        times.removeFirst(cut)
        values.removeFirst(cut)
    }

    /// The count and sum of the entries within `within` seconds up to `now` (all time when nil).
    public func window(_ within: TimeInterval?, now: Date) -> Window {
        let n = now.timeIntervalSince1970
        let end = Self.firstIndex(in: times, after: n)  // entries [end...] are in the future
        let futureStart: Date? = end < times.count ? Date(timeIntervalSince1970: times[end]) : nil
        guard let within else {
            var futureSum = 0.0
            for index in end..<times.count { futureSum += values[index] }
            return Window(count: totalCount - (times.count - end), sum: totalSum - futureSum, changesAt: futureStart)
        }
        let start = Self.firstIndex(in: times, after: n - within)
        guard start < end else { return Window(count: 0, sum: 0, changesAt: futureStart) }
        var sum = 0.0
        for index in start..<end { sum += values[index] }
        let expiry = Date(timeIntervalSince1970: times[start] + within)
        return Window(count: end - start, sum: sum, changesAt: futureStart.map { min($0, expiry) } ?? expiry)
    }

    /// The first index whose time is greater than `t`.
    static func firstIndex(in times: ContiguousArray<Double>, after t: Double) -> Int {
        var low = 0
        var high = times.count
        while low < high {
            let mid = (low + high) / 2
            if times[mid] <= t { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The first index whose time is not before `t`.
    static func firstIndex(in times: ContiguousArray<Double>, notBefore t: Double) -> Int {
        var low = 0
        var high = times.count
        while low < high {
            let mid = (low + high) / 2
            if times[mid] < t { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
