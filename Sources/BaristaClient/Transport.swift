import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The HTTP layer: authenticated JSON requests, answers decoded, errors turned into
/// ``BaristaClientError`` with the server's problem+json.
struct Transport: Sendable {
    let host: URL
    let key: String
    let session: URLSession
    let timeout: TimeInterval

    /// The URL of `path` (segments already joined by `/`, ids escaped with ``escape(_:)``).
    func url(_ path: String, query: [URLQueryItem] = []) -> URL {
        var base = host.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var components = URLComponents(string: base + path)!
        if !query.isEmpty { components.queryItems = query }
        return components.url!
    }

    /// An id made safe for one path segment (`BANK CHARGES` → `BANK%20CHARGES`, `a/b` → `a%2Fb`).
    static func escape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: unreserved) ?? id
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Sends a request and decodes a 2xx answer as `Answer`.
    func send<Answer: Decodable>(
        _ method: String, _ path: String, query: [URLQueryItem] = [], body: Data? = nil, as: Answer.Type = Answer.self
    ) async throws(BaristaClientError) -> Answer {
        let data = try await exchange(method, path, query: query, data: body)
        do {
            return try Coding.decoder().decode(Answer.self, from: data)
        } catch {
            throw .decoding(underlying: error)
        }
    }

    /// Sends raw JSON bytes and returns the 2xx answer's bytes.
    func exchange(_ method: String, _ path: String, query: [URLQueryItem] = [], data: Data?) async throws(BaristaClientError) -> Data {
        var request = URLRequest(url: url(path, query: query), timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue("barista-swift/\(BaristaClient.version)", forHTTPHeaderField: "User-Agent")
        if let data {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = data
        }
        let answer: Data
        let response: URLResponse
        do {
            (answer, response) = try await session.data(for: request)
        } catch {
            throw .transport(underlying: error)
        }
        guard let http = response as? HTTPURLResponse else {
            throw .transport(underlying: URLError(.badServerResponse))
        }
        guard (200..<300).contains(http.statusCode) else {
            let problem = try? Coding.decoder().decode(Problem.self, from: answer)
            let retryAfter = http.value(forHTTPHeaderField: "Retry-After").flatMap(Self.retryAfter)
            throw .http(status: http.statusCode, problem: problem, retryAfter: retryAfter)
        }
        return answer
    }

    /// A request body as JSON.
    static func encode(_ value: some Encodable) throws(BaristaClientError) -> Data {
        do {
            return try Coding.encoder().encode(value)
        } catch {
            throw .invalidRequest("the request body could not be encoded: \(error)")
        }
    }

    /// `Retry-After` in seconds: a number of seconds or an HTTP date.
    static func retryAfter(_ text: String) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = TimeInterval(trimmed) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: trimmed).map { max(0, $0.timeIntervalSinceNow) }
    }
}

/// The JSON coders of the wire format: RFC 3339 times, keys exactly as the models name them.
enum Coding {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatTime(date))
        }
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            if let seconds = try? container.decode(Double.self) { return Date(timeIntervalSince1970: seconds) }
            let text = try container.decode(String.self)
            guard let date = parseTime(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text)")
            }
            return date
        }
        return decoder
    }

    /// RFC 3339 in UTC with milliseconds (`2026-11-22T10:00:00.123Z`).
    static func formatTime(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// RFC 3339 with or without fractional seconds.
    static func parseTime(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle()))
    }
}
