import Foundation
import Testing
@testable import PerceptImage

/// Fixtures/hostile (Tools/make-hostile-fixtures): JPEG scans damaged the ways fuzzing found
/// passing silently.
enum HostileImages {
    static let folder = Fixtures.folder.deletingLastPathComponent().appendingPathComponent("hostile")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }
}

@Suite("JPEG: damaged scan data is reported, never passed silently")
struct DamagedJPEGTests {
    @Test("a scan cut short by an early EOI, or with bytes deleted, is a corrupt-data error naming the file",
          arguments: ["jpeg-early-eoi.jpg", "jpeg-bytes-deleted.jpg"])
    func damagedScanIsAnError(name: String) throws {
        let bytes = try HostileImages.bytes(name)
        do {
            _ = try Image.decode(bytes, file: name)
            Issue.record("\(name) decoded without an error")
        } catch let error as ImageError {
            guard case .corrupt(let file, let place, let detail) = error else {
                Issue.record("expected corrupt, got \(error)")
                return
            }
            #expect(file == name && place == "JPEG image data")
            #expect(detail.hasPrefix("Corrupt JPEG data"), "\(detail)")
            #expect(error.description.hasPrefix("\(name): corrupt at JPEG image data: Corrupt JPEG data"))
        }
    }

    @Test("leniently, the damaged scan decodes at its full size with the damage described",
          arguments: ["jpeg-early-eoi.jpg", "jpeg-bytes-deleted.jpg"])
    func damagedScanLeniently(name: String) throws {
        let (image, damage) = try Image.decodeReportingDamage(try HostileImages.bytes(name), file: name)
        let original = try Image.decode(try Fixtures.bytes("baseline.jpg"))
        #expect(image.size == original.size && image.channels == original.channels)
        #expect(damage?.file == name)
    }

    @Test("every JPEG fixture, baseline and progressive, decodes without damage")
    func fixturesAreClean() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.folder.path).filter { $0.hasSuffix(".jpg") && !$0.hasPrefix("huge") }
        #expect(names.contains("progressive.jpg") && names.count >= 6)
        for name in names {
            let (_, damage) = try Image.decodeReportingDamage(try Fixtures.bytes(name), file: name)
            #expect(damage == nil, "\(name): \(String(describing: damage))")
        }
    }

    @Test("JPEGs written by Percept, baseline and progressive, decode without damage", arguments: [false, true])
    func encodedAreClean(progressive: Bool) throws {
        let image = try Image.decode(try Fixtures.bytes("baseline.jpg"))
        let bytes = try image.encoded(as: .jpeg, options: ImageWriteOptions(quality: 80, progressive: progressive))
        #expect(try Image.decodeReportingDamage(bytes).damage == nil)
    }
}
