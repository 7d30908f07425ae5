import BaristaClient
import Testing

struct BaristaClientTests {
    @Test func theClientSpeaksVersionOne() {
        #expect(BaristaClientVersion.api == "v1")
    }
}
