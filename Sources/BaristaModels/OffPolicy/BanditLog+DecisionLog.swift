#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension BanditLog {
    /// One line of Barista's decision log (see ``BanditLog``).
    private struct DecisionRecord: Decodable {
        var experience: String
        var variant: String?
        var probability: Double
        var reward: Double
        var features: Features?
    }

    /// `features`: an object of named values, or an array of numbers named by their index.
    private enum Features: Decodable {
        case named([String: FeatureValue])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let array = try? container.decode([Double?].self) {
                self = .named(Dictionary(uniqueKeysWithValues: array.enumerated().map { (String($0), $1.map { .number($0) } ?? .none) }))
            } else {
                self = .named(try container.decode([String: FeatureValue].self))
            }
        }

        var values: [String: FeatureValue] {
            switch self {
            case .named(let values): values
            }
        }
    }

    /// A feature value as JSON gives it.
    private enum FeatureValue: Decodable {
        case number(Double), string(String), none

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .none
            } else if let bool = try? container.decode(Bool.self) {
                self = .number(bool ? 1 : 0)
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else {
                self = .string(try container.decode(String.self))
            }
        }
    }

    /// Parses the decision-log JSONL layout (see ``BanditLog``).
    static func decisionLog(_ bytes: [UInt8]) throws -> BanditLog {
        let decoder = JSONDecoder()
        var actionIndex: [String: Int] = [:], slotIndex: [String: Int] = [:], featureIndex: [String: Int32] = [:]
        var actionIDs: [String] = [], slotIDs: [String] = [], featureNames: [String] = []
        var rounds: [BanditRound] = []
        func intern(_ name: String, _ index: inout [String: Int], _ names: inout [String]) -> Int {
            if let known = index[name] { return known }
            names.append(name)
            index[name] = names.count - 1
            return names.count - 1
        }
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            let record: DecisionRecord
            do {
                record = try decoder.decode(DecisionRecord.self, from: Data(line))
            } catch {
                throw BanditLogError.badRound(line: lineNumber, reason: "not a decision-log object (\(Self.describe(error)))")
            }
            guard record.probability > 0, record.probability <= 1 else {
                throw BanditLogError.badRound(line: lineNumber, reason: "probability \(record.probability) is not in (0, 1]")
            }
            guard record.reward.isFinite else {
                throw BanditLogError.badRound(line: lineNumber, reason: "reward is not a finite number")
            }
            var features: [BanditFeature] = []
            for (key, value) in (record.features?.values ?? [:]).sorted(by: { $0.key < $1.key }) {
                let name: String, number: Double
                switch value {
                case .number(let value): (name, number) = (key, value)
                case .string(let text): (name, number) = (key + "=" + text, 1)
                case .none: continue
                }
                guard number != 0, number.isFinite else { continue }
                let index = featureIndex[name] ?? {
                    featureNames.append(name)
                    featureIndex[name] = Int32(featureNames.count - 1)
                    return Int32(featureNames.count - 1)
                }()
                features.append(BanditFeature(index: index, value: number))
            }
            rounds.append(
                BanditRound(
                    slot: intern(record.experience, &slotIndex, &slotIDs),
                    action: intern(record.variant ?? "control", &actionIndex, &actionIDs),
                    reward: record.reward, propensity: record.probability, features: features))
        }
        return BanditLog(layout: .decisionLog, actionIDs: actionIDs, slotIDs: slotIDs, featureNames: featureNames, rounds: rounds)
    }

    /// A short reason for a decoding error: the missing or mistyped key.
    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _): "missing \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
        default: "invalid JSON"
        }
    }
}
