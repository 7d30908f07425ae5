import Synchronization

/// Group commit with a two-stage pipeline: concurrent callers share one durable transaction, and
/// while one round is being applied to memory the next round is already being written.
///
/// The first caller becomes the leader and runs `prepare` for everything queued, its own work
/// included (the durable write). It then hands leadership to the first caller that arrived
/// meanwhile, and runs the round's `finish` step (folding it into memory) in round order: a
/// turnstile keeps every `finish` in the order of the writes. Each caller returns only after its
/// round's `finish`, so what it wrote is visible to its next read. No background task is needed.
actor GroupCommitter<Work: Sendable, Output: Sendable> {
    typealias Finish = @Sendable () -> [Result<Output, any Error>]

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
    private var nextTicket = 0
    private let turnstile = Turnstile()
    private let prepare: @Sendable ([Work]) async -> Finish

    /// - Parameter prepare: makes a round durable and returns the step that applies it, which
    ///   returns each item's result in order.
    init(prepare: @escaping @Sendable ([Work]) async -> Finish) {
        self.prepare = prepare
    }

    /// Submits `work` and returns once it is committed and applied (or failed).
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
        let ticket = nextTicket
        nextTicket += 1
        let finish = await prepare(round.map(\.work))
        if let next = queue.first {
            next.continuation?.resume(returning: .lead)
        } else {
            busy = false
        }
        let results = await Self.finish(finish, ticket: ticket, turnstile: turnstile)
        var mine: Result<Output, any Error> = .failure(CancellationError())
        for (waiter, result) in zip(round, results) {
            if waiter === me { mine = result } else { waiter.continuation?.resume(returning: .done(result)) }
        }
        return try mine.get()
    }

    private nonisolated static func finish(_ finish: Finish, ticket: Int, turnstile: Turnstile) async -> [Result<Output, any Error>] {
        await turnstile.wait(for: ticket)
        defer { turnstile.done(ticket) }
        return finish()
    }
}

/// Lets numbered steps through strictly in order: step n waits until step n − 1 is done.
final class Turnstile: Sendable {
    private let state = Mutex<(next: Int, waiting: [Int: CheckedContinuation<Void, Never>])>((0, [:]))

    func wait(for ticket: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.next == ticket { return true }
                state.waiting[ticket] = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func done(_ ticket: Int) {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.next = ticket + 1
            return state.waiting.removeValue(forKey: ticket + 1)
        }
        next?.resume()
    }
}
