import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real `barista` binary (the debug build `swift build` made, or `BARISTA_BIN`), run as a child process.
struct BaristaProcess {
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["BARISTA_BIN"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/barista").path
    }

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// Runs a command to completion; returns its exit status, stdout and stderr.
    @discardableResult
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    /// A temporary directory, removed by the caller.
    static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("barista-live-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// A running `barista serve` on a free port.
final class LiveServer: @unchecked Sendable {
    let process = Process()
    let url: URL
    private let stderrPipe = Pipe()

    /// Starts `barista serve --port 0` on `dataDir` (with `environment` added to this process's)
    /// and waits for its "listening on" line.
    init(dataDir: String, environment: [String: String] = [:], arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: BaristaProcess.binary)
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
        process.arguments = ["serve", "--data-dir", dataDir, "--port", "0", "--log-format", "text"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = stderrPipe
        try process.run()
        url = try Self.listeningURL(process, stdout: out, seconds: 60)
    }

    /// Reads a started `serve`'s stdout until its "listening on" line; returns the URL it names.
    /// - Throws: ``LiveServerError/didNotStart(_:)`` with what it printed, after terminating it,
    ///   when it exits or `seconds` pass first.
    static func listeningURL(_ process: Process, stdout out: Pipe, seconds: Double) throws -> URL {
        var buffer = Data()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            let text = String(decoding: buffer, as: UTF8.self)
            if let range = text.range(of: "listening on "), let end = text[range.upperBound...].firstIndex(of: "\n") {
                return URL(string: String(text[range.upperBound..<end]))!
            }
        }
        process.terminate()
        throw LiveServerError.didNotStart(String(decoding: buffer, as: UTF8.self))
    }

    /// Sends a signal and waits for the process to exit; returns its status.
    @discardableResult
    func stop(signal: Int32) -> Int32 {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// What the server logged.
    func logs() -> String {
        String(decoding: stderrPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    /// One HTTP request; returns status and body.
    func request(_ method: String, _ path: String, key: String? = nil, body: String? = nil) async throws -> (status: Int, body: String) {
        let reply = try await liveRequest(url, method, path, key: key, body: body, timeout: 30, session: .shared)
        return (reply.status, reply.body)
    }
}

/// One HTTP request to a live server at `base` (`path` may carry a query); returns status, body
/// and content type.
func liveRequest(
    _ base: URL, _ method: String, _ path: String, key: String?, body: String?, timeout: TimeInterval, session: URLSession
) async throws -> (status: Int, body: String, contentType: String) {
    var request = URLRequest(url: URL(string: base.absoluteString + path)!)
    request.httpMethod = method
    request.timeoutInterval = timeout
    if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
    if let body {
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    let (data, response) = try await session.data(for: request)
    let http = response as? HTTPURLResponse
    return (http?.statusCode ?? 0, String(decoding: data, as: UTF8.self), http?.value(forHTTPHeaderField: "Content-Type") ?? "")
}

enum LiveServerError: Error {
    case didNotStart(String)
}
