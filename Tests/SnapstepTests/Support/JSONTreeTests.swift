import Testing

@testable import Snapstep

@Suite struct JSONTreeTests {
    @Test func readsEveryKindOfValueAndKeepsBooleansApartFromNumbers() throws {
        let tree = try JSONTree.parse(#"{"a": [1, 2.5, true, null, "x"], "b": {"c": false}}"#.utf8)

        #expect(
            tree
                == .object([
                    "a": .array([.number(1), .number(2.5), .bool(true), .null, .string("x")]),
                    "b": .object(["c": .bool(false)]),
                ]))
        #expect(tree.objectMembers?["a"]?.arrayItems?[2].numberValue == nil)
    }

    @Test func readsABareValue() throws {
        #expect(try JSONTree.parse(#""text""#.utf8) == .string("text"))
        #expect(try JSONTree.parse("3".utf8) == .number(3))
    }

    @Test func writesSortedKeysAndWholeNumbersWithoutAFraction() {
        let tree = JSONTree.object(["b": .number(31), "a": .array([.number(0.5), .string("x")])])

        #expect(tree.sortedText == #"{"a":[0.5,"x"],"b":31}"#)
    }

    @Test func saysWhyTextIsNotJSON() {
        #expect(throws: (any Error).self) { try JSONTree.parse("{".utf8) }
        do {
            _ = try JSONTree.parse("{\"a\": }".utf8)
        } catch {
            #expect(!JSONTree.describe(error).isEmpty)
            #expect(!JSONTree.describe(error).contains("NSCocoaErrorDomain"))
        }
    }
}
