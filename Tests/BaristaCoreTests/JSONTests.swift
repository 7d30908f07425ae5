import Foundation
import Testing

@testable import BaristaCore

struct JSONTests {
    // MARK: Accepting

    @Test(arguments: [
        ("null", JSONValue.null),
        ("true", true),
        ("false", false),
        ("0", 0),
        ("42", 42),
        ("-17", -17),
        ("3.25", 3.25),
        ("\"\"", ""),
        ("\"hi\"", "hi"),
        ("[]", []),
        ("{}", [:]),
        ("[1,\"a\",null,false]", [1, "a", nil, false]),
        (" \t\n\r[ 1 , 2 ]\r\n ", [1, 2]),
        ("{\"a\":{\"b\":[true,{}]},\"c\":[]}", ["a": ["b": [true, [:]]], "c": []]),
    ] as [(String, JSONValue)])
    func everyKindOfValueParses(text: String, expected: JSONValue) throws {
        #expect(try JSON.parse(text) == expected)
    }

    @Test(arguments: [
        ("1e3", 1000),
        ("1E3", 1000),
        ("1e+3", 1000),
        ("1e-3", 0.001),
        ("-1.5E-2", -0.015),
        ("0.5e1", 5),
        ("0e10", 0),
        ("2.5e-0", 2.5),
        ("1e-400", 0),
        ("123.456e-7", 123.456e-7),
    ] as [(String, Double)])
    func exponentFormsParse(text: String, expected: Double) throws {
        #expect(try JSON.parse(text) == .number(expected))
    }

    @Test(arguments: [
        "0.1", "0.30000000000000004", "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308",
        "9007199254740993", "12345678901234567890", "123456789012345678901234567890", "1e22", "1e23",
        "8.98846567431158e307", "0.000000000000000000000000000001", "3.141592653589793238462643383279",
    ])
    func numbersRoundExactlyAsTheStandardLibraryDoes(text: String) throws {
        #expect(try JSON.parse(text) == .number(Double(text)!))
    }

    @Test func largeIntegersParseToTheNearestDouble() throws {
        #expect(try JSON.parse("9007199254740991") == .number(9_007_199_254_740_991))
        #expect(try JSON.parse("9007199254740993") == .number(9_007_199_254_740_992))
        #expect(try JSON.parse("-18446744073709551616") == .number(-18_446_744_073_709_551_616.0))
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let value = try JSON.parse("-0")
        #expect(value.doubleValue?.sign == .minus)
        #expect(try JSON.parse("-0.0e5").doubleValue?.sign == .minus)
        #expect(JSON.string(value) == "-0")
    }

    @Test(arguments: [
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
        (#""\u00e9\u00E9""#, "éé"),
        (#""\u0000""#, "\u{0}"),
        (#""a\uD83D\uDE00b""#, "a😀b"),
        (#""\ud834\udd1e""#, "𝄞"),
        (#""\u65E5\u672C""#, "日本"),
        ("\"日本語\"", "日本語"),
        ("\"😀 and 🇬🇧\"", "😀 and 🇬🇧"),
    ])
    func escapesAndUnicodeDecode(text: String, expected: String) throws {
        #expect(try JSON.parse(text) == .string(expected))
    }

    @Test func aRepeatedMemberKeepsItsLastValue() throws {
        #expect(try JSON.parse(#"{"a":1,"b":2,"a":3}"#) == ["a": 3, "b": 2])
    }

    @Test func everyInputFormGivesTheSameValue() throws {
        let text = #"{"k":["v",1.5]}"#
        let bytes = Array(text.utf8)
        let expected: JSONValue = ["k": ["v", 1.5]]
        #expect(try JSON.parse(bytes) == expected)
        #expect(try JSON.parse(bytes[...]) == expected)
        #expect(try JSON.parse(text.utf8) == expected)
        #expect(try JSON.parse(Data(bytes)) == expected)
        #expect(try bytes.withUnsafeBytes { try JSON.parse($0) } == expected)
    }

    // MARK: Rejecting

    @Test(arguments: [
        ("", 0, "empty input"),
        ("   ", 3, "empty input"),
        ("[1,]", 2, "trailing comma"),
        (#"{"a":1,}"#, 6, "trailing comma"),
        ("[1,,2]", 3, "unexpected character ',', expected a value"),
        ("[1 2]", 3, "unexpected character '2', expected ',' or ']'"),
        ("// note\n1", 0, "unexpected character '/', expected a value"),
        ("/* note */ 1", 0, "unexpected character '/', expected a value"),
        ("NaN", 0, "unexpected character 'N', expected a value"),
        ("-Infinity", 1, "unexpected character 'I', expected a digit"),
        ("01", 0, "leading zeros are not allowed"),
        ("-012", 0, "leading zeros are not allowed"),
        ("1.", 2, "unexpected end of input, expected a digit after '.'"),
        ("1.e5", 2, "unexpected character 'e', expected a digit after '.'"),
        (".5", 0, "unexpected character '.', expected a value"),
        ("+1", 0, "unexpected character '+', expected a value"),
        ("1e", 2, "unexpected end of input, expected a digit after the exponent marker"),
        ("[1e+]", 4, "unexpected character ']', expected a digit after the exponent marker"),
        ("-", 1, "unexpected end of input, expected a digit"),
        ("1e400", 0, "number out of range"),
        ("[0, -1e400]", 4, "number out of range"),
        (#""abc"#, 0, "unterminated string"),
        (#"["a\"]"#, 1, "unterminated string"),
        ("\"a\nb\"", 2, "unescaped control character 0x0A in string"),
        ("\"a\tb\"", 2, "unescaped control character 0x09 in string"),
        (#""\x""#, 1, #"invalid escape '\x'"#),
        (#""ab\u12G4""#, 3, #"invalid \u escape"#),
        (#""\u12"#, 1, #"invalid \u escape"#),
        (#""\uD800""#, 1, #"unpaired surrogate in \u escape"#),
        (#""\uDC00\uD800""#, 1, #"unpaired surrogate in \u escape"#),
        (#""x\uD83D\u0041""#, 2, #"unpaired surrogate in \u escape"#),
        ("tru", 0, "invalid literal, expected 'true'"),
        ("[nul]", 1, "invalid literal, expected 'null'"),
        ("True", 0, "unexpected character 'T', expected a value"),
        ("'a'", 0, "unexpected character ''', expected a value"),
        ("1 2", 2, "trailing characters after the JSON value"),
        ("{} x", 3, "trailing characters after the JSON value"),
        (#"{"a" 1}"#, 5, "unexpected character '1', expected ':'"),
        ("{a:1}", 1, "unexpected character 'a', expected '\"' to begin a member name"),
        (#"{"a":}"#, 5, "unexpected character '}', expected a value"),
        (#"{"a":1"#, 6, "unexpected end of input, expected ',' or '}'"),
        ("[1", 2, "unexpected end of input, expected ',' or ']'"),
        ("[", 1, "unexpected end of input, expected a value"),
        ("\u{A0}1", 0, "unexpected byte 0xC2, expected a value"),
    ] as [(String, Int, String)])
    func malformedDocumentsAreRejectedAtTheOffendingByte(text: String, offset: Int, message: String) {
        #expect(throws: JSONParseError(offset: offset, message: message)) { try JSON.parse(text) }
    }

    @Test(arguments: [
        ([0x22, 0xFF, 0x22], 1),  // never valid in UTF-8
        ([0x22, 0x80, 0x22], 1),  // a continuation byte with no lead
        ([0x22, 0xC0, 0x80, 0x22], 1),  // overlong NUL
        ([0x22, 0xE0, 0x80, 0xAF, 0x22], 1),  // overlong three-byte form
        ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),  // an encoded surrogate
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),  // above U+10FFFF
        ([0x22, 0x61, 0xC3, 0x22], 2),  // a sequence cut short by the quote
        ([0x22, 0xE6, 0x97, 0xA5, 0xE6, 0x97], 4),  // a sequence cut short by the end of input
        ([0x22, 0x5C, 0x6E, 0xF8, 0x88, 0x80, 0x80, 0x80, 0x22], 3),  // five-byte form, after an escape
    ] as [([UInt8], Int)])
    func invalidUTF8IsRejected(bytes: [UInt8], offset: Int) {
        #expect(throws: JSONParseError(offset: offset, message: "invalid UTF-8")) { try JSON.parse(bytes) }
    }

    @Test func aByteOrderMarkIsRejected() {
        #expect(throws: JSONParseError(offset: 0, message: "unexpected byte 0xEF, expected a value")) {
            try JSON.parse([0xEF, 0xBB, 0xBF, 0x31])
        }
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let text = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        var value = try JSON.parse(text)
        for _ in 1..<64 { value = value.arrayValue![0] }
        #expect(value == [])
    }

    @Test func nestingBeyondTheLimitIsRejectedWhereItStarts() {
        let arrays = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParseError(offset: 64, message: "nesting deeper than 64")) { try JSON.parse(arrays) }

        let objects = String(repeating: #"{"a":"#, count: 3) + "1" + String(repeating: "}", count: 3)
        #expect(throws: JSONParseError(offset: 10, message: "nesting deeper than 2")) {
            try JSON.parse(objects, maxDepth: 2)
        }
    }

    @Test func hostileNestingFailsWithoutExhaustingTheStack() {
        let text = String(repeating: "[", count: 1_000_000)
        #expect(throws: JSONParseError(offset: 64, message: "nesting deeper than 64")) { try JSON.parse(text) }
    }

    @Test func anErrorDescribesItselfWithItsOffset() {
        let error = JSONParseError(offset: 17, message: "unexpected character 'x'")
        #expect(error.description == "unexpected character 'x' at byte 17")
    }

    // MARK: Writing

    @Test(arguments: [
        (JSONValue.null, "null"),
        (true, "true"),
        (false, "false"),
        (3, "3"),
        (-17, "-17"),
        (.number(-0.0), "-0"),
        (0.5, "0.5"),
        (0.1, "0.1"),
        (1e-7, "1e-07"),
        (9_007_199_254_740_991, "9007199254740991"),
        (9_007_199_254_740_992, "9007199254740992"),
        (9_007_199_254_740_994, "9.007199254740994e+15"),
        (1e21, "1e+21"),
        (.number(.nan), "null"),
        (.number(.infinity), "null"),
        (.number(-.infinity), "null"),
        ("a\"b\\c/d", #""a\"b\\c/d""#),
        ("\n\t\r\u{8}\u{C}\u{1}\u{1F}\u{7F}", #""\n\t\r\b\f\u0001\u001f\#u{7F}""#),
        ("é日本😀", "\"é日本😀\""),
        ([1, "x", nil, [], [:]], #"[1,"x",null,[],{}]"#),
        (["a": ["b": [true]]], #"{"a":{"b":[true]}}"#),
    ] as [(JSONValue, String)])
    func valuesAreWrittenCompactly(value: JSONValue, expected: String) {
        #expect(JSON.string(value) == expected)
        #expect(value.description == expected)
        #expect(JSON.serialize(value) == Array(expected.utf8))
    }

    @Test func sortedKeysGiveStableOutput() {
        let value: JSONValue = ["b": 1, "a": ["z": true, "y": nil], "c": []]
        #expect(JSON.string(value, sortedKeys: true) == #"{"a":{"y":null,"z":true},"b":1,"c":[]}"#)
    }

    @Test func aNestedDocumentSurvivesARoundTrip() throws {
        // Given a document with every kind of value, escapes, Unicode and awkward numbers
        let document: JSONValue = [
            "type": "track",
            "event": "Product \"Viewed\"\n",
            "properties": ["price": 49.99, "quantity": 3, "tags": ["新品", "🔥", ""], "discount": nil],
            "context": ["locale": "en-GB", "flags": [true, false], "ratio": 1e-9, "big": 1.5e300],
            "empty": [:],
            "nested": [[[["deep": [-0.5]]]]],
        ]

        // When it is written and read back
        let bytes = JSON.serialize(document)
        let parsed = try JSON.parse(bytes)

        // Then nothing is lost, and writing it again gives the same text
        #expect(parsed == document)
        #expect(JSON.string(parsed, sortedKeys: true) == JSON.string(document, sortedKeys: true))
    }

    // MARK: Codable

    struct Envelope: Codable, Equatable {
        var kind: String
        var payload: JSONValue
    }

    @Test func aValueInsideACodableTypeSurvivesFoundationsCoders() throws {
        let envelope = Envelope(
            kind: "event",
            payload: ["n": 1.5, "ok": true, "none": nil, "list": [1, "two", [:]], "text": "é😀"]
        )
        let data = try JSONEncoder().encode(envelope)
        #expect(try JSONDecoder().decode(Envelope.self, from: data) == envelope)
        #expect(try JSON.parse(data)["payload"] == envelope.payload)
    }
}
