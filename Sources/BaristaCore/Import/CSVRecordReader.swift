/// What an import file holds: catalog items or events.
public enum RecordKind: String, Sendable, Hashable, CaseIterable {
    /// Items, each shaped like the body of `PUT /v1/items/{item_id}` plus `item_id`.
    case items
    /// Events, each shaped like one event of `POST /v1/events`.
    case events
}

/// Reads a CSV file whose header row names API fields, and turns each row into an item or an
/// event shaped like the API's request body.
///
/// Items: `item_id,title,category,brand,color,style,price,currency,tags,in_stock,url,image_url,published_at`
/// (tags separated by `|`, `in_stock` true/false/1/0); any other column goes into `attributes`.
/// Events: `type,event,user_id,anonymous_id,message_id,timestamp` and dotted columns
/// (`properties.price`, `traits.address.city`, `context.channel`) that build nested objects; a row
/// with an `event` and no `type` is a `track`. A dotted cell is a number when written as a JSON
/// number, a Boolean when `true`/`false`, an array or object when it holds JSON (`properties.products`),
/// else a string; ids (`properties.product_id`, `…_id`, `….sku`) are always strings. Empty cells
/// are left out of the object. The engine
/// validates the result as it validates HTTP requests; this reader rejects only what cannot be
/// expressed (a wrong number of fields, a price that is not a number, broken quoting).
public struct CSVRecordReader: RecordReader {
    private var tokenizer: CSVTokenizer
    private let kind: RecordKind
    private let header: [String]
    private let columns: [CSVColumn]

    /// Reads the header row from `source`.
    ///
    /// - Parameters:
    ///   - source: The CSV bytes.
    ///   - kind: Whether the rows are items or events.
    /// - Throws: ``ImportError`` when the header is missing, lacks `item_id` (items) or both
    ///   `type` and `event` (events), or names a column twice or in conflicting ways.
    public init(source: any ByteChunkSource, kind: RecordKind) throws {
        tokenizer = CSVTokenizer(source: source)
        self.kind = kind
        guard let headerRow = try tokenizer.nextRow() else { throw ImportError.missingHeader }
        header = headerRow.fields.map { $0.trimmingASCIISpaces() }
        columns = try Self.plan(header: header, kind: kind)
    }

    public mutating func next() throws -> Record? {
        guard let row = try tokenizer.nextRow() else { return nil }
        if let problem = row.problem {
            return Record(line: row.line, result: .failure(RecordError(problem)))
        }
        guard row.fields.count == columns.count else {
            let message = "expected \(columns.count) fields as in the header, found \(row.fields.count)"
            return Record(line: row.line, result: .failure(RecordError(message)))
        }
        return Record(line: row.line, result: convert(row.fields))
    }

    /// Builds the JSON object of one row.
    private func convert(_ fields: [String]) -> Result<JSONValue, RecordError> {
        var object: [String: JSONValue] = [:]
        for (column, text) in zip(columns, fields) where !text.isEmpty {
            switch column {
            case .string(let key):
                object[key] = .string(text)
            case .number(let key):
                guard let number = CSVCell.number(text.trimmingASCIISpaces()) else {
                    return .failure(RecordError("\(key): \"\(text)\" is not a number"))
                }
                object[key] = .number(number)
            case .bool(let key):
                guard let bool = CSVCell.bool(text.trimmingASCIISpaces()) else {
                    return .failure(RecordError("\(key): \"\(text)\" is not true, false, 1 or 0"))
                }
                object[key] = .bool(bool)
            case .tags(let key):
                let tags = text.split(separator: "|").map { String($0).trimmingASCIISpaces() }.filter { !$0.isEmpty }
                object[key] = .array(tags.map(JSONValue.string))
            case .timestamp(let key):
                object[key] = CSVCell.timestamp(text.trimmingASCIISpaces())
            case .path(let path):
                object.insert(CSVCell.inferred(text), at: path[...])
            case .idPath(let path):
                object.insert(.string(text), at: path[...])
            }
        }
        if kind == .items, object["item_id"] == nil {
            return .failure(RecordError("item_id is empty"))
        }
        if kind == .events, object["type"] == nil, object["event"] != nil {
            object["type"] = "track"
        }
        return .success(.object(object))
    }

    /// Decides what each header column means and checks that no two collide.
    private static func plan(header: [String], kind: RecordKind) throws(ImportError) -> [CSVColumn] {
        var seen: Set<String> = []
        for name in header {
            guard !name.isEmpty, !name.split(separator: ".", omittingEmptySubsequences: false).contains("") else {
                throw .invalidColumn(name)
            }
            guard seen.insert(name).inserted else { throw .duplicateColumn(name) }
        }
        switch kind {
        case .items where !seen.contains("item_id"): throw .missingColumn("item_id")
        case .events where !seen.contains("type") && !seen.contains("event"): throw .missingColumn("type")
        default: break
        }
        let columns = header.map { kind == .items ? CSVColumn.item($0) : CSVColumn.event($0) }
        // A path that is a prefix of another (`properties.a` and `properties.a.b`) cannot both be written.
        let paths = columns.map(\.path)
        for (i, a) in paths.enumerated() {
            for (j, b) in paths.enumerated() where i != j && a.count <= b.count && Array(b.prefix(a.count)) == a {
                throw .conflictingColumns(header[i], header[j])
            }
        }
        return columns
    }
}

extension [String: JSONValue] {
    /// Writes `value` at a nested `path`, creating the objects on the way.
    fileprivate mutating func insert(_ value: JSONValue, at path: ArraySlice<String>) {
        guard let key = path.first else { return }
        if path.count == 1 {
            self[key] = value
            return
        }
        var child = self[key]?.objectValue ?? [:]
        self[key] = nil  // keep `child` uniquely referenced while it is edited
        child.insert(value, at: path.dropFirst())
        self[key] = .object(child)
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    public func trimmingASCIISpaces() -> String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = utf8.first, let last = utf8.last, isSpace(first) || isSpace(last) else { return self }
        guard let start = utf8.firstIndex(where: { !isSpace($0) }), let end = utf8.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[start...end])
    }
}
