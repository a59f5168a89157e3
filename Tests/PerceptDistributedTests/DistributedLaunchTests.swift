import PerceptDistributed
import Testing

@Suite("joining an MPI job")
struct DistributedLaunchTests {
    @Test("mpirun's and PMIx's variables are detected; a plain environment runs alone")
    func detection() throws {
        #expect(try DistributedLaunch.wantsMPI(choice: nil, environment: ["OMPI_COMM_WORLD_SIZE": "2"]))
        #expect(try DistributedLaunch.wantsMPI(choice: nil, environment: ["PMIX_RANK": "0"]))
        #expect(try !DistributedLaunch.wantsMPI(choice: nil, environment: ["HOME": "/root"]))
        #expect(try DistributedLaunch.wantsMPI(choice: "mpi", environment: [:]))
        #expect(try !DistributedLaunch.wantsMPI(choice: "none", environment: ["OMPI_COMM_WORLD_SIZE": "2"]))
    }

    @Test("an unknown --distributed value and a bad PERCEPT_MPI_TIMEOUT are typed errors")
    func badValues() throws {
        #expect(throws: DistributedError.self) { try DistributedLaunch.wantsMPI(choice: "nccl", environment: [:]) }
        #expect(throws: DistributedError.self) { try DistributedLaunch.timeout(environment: ["PERCEPT_MPI_TIMEOUT": "soon"]) }
        #expect(try DistributedLaunch.timeout(environment: ["PERCEPT_MPI_TIMEOUT": "7.5"]) == 7.5)
        #expect(try DistributedLaunch.timeout(environment: [:]) == Communicator.defaultTimeout)
    }
}
