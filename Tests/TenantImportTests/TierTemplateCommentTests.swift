import Testing
import TenantImport
import TenantSemantics

/// `#` comments: found where libyaml's scanner says they are, kept as `//` comments with the
/// key or item they go with, and reported when the tier cannot keep them.
@Suite struct TierTemplateCommentTests {
    @Test func theScannerFindsCommentsOutsideScalarsOnly() throws {
        let yaml = """
            # head
            a: "x # not a comment"   # trailing
            b: 'it''s # text'
            c: |  # on the header
              # text of the block
              more
            # after the block
            d: plain#text
            e: [1, # in a flow list
              2]

            f: {g: 1} # after a flow mapping
            """
        let scan = try #require(CommentScanner.scan(Array(yaml.utf8)))
        #expect(scan.comments.map(\.text) == [" head", " trailing", " on the header", " after the block", " in a flow list", " after a flow mapping"])
        #expect(scan.comments.map(\.line) == [1, 2, 4, 7, 9, 12])
        #expect(scan.comments.map(\.ownLine) == [true, false, false, true, false, false])
        #expect(scan.comments.map(\.insideFlow) == [false, false, false, false, true, false])
        #expect(scan.comments[1].column == 26)
        #expect(scan.blankLines.contains(11))
    }

    @Test func linesAndColumnsCountCharactersAsLibyamlDoes() throws {
        let yaml = "\u{FEFF}a: \"été\" # é\r\nb: 1 # x\n"
        let scan = try #require(CommentScanner.scan(Array(yaml.utf8)))
        #expect(scan.comments.map(\.line) == [1, 2])
        #expect(scan.comments[0].column == 10)
        #expect(scan.comments[0].text == " é")
        // Not UTF-8: the comments cannot be read, and the conversion says so.
        #expect(CommentScanner.scan([0x61, 0x3A, 0x20, 0xFF, 0x0A]) == nil)
    }

    @Test func ownLineCommentsGoAboveTheNextKeyAndTrailingOnesAfterTheirKey() throws {
        let source = try tierSource("""
            # About the tier.

            # Identity.
            tenant_info:
              name: "x"    # shown to users
              # the tier's own
              tier: 1
            limits:   # tier limits
              cpu: 2
            """)
        #expect(source == """
            // About the tier.

            tier t {
              // Identity.
              tenant_info {
                name = "x" // shown to users
                // the tier's own
                tier = 1
              }
              limits { // tier limits
                cpu = 2
              }
            }

            """)
    }

    @Test func aListWithCommentsInsideIsWrittenOneItemPerLine() throws {
        let source = try tierSource("""
            metrics:
              - "api_calls"      # always
              # from standard up
              - "resource_usage"
            rules:
              - name: "cpu"
                # percent of the tier's CPU
                threshold: 80
            ips: ["10.0.0.0/8",  # office
                  "192.168.0.0/16"]
            plain: [1, 2]
            """)
        #expect(source == """
            tier t {
              metrics = [
                "api_calls", // always
                // from standard up
                "resource_usage",
              ]
              rules = [
                {
                  name = "cpu"
                  // percent of the tier's CPU
                  threshold = 80
                },
              ]
              ips: [cidr] = [
                "10.0.0.0/8", // office
                "192.168.0.0/16",
              ]
              plain = [1, 2]
            }

            """)
    }

    @Test func aBlockScalarsHeaderCommentIsKeptAndItsTextIsText() throws {
        let result = try convert("""
            notes: |   # for the support team
              # step one
              call
            next: 1
            """)
        let source = String(decoding: result.source, as: UTF8.self)
        #expect(source.contains("notes = \"# step one\\ncall\\n\" // for the support team\n"))
        #expect(result.droppedComments.isEmpty)
    }

    @Test func commentsThatCannotBeKeptAreReportedWithTheirLines() throws {
        let parent = InheritedFields(tier: "base", fields: [
            "a": InheritedField(type: .int, typeText: "int", ownValue: .value(.int(1))),
            "name": InheritedField(type: .string, typeText: "string"),
        ])
        let result = try convert("""
            a:   # null here: the parent's value stays
            name: "${TENANT_NAME}"   # the parent declares it
            rules:
              - name: x
                # null in a list's record
                at:
            # the end
            """, extends: parent)
        #expect(result.droppedComments.map(\.comment.line) == [1, 2, 5, 7])
        #expect(result.droppedComments[0].reason.contains("`a` is null"))
        #expect(result.droppedComments[1].reason.contains("`${TENANT_NAME}`, which tier `base` declares"))
        #expect(result.droppedComments[2].reason.contains("`rules.0.at` is null"))
        #expect(result.droppedComments[3].reason.contains("follows the last key"))
        #expect(tenantComments(result.source).isEmpty)
    }

    @Test func unreadableCommentsAreANoteNotAFailure() throws {
        // libyaml reads UTF-16 too; the scan, which follows UTF-8 positions, does not.
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "a: 1 # x\n".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let converted = try TierTemplate.convert(utf16, name: "t", formats: .compiler)
        #expect(String(decoding: converted.source, as: UTF8.self) == "tier t {\n  a = 1\n}\n")
        #expect(converted.notes.map(\.message) == ["the template's comments were not read: it is not UTF-8"])
    }

    @Test func aCommentStartingWithASlashIsNotADocComment() throws {
        #expect(try tierSource("a: 1 #/etc/passwd\n#/ b\nb: 2\n") == "tier t {\n  a = 1 // /etc/passwd\n  // / b\n  b = 2\n}\n")
    }
}
