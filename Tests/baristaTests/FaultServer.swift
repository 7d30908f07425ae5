import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A running `barista serve` whose log goes to a file (read while it runs, and never a full pipe
/// that would block a server logging failure after failure), killed or stopped by the test.
final class FaultServer: @unchecked Sendable {
    let process = Process()
    let url: URL
    let logPath: String
    let started = Date()
    private let session: URLSession

    /// Starts `barista serve --port 0` on `dataDir`, logging (text) to `logPath`, appending, and
    /// waits for its "listening on" line.
    init(dataDir: String, logPath: String, arguments: [String] = []) throws {
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        self.logPath = logPath
        process.executableURL = URL(fileURLWithPath: BaristaProcess.binary)
        process.arguments = ["serve", "--data-dir", dataDir, "--port", "0", "--log-format", "text"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = log
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 32
        configuration.timeoutIntervalForRequest = 60
        session = URLSession(configuration: configuration)
        try process.run()
        url = try LiveServer.listeningURL(process, stdout: out, seconds: 120)
    }

    /// Sends a signal and waits for the process to exit; returns its status.
    @discardableResult
    func stop(signal: Int32) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// What every server that logged to this file logged so far.
    func logs() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// One HTTP request; returns status, body and content type.
    func request(_ method: String, _ path: String, key: String? = nil, body: String? = nil) async throws
        -> (status: Int, body: String, contentType: String)
    {
        try await liveRequest(url, method, path, key: key, body: body, timeout: 60, session: session)
    }
}

/// Waits until `condition` holds or `seconds` pass; returns whether it held.
func eventually(_ seconds: Double, every: Duration = .milliseconds(200), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: every)
    }
    return try await condition()
}

/// Runs a program to completion; returns its status and what it printed.
@discardableResult
func runProgram(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
