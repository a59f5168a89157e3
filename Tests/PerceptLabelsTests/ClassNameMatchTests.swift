import Testing
@testable import PerceptLabels

@Suite("close matches for unknown class names")
struct ClassNameMatchTests {
    @Test("a name in another case matches only its own class")
    func caseOnly() {
        #expect(ClassNameMatch.closeMatches(for: "Cat", among: ["car", "cat", "dog"]) == ["cat"])
        #expect(ClassNameMatch.hint(for: "Cat", among: ["car", "cat", "dog"]) == "did you mean 'cat'?")
    }

    @Test("typing mistakes match within one edit for short names and two for longer ones, closest first")
    func typingMistakes() {
        #expect(ClassNameMatch.closeMatches(for: "cart", among: ["dog", "car", "cat"]) == ["car", "cat"])
        #expect(ClassNameMatch.closeMatches(for: "hrose", among: ["horse", "house", "mouse"]) == ["horse", "house"])
        #expect(ClassNameMatch.closeMatches(for: "trinagle", among: ["crate", "disc", "triangle"]) == ["triangle"])
        #expect(ClassNameMatch.closeMatches(for: "cow", among: ["car", "dog"]).isEmpty)
    }

    @Test("without a close match the hint lists the classes, at most ten")
    func listsClasses() {
        #expect(ClassNameMatch.hint(for: "kitty", among: ["cat", "dog"]) == "the classes are 'cat' and 'dog'")
        let many = (1...12).map { "class\($0)" }
        #expect(ClassNameMatch.hint(for: "zebra", among: many).hasSuffix("'class10' and 2 more"))
        #expect(ClassNameMatch.hint(for: "zebra", among: []) == "there are no classes")
    }

    @Test("the edit distance stops early past its limit", arguments: [("kitten", "sitting", 3), ("", "abc", 3), ("flaw", "lawn", 2)])
    func editDistance(left: String, right: String, distance: Int) {
        #expect(ClassNameMatch.editDistance(Array(left), Array(right), atMost: 3) == distance)
        #expect(ClassNameMatch.editDistance(Array(left), Array(right), atMost: distance - 1) == nil)
    }

    @Test("class edits naming classes the dataset lacks are found, drops after the remapping")
    func unknownClassEdits() {
        let dataset = LabelDataset(categories: [LabelCategory(id: 1, name: "cat"), LabelCategory(id: 2, name: "dog")])
        let conversion = DatasetConversion(to: .coco, remapping: ["Cat": "feline", "dog": "canine", "kitty": "cat"],
                                           droppedClasses: ["dog", "horse", "canine"])
        let unknown = conversion.unknownClassNames(in: dataset)
        #expect(unknown.map(\.edit) == [.remap, .remap, .drop, .drop])
        #expect(unknown.map(\.name) == ["Cat", "kitty", "dog", "horse"])
        #expect(unknown[0].hint == "did you mean 'cat'?")
        #expect(unknown[2].hint.contains("renamed to 'canine'"))
    }
}
