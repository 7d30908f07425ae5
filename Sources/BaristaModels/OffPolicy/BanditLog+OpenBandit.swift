extension BanditLog {
    /// Parses the Open Bandit Dataset CSV layout (see ``BanditLog``).
    static func openBandit(_ bytes: [UInt8]) throws -> BanditLog {
        try bytes.withUnsafeBufferPointer { buffer in
            var scanner = CSVScanner(bytes: buffer)
            guard scanner.nextRecord() != nil else { throw BanditLogError.empty }
            let names = scanner.fields.map { scanner.string($0).trimmedOfSpaces }
            let required = ["item_id", "position", "click", "propensity_score"]
            let missing = required.filter { !names.contains($0) }
            guard missing.isEmpty else {
                throw BanditLogError.unknownLayout(reason: "the CSV header lacks \(missing.joined(separator: ", "))")
            }
            let column = required.map { names.firstIndex(of: $0)! }
            let numeric = names.indices.filter { names[$0].hasPrefix("user-item_affinity_") }
            let categorical = names.indices.filter { names[$0].hasPrefix("user_feature_") }
            var featureNames = numeric.map { names[$0] }
            var featureIndex: [String: Int32] = [:]
            var actionIndex: [String: Int] = [:], slotIndex: [String: Int] = [:]
            var actionIDs: [String] = [], slotIDs: [String] = []
            var rounds: [BanditRound] = []
            let needed = names.count
            while let line = scanner.nextRecord() {
                let fields = scanner.fields
                guard fields.count >= needed else {
                    throw BanditLogError.badRound(line: line, reason: "expected \(needed) fields, found \(fields.count)")
                }
                let item = scanner.string(fields[column[0]]).trimmedOfSpaces
                let position = scanner.string(fields[column[1]]).trimmedOfSpaces
                guard !item.isEmpty, !position.isEmpty else {
                    throw BanditLogError.badRound(line: line, reason: "the item_id or position is empty")
                }
                guard let click = scanner.number(fields[column[2]]) else {
                    throw BanditLogError.badRound(line: line, reason: "click is not a number")
                }
                guard let propensity = scanner.number(fields[column[3]]), propensity > 0, propensity <= 1 else {
                    throw BanditLogError.badRound(line: line, reason: "propensity_score is not a number in (0, 1]")
                }
                var features: [BanditFeature] = []
                for (offset, index) in numeric.enumerated() {
                    guard let value = scanner.number(fields[index]) else {
                        throw BanditLogError.badRound(line: line, reason: "\(names[index]) is not a number")
                    }
                    if value != 0 { features.append(BanditFeature(index: Int32(offset), value: value)) }
                }
                for index in categorical where !fields[index].isEmpty {
                    let name = names[index] + "=" + scanner.string(fields[index])
                    let feature = featureIndex[name] ?? {
                        featureNames.append(name)
                        featureIndex[name] = Int32(featureNames.count - 1)
                        return Int32(featureNames.count - 1)
                    }()
                    features.append(BanditFeature(index: feature, value: 1))
                }
                let action = actionIndex[item] ?? {
                    actionIDs.append(item)
                    actionIndex[item] = actionIDs.count - 1
                    return actionIDs.count - 1
                }()
                let slot = slotIndex[position] ?? {
                    slotIDs.append(position)
                    slotIndex[position] = slotIDs.count - 1
                    return slotIDs.count - 1
                }()
                rounds.append(BanditRound(slot: slot, action: action, reward: click, propensity: propensity, features: features))
            }
            return BanditLog(layout: .openBandit, actionIDs: actionIDs, slotIDs: slotIDs, featureNames: featureNames, rounds: rounds)
        }
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    fileprivate var trimmedOfSpaces: String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}
