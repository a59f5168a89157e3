import Testing
import PerceptRandom

@Suite("PerceptRandom: the xoshiro256** core")
struct Xoshiro256StarStarTests {
    @Test("SplitMix64 from 0 gives the reference generator's first output")
    func splitMix() {
        var state: UInt64 = 0
        #expect(Xoshiro256StarStar.splitMix(&state) == 0xE220_A839_7B1D_CDAF)
        #expect(state == 0x9E37_79B9_7F4A_7C15)
    }

    @Test("seeded streams equal those of an independent Python implementation of the published algorithm")
    func knownStreams() {
        var zero = Xoshiro256StarStar(seed: 0)
        #expect([zero.next(), zero.next(), zero.next()] == [11_091_344_671_253_066_420, 13_793_997_310_169_335_082, 1_900_383_378_846_508_768])
        #expect(zero.stateWords == [15_159_083_698_526_516_560, 2_217_505_488_039_867_337, 11_493_186_177_312_702_346, 9_039_201_719_143_368_113])
        var answer = Xoshiro256StarStar(seed: 42)
        #expect([answer.next(), answer.next()] == [1_546_998_764_402_558_742, 6_990_951_692_964_543_102])
    }

    @Test("saved state words resume the stream; all-zero or short states are refused")
    func resume() throws {
        var original = Xoshiro256StarStar(seed: 7)
        _ = original.next()
        var resumed = try #require(Xoshiro256StarStar(stateWords: original.stateWords))
        #expect(resumed == original)
        #expect((0..<5).map { _ in resumed.next() } == (0..<5).map { _ in original.next() })
        #expect(Xoshiro256StarStar(stateWords: [0, 0, 0, 0]) == nil)
        #expect(Xoshiro256StarStar(stateWords: [1, 2, 3]) == nil)
    }
}
