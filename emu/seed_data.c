/* Word lists for seeding (seed_data.h). */
#include "seed_data.h"

#define LIST(name, ...)                                          \
	static const char *const name##_items[] = {__VA_ARGS__}; \
	const struct seed_list name = {name##_items, sizeof(name##_items) / sizeof(name##_items[0])}

LIST(seed_male, "Alexander", "Andreas", "Anton", "Benjamin", "Bernd", "Christian", "Daniel",
     "David", "Dennis", "Dieter", "Dirk", "Elias", "Emil", "Erik", "Fabian", "Felix", "Finn",
     "Florian", "Frank", "Friedrich", "Georg", "Gerhard", "Günter", "Hans", "Harald", "Heinz",
     "Helmut", "Jan", "Jens", "Jonas", "Jörg", "Jürgen", "Kai", "Karl", "Klaus", "Lars", "Leon",
     "Lukas", "Manfred", "Marc", "Markus", "Martin", "Matthias", "Max", "Maximilian", "Michael",
     "Niklas", "Noah", "Oliver", "Patrick", "Paul", "Peter", "Philipp", "Ralf", "René", "Robert",
     "Sebastian", "Stefan", "Sven", "Thomas", "Tim", "Tobias", "Uwe", "Werner", "Wolfgang");

LIST(seed_female, "Andrea", "Angelika", "Anja", "Anna", "Annika", "Barbara", "Birgit", "Brigitte",
     "Carina", "Charlotte", "Christina", "Claudia", "Clara", "Daniela", "Doris", "Elena",
     "Elisabeth", "Emilia", "Emma", "Eva", "Franziska", "Gabriele", "Hanna", "Heike", "Helga",
     "Ines", "Ingrid", "Jana", "Jennifer", "Johanna", "Julia", "Jutta", "Karin", "Katharina",
     "Kerstin", "Laura", "Lea", "Lena", "Lisa", "Luisa", "Maria", "Marie", "Marion", "Martina",
     "Melanie", "Mia", "Monika", "Nadine", "Nicole", "Petra", "Renate", "Sabine", "Sandra", "Sarah",
     "Silke", "Simone", "Sofia", "Sophie", "Stefanie", "Susanne", "Tanja", "Ursula", "Ute",
     "Vanessa", "Yvonne");

LIST(seed_surnames, "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
     "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
     "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann",
     "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze",
     "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs",
     "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich",
     "Keller", "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann",
     "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin",
     "Schumacher", "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel",
     "Heinrich", "Brandt", "Haas", "Schreiber", "Graf", "Schulte", "Dietrich", "Ziegler", "Kuhn",
     "Kühn", "Pohl", "Engel", "Horn", "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold",
     "Wolff", "Pfeiffer", "von Bergen", "de Vries", "Yılmaz", "Nowak", "Kowalski", "Rossi",
     "Papadopoulos", "Nguyen");

LIST(seed_streets, "Hauptstraße", "Hauptstr.", "Bahnhofstraße", "Schulstraße", "Gartenstraße",
     "Dorfstraße", "Bergstraße", "Lindenstraße", "Kirchstraße", "Waldstraße", "Ringstraße",
     "Wiesenweg", "Birkenweg", "Am Markt", "Marktplatz", "Goethestraße", "Schillerstraße",
     "Mozartstraße", "Beethovenstraße", "Friedrich-Ebert-Straße", "Kaiser-Wilhelm-Allee",
     "Lindenallee", "Eichenweg", "Rosenweg", "Tulpenweg", "Am Bach", "Mühlenweg", "Feldstraße",
     "Industriestraße", "Jahnstraße", "Talstraße", "Parkstraße", "Sonnenweg", "Buchenweg",
     "Kastanienallee", "Im Winkel", "An der Kirche", "Auf dem Hügel", "Theaterstraße", "Pontstraße",
     "Jakobstraße", "Adalbertsteinweg", "Königstraße", "Luisenstraße", "Wilhelmstraße",
     "Blumenstraße", "Uferstraße", "Heideweg", "Alte Landstraße", "Neue Straße", "Weststraße",
     "Oststraße", "Südring", "Nordring");

LIST(seed_providers, "gmx.de", "web.de", "t-online.de", "gmail.com", "outlook.de", "yahoo.de",
     "posteo.de", "freenet.de", "icloud.com", "mail.de", "aol.com", "gmx.at", "bluewin.ch",
     "hotmail.de", "arcor.de");

LIST(seed_company_forms, "GmbH", "GmbH & Co. KG", "AG", "e.K.", "KG", "UG (haftungsbeschränkt)",
     "GbR", "& Partner", "Immobilien GmbH", "Verwaltungs GmbH");

LIST(seed_company_words, "Immobilien", "Bau", "Haus & Grund", "Wohnbau", "Projektentwicklung",
     "Hausverwaltung", "Architekten", "Finanz", "Consulting", "Handwerk");

LIST(seed_comments, "privat", "geschäftlich", "nur abends", "Büro", "Zentrale", "Sekretariat",
     "bitte nicht vor 10 Uhr", "Zweitwohnung", "alt", "Ehemann", "Ehefrau");

LIST(seed_mobile_deu, "151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173",
     "174", "175", "176", "177", "178", "179");
LIST(seed_mobile_aut, "650", "660", "664", "676", "680", "699");
LIST(seed_mobile_che, "76", "77", "78", "79");

const struct seed_city seed_cities_deu[] = {
    {"Aachen", 52062, 52080, "241", "DEU"},
    {"Berlin", 10115, 14199, "30", "DEU"},
    {"Hamburg", 20095, 22769, "40", "DEU"},
    {"München", 80331, 81929, "89", "DEU"},
    {"Köln", 50667, 51149, "221", "DEU"},
    {"Frankfurt am Main", 60306, 60599, "69", "DEU"},
    {"Stuttgart", 70173, 70629, "711", "DEU"},
    {"Düsseldorf", 40210, 40629, "211", "DEU"},
    {"Dortmund", 44135, 44388, "231", "DEU"},
    {"Essen", 45127, 45359, "201", "DEU"},
    {"Leipzig", 4103, 4357, "341", "DEU"},
    {"Bremen", 28195, 28779, "421", "DEU"},
    {"Dresden", 1067, 1328, "351", "DEU"},
    {"Hannover", 30159, 30669, "511", "DEU"},
    {"Nürnberg", 90402, 90491, "911", "DEU"},
    {"Duisburg", 47051, 47279, "203", "DEU"},
    {"Bochum", 44787, 44894, "234", "DEU"},
    {"Wuppertal", 42103, 42399, "202", "DEU"},
    {"Bielefeld", 33602, 33739, "521", "DEU"},
    {"Bonn", 53111, 53229, "228", "DEU"},
    {"Münster", 48143, 48167, "251", "DEU"},
    {"Karlsruhe", 76131, 76229, "721", "DEU"},
    {"Mannheim", 68159, 68309, "621", "DEU"},
    {"Augsburg", 86150, 86199, "821", "DEU"},
    {"Wiesbaden", 65183, 65207, "611", "DEU"},
    {"Mönchengladbach", 41061, 41239, "2161", "DEU"},
    {"Kiel", 24103, 24159, "431", "DEU"},
    {"Freiburg im Breisgau", 79098, 79117, "761", "DEU"},
    {"Lübeck", 23552, 23570, "451", "DEU"},
    {"Erfurt", 99084, 99099, "361", "DEU"},
    {"Rostock", 18055, 18147, "381", "DEU"},
    {"Mainz", 55116, 55131, "6131", "DEU"},
    {"Kassel", 34117, 34134, "561", "DEU"},
    {"Potsdam", 14467, 14482, "331", "DEU"},
    {"Regensburg", 93047, 93059, "941", "DEU"},
    {"Heidelberg", 69115, 69126, "6221", "DEU"},
    {"Würzburg", 97070, 97084, "931", "DEU"},
    {"Düren", 52349, 52355, "2421", "DEU"},
    {"Eschweiler", 52249, 52249, "2403", "DEU"},
    {"Stolberg (Rhld.)", 52222, 52224, "2402", "DEU"},
    {"Herzogenrath", 52134, 52134, "2406", "DEU"},
    {"Würselen", 52146, 52146, "2405", "DEU"},
    {"Görlitz", 2826, 2828, "3581", "DEU"},
    {"Saarbrücken", 66111, 66133, "681", "DEU"},
};
const size_t seed_cities_deu_n = sizeof(seed_cities_deu) / sizeof(seed_cities_deu[0]);

const struct seed_city seed_cities_aut[] = {
    {"Wien", 1010, 1230, "1", "AUT"},        {"Graz", 8010, 8055, "316", "AUT"},
    {"Linz", 4020, 4040, "732", "AUT"},      {"Salzburg", 5020, 5026, "662", "AUT"},
    {"Innsbruck", 6020, 6080, "512", "AUT"},
};
const size_t seed_cities_aut_n = sizeof(seed_cities_aut) / sizeof(seed_cities_aut[0]);

const struct seed_city seed_cities_che[] = {
    {"Zürich", 8001, 8099, "44", "CHE"},     {"Bern", 3001, 3030, "31", "CHE"},
    {"Basel", 4001, 4059, "61", "CHE"},      {"Luzern", 6003, 6015, "41", "CHE"},
    {"St. Gallen", 9000, 9016, "71", "CHE"},
};
const size_t seed_cities_che_n = sizeof(seed_cities_che) / sizeof(seed_cities_che[0]);
