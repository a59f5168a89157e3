import Foundation
import Testing
@testable import PerceptPointCloud

@Suite("simulated LiDAR")
struct SimulatorTests {
    private let sensor = LidarSensor(beams: 32, horizontalSteps: 720, rangeNoise: 0.02)

    /// Distance from `point` to the surface of `shape`, written independently of the ray casting.
    private func surfaceDistance(_ point: SIMD3<Float>, _ shape: SceneShape) -> Float {
        switch shape {
        case let .ground(height): return abs(point.z - height)
        case let .sphere(center, radius): return abs(((point - center) * (point - center)).sum().squareRoot() - radius)
        case let .cylinder(center, radius, bottom, top):
            let radial = (SIMD2(point.x, point.y) - center)
            let side = abs((radial * radial).sum().squareRoot() - radius)
            let cap = min(abs(point.z - top), abs(point.z - bottom))
            let insideHeight = point.z >= bottom - 0.1 && point.z <= top + 0.1
            let insideRadius = (radial * radial).sum() <= (radius + 0.1) * (radius + 0.1)
            return min(insideHeight ? side : .infinity, insideRadius ? cap : .infinity)
        case let .box(box):
            var best = Float.infinity
            for axis in 0..<3 {
                let others = (0..<3).filter { $0 != axis }
                let within = others.allSatisfy { point[$0] >= box.minimum[$0] - 0.1 && point[$0] <= box.maximum[$0] + 0.1 }
                if within { best = min(best, abs(point[axis] - box.minimum[axis]), abs(point[axis] - box.maximum[axis])) }
            }
            return best
        }
    }

    @Test("every point lies on a surface of its labelled class and instance, within the noise")
    func pointsOnLabelledSurfaces() throws {
        let scene = LidarScene.random(seed: 21)
        var generator = SeededGenerator(seed: 1)
        let cloud = try LidarSimulator.scan(scene, sensor: sensor, using: &generator)
        let labels = try #require(cloud.labels), instances = try #require(cloud.instances)
        let bound = 3 * sensor.rangeNoise + 1e-3
        var misplaced = 0
        for index in 0..<cloud.count {
            let world = cloud.point(index) + SIMD3(0, 0, sensor.mountingHeight)
            let semantic = SemanticClass(rawValue: labels[index])
            let candidates: [SceneShape]
            if semantic == .road || semantic == .terrain {
                candidates = [.ground(height: 0)]
                if scene.groundClass(y: world.y) != semantic && abs(abs(world.y) - scene.roadHalfWidth) > 0.05 { misplaced += 1 }
            } else {
                candidates = scene.objects.filter { $0.semanticClass == semantic && $0.instance == instances[index] }.map(\.shape)
            }
            if !candidates.contains(where: { surfaceDistance(world, $0) <= bound }) { misplaced += 1 }
        }
        #expect(cloud.count > 10_000)
        #expect(misplaced == 0)
        #expect(Set(labels).isSuperset(of: [SemanticClass.road.rawValue, SemanticClass.car.rawValue, SemanticClass.building.rawValue]))
        #expect(zip(labels, instances).allSatisfy { $0 != SemanticClass.car.rawValue || $1 > 0 })
    }

    @Test("no point lies in the shadow of a box in front of a wall")
    func occlusion() throws {
        let blocker = BoundingBox3D(minimum: SIMD3(8, -1, 0), maximum: SIMD3(10, 1, 2))
        let scene = LidarScene(objects: [
            SceneObject(shape: .box(blocker), semanticClass: .car, instance: 1),
            SceneObject(shape: .box(BoundingBox3D(minimum: SIMD3(20, -30, 0), maximum: SIMD3(21, 30, 10))), semanticClass: .building, instance: 0),
        ])
        var generator = SeededGenerator(seed: 2)
        let cloud = try LidarSimulator.scan(scene, sensor: LidarSensor(beams: 32, horizontalSteps: 1440, rangeNoise: 0), using: &generator)
        var wallPoints = 0
        for index in 0..<cloud.count where cloud.labels?[index] == SemanticClass.building.rawValue {
            wallPoints += 1
            let world = cloud.point(index) + SIMD3(0, 0, 1.73)
            let origin = SIMD3<Float>(0, 0, 1.73)
            // Where the segment from the sensor to the wall point crosses the middle of the blocker.
            let share = (9 - origin.x) / (world.x - origin.x)
            let crossing = origin + (world - origin) * share
            #expect(!(abs(crossing.y) < 0.99 && crossing.z > 0.01 && crossing.z < 1.99), "wall point \(world) is hidden behind the box")
        }
        #expect(wallPoints > 100)
    }

    @Test("without dropout, one point per beam and step that hits within range")
    func pointCount() throws {
        var generator = SeededGenerator(seed: 3)
        let closed = LidarScene(objects: [-1, 1].flatMap { side -> [SceneObject] in
            [SceneObject(shape: .box(BoundingBox3D(minimum: SIMD3(-30, side * 30 - 0.5, 0), maximum: SIMD3(30, side * 30 + 0.5, 200))), semanticClass: .building, instance: 0),
             SceneObject(shape: .box(BoundingBox3D(minimum: SIMD3(side * 30 - 0.5, -30, 0), maximum: SIMD3(side * 30 + 0.5, 30, 200))), semanticClass: .building, instance: 0)]
        })
        #expect(try LidarSimulator.scan(closed, sensor: sensor, using: &generator).count == sensor.beams * sensor.horizontalSteps)
        let open = LidarScene(objects: [])
        let groundBeams = (0..<sensor.beams).filter { beam in
            let elevation = sensor.elevation(ofBeam: beam)
            return elevation < 0 && sensor.mountingHeight / sinf(-elevation) <= sensor.maximumRange
        }.count
        #expect(try LidarSimulator.scan(open, sensor: sensor, using: &generator).count == groundBeams * sensor.horizontalSteps)
        let dropping = LidarSensor(beams: 32, horizontalSteps: 720, dropout: 0.5)
        let dropped = try LidarSimulator.scan(closed, sensor: dropping, using: &generator).count
        #expect(dropped > 10_000 && dropped < 13_000)
    }

    @Test("the same seed writes the same bytes in SemanticKITTI's layout")
    func sameSeedSameBytes() throws {
        let first = try temporaryFolder(), second = try temporaryFolder()
        defer { for folder in [first, second] { try? FileManager.default.removeItem(at: folder) } }
        let counts = try SemanticKITTIWriter.simulate(root: first.path, frames: 2, seed: 5, sensor: sensor)
        try SemanticKITTIWriter.simulate(root: second.path, frames: 2, seed: 5, sensor: sensor)
        for frame in 0..<2 {
            let a = SemanticKITTIWriter.paths(root: first.path, sequence: 0, frame: frame)
            let b = SemanticKITTIWriter.paths(root: second.path, sequence: 0, frame: frame)
            #expect(FileManager.default.contents(atPath: a.scan) == FileManager.default.contents(atPath: b.scan))
            #expect(FileManager.default.contents(atPath: a.labels) == FileManager.default.contents(atPath: b.labels))
            let cloud = try PointCloudFile.read(a.scan)
            #expect(cloud.count == counts[frame] && cloud.labels != nil)
        }
        #expect(SemanticKITTIWriter.paths(root: first.path, sequence: 0, frame: 0).scan.hasSuffix("sequences/00/velodyne/000000.bin"))
    }
}
