import Foundation

/// A triangle mesh read from an OFF file (ModelNet's format): vertices and triangles
/// (polygons are split into fans). ``sampleSurface(count:using:)`` turns it into points.
public struct OFFMesh: Sendable, Equatable {
    /// Vertex positions.
    public var vertices: [SIMD3<Float>]
    /// Triangles as vertex indices.
    public var triangles: [SIMD3<Int32>]

    /// The most vertices or faces a file may declare.
    public static let maximumElements = 20_000_000

    /// A mesh from its parts.
    public init(vertices: [SIMD3<Float>], triangles: [SIMD3<Int32>]) {
        self.vertices = vertices
        self.triangles = triangles
    }

    /// Reads an OFF file. ModelNet's files whose counts follow `OFF` on the first line are
    /// accepted; every malformed line is an error naming the file and line.
    public static func read(_ path: String) throws -> OFFMesh {
        try parse(String(decoding: FileAccess.read(path), as: UTF8.self), file: path)
    }

    /// Parses OFF text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> OFFMesh {
        var lines: [(number: Int, fields: [Substring])] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if !fields.isEmpty { lines.append((index + 1, fields)) }
        }
        guard var header = lines.first, header.fields[0].hasPrefix("OFF") else {
            throw PointCloudFileError.badHeader(file: file, line: lines.first?.number ?? 1, expected: "OFF", found: String(lines.first?.fields.first ?? ""))
        }
        var cursor = 1
        let rest = header.fields[0].dropFirst(3)
        if !rest.isEmpty { header.fields[0] = rest } else { header.fields.removeFirst() }
        if header.fields.isEmpty {
            guard cursor < lines.count else { throw PointCloudFileError.badHeader(file: file, line: header.number, expected: "vertex and face counts", found: "the end of the file") }
            header = lines[cursor]
            cursor += 1
        }
        guard header.fields.count >= 2, let vertexCount = Int(header.fields[0]), let faceCount = Int(header.fields[1]),
              (0...maximumElements).contains(vertexCount), (0...maximumElements).contains(faceCount) else {
            throw PointCloudFileError.badHeader(file: file, line: header.number, expected: "vertex and face counts up to \(maximumElements)",
                                                found: header.fields.joined(separator: " "))
        }
        guard lines.count - cursor >= vertexCount + faceCount else {
            throw PointCloudFileError.badHeader(file: file, line: header.number, expected: "\(vertexCount) vertices and \(faceCount) faces after it",
                                                found: "\(lines.count - cursor) lines")
        }
        var vertices: [SIMD3<Float>] = []
        vertices.reserveCapacity(vertexCount)
        for line in lines[cursor..<cursor + vertexCount] {
            guard line.fields.count >= 3, let x = Float(line.fields[0]), let y = Float(line.fields[1]), let z = Float(line.fields[2]) else {
                throw PointCloudFileError.badValue(file: file, line: line.number, field: "vertex x y z", found: line.fields.joined(separator: " "))
            }
            vertices.append(SIMD3(x, y, z))
        }
        var triangles: [SIMD3<Int32>] = []
        for line in lines[(cursor + vertexCount)..<(cursor + vertexCount + faceCount)] {
            let indices = line.fields.compactMap { Int($0) }
            guard let corners = indices.first, corners >= 3, indices.count >= corners + 1,
                  indices[1...corners].allSatisfy({ (0..<vertexCount).contains($0) }) else {
                throw PointCloudFileError.badValue(file: file, line: line.number, field: "face (corner count ≥ 3, vertex indices below \(vertexCount))",
                                               found: line.fields.joined(separator: " "))
            }
            for corner in 2..<corners {
                triangles.append(SIMD3(Int32(indices[1]), Int32(indices[corner]), Int32(indices[corner + 1])))
            }
        }
        return OFFMesh(vertices: vertices, triangles: triangles)
    }

    /// `count` points on the surface: triangles picked with probability proportional to their
    /// area, points uniform within each (the square-root barycentric rule).
    public func sampleSurface(count: Int, using generator: inout SeededGenerator) throws -> PointCloud {
        var cumulative: [Double] = []
        cumulative.reserveCapacity(triangles.count)
        var total = 0.0
        for triangle in triangles {
            let a = vertices[Int(triangle.x)], b = vertices[Int(triangle.y)], c = vertices[Int(triangle.z)]
            let u = b - a, v = c - a
            let cross = SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
            total += Double((cross * cross).sum().squareRoot()) / 2
            cumulative.append(total)
        }
        guard total > 0, total.isFinite else {
            throw PointCloudError.invalidParameter(name: "mesh", expected: "triangles of positive total area", found: "\(triangles.count) triangles of area \(total)")
        }
        var cloud = PointCloud()
        for _ in 0..<count {
            let target = Double(generator.uniform(0...1)) * total
            var low = 0, high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] < target { low = middle + 1 } else { high = middle }
            }
            let triangle = triangles[low]
            let a = vertices[Int(triangle.x)], b = vertices[Int(triangle.y)], c = vertices[Int(triangle.z)]
            let r1 = generator.uniform(0...1).squareRoot(), r2 = generator.uniform(0...1)
            let point = (1 - r1) * a + r1 * (1 - r2) * b + r1 * r2 * c
            cloud.x.append(point.x)
            cloud.y.append(point.y)
            cloud.z.append(point.z)
        }
        cloud.width = cloud.count
        return cloud
    }
}
