import BaristaCore
import CompressNIO
import Foundation
import NIOCore
import Synchronization
import Testing

@testable import barista

/// Import readers (CSV, JSONL, gzip, Online Retail), the demo shop generator and the progress bar.
struct ImportTests {
    // MARK: CSV

    @Test(arguments: [1, 2, 7, 1 << 16])
    func csvQuotedFieldsKeepCommasLineBreaksAndDoubledQuotes(chunkSize: Int) throws {
        let csv = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n\"\",plain,\"7\"\" single\"\n"
        var tokenizer = CSVTokenizer(source: MemoryChunkSource(csv, chunkSize: chunkSize))
        #expect(try tokenizer.nextRow() == CSVRow(line: 1, fields: ["a", "b", "c"]))
        #expect(try tokenizer.nextRow() == CSVRow(line: 2, fields: ["x, y", "say \"hi\"", "two\r\nlines"]))
        #expect(try tokenizer.nextRow() == CSVRow(line: 4, fields: ["", "plain", "7\" single"]))
        #expect(try tokenizer.nextRow() == nil)
    }

    @Test func csvSkipsBlankLinesAndAByteOrderMarkAndReadsALastRowWithoutNewline() throws {
        var tokenizer = CSVTokenizer(source: MemoryChunkSource("\u{FEFF}id,n\n\n1,\n\r\n2,x"))
        #expect(try tokenizer.nextRow()?.fields == ["id", "n"])
        #expect(try tokenizer.nextRow() == CSVRow(line: 3, fields: ["1", ""]))
        #expect(try tokenizer.nextRow() == CSVRow(line: 5, fields: ["2", "x"]))
        #expect(try tokenizer.nextRow() == nil)
    }

    @Test func csvItemsBecomeItemBodiesWithUnknownColumnsInAttributes() throws {
        let csv = """
            item_id,title,price,tags,in_stock,material,published_at
            sku-1,"Trail Runner, 2",89.5,running| waterproof ,1,mesh,2026-01-02T00:00:00Z
            sku-2,Mug,,,false,007,1767312000
            """
        var reader = try CSVRecordReader(source: MemoryChunkSource(csv), kind: .items)
        let records = try reader.readAll()
        #expect(
            records[0].result
                == .success([
                    "item_id": "sku-1", "title": "Trail Runner, 2", "price": 89.5, "tags": ["running", "waterproof"],
                    "in_stock": true, "attributes": ["material": "mesh"], "published_at": "2026-01-02T00:00:00Z",
                ]))
        // Empty cells are left out; "007" keeps its zeros; Unix seconds stay a number.
        #expect(
            records[1].result
                == .success([
                    "item_id": "sku-2", "title": "Mug", "in_stock": false, "attributes": ["material": "007"],
                    "published_at": 1_767_312_000,
                ]))
    }

    @Test func csvDottedEventColumnsBuildNestedObjects() throws {
        let csv = """
            type,event,user_id,timestamp,properties.price,properties.sku,traits.address.city,context.channel,properties.products,properties.order_id
            track,Order Completed,u1,2026-01-01T10:00:00Z,12.50,0042,,web,"[{""product_id"":""a"",""quantity"":2}]",536365
            identify,,u1,,,,Leeds,app,,
            ,Product Viewed,u2,,3,,,,,
            """
        var reader = try CSVRecordReader(source: MemoryChunkSource(csv), kind: .events)
        let records = try reader.readAll().map { try $0.result.get() }
        #expect(
            records[0]
                == [
                    "type": "track", "event": "Order Completed", "user_id": "u1", "timestamp": "2026-01-01T10:00:00Z",
                    "properties": [
                        "price": 12.5, "sku": "0042", "products": [["product_id": "a", "quantity": 2]], "order_id": "536365",
                    ],
                    "context": ["channel": "web"],
                ])
        #expect(
            records[1]
                == ["type": "identify", "user_id": "u1", "traits": ["address": ["city": "Leeds"]], "context": ["channel": "app"]])
        // An event without a type is a track.
        #expect(records[2] == ["type": "track", "event": "Product Viewed", "user_id": "u2", "properties": ["price": 3]])
    }

    @Test func aBadCSVRowIsReportedWithItsLineAndTheRestAreKept() throws {
        let csv = """
            item_id,title,price
            a,"Two
            lines",1
            b,Bad price,£3
            c,Too,many,fields
            ,No id,2
            d,"ab"c,4
            e,Fine,5
            """
        var reader = try CSVRecordReader(source: MemoryChunkSource(csv, chunkSize: 5), kind: .items)
        let records = try reader.readAll()
        #expect(records.map(\.line) == [2, 4, 5, 6, 7, 8])
        #expect(records.map { (try? $0.result.get())?["item_id"] } == ["a", nil, nil, nil, nil, "e"])
        #expect(records[1].result == .failure(RecordError("price: \"£3\" is not a number")))
        #expect(records[2].result == .failure(RecordError("expected 3 fields as in the header, found 4")))
        #expect(records[3].result == .failure(RecordError("item_id is empty")))
        #expect(records[4].result == .failure(RecordError("unexpected character after the closing quote of field 2")))
    }

    @Test func anUnclosedQuoteAtTheEndIsABadRow() throws {
        var reader = try CSVRecordReader(source: MemoryChunkSource("item_id,title\na,\"open\nb,c\n"), kind: .items)
        let records = try reader.readAll()
        #expect(records.count == 1)
        #expect(records[0].line == 2)
        #expect(records[0].result == .failure(RecordError("a quoted field is never closed")))
    }

    @Test func unusableHeadersAreThrownNotReportedPerRow() {
        #expect(throws: ImportError.missingColumn("item_id")) {
            try CSVRecordReader(source: MemoryChunkSource("title,price\nx,1\n"), kind: .items)
        }
        #expect(throws: ImportError.conflictingColumns("properties.a", "properties.a.b")) {
            try CSVRecordReader(source: MemoryChunkSource("type,properties.a,properties.a.b\n"), kind: .events)
        }
        #expect(throws: ImportError.duplicateColumn("type")) {
            try CSVRecordReader(source: MemoryChunkSource("type,type\n"), kind: .events)
        }
        #expect(throws: ImportError.missingHeader) {
            try CSVRecordReader(source: MemoryChunkSource(""), kind: .events)
        }
    }

    // MARK: JSONL

    @Test func jsonlSkipsBlankLinesAndReportsALineThatDoesNotParse() throws {
        let jsonl = "{\"type\":\"track\",\"event\":\"A\"}\r\n\n   \n{\"type\": tru}\n[1]\n{\"type\":\"page\"}"
        var reader = JSONLRecordReader(source: MemoryChunkSource(jsonl, chunkSize: 4))
        let records = try reader.readAll()
        #expect(records.map(\.line) == [1, 4, 5, 6])
        #expect(records[0].result == .success(["type": "track", "event": "A"]))
        guard case .failure(let error) = records[1].result else {
            Issue.record("line 4 should be bad")
            return
        }
        #expect(error.message.hasPrefix("column "))
        #expect(records[2].result == .failure(RecordError("expected a JSON object, found an array")))
        #expect(records[3].result == .success(["type": "page"]))
    }

    // MARK: gzip

    @Test func gzipFilesAreDecompressedWhateverTheChunkSize() throws {
        let text = (1...5_000).map { "line \($0),\($0 * 7)" }.joined(separator: "\n") + "\n"
        let file = try TemporaryFile(gzipping: text)
        for chunkSize in [3, 1_000, 1 << 18] {
            var source = try FileChunkSource.open(path: file.path, chunkSize: chunkSize)
            var bytes: [UInt8] = []
            while let chunk = try source.nextChunk() { bytes += chunk }
            #expect(String(decoding: bytes, as: UTF8.self) == text)
        }
    }

    @Test func aTruncatedGzipFileIsAnError() throws {
        let file = try TemporaryFile(gzipping: String(repeating: "0123456789abcdef\n", count: 4_000), truncatedBy: 40)
        var source = try FileChunkSource.open(path: file.path)
        #expect(throws: ImportError.truncatedGzip) {
            while try source.nextChunk() != nil {}
        }
    }

    // MARK: Online Retail

    static let retailFixture = """
        InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
        536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6.0,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
        536365,71053,WHITE METAL LANTERN,6.0,2010-12-01 08:26:00,3.39,17850.0,United Kingdom
        536366,22633,HAND WARMER UNION JACK,6.0,2010-12-01 08:28:00,1.85,17850.0,United Kingdom
        536367,84879,"ASSORTED COLOUR BIRD ORNAMENT",32.0,2010-12-01 08:34:00,1.69,13047.0,France
        C536379,D,Discount,-1.0,2010-12-01 09:41:00,27.5,14527.0,United Kingdom
        536380,22961,JAM MAKING SET PRINTED,-5.0,2010-12-01 09:45:00,1.45,,United Kingdom
        536381,22139,RETROSPOT TEA SET CERAMIC 11 PC ,3.0,2010-12-01 09:50:00,4.95,,United Kingdom
        536382,85123A,CREAM HANGING HEART T-LIGHT HOLDER,2.0,2010-12-02 10:00:00,2.95,13047.0,Germany
        536383,23000,FREE GIFT MUG,1.0,2010-12-02 11:00:00,0.0,13047.0,Germany
        536384,23001,Adjust bad debt,1.0,2010-12-02 12:00:00,-11062.06,13047.0,Germany
        536385,23002,BROKEN LINE,abc,2010-12-02 12:00:00,1.0,13047.0,Germany
        536386,85123A,check,5.0,2010-12-03 10:00:00,0.0,,United Kingdom
        A563185,B,Adjust bad debt,1.0,2011-08-12 14:50:00,11062.06,,United Kingdom

        """

    @Test func onlineRetailBecomesACatalogProfilesAndOrders() throws {
        // Given a small gzip file in the UCI layout
        let file = try TemporaryFile(gzipping: Self.retailFixture)
        // When it is converted
        var reader = try OnlineRetailReader(path: file.path)
        let result = try reader.convert()
        // Then lines are counted by the first reason that excludes them
        let summary = result.summary
        #expect(summary.rowsRead == 13)
        #expect(summary.customers == 2)
        #expect(summary.orders == 5)
        #expect(summary.orderLines == 6)
        #expect(summary.zeroPriceOrderLines == 1)
        #expect(
            summary.rejected == [
                .malformed: 1, .cancellation: 1, .adjustment: 1, .nonPositiveQuantity: 1, .missingCustomer: 2,
                .nonPositivePrice: 1,
            ])
        #expect(result.problems.map(\.line) == [12])
        // and the catalog has every product sold, guests' too, with the latest title and price,
        // which a stock adjustment ("check" at price 0) does not overwrite
        #expect(result.items.map { $0["item_id"] } == ["85123A", "71053", "22633", "84879", "22139", "23000", "23001"])
        #expect(
            result.items[0]
                == [
                    "item_id": "85123A", "title": "CREAM HANGING HEART T-LIGHT HOLDER", "category": "holder",
                    "price": 2.95, "currency": "GBP", "in_stock": true,
                ])
        #expect(result.items[4]["title"] == "RETROSPOT TEA SET CERAMIC 11 PC")
        #expect(result.items[4]["category"] == nil)
        #expect(result.items[6]["price"] == nil)
        // and each customer is identified once, first purchase first, with their latest country
        #expect(
            result.events[1]
                == [
                    "type": "identify", "user_id": "13047", "message_id": "or-identify-13047",
                    "timestamp": "2010-12-01T08:34:00Z", "traits": ["address": ["country": "Germany"]],
                ])
        // and each invoice is an order
        #expect(
            result.events[2]
                == [
                    "type": "track", "event": "Order Completed", "user_id": "17850", "message_id": "or-order-536365",
                    "timestamp": "2010-12-01T08:26:00Z", "context": ["channel": "web"],
                    "properties": [
                        "order_id": "536365", "currency": "GBP", "revenue": 35.64,
                        "products": [
                            ["product_id": "85123A", "quantity": 6, "price": 2.55],
                            ["product_id": "71053", "quantity": 6, "price": 3.39],
                        ],
                    ],
                ])
        #expect(result.events.count == 2 + 5)
    }

    @Test func zeroPriceLinesCanBeLeftOutOfOrders() throws {
        var reader = OnlineRetailReader(source: MemoryChunkSource(Self.retailFixture), keepZeroPriceLines: false)
        let summary = try reader.convert().summary
        #expect(summary.orders == 4)
        #expect(summary.rejected[.nonPositivePrice] == 2)
    }

    static let onlineRetailFile: String? = {
        let relative = "../shared/data/online-retail/online_retail.csv.gz"
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return [relative, package.appendingPathComponent(relative).path].first { FileManager.default.fileExists(atPath: $0) }
    }()

    @Test(
        .enabled(if: ImportTests.onlineRetailFile != nil, "needs ../shared/data/online-retail/online_retail.csv.gz (absent here)"))
    func theRealOnlineRetailFileMatchesThePublishedCleaningFigures() throws {
        var reader = try OnlineRetailReader(path: try #require(Self.onlineRetailFile))
        let summary = try reader.convert().summary
        #expect(summary.rowsRead == 541_909)
        #expect(summary.orderLines == 397_924)
        #expect(summary.orders == 18_536)
        #expect(summary.customers == 4_339)
        #expect(summary.productsOrdered == 3_665)
        #expect(summary.rejected[.malformed, default: 0] == 0)
    }

    // MARK: Demo shop

    @Test func theDemoShopIsTheSameForTheSameSeed() {
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        let a = DemoShopGenerator(seed: 7, products: 150, shoppers: 200, days: 30, now: now).generate()
        let b = DemoShopGenerator(seed: 7, products: 150, shoppers: 200, days: 30, now: now).generate()
        let c = DemoShopGenerator(seed: 8, products: 150, shoppers: 200, days: 30, now: now).generate()
        #expect(a.items == b.items)
        #expect(a.events == b.events)
        #expect(a.events != c.events)
    }

    @Test func theDefaultDemoShopHasAFullCatalogAndAPlausibleHistory() throws {
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        let shop = DemoShopGenerator(seed: 42, now: now).generate()
        #expect(shop.items.count == 2000)
        #expect(Set(shop.items.compactMap { $0["category"] }).count == 12)
        #expect(Set(shop.items.compactMap { $0["brand"] }).count == 40)
        #expect(shop.items.allSatisfy { $0["url"]?.stringValue?.hasPrefix("/") == true })
        #expect((150_000...300_000).contains(shop.events.count))

        let messageIDs = shop.events.compactMap { $0["message_id"]?.stringValue }
        #expect(messageIDs.count == shop.events.count)
        #expect(Set(messageIDs).count == messageIDs.count)
        let times = shop.events.map { Timestamp.parse($0["timestamp"]?.stringValue ?? "")?.timeIntervalSince1970 ?? -1 }
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(times.first! >= now.timeIntervalSince1970 - 90 * 86_400)
        #expect(times.last! <= now.timeIntervalSince1970)

        var names: [String: Int] = [:]
        var shoppers: Set<String> = []
        for event in shop.events {
            names[event["event"]?.stringValue ?? event["type"]!.stringValue!, default: 0] += 1
            if let id = event["user_id"]?.stringValue { shoppers.insert(id) }
            #expect(event["user_id"] != nil || event["anonymous_id"] != nil)
        }
        for name in [
            "Product Viewed", "Product Added", "Order Completed", "Products Searched", "Cart Viewed", "identify",
            "page", "Email Delivered", "Email Opened", "Email Link Clicked",
        ] {
            #expect(names[name, default: 0] > 100, "\(name)")
        }
        #expect((2_000...5_000).contains(shoppers.count))  // some shoppers never identify
        let order = try #require(shop.events.first { $0["event"] == "Order Completed" })
        let products = try #require(order["properties"]?["products"]?.arrayValue)
        let revenue = products.reduce(0.0) { $0 + $1["price"]!.doubleValue! * $1["quantity"]!.doubleValue! }
        #expect(abs(revenue - order["properties"]!["revenue"]!.doubleValue!) < 0.005)
    }

    // MARK: Progress bar

    @Test func theProgressBarShowsCountTotalPercentAndRate() {
        let line = ProgressBar<ContinuousClock>.render(label: "events", completed: 12_345, total: 50_000, elapsed: .seconds(2))
        #expect(line == "events [=====>                  ] 12,345/50,000 24.7% 6,173/s")
        #expect(ProgressBar<ContinuousClock>.render(label: "rows", completed: 10, total: nil, elapsed: .zero) == "rows 10 -/s")
    }

    @Test func theProgressBarRedrawsAtMostTenTimesASecondOnATerminal() {
        let clock = ManualClock()
        let output = ProgressOutput()
        var bar = ProgressBar(label: "items", total: 1_000, clock: clock, interactive: true) { output.text += $0 }
        for _ in 0..<1_000 {
            bar.advance()
            clock.advance(by: .milliseconds(1))
        }
        bar.finish()
        #expect(output.text.filter { $0 == "\r" }.count == 11)  // 10 redraws in one second, and the final line
        #expect(output.text.hasSuffix("items: 1,000/1,000 (100.0%) in 1.0 s, 1,000/s\n"))
    }

    @Test func theProgressBarPrintsOnlyAFinalLineWhenNotOnATerminal() {
        let output = ProgressOutput()
        var bar = ProgressBar(label: "items", total: nil, clock: ManualClock(), interactive: false) { output.text += $0 }
        bar.advance(by: 5)
        #expect(output.text.isEmpty)
        bar.finish()
        bar.finish()
        #expect(output.text == "items: 5 in 0.0 s, -/s\n")
    }
}

/// A file in the temporary directory, removed when the value is released.
private final class TemporaryFile {
    let path: String

    /// Writes `text`, gzip-compressed with CompressNIO, optionally cut short by `truncatedBy` bytes.
    init(gzipping text: String, truncatedBy: Int = 0) throws {
        var buffer = ByteBuffer(string: text)
        var compressed = try buffer.compress(with: .gzip)
        let bytes = compressed.readBytes(length: compressed.readableBytes - truncatedBy) ?? []
        path = FileManager.default.temporaryDirectory.appendingPathComponent("barista-import-\(UUID().uuidString).gz").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Collects what a progress bar writes.
private final class ProgressOutput {
    var text = ""
}

/// A clock that moves only when told to.
private struct ManualClock: Clock {
    struct Instant: InstantProtocol {
        var offset: Swift.Duration
        func advanced(by duration: Swift.Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Swift.Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private final class State: Sendable {
        let offset = Mutex<Swift.Duration>(.zero)
    }

    private let state = State()
    var now: Instant { Instant(offset: state.offset.withLock { $0 }) }
    var minimumResolution: Swift.Duration { .zero }
    func sleep(until deadline: Instant, tolerance: Swift.Duration?) async throws {}
    func advance(by duration: Swift.Duration) { state.offset.withLock { $0 += duration } }
}
