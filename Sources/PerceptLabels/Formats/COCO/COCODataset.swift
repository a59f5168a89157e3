import Foundation

/// A COCO dataset on disk: `annotations.json` (or the one `*.json` in the folder, or a file
/// given explicitly) with the images under `images/` or beside it.
public enum COCODataset {
    /// Reads the dataset in `folder`; `annotations` overrides where the JSON file is.
    public static func read(folder: URL, annotations: URL? = nil) -> (dataset: LabelDataset, problems: [LabelProblem]) {
        let candidates = DatasetFiles.files(under: folder) { $0.pathExtension == "json" }
            .filter { !$0.contains("/") || $0.hasPrefix("annotations/") }
        let file = annotations ?? [folder.appendingPathComponent("annotations.json")].first(where: DatasetFiles.exists)
            ?? (candidates.count == 1 ? folder.appendingPathComponent(candidates[0]) : nil)
        guard let file else {
            let detail = candidates.isEmpty ? "no annotations.json found" : "several JSON files (\(candidates.joined(separator: ", "))); name one with --annotations"
            return (LabelDataset(), [LabelProblem(file: folder.path, severity: .error, message: detail)])
        }
        do {
            var (dataset, problems) = try COCOReader.read(try DatasetFiles.read(file, file: file.path), file: file.path)
            let imageFolder = folder.appendingPathComponent("images")
            let base = DatasetFiles.isDirectory(imageFolder) ? imageFolder : file.deletingLastPathComponent()
            for index in dataset.images.indices {
                dataset.images[index].source = base.appendingPathComponent(dataset.images[index].file)
            }
            problems = problems.map { problem in
                var located = problem
                if located.file.isEmpty { located.file = file.path }
                return located
            }
            return (dataset, problems)
        } catch let error as LabelError {
            return (LabelDataset(), [error.problem])
        } catch {
            return (LabelDataset(), [LabelProblem(file: file.path, severity: .error, message: "\(error)")])
        }
    }

    /// Writes `annotations.json` and the images under `images/`.
    public static func write(_ dataset: LabelDataset, to folder: URL, images placement: ImagePlacement = .copy,
                             options: COCOWriter.Options = COCOWriter.Options()) throws {
        try DatasetFiles.write(COCOWriter.encode(numberedFromOne(dataset), options: options),
                               to: folder.appendingPathComponent("annotations.json"))
        for image in dataset.images {
            try placement.place(image, at: folder.appendingPathComponent(DatasetFormat.coco.location(of: image)))
        }
    }

    /// COCO numbers categories from 1 (and many readers take 0 for the background): a dataset
    /// whose ids start lower (YOLO class indices, the annotator's classes, a names-only class
    /// list) is written with every category id moved up by the same amount.
    static func numberedFromOne(_ dataset: LabelDataset) -> LabelDataset {
        guard let lowest = dataset.categories.map(\.id).min(), lowest < 1 else { return dataset }
        let offset = 1 - lowest
        var shifted = dataset
        for index in shifted.categories.indices { shifted.categories[index].id += offset }
        for index in shifted.annotations.indices { shifted.annotations[index].categoryID += offset }
        return shifted
    }
}
