import BaristaClient
import Foundation
import HTTPTypes
import Hummingbird

/// A stand-in for `POST /v1/events` that answers from a script, for the failures a real server
/// rarely produces on demand (429, 503, 413), and records every body it received.
final class ScriptedServer: Sendable {
    /// One scripted answer, chosen by the request body.
    struct Answer: Sendable {
        var status: Int
        var headers: [String: String] = [:]
        var body: String = ""

        /// `202` accepting `count` events.
        static func accepted(_ count: Int) -> Answer {
            Answer(status: 202, body: #"{"accepted":\#(count),"duplicates":0,"rejected":[]}"#)
        }

        /// A problem+json answer.
        static func problem(_ status: Int, headers: [String: String] = [:]) -> Answer {
            Answer(status: status, headers: headers.merging(["Content-Type": "application/problem+json"]) { a, _ in a },
                body: #"{"type":"about:blank","title":"Scripted","status":\#(status),"detail":"scripted failure"}"#)
        }
    }

    private actor Log {
        var bodies: [Data] = []
        func record(_ body: Data) -> Int {
            bodies.append(body)
            return bodies.count
        }
    }

    private let log: Log
    private let task: Task<Void, any Error>
    let host: URL

    private init(host: URL, task: Task<Void, any Error>, log: Log) {
        self.host = host
        self.task = task
        self.log = log
    }

    /// Starts a server answering the n-th request (1-based) and its body with `script`.
    static func start(_ script: @escaping @Sendable (_ attempt: Int, _ events: [[String: Any]]) -> Answer) async -> ScriptedServer {
        let log = Log()
        let router = Router()
        router.post("/v1/events") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 22)
            let data = Data(buffer.readableBytesView)
            let attempt = await log.record(data)
            let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            let answer = script(attempt, json?["batch"] as? [[String: Any]] ?? [])
            var headers = HTTPFields()
            for (name, value) in answer.headers { headers[HTTPField.Name(name)!] = value }
            if headers[.contentType] == nil { headers[.contentType] = "application/json" }
            return Response(status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: quiet)
        let task = Task { try await app.run() }
        var port = 0
        for await bound in ports {
            port = bound
            break
        }
        let server = ScriptedServer(host: URL(string: "http://127.0.0.1:\(port)")!, task: task, log: log)
        return server
    }

    /// The bodies received, in order.
    var bodies: [Data] {
        get async { await log.bodies }
    }

    /// The `message_id`s of each request, in order.
    var batches: [[String]] {
        get async {
            await bodies.map { data in
                let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
                return (json?["batch"] as? [[String: Any]] ?? []).compactMap { $0["message_id"] as? String }
            }
        }
    }

    /// Stops the server.
    func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// A client of this server.
    func client(configure: (inout BaristaClient.Configuration) -> Void = { _ in }) -> BaristaClient {
        var configuration = BaristaClient.Configuration(host: host, key: "pk_test")
        configuration.initialBackoff = .milliseconds(10)
        configuration.maxBackoff = .milliseconds(100)
        configure(&configuration)
        return BaristaClient(configuration: configuration)
    }
}
