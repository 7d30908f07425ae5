import BaristaCore
import Foundation

/// When each profile's segment memberships may next change by the clock alone (an event leaving a
/// window, an intent lapsing): a binary min-heap of (time, profile), with one live entry per
/// profile. Rescheduling leaves the old entry in the heap; it is skipped when popped, because
/// ``due`` no longer names that time.
struct TimerQueue: Sendable {
    private var heap: [(at: Double, profile: ProfileID)] = []
    /// The one time each scheduled profile is due at.
    private(set) var due: [ProfileID: Double] = [:]

    /// Schedules `profile` at `at`, replacing its earlier time; nil cancels it.
    mutating func schedule(_ profile: ProfileID, at: Date?) {
        guard let at else {
            due[profile] = nil
            return
        }
        let time = at.timeIntervalSince1970
        if due[profile] == time { return }
        due[profile] = time
        heap.append((time, profile))
        siftUp(heap.count - 1)
        // Stale entries are dropped when popped; rebuild when they dominate.
        if heap.count > 64, heap.count > 4 * due.count { compact() }
    }

    /// Removes and returns every profile due at or before `now`.
    mutating func popDue(_ now: Date) -> [ProfileID] {
        let limit = now.timeIntervalSince1970
        var popped: [ProfileID] = []
        while let top = heap.first, top.at <= limit {
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                siftDown(0)
            }
            if due[top.profile] == top.at {
                due[top.profile] = nil
                popped.append(top.profile)
            }
        }
        return popped
    }

    /// How many profiles are scheduled.
    var count: Int { due.count }

    private mutating func compact() {
        heap = due.map { ($0.value, $0.key) }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].at < heap[parent].at else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].at < heap[smallest].at { smallest = left }
            if right < heap.count, heap[right].at < heap[smallest].at { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
