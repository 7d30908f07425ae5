import Foundation

/// The events waiting to be sent, the flush that sends them, and the app's identity.
actor EventQueue {
    private let configuration: BaristaClient.Configuration
    private let transport: Transport
    private let file: QueueFile?
    private let identityURL: URL?
    private var events: [BaristaEvent]
    private(set) var identity: Identity
    private var flushing: Task<FlushReport, any Error>?
    private var timer: Task<Void, Never>?
    /// When the last flush that gave up began; a full batch does not trigger another flush within one interval of it.
    private var lastFailure: ContinuousClock.Instant?

    init(configuration: BaristaClient.Configuration, transport: Transport) {
        self.configuration = configuration
        self.transport = transport
        if let directory = configuration.storageDirectory {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            file = QueueFile(url: directory.appendingPathComponent("barista-queue.jsonl"))
            identityURL = directory.appendingPathComponent("barista-identity.json")
        } else {
            file = nil
            identityURL = nil
        }
        events = file?.load() ?? []
        if let saved = Identity.load(identityURL) {
            identity = saved
        } else {
            identity = .fresh()
            identity.save(identityURL)
        }
    }

    /// The events not yet accepted, oldest first.
    var pending: [BaristaEvent] { events }

    /// Queues an event (and writes it to the queue file); drops the oldest past the limit.
    func enqueue(_ event: BaristaEvent) {
        events.append(event)
        if events.count > max(1, configuration.maxQueuedEvents) {
            events.removeFirst(events.count - max(1, configuration.maxQueuedEvents))
            try? file?.rewrite(events)
        } else {
            try? file?.append(event)
        }
        let backingOff = lastFailure.map { ContinuousClock.now - $0 < configuration.flushInterval } ?? false
        if timer != nil, flushing == nil, !backingOff, events.count >= configuration.batchSize {
            Task { _ = try? await self.flush() }
        }
    }

    /// Sets the identified user and their `user_hash` (nil: logged out, with a fresh anonymous id).
    func setUser(_ userID: String?, hash: String? = nil) {
        if let userID {
            if identity.userID != userID { identity.userHash = nil }
            identity.userID = userID
            if let hash { identity.userHash = hash }
        } else {
            identity = .fresh()
        }
        identity.save(identityURL)
    }

    /// Sends every queued event; joins the flush under way, if any.
    func flush() async throws -> FlushReport {
        if let flushing { return try await flushing.value }
        let task = Task { try await self.drain() }
        flushing = task
        return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
    }

    /// Starts the timer-driven flush (idempotent).
    func startTimer() {
        guard timer == nil else { return }
        let interval = configuration.flushInterval
        timer = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, !Task.isCancelled else { break }
                _ = try? await self.flush()
            }
        }
    }

    /// Stops the timer-driven flush.
    func stopTimer() {
        timer?.cancel()
        timer = nil
    }

    /// Sends batches until the queue is empty; a batch is removed once the server answered 202.
    private func drain() async throws -> FlushReport {
        // Cleared in the same turn that finds the queue empty, so a later flush never joins a finished one.
        defer { flushing = nil }
        lastFailure = ContinuousClock.now
        var report = FlushReport()
        var limit = min(max(1, configuration.batchSize), 1000)
        defer { if !report.rejected.isEmpty { configuration.onRejected?(report.rejected) } }
        while !events.isEmpty {
            try Task.checkCancellation()
            let (batch, body) = try nextBatch(limit: limit)
            let answer: BatchAnswer
            do {
                answer = try await sendWithRetries(body)
            } catch let error as BaristaClientError where error.status == 413 {
                if batch.count > 1 {
                    limit = max(1, batch.count / 2)
                    continue
                }
                // One event too large for the server: it can never be accepted.
                report.rejected.append(RejectedEvent(event: batch[0], errors: error.problem?.errors ?? [
                    FieldProblem(field: "/batch/0", message: error.problem?.detail ?? "is larger than the server accepts")
                ]))
                remove(batch)
                continue
            }
            report.accepted += answer.accepted
            report.duplicates += answer.duplicates
            for rejection in answer.rejected where batch.indices.contains(rejection.index) {
                report.rejected.append(RejectedEvent(event: batch[rejection.index], errors: rejection.errors))
            }
            remove(batch)
        }
        lastFailure = nil
        return report
    }

    /// The oldest events that fit in one request, and that request's body.
    private func nextBatch(limit: Int) throws -> ([BaristaEvent], Data) {
        let encoder = Coding.encoder()
        var batch: [BaristaEvent] = []
        var body = Data("{\"batch\":[".utf8)
        for event in events.prefix(limit) {
            let encoded = try encoder.encode(event)
            if !batch.isEmpty, body.count + encoded.count + 3 > configuration.maxBatchBytes { break }
            if !batch.isEmpty { body.append(UInt8(ascii: ",")) }
            body.append(encoded)
            batch.append(event)
        }
        body.append(contentsOf: Array("]}".utf8))
        return (batch, body)
    }

    private func remove(_ batch: [BaristaEvent]) {
        let sent = Set(batch.map(\.messageID))
        events.removeAll { sent.contains($0.messageID) }
        try? file?.rewrite(events)
    }

    /// One batch, tried again on transient failures with exponential backoff and jitter
    /// (or the server's `Retry-After`).
    private func sendWithRetries(_ body: Data) async throws -> BatchAnswer {
        var attempt = 1
        while true {
            let failure: BaristaClientError
            do {
                return try await transport.send("POST", "/v1/events", body: body, as: BatchAnswer.self)
            } catch {
                failure = error
            }
            guard failure.isTransient, attempt < configuration.maxAttempts else { throw failure }
            try await Task.sleep(for: backoff(attempt: attempt, retryAfter: failure.retryAfter))
            attempt += 1
        }
    }

    private func backoff(attempt: Int, retryAfter: TimeInterval?) -> Duration {
        let cap = configuration.maxBackoff
        if let retryAfter { return min(cap, .milliseconds(Int64(retryAfter * 1000))) }
        let exponential = configuration.initialBackoff * (1 << min(attempt - 1, 20))
        return min(cap, exponential * Double.random(in: 0.5...1))
    }
}

extension BaristaClientError {
    /// `Retry-After`, in seconds, when the server sent one.
    var retryAfter: TimeInterval? {
        if case .http(_, _, let retryAfter) = self { retryAfter } else { nil }
    }
}
