/// The made-up names of the demo shop: brands, colours, model names, people and places.
enum DemoVocabulary {
    /// Forty brands; none of their names hints at one category.
    static let brands = [
        "Nordvik", "Ashgrove", "Kestrel & Co", "Halden", "Marlowe", "Fenwick", "Tidewater", "Alder & Pine",
        "Brightwater", "Corvid", "Larkspur", "Ostara", "Quillon", "Ridgeline", "Solenne", "Tamsin Grey",
        "Umberfield", "Vantor", "Wrenfield", "Yarrow", "Zephyr", "Ember Row", "Calder", "Harbour Lane",
        "Monarch", "Pelham", "Saltmarsh", "Thornbury", "Verity", "Blackcombe", "Elston", "Greyhaven",
        "Juniper & Finch", "Lumen", "Orla", "Peregrine", "Sable & Stone", "Stratum", "Wildcoast", "Hollis",
    ]

    /// Twelve colours with how common each is in the assortment.
    static let colours: [(name: String, weight: Double)] = [
        ("Black", 20), ("White", 10), ("Navy", 10), ("Grey", 10), ("Beige", 7), ("Olive", 6), ("Brown", 7),
        ("Blue", 8), ("Red", 5), ("Green", 5), ("Burgundy", 5), ("Pink", 4),
    ]

    /// Product model names ("Nimbus" in "Nimbus Trail Runner 2").
    static let models = [
        "Nimbus", "Summit", "Harbor", "Drift", "Ember", "Atlas", "Vega", "Cirrus", "Fjord", "Granite", "Halo",
        "Juno", "Kite", "Meridian", "Nova", "Orbit", "Pioneer", "Quarry", "Rover", "Sierra", "Tundra", "Vale",
        "Willow", "Zenith", "Aspen", "Beacon", "Cobalt", "Dune", "Echo", "Flint", "Glacier", "Horizon", "Iris",
        "Koda", "Mesa", "North", "Onyx", "Pulse", "Ravine", "Slate", "Terra", "Voyager", "Arc", "Birch", "Crest",
        "Delta", "Fable", "Heron", "Lyra", "Moss",
    ]

    /// Given names of shoppers.
    static let firstNames = [
        "Emma", "Noah", "Olivia", "Liam", "Sophie", "Lucas", "Mila", "Finn", "Julia", "Daan", "Anna", "Lars",
        "Chloé", "Hugo", "Lea", "Jonas", "Clara", "Mateo", "Sara", "Leon", "Ines", "Felix", "Nora", "Elias",
        "Maja", "Oscar", "Alba", "Théo", "Freya", "Marco", "Giulia", "Tom", "Lotte", "Sven", "Ella", "Paul",
        "Aoife", "Sean", "Ida", "Emil", "Zoe", "Max", "Lina", "Adam", "Hannah", "Ruben", "Eva", "Milan",
    ]

    /// Family names of shoppers.
    static let lastNames = [
        "de Vries", "Jansen", "Müller", "Schmidt", "Martin", "Bernard", "García", "Rossi", "Murphy", "Andersson",
        "Peeters", "Janssens", "Bakker", "Visser", "Schneider", "Fischer", "Dubois", "Moreau", "López", "Romano",
        "Kelly", "Johansson", "Nielsen", "Hansen", "Weber", "Wagner", "Laurent", "Fernández", "Bianchi", "Byrne",
        "Lindqvist", "Meijer", "Smit", "Becker", "Hoffmann", "Lefèvre", "Martínez", "Ricci", "Walsh", "Berg",
    ]

    /// Where shoppers live, how many of them, their locale and cities.
    static let countries: [(name: String, weight: Double, locale: String, cities: [String])] = [
        ("Netherlands", 24, "nl-NL", ["Amsterdam", "Rotterdam", "Utrecht", "The Hague", "Eindhoven"]),
        ("Germany", 22, "de-DE", ["Berlin", "Hamburg", "Munich", "Cologne", "Frankfurt"]),
        ("France", 13, "fr-FR", ["Paris", "Lyon", "Marseille", "Toulouse", "Lille"]),
        ("Belgium", 9, "nl-BE", ["Antwerp", "Ghent", "Brussels", "Leuven"]),
        ("Spain", 8, "es-ES", ["Madrid", "Barcelona", "Valencia", "Seville"]),
        ("Italy", 7, "it-IT", ["Milan", "Rome", "Turin", "Bologna"]),
        ("Ireland", 5, "en-IE", ["Dublin", "Cork", "Galway"]),
        ("Sweden", 5, "sv-SE", ["Stockholm", "Gothenburg", "Malmö"]),
        ("Denmark", 4, "da-DK", ["Copenhagen", "Aarhus", "Odense"]),
        ("Austria", 3, "de-AT", ["Vienna", "Graz", "Salzburg"]),
    ]
}
