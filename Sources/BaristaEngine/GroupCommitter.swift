/// Group commit: concurrent callers share one durable transaction instead of queueing for one each.
///
/// The first caller becomes the leader and commits everything queued, its own work included; callers
/// arriving meanwhile wait. When the leader is done it wakes each waiter with its result and hands
/// leadership to the first caller that arrived during its commit, so no caller drains forever and
/// no background task is needed.
actor GroupCommitter<Work: Sendable, Output: Sendable> {
    private enum Wake {
        case done(Result<Output, any Error>)
        case lead
    }

    private final class Waiter {
        let work: Work
        var continuation: CheckedContinuation<Wake, Never>?
        init(work: Work) { self.work = work }
    }

    private var queue: [Waiter] = []
    private var busy = false
    private let commit: @Sendable ([Work]) async -> [Result<Output, any Error>]

    /// - Parameter commit: commits a round of work in one go and returns each item's result, in order.
    init(commit: @escaping @Sendable ([Work]) async -> [Result<Output, any Error>]) {
        self.commit = commit
    }

    /// Submits `work` and returns once it is committed (or failed).
    func submit(_ work: Work) async throws -> Output {
        let me = Waiter(work: work)
        queue.append(me)
        if busy {
            let wake = await withCheckedContinuation { me.continuation = $0 }
            if case .done(let result) = wake { return try result.get() }
        }
        busy = true
        let round = queue
        queue = []
        let results = await commit(round.map(\.work))
        var mine: Result<Output, any Error> = .failure(CancellationError())
        for (waiter, result) in zip(round, results) {
            if waiter === me { mine = result } else { waiter.continuation?.resume(returning: .done(result)) }
        }
        if let next = queue.first {
            next.continuation?.resume(returning: .lead)
        } else {
            busy = false
        }
        return try mine.get()
    }
}
