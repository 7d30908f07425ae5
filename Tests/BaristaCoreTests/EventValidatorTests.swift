import BaristaCore
import BaristaTesting
import Foundation
import Testing

struct EventValidatorTests {
    let validator = EventValidator()
    let now = Fixtures.now

    func validate(_ text: String) throws -> Result<Event, ValidationErrors> {
        validator.validate(try JSON.parse(text), at: JSONPointer("/batch/0"), now: now, makeMessageID: { "generated" })
    }

    @Test func aSegmentTrackEventBecomesAnEvent() throws {
        let event = try validate("""
            {"type":"track","event":"Product Viewed","user_id":"u42","anonymous_id":"a-9f","message_id":"m-1",
             "timestamp":"2026-11-22T10:00:00Z","properties":{"product_id":"sku-1","price":49.0},
             "context":{"channel":"web","locale":"en-GB"}}
            """).get()
        #expect(event.kind == .track)
        #expect(event.name == "Product Viewed")
        #expect(event.userID == "u42" && event.anonymousID == "a-9f" && event.messageID == "m-1")
        #expect(event.timestamp == Timestamp.parse("2026-11-22T10:00:00Z"))
        #expect(event.productID == ItemID("sku-1"))
        #expect(event.channel == "web")
    }

    @Test func camelCaseSegmentNamesAreAccepted() throws {
        let event = try validate(#"{"type":"identify","userId":"u1","anonymousId":"a1","messageId":"m9","traits":{"email":"x@y.z"}}"#).get()
        #expect(event.userID == "u1" && event.anonymousID == "a1" && event.messageID == "m9")
        #expect(event.traits["email"] == "x@y.z")
    }

    @Test func aMissingMessageIDIsGeneratedAndTheTimestampDefaultsToReceipt() throws {
        let event = try validate(#"{"type":"page","anonymous_id":"a1","name":"Home"}"#).get()
        #expect(event.messageID == "generated")
        #expect(event.timestamp == now)
        #expect(event.name == "Home")
    }

    @Test func unixSecondsAreATimestamp() throws {
        let event = try validate(#"{"type":"track","event":"Signed Up","user_id":"u","timestamp":1700000000}"#).get()
        #expect(event.timestamp == Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test(arguments: [
        (#"{"type":"track","user_id":"u"}"#, "/batch/0/event"),
        (#"{"type":"fly","event":"x","user_id":"u"}"#, "/batch/0/type"),
        (#"{"type":"track","event":"x"}"#, "/batch/0/user_id"),
        (#"{"type":"track","event":"x","user_id":"u","properties":[1]}"#, "/batch/0/properties"),
        (#"{"type":"identify","user_id":"u","traits":"vip"}"#, "/batch/0/traits"),
        (#"{"type":"track","event":"x","user_id":"u","timestamp":"yesterday"}"#, "/batch/0/timestamp"),
        (#"{"type":"track","event":"x","user_id":"u","timestamp":"2099-01-01T00:00:00Z"}"#, "/batch/0/timestamp"),
        (#"{"type":"track","event":"Product Viewed","user_id":"u"}"#, "/batch/0/properties/product_id"),
        (#"{"type":"track","event":"Order Completed","user_id":"u","properties":{"products":[{"quantity":1}]}}"#, "/batch/0/properties/products/0/product_id"),
        (#"{"type":"track","event":"Order Completed","user_id":"u","properties":{"revenue":"ten"}}"#, "/batch/0/properties/revenue"),
        (#"{"type":"alias","user_id":"u"}"#, "/batch/0/previous_id"),
        (#"{"type":"track","event":"x","user_id":""}"#, "/batch/0/user_id"),
        (#"{"type":"track","event":"x","user_id":"u","context":{"channel":5}}"#, "/batch/0/context/channel"),
        ("[1,2]", "/batch/0"),
    ])
    func everyProblemNamesItsField(body: String, field: String) throws {
        guard case .failure(let failure) = try validate(body) else {
            Issue.record("accepted \(body)")
            return
        }
        #expect(failure.errors.contains { $0.field == field }, "\(failure.errors)")
    }

    @Test func tooManyPropertiesAndLongStringsAreRejected() throws {
        var limits = Limits()
        limits.maxProperties = 3
        limits.maxStringBytes = 10
        let strict = EventValidator(limits: limits)
        let many = try JSON.parse(#"{"type":"track","event":"x","user_id":"u","properties":{"a":1,"b":2,"c":3,"d":4}}"#)
        let long = try JSON.parse(#"{"type":"track","event":"x","user_id":"u","properties":{"note":"far more than ten bytes"}}"#)
        #expect(throws: ValidationErrors.self) { try strict.validate(many, at: JSONPointer(), now: now).get() }
        guard case .failure(let failure) = strict.validate(long, at: JSONPointer(), now: now) else {
            Issue.record("accepted a long string")
            return
        }
        #expect(failure.errors.map(\.field) == ["/properties/note"])
    }

    @Test func storedEventsReadBackUnchanged() throws {
        let event = try validate(#"{"type":"alias","previous_id":"a1","user_id":"u1","message_id":"m","context":{"ip":"1.2.3.4"}}"#).get()
        let stored = try JSON.parse(JSON.string(event.json))
        #expect(Event(stored: stored) == event)
        #expect(try JSON.parse(event.storedText) == event.json, "the direct writer writes the same document")
        let track = try validate(#"{"type":"track","event":"Order Completed","user_id":"u \"q\"","properties":{"products":[{"product_id":"a","price":1.5}]},"traits":{"x":null}}"#).get()
        #expect(try JSON.parse(track.storedText) == track.json)
    }

    @Test func theChannelIsInferredWhenNotGiven() throws {
        #expect(try validate(#"{"type":"track","event":"Email Opened","user_id":"u"}"#).get().channel == "email")
        #expect(try validate(#"{"type":"screen","name":"Home","user_id":"u"}"#).get().channel == "app")
        #expect(try validate(#"{"type":"page","user_id":"u"}"#).get().channel == "web")
    }
}

struct TimestampTests {
    @Test(arguments: [
        ("2026-11-22T10:00:00Z", 1_795_341_600.0),
        ("2026-11-22T10:00:00.250Z", 1_795_341_600.25),
        ("2026-11-22T11:00:00+01:00", 1_795_341_600.0),
        ("2026-11-22 10:00:00Z", 1_795_341_600.0),
        ("2026-11-22", 1_795_305_600.0),
        ("1970-01-01T00:00:00Z", 0.0),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0),
    ])
    func rfc3339IsParsed(text: String, seconds: Double) {
        #expect(Timestamp.parse(text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: ["", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-22T10:00:00", "2026-11-22T25:00:00Z", "tomorrow", "2026-11-22T10:00:00Zjunk"])
    func nonsenseIsRejected(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func formattingRoundTrips() {
        for seconds in [0.0, 1_795_341_600, 1_795_341_600.123, 951_782_400] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.parse(Timestamp.format(date)) == date)
        }
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_795_341_600)) == "2026-11-22T10:00:00Z")
    }

    @Test(arguments: [("90s", 90.0), ("15m", 900.0), ("1h", 3600.0), ("3d", 259_200.0), ("2w", 1_209_600.0)])
    func durationsAreRead(text: String, seconds: Double) {
        #expect(DurationText.seconds(text) == seconds)
    }

    @Test(arguments: ["", "5", "d", "-1d", "1.5h", "3y"])
    func badDurationsAreRejected(text: String) {
        #expect(DurationText.seconds(text) == nil)
    }
}
