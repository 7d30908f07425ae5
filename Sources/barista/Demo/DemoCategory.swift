/// A category of the demo shop, with what makes its products believable: styles and the product
/// nouns of each, a price level, feature tags and materials.
struct DemoCategory: Sendable {
    /// The category as items carry it (`shoes`).
    let name: String
    /// Its share of the assortment and of demand.
    let share: Double
    /// The median price before the brand's premium, in EUR.
    let medianPrice: Double
    /// The spread of prices, as a log-normal sigma.
    let priceSigma: Double
    /// Styles, each with the nouns its products are called by.
    let styles: [(style: String, nouns: [String])]
    /// Tags that describe features (`waterproof`, `merino`).
    let features: [String]
    /// Materials, for `attributes.material`.
    let materials: [String]
    /// Whether products are cut for women, men or both (false: unisex only).
    let gendered: Bool

    /// The twelve categories of the demo shop.
    static let all: [DemoCategory] = [
        DemoCategory(
            name: "shoes", share: 0.14, medianPrice: 95, priceSigma: 0.35,
            styles: [
                ("running", ["Road Runner", "Trail Runner", "Racer"]), ("hiking", ["Hiker", "Trek Boot", "Approach Shoe"]),
                ("casual", ["Sneaker", "Court Shoe", "Slip-On"]), ("formal", ["Derby", "Oxford", "Loafer"]),
                ("boots", ["Chelsea Boot", "Ankle Boot", "Winter Boot"]),
            ],
            features: ["waterproof", "cushioned", "lightweight", "vegan", "breathable", "wide-fit"],
            materials: ["leather", "suede", "mesh", "canvas", "recycled polyester"], gendered: true),
        DemoCategory(
            name: "jackets", share: 0.10, medianPrice: 150, priceSigma: 0.4,
            styles: [
                ("rain", ["Rain Jacket", "Shell", "Anorak"]), ("puffer", ["Puffer", "Down Jacket", "Insulated Vest"]),
                ("denim", ["Denim Jacket", "Trucker Jacket"]), ("bomber", ["Bomber", "Flight Jacket"]),
                ("softshell", ["Softshell", "Fleece Jacket"]), ("tailored", ["Overcoat", "Trench Coat", "Pea Coat"]),
            ],
            features: ["waterproof", "packable", "insulated", "hooded", "windproof", "recycled"],
            materials: ["nylon", "cotton", "wool blend", "denim", "recycled polyester"], gendered: true),
        DemoCategory(
            name: "bags", share: 0.08, medianPrice: 70, priceSigma: 0.45,
            styles: [
                ("backpack", ["Backpack", "Daypack", "Rolltop Pack"]), ("tote", ["Tote", "Shopper"]),
                ("crossbody", ["Crossbody Bag", "Sling", "Belt Bag"]), ("travel", ["Duffel", "Weekender", "Carry-On"]),
                ("work", ["Laptop Sleeve", "Messenger Bag", "Briefcase"]),
            ],
            features: ["water-resistant", "laptop-sleeve", "recycled", "lightweight", "lockable"],
            materials: ["canvas", "leather", "nylon", "waxed cotton"], gendered: false),
        DemoCategory(
            name: "shirts", share: 0.08, medianPrice: 55, priceSigma: 0.3,
            styles: [
                ("oxford", ["Oxford Shirt"]), ("flannel", ["Flannel Shirt", "Overshirt"]),
                ("linen", ["Linen Shirt", "Camp Collar Shirt"]), ("polo", ["Polo", "Piqué Polo"]),
                ("formal", ["Dress Shirt", "Poplin Shirt"]),
            ],
            features: ["organic-cotton", "slim-fit", "relaxed-fit", "easy-iron", "short-sleeve"],
            materials: ["cotton", "linen", "flannel", "poplin"], gendered: true),
        DemoCategory(
            name: "t-shirts", share: 0.10, medianPrice: 28, priceSigma: 0.3,
            styles: [
                ("basic", ["Crew Tee", "V-Neck Tee", "Pocket Tee"]), ("graphic", ["Graphic Tee", "Logo Tee"]),
                ("performance", ["Run Tee", "Training Tee"]), ("long-sleeve", ["Long Sleeve Tee", "Henley"]),
            ],
            features: ["organic-cotton", "quick-dry", "oversized", "slim-fit", "multipack"],
            materials: ["cotton", "organic cotton", "recycled polyester", "merino"], gendered: true),
        DemoCategory(
            name: "trousers", share: 0.08, medianPrice: 75, priceSigma: 0.3,
            styles: [
                ("chino", ["Chino", "Slim Chino"]), ("denim", ["Slim Jeans", "Straight Jeans", "Relaxed Jeans"]),
                ("cargo", ["Cargo Pant", "Utility Pant"]), ("joggers", ["Jogger", "Sweatpant"]),
                ("tailored", ["Suit Trouser", "Pleated Trouser"]),
            ],
            features: ["stretch", "organic-cotton", "water-repellent", "slim-fit", "relaxed-fit"],
            materials: ["cotton twill", "denim", "ripstop", "wool blend"], gendered: true),
        DemoCategory(
            name: "dresses", share: 0.08, medianPrice: 85, priceSigma: 0.35,
            styles: [
                ("wrap", ["Wrap Dress"]), ("maxi", ["Maxi Dress", "Tiered Dress"]), ("shirt-dress", ["Shirt Dress"]),
                ("slip", ["Slip Dress", "Satin Midi"]), ("knit", ["Knit Dress", "Jumper Dress"]),
            ],
            features: ["midi-length", "floral", "occasion", "pockets", "sleeveless"],
            materials: ["viscose", "linen", "satin", "cotton", "merino"], gendered: false),
        DemoCategory(
            name: "knitwear", share: 0.08, medianPrice: 80, priceSigma: 0.35,
            styles: [
                ("crew", ["Crew Jumper", "Merino Crew"]), ("cardigan", ["Cardigan"]),
                ("roll-neck", ["Roll Neck", "Turtleneck"]), ("hoodie", ["Hoodie", "Zip Hoodie"]),
                ("vest", ["Knit Vest"]),
            ],
            features: ["merino", "cashmere", "recycled-wool", "chunky-knit", "organic-cotton"],
            materials: ["merino", "cashmere", "lambswool", "cotton"], gendered: true),
        DemoCategory(
            name: "accessories", share: 0.08, medianPrice: 30, priceSigma: 0.45,
            styles: [
                ("hats", ["Beanie", "Cap", "Bucket Hat"]), ("scarves", ["Scarf", "Snood"]),
                ("gloves", ["Gloves", "Mittens"]), ("belts", ["Leather Belt", "Webbing Belt"]),
                ("socks", ["Sock 3-Pack", "Hiking Sock"]),
            ],
            features: ["merino", "wool", "leather", "gift", "recycled"],
            materials: ["wool", "leather", "cotton", "merino", "nylon"], gendered: false),
        DemoCategory(
            name: "watches", share: 0.05, medianPrice: 180, priceSigma: 0.55,
            styles: [
                ("field", ["Field Watch"]), ("diver", ["Dive Watch"]), ("chronograph", ["Chronograph"]),
                ("minimalist", ["Minimal Watch", "Dress Watch"]), ("smart", ["Fitness Tracker", "Hybrid Smartwatch"]),
            ],
            features: ["sapphire-glass", "water-resistant", "automatic", "solar", "leather-strap", "steel-bracelet"],
            materials: ["stainless steel", "titanium", "resin", "ceramic"], gendered: false),
        DemoCategory(
            name: "sunglasses", share: 0.05, medianPrice: 110, priceSigma: 0.4,
            styles: [
                ("aviator", ["Aviator"]), ("wayfarer", ["Wayfarer"]), ("round", ["Round Frame"]),
                ("sport", ["Sport Shield", "Wraparound"]), ("cat-eye", ["Cat Eye"]),
            ],
            features: ["polarised", "uv400", "recycled-acetate", "lightweight"],
            materials: ["acetate", "metal", "nylon", "bio-acetate"], gendered: false),
        DemoCategory(
            name: "activewear", share: 0.08, medianPrice: 50, priceSigma: 0.35,
            styles: [
                ("leggings", ["Leggings", "Tights"]), ("shorts", ["Run Short", "Training Short"]),
                ("tops", ["Sports Bra", "Tank", "Half-Zip"]), ("outer", ["Track Jacket", "Windbreaker"]),
            ],
            features: ["quick-dry", "reflective", "high-waist", "seamless", "pockets"],
            materials: ["recycled polyester", "nylon", "elastane blend", "merino"], gendered: true),
    ]
}
