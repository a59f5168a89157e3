import Foundation
import PerceptTestSupport
import Testing

@Suite("percept validate and convert")
struct ConvertCommandTests {
    @Test("the sample dataset validates cleanly in COCO and YOLO form")
    func sampleIsClean() throws {
        for folder in [DatasetFixtures.coco, DatasetFixtures.yolo] {
            let result = try runPercept(["validate", folder.path])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("36 image(s), 85 annotation(s): 0 error(s), 0 warning(s)"))
        }
    }

    @Test("every bad YOLO input is reported with its file and line, and the run ends with exit code 1")
    func badYOLO() throws {
        let folder = DatasetFixtures.labels.appendingPathComponent("yolo-bad")
        let result = try runPercept(["validate", folder.path])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        func reported(_ file: String, _ text: String) -> Bool { lines.contains { $0.contains(file) && $0.contains(text) } }
        #expect(reported("four-numbers.txt:1: error:", "found 4 fields"))
        #expect(reported("class-beyond.txt:1: error:", "beyond the 2 names"))
        #expect(reported("far-outside.txt:1: error:", "outside [0, 1]"))
        #expect(reported("orphan.txt: error:", "label file without an image"))
        #expect(reported("broken.png: error:", "cannot read the image"))
        #expect(reported("border-drift.txt:1: warning:", "clipped"))
        #expect(result.stdout.contains("5 error(s), 2 warning(s)"))
    }

    @Test("malformed JSON names line and column; a VOC file without size names the file; both exit 1")
    func badJSONAndVOC() throws {
        let json = try runPercept(["validate", DatasetFixtures.labels.appendingPathComponent("bad-json").path])
        #expect(json.status == 1)
        #expect(json.stderr.contains("bad-json/annotations.json:4:22: error:"))
        let voc = try runPercept(["validate", DatasetFixtures.labels.appendingPathComponent("voc-bad").path, "--json"])
        #expect(voc.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(voc.stdout.utf8)) as? [String: Any])
        let problems = report["problems"] as? [[String: Any]] ?? []
        #expect(problems.contains { ($0["file"] as? String ?? "").hasSuffix("nosize.xml") && ($0["message"] as? String ?? "").contains("<size>") })
        #expect(DatasetFixtures.number(report["errors"]) == 1 && DatasetFixtures.number(report["images"]) == 2)
    }

    @Test("COCO → YOLO → COCO and COCO → VOC → COCO keep every box and restore the category ids", arguments: ["yolo", "voc"])
    func roundTrip(through format: String) throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let middle = root.appendingPathComponent(format), back = root.appendingPathComponent("back")
        // --float-coords: VOC otherwise rounds to whole pixels (tested in `vocWholePixels`).
        let first = try runPercept(["convert", DatasetFixtures.coco.path, middle.path, "--to", format] + (format == "voc" ? ["--float-coords"] : []))
        #expect(first.status == 0, "\(first.stderr)")
        let second = try runPercept(["convert", middle.path, back.path, "--to", "coco"])
        #expect(second.status == 0, "\(second.stderr)")
        let original = DatasetFixtures.coco.appendingPathComponent("annotations.json")
        let restored = back.appendingPathComponent("annotations.json")
        #expect(try DatasetFixtures.sameBoxes(original, restored))
        #expect(try DatasetFixtures.cocoBoxes(restored).categories == [2, 5, 9])
        if format == "yolo" {
            let yaml = try String(contentsOf: middle.appendingPathComponent("data.yaml"), encoding: .utf8)
            #expect(yaml.contains("coco_category_ids:\n  0: 2\n  1: 5\n  2: 9\n"))
        }
    }

    @Test("CVAT, Label Studio and class-folder round trips keep boxes, polygons and classes", arguments: ["cvat", "labelstudio", "folders"])
    func namedFormatRoundTrip(format: String) throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let middle = root.appendingPathComponent(format), back = root.appendingPathComponent("back")
        #expect(try runPercept(["convert", DatasetFixtures.coco.path, middle.path, "--to", format]).status == 0)
        let second = try runPercept(["convert", middle.path, back.path, "--to", "coco"])
        #expect(second.status == 0, "\(second.stderr)")
        let restored = try DatasetFixtures.json(back.appendingPathComponent("annotations.json"))
        let categories = (restored["categories"] as? [[String: Any]] ?? []).compactMap { DatasetFixtures.number($0["id"]) }
        #expect(categories == [2, 5, 9])
        let annotations = restored["annotations"] as? [[String: Any]] ?? []
        if format == "folders" {
            // One class per image, the background image left out.
            #expect(annotations.count == 35 && annotations.allSatisfy { $0["bbox"] == nil })
        } else {
            #expect(try DatasetFixtures.sameBoxes(DatasetFixtures.coco.appendingPathComponent("annotations.json"),
                                                  back.appendingPathComponent("annotations.json")))
            let polygons = annotations.filter { !(($0["segmentation"] as? [Any]) ?? []).isEmpty }
            #expect(polygons.count == 57)
        }
    }

    @Test("the conversion report lists what the target cannot carry, with counts and files")
    func report() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("voc")
        let result = try runPercept(["convert", DatasetFixtures.coco.path, output.path, "--to", "voc", "--json"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("polygons reduced to boxes: 57 in 31 file(s)"))
        let report = try DatasetFixtures.json(output.appendingPathComponent("conversion-report.json"))
        let losses = report["losses"] as? [[String: Any]] ?? []
        #expect(losses.compactMap { $0["feature"] as? String } == ["polygons", "category_details", "info", "fractional_coordinates"])
        #expect(DatasetFixtures.number(losses.first?["count"]) == 57 && (losses.first?["files"] as? [Any])?.count == 31)
        // VOC is written in whole pixels: every box edge that was not is counted.
        #expect(DatasetFixtures.number(losses.last?["count"]) == 334 && (losses.last?["files"] as? [Any])?.count == 35)
        #expect(result.stderr.contains("box coordinates rounded to whole pixels (--float-coords keeps them): 334 in 35 file(s)"))
        let printed = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((printed["report"] as? [String: Any])?["to"] as? String == "voc")
    }

    @Test("same-named images from different splits are renamed, never overwritten")
    func renamesClashes() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let yolo = root.appendingPathComponent("yolo")
        let manager = FileManager.default
        try manager.copyItem(at: DatasetFixtures.yolo, to: yolo)
        // Give a validation image the name of a training image.
        try manager.moveItem(at: yolo.appendingPathComponent("images/val/shapes_04.jpg"), to: yolo.appendingPathComponent("images/val/shapes_01.jpg"))
        try manager.moveItem(at: yolo.appendingPathComponent("labels/val/shapes_04.txt"), to: yolo.appendingPathComponent("labels/val/shapes_01.txt"))
        let output = root.appendingPathComponent("coco")
        let result = try runPercept(["convert", yolo.path, output.path, "--to", "coco"])
        #expect(result.status == 0, "\(result.stderr)")
        let train = try Data(contentsOf: yolo.appendingPathComponent("images/train/shapes_01.jpg"))
        let val = try Data(contentsOf: yolo.appendingPathComponent("images/val/shapes_01.jpg"))
        #expect(try Data(contentsOf: output.appendingPathComponent("images/shapes_01.jpg")) == train)
        #expect(try Data(contentsOf: output.appendingPathComponent("images/shapes_01_2.jpg")) == val)
        let renamed = try DatasetFixtures.json(output.appendingPathComponent("conversion-report.json"))["renamed"] as? [[String: String]]
        #expect(renamed == [["from": "val/shapes_01.jpg", "to": "val/shapes_01_2.jpg"]])
        #expect(result.stderr.contains("images renamed so that no file overwrites another: 1"))
    }

    @Test("--link-images hard-links the images instead of copying them")
    func linkImages() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in"), output = root.appendingPathComponent("out")
        try FileManager.default.copyItem(at: DatasetFixtures.coco, to: input)
        #expect(try runPercept(["convert", input.path, output.path, "--to", "yolo", "--link-images"]).status == 0)
        let source = try FileManager.default.attributesOfItem(atPath: input.appendingPathComponent("images/shapes_01.jpg").path)
        let linked = try FileManager.default.attributesOfItem(atPath: output.appendingPathComponent("images/train/shapes_01.jpg").path)
        #expect(DatasetFixtures.number(source[.systemFileNumber]) == DatasetFixtures.number(linked[.systemFileNumber]))
        #expect(DatasetFixtures.number(linked[.referenceCount]) == 2)
    }

    @Test("--remap merges, --drop-classes removes and --classes fixes ids, with a warning for unlisted classes")
    func classEdits() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let classes = root.appendingPathComponent("classes.txt")
        try "10 box\n11 round\n".write(to: classes, atomically: true, encoding: .utf8)
        let output = root.appendingPathComponent("out")
        let result = try runPercept(["convert", DatasetFixtures.coco.path, output.path, "--to", "coco", "--remap", "crate:box,disc:round",
                                     "--drop-classes", "nothing", "--classes", classes.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("\(classes.path): warning: class 'triangle' is not in the class list"))
        let (boxes, categories, _) = try DatasetFixtures.cocoBoxes(output.appendingPathComponent("annotations.json"))
        #expect(categories == [10, 11])
        #expect(Set(boxes.values.flatMap { $0.map { $0[4] } }) == [10, 11])
        let dropped = root.appendingPathComponent("dropped")
        #expect(try runPercept(["convert", DatasetFixtures.coco.path, dropped.path, "--to", "coco", "--drop-classes", "disc,triangle"]).status == 0)
        #expect(try DatasetFixtures.cocoBoxes(dropped.appendingPathComponent("annotations.json")).categories == [2])
    }

    @Test("a conversion with bad input writes the good part, reports the rest and exits 1")
    func badInputGoesOn() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("out")
        let result = try runPercept(["convert", DatasetFixtures.labels.appendingPathComponent("yolo-bad").path, output.path, "--to", "coco"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("four-numbers.txt:1: error:") && result.stderr.contains("broken.png: error:"))
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("images/good.png").path))
    }

    @Test("--annotations reads a COCO file with another name")
    func annotationsOption() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in")
        try FileManager.default.copyItem(at: DatasetFixtures.coco, to: input)
        try FileManager.default.moveItem(at: input.appendingPathComponent("annotations.json"), to: input.appendingPathComponent("instances_train.json"))
        try Data("{}".utf8).write(to: input.appendingPathComponent("other.json"))
        let file = input.appendingPathComponent("instances_train.json").path
        let result = try runPercept(["validate", input.path, "--annotations", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("36 image(s), 85 annotation(s)"))
        let output = root.appendingPathComponent("out")
        #expect(try runPercept(["convert", input.path, output.path, "--to", "yolo", "--annotations", file]).status == 0)
        #expect(try runPercept(["validate", input.path, "--annotations", file, "--format", "voc"]).status == 2)
    }

    @Test("--dry-run lists the files and writes nothing")
    func dryRun() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("out")
        let result = try runPercept(["convert", DatasetFixtures.coco.path, output.path, "--to", "yolo", "--dry-run"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("would write \(output.path)/labels/train/shapes_01.txt"))
        #expect(result.stdout.contains("would write \(output.path)/data.yaml"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test("usage mistakes exit with code 2 and write nothing")
    func usageErrors() throws {
        let root = try DatasetFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in")
        try FileManager.default.copyItem(at: DatasetFixtures.coco, to: input)
        let before = try DatasetFixtures.snapshot(input)
        let busy = root.appendingPathComponent("busy")
        try FileManager.default.createDirectory(at: busy, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: busy.appendingPathComponent("file.txt"))
        let cases: [([String], String)] = [
            (["convert", input.path, input.appendingPathComponent("inside").path, "--to", "yolo"], "inside the input folder"),
            (["convert", input.path, input.path, "--to", "yolo"], "is the input folder"),
            (["convert", input.path, busy.path, "--to", "yolo"], "not empty"),
            (["convert", input.path, root.appendingPathComponent("x").path, "--to", "pascal"], "--to"),
            (["convert", root.appendingPathComponent("missing").path, root.appendingPathComponent("y").path, "--to", "voc"], "no such folder"),
            (["validate", busy.path, "--format", "auto"], "cannot tell the dataset format"),
            (["convert", input.path, root.appendingPathComponent("z").path, "--to", "voc", "--remap", "broken"], "old:new"),
        ]
        for (arguments, message) in cases {
            let result = try runPercept(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try DatasetFixtures.snapshot(input) == before)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("z").path))
    }
}
