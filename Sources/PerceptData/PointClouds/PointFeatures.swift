import Foundation
import PerceptPointCloud

/// The per-point channels a PointNet reads: x, y, z and optional extra fields, in this order.
public struct PointFeatures: Equatable, Sendable, CustomStringConvertible {
    /// One extra field.
    public enum Field: String, Sendable, CaseIterable {
        /// Return strength, one channel.
        case intensity
        /// Colour as three channels in 0...1.
        case rgb
        /// Surface normal, three channels.
        case normal

        /// Channels the field adds.
        public var channels: Int { self == .intensity ? 1 : 3 }
    }

    /// The extra fields after x, y, z.
    public let fields: [Field]

    /// Channels xyz plus `fields`.
    public init(_ fields: [Field] = []) { self.fields = fields }

    /// Parses a comma-separated list (`intensity,rgb`); empty or `xyz` means none.
    public init(parsing text: String) throws {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != "xyz" }
        fields = try names.map { name in
            guard let field = Field(rawValue: name) else {
                throw PointCloudDataError.unknownField(name: name)
            }
            return field
        }
    }

    /// The channels per point.
    public var channels: Int { 3 + fields.reduce(0) { $0 + $1.channels } }

    public var description: String { (["xyz"] + fields.map(\.rawValue)).joined(separator: ",") }

    /// The cloud's channels, one column per channel (x, y, z first); a field the cloud lacks
    /// is ``PointCloudDataError/missingField(file:field:)`` naming `file`.
    public func columns(of cloud: PointCloud, file: String) throws -> [[Float]] {
        var columns = [cloud.x, cloud.y, cloud.z]
        for field in fields {
            switch field {
            case .intensity:
                guard let intensity = cloud.intensity else { throw PointCloudDataError.missingField(file: file, field: "intensity") }
                columns.append(intensity)
            case .rgb:
                guard let colors = cloud.colors else { throw PointCloudDataError.missingField(file: file, field: "rgb") }
                columns += [colors.map { Float($0.red) / 255 }, colors.map { Float($0.green) / 255 }, colors.map { Float($0.blue) / 255 }]
            case .normal:
                guard let normals = cloud.normals else { throw PointCloudDataError.missingField(file: file, field: "normal") }
                columns += [normals.map(\.x), normals.map(\.y), normals.map(\.z)]
            }
        }
        return columns
    }
}
