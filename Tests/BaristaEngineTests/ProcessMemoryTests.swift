import BaristaEngine
import Testing

@Suite("Process memory")
struct ProcessMemoryTests {
    @Test("glibc's arenas are capped at one a core, at least two, unless the environment sets a cap")
    func theArenaCapFollowsTheCoresUnlessTheEnvironmentSetsOne() {
        #expect(ProcessMemory.arenaLimit(environment: [:], cores: 1) == 2)
        #expect(ProcessMemory.arenaLimit(environment: [:], cores: 2) == 2)
        #expect(ProcessMemory.arenaLimit(environment: ["PATH": "/usr/bin"], cores: 16) == 16)
        #expect(ProcessMemory.arenaLimit(environment: ["MALLOC_ARENA_MAX": "8"], cores: 2) == nil)
        #expect(ProcessMemory.arenaLimit(environment: ["GLIBC_TUNABLES": "glibc.malloc.tcache_count=0:glibc.malloc.arena_max=4"], cores: 2) == nil)
        #expect(ProcessMemory.arenaLimit(environment: ["GLIBC_TUNABLES": "glibc.malloc.tcache_count=0"], cores: 2) == 2)
    }
}
