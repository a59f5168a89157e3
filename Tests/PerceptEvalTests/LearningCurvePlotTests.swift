import Testing
import PerceptImage
@testable import PerceptEval

@Suite("learning curves read well with one epoch and with many")
struct LearningCurvePlotTests {
    /// The columns of the first panel holding the curve's blue.
    static func blueColumns(_ image: Image) -> [Int] {
        guard case .uint8(let samples) = image.samples else { return [] }
        var columns: Set<Int> = []
        for y in 0..<300 {
            for x in 0..<420 {
                let i = (y * image.width + x) * image.channels
                if samples[i + 2] > 150 && samples[i] < 100 && samples[i + 1] < 100 { columns.insert(x) }
            }
        }
        return columns.sorted()
    }

    @Test("a single epoch is drawn in the middle of its panel, not on its edge")
    func oneEpoch() throws {
        let image = LearningCurvePlot.draw(epochs: [1], series: [("lr", [0.001])])
        let columns = Self.blueColumns(image)
        let middle = 90 + (320 - 1) / 2
        #expect(!columns.isEmpty && columns.allSatisfy { abs($0 - middle) <= 8 }, "\(columns)")
    }

    @Test("many epochs span the panel from the first to the last")
    func manyEpochs() throws {
        let image = LearningCurvePlot.draw(epochs: (1...20).map(Double.init), series: [("loss", (1...20).map { 1 / Double($0) })])
        let columns = Self.blueColumns(image)
        #expect((columns.first ?? 0) <= 92 && (columns.last ?? 0) >= 90 + 318)
    }

    @Test("tick labels of a narrow range keep enough digits to differ")
    func narrowTicks() {
        #expect(PlotFrame.tick(0.0011, span: 0.0002) == "0.00110")
        #expect(PlotFrame.tick(0.5, span: 1) == "0.5")
    }

    @Test("a series that never goes below 0 (a learning rate decayed to 0) keeps its axis at 0; others get 5 % to spare")
    func axisFloor() {
        let rate = LearningCurvePlot.valueRange([0.001, 0.0005, 0])
        #expect(rate.lowerBound == 0 && abs(rate.upperBound - 0.00105) < 1e-12, "\(rate)")
        let signed = LearningCurvePlot.valueRange([-1, 1])
        #expect(abs(signed.lowerBound + 1.1) < 1e-12 && abs(signed.upperBound - 1.1) < 1e-12, "\(signed)")
        let flat = LearningCurvePlot.valueRange([2, 2])
        #expect(flat.lowerBound < 2 && flat.upperBound > 2, "\(flat)")
    }
}
