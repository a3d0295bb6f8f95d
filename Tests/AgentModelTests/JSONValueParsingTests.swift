import AgentModel
import Foundation
import Testing

struct JSONValueParsingTests {
    @Test func parsesWhatFoundationParsesToTheSameValue() throws {
        let text = #"{"a":[1,-2.5e3,"x\"y\\z\/w",null,true,false,{}],"b":{"c":"\u00e9\ud83d\ude00","d":[]},"e":"\n\t"}"#
        let expected = try JSONCoding.decode(JSONValue.self, from: text)
        #expect(try JSONValue.parse(text) == expected)
    }

    @Test func serializesWithSortedKeysLikeJSONCoding() throws {
        let value: JSONValue = ["z": [1, 2.5, "q\"\n\u{01}"], "a": ["m": nil, "b": true], "s": "/é😀"]
        let viaEncoder = try JSONCoding.encode(value)
        #expect(value.serialized == viaEncoder)
        #expect(try JSONValue.parse(value.serialized) == value)
    }

    @Test(arguments: ["", "{", #"{"a" 1}"#, "[1,]", #""\x""#, "tru", "1 2", #""\ud800""#, "\"a\u{01}\""])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }
}
