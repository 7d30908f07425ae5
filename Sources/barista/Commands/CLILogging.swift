import BaristaCore
import Foundation
import Logging

/// Logging for the command line: structured JSON lines (`BARISTA_LOG_FORMAT=json`, the default for
/// `serve`) or plain text, on standard error, at `BARISTA_LOG_LEVEL` (default info).
enum CLILogging {
    static func bootstrap(json: Bool) {
        let level = ProcessInfo.processInfo.environment["BARISTA_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    static func logger(_ label: String = "barista") -> Logger { Logger(label: label) }
}

/// One JSON object per log line: time, level, label, message and the metadata as fields.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { fields[key] = "\(value)" }
        var line = "{\"time\":\"\(Timestamp.format(Date()))\",\"level\":\"\(event.level)\",\"label\":\(Self.quote(label)),\"message\":\(Self.quote("\(event.message)"))"
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) { line += ",\(Self.quote(key)):\(Self.quote(value))" }
        line += "}\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20: out += String(format: "\\u%04x", s.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
