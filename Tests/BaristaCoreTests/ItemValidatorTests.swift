import BaristaCore
import BaristaTesting
import Testing

struct ItemValidatorTests {
    @Test func anItemBodyBecomesAnItem() throws {
        let body = try JSON.parse(#"{"title":"Trail Runner 2","category":"shoes","brand":"Nimbus","color":"black","style":"sport","price":89.5,"currency":"EUR","tags":["trail","new"],"in_stock":false,"url":"/p/1","image_url":"/i/1.jpg","attributes":{"material":"mesh"},"published_at":"2026-01-01T00:00:00Z"}"#)
        let item = try ItemValidator().validate(body, id: "sku-1", at: JSONPointer(), now: Fixtures.now).get()
        #expect(item.id == ItemID("sku-1") && item.price == 89.5 && !item.inStock && item.tags == ["trail", "new"])
        #expect(item.attributes["material"] == "mesh")
        #expect(item.json["item_id"] == "sku-1")
    }

    @Test(arguments: [
        (#"{"price":-1}"#, "/price"), (#"{"tags":"a"}"#, "/tags"), (#"{"in_stock":"yes"}"#, "/in_stock"),
        (#"{"colour":"red"}"#, "/colour"), (#"{"item_id":"other"}"#, "/item_id"), (#"{"published_at":"soon"}"#, "/published_at"),
    ])
    func badFieldsAreNamed(body: String, field: String) throws {
        guard case .failure(let failure) = ItemValidator().validate(try JSON.parse(body), id: "sku-1", at: JSONPointer(), now: Fixtures.now) else {
            Issue.record("accepted \(body)")
            return
        }
        #expect(failure.errors.map(\.field) == [field])
    }
}
