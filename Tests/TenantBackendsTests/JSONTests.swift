import TenantBackends
import TenantModel
import Testing

@Suite struct JSONTests {
    @Test func escapes() throws {
        let s = "q\"b\\n\nr\rt\tb\u{8}f\u{C}z\u{0}u\u{1F}d\u{7F}é😀\u{2028}/"
        let expected = #"{"s":"q\"b\\n\nr\rt\tb\bf\fz\u0000u\u001fd"# + "\u{7F}é😀\u{2028}/\"}\n"
        #expect(text(try render(JSONBackend(), tenant(Record(["s": .string(s)])), layout: .stream)) == expected)
    }

    @Test func keysAreEscapedToo() throws {
        let config = Record(["a\"b": .int(1), "new\nline": .int(2)])
        #expect(text(try render(JSONBackend(), tenant(config))) == "{\n  \"a\\\"b\": 1,\n  \"new\\nline\": 2\n}\n")
    }

    /// Foundation's parser drops a leading byte order mark, so check the bytes directly.
    @Test func byteOrderMarkIsWrittenRaw() throws {
        let out = try render(JSONBackend(), tenant(Record(["s": .string("\u{FEFF}x")])), layout: .stream)
        #expect(out == Array("{\"s\":\"".utf8) + [0xEF, 0xBB, 0xBF, UInt8(ascii: "x")] + Array("\"}\n".utf8))
    }

    @Test func nestedEmptiesAndOrder() throws {
        let config = Record(["z": .list([.list([]), .record(Record())]), "a": .record(Record(["y": .list([.int(1)])]))])
        let expected = """
            {
              "z": [
                [],
                {}
              ],
              "a": {
                "y": [
                  1
                ]
              }
            }

            """
        #expect(text(try render(JSONBackend(), tenant(config))) == expected)
    }
}
