import BaristaCore
/// A product category read off an Online Retail description, honestly: the last word of the
/// description that is a common product noun (`JUMBO BAG RED RETROSPOT` → `bag`,
/// `WHITE HANGING HEART T-LIGHT HOLDER` → `holder`), in the singular and lower case; nil when no
/// word is in the list. Motifs and colours (`HEART`, `RETROSPOT`, `RED`) are not nouns here.
enum OnlineRetailCategory {
    /// The category of `description`, or nil.
    static func of(_ description: String) -> String? {
        let words = description.uppercased().split(whereSeparator: { !$0.isLetter && $0 != "-" })
        for word in words.reversed() {
            if let category = nouns[String(word)] { return category }
        }
        return nil
    }

    /// Product nouns, singular → itself; plurals listed explicitly where the English is irregular.
    private static let nouns: [String: String] = {
        let singular = """
            album apron bag ball basket beaker bell bin book bottle bowl box bracelet brooch bucket \
            bunting cabinet calendar candle candleholder card case chair chalkboard charm \
            clock coaster comb container cover crayon cup cushion cutlery cutter decoration dish \
            doily doorstop doormat drawer earring envelope eraser frame game garland glass globe \
            hairclip handbag hanger hat holder hook jar journal jug keyring kit knob lamp lampshade \
            lantern lunchbox magnet mat mirror mould mug napkin necklace notebook organiser ornament \
            pen pencil peg placemat planter plate pouch purse puzzle rack ribbon ring rubber ruler \
            saucer scarf shelf sign sketchbook slipper spoon stand sticker stool table tag tape teapot \
            thermometer tin tissue towel toy tray tumbler umbrella vase wallet washbag wreath wrap
            """
        var map: [String: String] = [:]
        for noun in singular.split(separator: " ") {
            let word = String(noun).uppercased()
            map[word] = String(noun)
            let plural = word.hasSuffix("X") || word.hasSuffix("SH") || word.hasSuffix("CH") || word.hasSuffix("SS")
                ? word + "ES" : word + "S"
            map[plural] = String(noun)
        }
        let irregular = [
            "DOILIES": "doily", "SHELVES": "shelf", "SCARVES": "scarf", "LIGHTS": "lights", "T-LIGHTS": "t-light",
            "T-LIGHT": "t-light", "BEADS": "beads", "MATCHES": "matches", "INCENSE": "incense",
            "TISSUES": "tissue", "EARRINGS": "earring", "GLOVES": "gloves", "CHOPSTICKS": "chopsticks",
        ]
        map.merge(irregular) { _, new in new }
        return map
    }()
}
