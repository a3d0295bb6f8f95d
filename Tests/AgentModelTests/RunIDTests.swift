import AgentModel
import Foundation
import Testing

struct RunIDTests {
    @Test func generatedIDsAreWellFormedAndSortByCreationTime() {
        let earlier = RunID.generate(now: Date(timeIntervalSince1970: 1_700_000_000))
        let later = RunID.generate(now: Date(timeIntervalSince1970: 1_700_000_001))
        #expect(RunID.isWellFormed(earlier.rawValue))
        #expect(earlier < later)
    }

    @Test func malformedIDsAreRecognised() {
        #expect(!RunID.isWellFormed("run_../etc"))
        #expect(!RunID.isWellFormed("job_123"))
    }

    @Test func jsonValueRoundTripsWithIntegersIntact() throws {
        let value: JSONValue = ["a": [1, 2.5, "x", nil, true], "b": ["c": 9_007_199_254_740_991]]
        let text = try JSONCoding.encode(value)
        #expect(text == #"{"a":[1,2.5,"x",null,true],"b":{"c":9007199254740991}}"#)
        #expect(try JSONCoding.decode(JSONValue.self, from: text) == value)
    }
}
