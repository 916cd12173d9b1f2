#include "domain/country.h"

#include "domain/text.h"

#include <stdbool.h>
#include <string.h>

/* Sorted by alpha-2, which country_by_alpha2 relies on (tests check the order). */
static const struct country countries[] = {
    {"AD", "AND", "Andorra", NULL},
    {"AE", "ARE", "Vereinigte Arabische Emirate", "VAE"},
    {"AF", "AFG", "Afghanistan", NULL},
    {"AG", "ATG", "Antigua und Barbuda", NULL},
    {"AI", "AIA", "Anguilla", NULL},
    {"AL", "ALB", "Albanien", NULL},
    {"AM", "ARM", "Armenien", NULL},
    {"AO", "AGO", "Angola", NULL},
    {"AQ", "ATA", "Antarktis", NULL},
    {"AR", "ARG", "Argentinien", NULL},
    {"AS", "ASM", "Amerikanisch-Samoa", NULL},
    {"AT", "AUT", "Österreich", NULL},
    {"AU", "AUS", "Australien", NULL},
    {"AW", "ABW", "Aruba", NULL},
    {"AX", "ALA", "Åland", "Åland-Inseln"},
    {"AZ", "AZE", "Aserbaidschan", NULL},
    {"BA", "BIH", "Bosnien und Herzegowina", "Bosnien-Herzegowina"},
    {"BB", "BRB", "Barbados", NULL},
    {"BD", "BGD", "Bangladesch", NULL},
    {"BE", "BEL", "Belgien", NULL},
    {"BF", "BFA", "Burkina Faso", NULL},
    {"BG", "BGR", "Bulgarien", NULL},
    {"BH", "BHR", "Bahrain", NULL},
    {"BI", "BDI", "Burundi", NULL},
    {"BJ", "BEN", "Benin", NULL},
    {"BL", "BLM", "Saint-Barthélemy", NULL},
    {"BM", "BMU", "Bermuda", NULL},
    {"BN", "BRN", "Brunei", "Brunei Darussalam"},
    {"BO", "BOL", "Bolivien", "Bolivien, Plurinationaler Staat"},
    {"BQ", "BES", "Bonaire, Sint Eustatius und Saba", NULL},
    {"BR", "BRA", "Brasilien", NULL},
    {"BS", "BHS", "Bahamas", NULL},
    {"BT", "BTN", "Bhutan", NULL},
    {"BV", "BVT", "Bouvetinsel", "Bouvet-Insel"},
    {"BW", "BWA", "Botsuana", NULL},
    {"BY", "BLR", "Belarus", "Weißrussland"},
    {"BZ", "BLZ", "Belize", NULL},
    {"CA", "CAN", "Kanada", NULL},
    {"CC", "CCK", "Kokosinseln", "Kokos-(Keeling-)Inseln"},
    {"CD", "COD", "Kongo, Demokratische Republik", "Demokratische Republik Kongo"},
    {"CF", "CAF", "Zentralafrikanische Republik", NULL},
    {"CG", "COG", "Kongo, Republik", "Republik Kongo"},
    {"CH", "CHE", "Schweiz", NULL},
    {"CI", "CIV", "Côte d'Ivoire", "Elfenbeinküste"},
    {"CK", "COK", "Cookinseln", NULL},
    {"CL", "CHL", "Chile", NULL},
    {"CM", "CMR", "Kamerun", NULL},
    {"CN", "CHN", "China", NULL},
    {"CO", "COL", "Kolumbien", NULL},
    {"CR", "CRI", "Costa Rica", NULL},
    {"CU", "CUB", "Kuba", NULL},
    {"CV", "CPV", "Kap Verde", "Cabo Verde"},
    {"CW", "CUW", "Curaçao", NULL},
    {"CX", "CXR", "Weihnachtsinsel", "Weihnachtsinseln"},
    {"CY", "CYP", "Zypern", NULL},
    {"CZ", "CZE", "Tschechien", "Tschechische Republik"},
    {"DE", "DEU", "Deutschland", NULL},
    {"DJ", "DJI", "Dschibuti", NULL},
    {"DK", "DNK", "Dänemark", NULL},
    {"DM", "DMA", "Dominica", NULL},
    {"DO", "DOM", "Dominikanische Republik", NULL},
    {"DZ", "DZA", "Algerien", NULL},
    {"EC", "ECU", "Ecuador", NULL},
    {"EE", "EST", "Estland", NULL},
    {"EG", "EGY", "Ägypten", NULL},
    {"EH", "ESH", "Westsahara", NULL},
    {"ER", "ERI", "Eritrea", NULL},
    {"ES", "ESP", "Spanien", NULL},
    {"ET", "ETH", "Äthiopien", NULL},
    {"FI", "FIN", "Finnland", NULL},
    {"FJ", "FJI", "Fidschi", NULL},
    {"FK", "FLK", "Falklandinseln", "Falklandinseln (Malwinen)"},
    {"FM", "FSM", "Mikronesien", "Mikronesien, Föderierte Staaten von"},
    {"FO", "FRO", "Färöer", "Färöer-Inseln"},
    {"FR", "FRA", "Frankreich", NULL},
    {"GA", "GAB", "Gabun", NULL},
    {"GB", "GBR", "Vereinigtes Königreich", "Großbritannien"},
    {"GD", "GRD", "Grenada", NULL},
    {"GE", "GEO", "Georgien", NULL},
    {"GF", "GUF", "Französisch-Guyana", NULL},
    {"GG", "GGY", "Guernsey", NULL},
    {"GH", "GHA", "Ghana", NULL},
    {"GI", "GIB", "Gibraltar", NULL},
    {"GL", "GRL", "Grönland", NULL},
    {"GM", "GMB", "Gambia", NULL},
    {"GN", "GIN", "Guinea", NULL},
    {"GP", "GLP", "Guadeloupe", NULL},
    {"GQ", "GNQ", "Äquatorialguinea", NULL},
    {"GR", "GRC", "Griechenland", NULL},
    {"GS", "SGS", "South Georgia und die Südlichen Sandwichinseln", NULL},
    {"GT", "GTM", "Guatemala", NULL},
    {"GU", "GUM", "Guam", NULL},
    {"GW", "GNB", "Guinea-Bissau", NULL},
    {"GY", "GUY", "Guyana", NULL},
    {"HK", "HKG", "Hongkong", NULL},
    {"HM", "HMD", "Heard und McDonaldinseln", NULL},
    {"HN", "HND", "Honduras", NULL},
    {"HR", "HRV", "Kroatien", NULL},
    {"HT", "HTI", "Haiti", NULL},
    {"HU", "HUN", "Ungarn", NULL},
    {"ID", "IDN", "Indonesien", NULL},
    {"IE", "IRL", "Irland", NULL},
    {"IL", "ISR", "Israel", NULL},
    {"IM", "IMN", "Insel Man", NULL},
    {"IN", "IND", "Indien", NULL},
    {"IO", "IOT", "Britisches Territorium im Indischen Ozean", NULL},
    {"IQ", "IRQ", "Irak", NULL},
    {"IR", "IRN", "Iran", "Iran, Islamische Republik"},
    {"IS", "ISL", "Island", NULL},
    {"IT", "ITA", "Italien", NULL},
    {"JE", "JEY", "Jersey", NULL},
    {"JM", "JAM", "Jamaika", NULL},
    {"JO", "JOR", "Jordanien", NULL},
    {"JP", "JPN", "Japan", NULL},
    {"KE", "KEN", "Kenia", NULL},
    {"KG", "KGZ", "Kirgisistan", NULL},
    {"KH", "KHM", "Kambodscha", NULL},
    {"KI", "KIR", "Kiribati", NULL},
    {"KM", "COM", "Komoren", NULL},
    {"KN", "KNA", "St. Kitts und Nevis", NULL},
    {"KP", "PRK", "Nordkorea", "Korea, Demokratische Volksrepublik"},
    {"KR", "KOR", "Südkorea", "Korea, Republik"},
    {"KW", "KWT", "Kuwait", NULL},
    {"KY", "CYM", "Kaimaninseln", "Cayman-Inseln"},
    {"KZ", "KAZ", "Kasachstan", NULL},
    {"LA", "LAO", "Laos", "Laos, Demokratische Volksrepublik"},
    {"LB", "LBN", "Libanon", NULL},
    {"LC", "LCA", "St. Lucia", NULL},
    {"LI", "LIE", "Liechtenstein", NULL},
    {"LK", "LKA", "Sri Lanka", NULL},
    {"LR", "LBR", "Liberia", NULL},
    {"LS", "LSO", "Lesotho", NULL},
    {"LT", "LTU", "Litauen", NULL},
    {"LU", "LUX", "Luxemburg", NULL},
    {"LV", "LVA", "Lettland", NULL},
    {"LY", "LBY", "Libyen", NULL},
    {"MA", "MAR", "Marokko", NULL},
    {"MC", "MCO", "Monaco", NULL},
    {"MD", "MDA", "Moldau", "Republik Moldau"},
    {"ME", "MNE", "Montenegro", NULL},
    {"MF", "MAF", "Saint-Martin", "Saint Martin (Französischer Teil)"},
    {"MG", "MDG", "Madagaskar", NULL},
    {"MH", "MHL", "Marshallinseln", NULL},
    {"MK", "MKD", "Nordmazedonien", "Mazedonien"},
    {"ML", "MLI", "Mali", NULL},
    {"MM", "MMR", "Myanmar", "Birma"},
    {"MN", "MNG", "Mongolei", NULL},
    {"MO", "MAC", "Macau", "Macao"},
    {"MP", "MNP", "Nördliche Marianen", NULL},
    {"MQ", "MTQ", "Martinique", NULL},
    {"MR", "MRT", "Mauretanien", NULL},
    {"MS", "MSR", "Montserrat", NULL},
    {"MT", "MLT", "Malta", NULL},
    {"MU", "MUS", "Mauritius", NULL},
    {"MV", "MDV", "Malediven", NULL},
    {"MW", "MWI", "Malawi", NULL},
    {"MX", "MEX", "Mexiko", NULL},
    {"MY", "MYS", "Malaysia", NULL},
    {"MZ", "MOZ", "Mosambik", NULL},
    {"NA", "NAM", "Namibia", NULL},
    {"NC", "NCL", "Neukaledonien", NULL},
    {"NE", "NER", "Niger", NULL},
    {"NF", "NFK", "Norfolkinsel", NULL},
    {"NG", "NGA", "Nigeria", NULL},
    {"NI", "NIC", "Nicaragua", NULL},
    {"NL", "NLD", "Niederlande", "Holland"},
    {"NO", "NOR", "Norwegen", NULL},
    {"NP", "NPL", "Nepal", NULL},
    {"NR", "NRU", "Nauru", NULL},
    {"NU", "NIU", "Niue", NULL},
    {"NZ", "NZL", "Neuseeland", NULL},
    {"OM", "OMN", "Oman", NULL},
    {"PA", "PAN", "Panama", NULL},
    {"PE", "PER", "Peru", NULL},
    {"PF", "PYF", "Französisch-Polynesien", NULL},
    {"PG", "PNG", "Papua-Neuguinea", NULL},
    {"PH", "PHL", "Philippinen", NULL},
    {"PK", "PAK", "Pakistan", NULL},
    {"PL", "POL", "Polen", NULL},
    {"PM", "SPM", "St. Pierre und Miquelon", NULL},
    {"PN", "PCN", "Pitcairn", NULL},
    {"PR", "PRI", "Puerto Rico", NULL},
    {"PS", "PSE", "Palästinensische Gebiete", "Palästina"},
    {"PT", "PRT", "Portugal", NULL},
    {"PW", "PLW", "Palau", NULL},
    {"PY", "PRY", "Paraguay", NULL},
    {"QA", "QAT", "Katar", NULL},
    {"RE", "REU", "Réunion", NULL},
    {"RO", "ROU", "Rumänien", NULL},
    {"RS", "SRB", "Serbien", NULL},
    {"RU", "RUS", "Russland", "Russische Föderation"},
    {"RW", "RWA", "Ruanda", NULL},
    {"SA", "SAU", "Saudi-Arabien", NULL},
    {"SB", "SLB", "Salomoninseln", NULL},
    {"SC", "SYC", "Seychellen", NULL},
    {"SD", "SDN", "Sudan", NULL},
    {"SE", "SWE", "Schweden", NULL},
    {"SG", "SGP", "Singapur", NULL},
    {"SH", "SHN", "St. Helena", "St. Helena, Ascension und Tristan da Cunha"},
    {"SI", "SVN", "Slowenien", NULL},
    {"SJ", "SJM", "Svalbard und Jan Mayen", NULL},
    {"SK", "SVK", "Slowakei", NULL},
    {"SL", "SLE", "Sierra Leone", NULL},
    {"SM", "SMR", "San Marino", NULL},
    {"SN", "SEN", "Senegal", NULL},
    {"SO", "SOM", "Somalia", NULL},
    {"SR", "SUR", "Suriname", NULL},
    {"SS", "SSD", "Südsudan", NULL},
    {"ST", "STP", "São Tomé und Príncipe", NULL},
    {"SV", "SLV", "El Salvador", NULL},
    {"SX", "SXM", "Sint Maarten", "Saint-Martin (Niederländischer Teil)"},
    {"SY", "SYR", "Syrien", "Syrien, Arabische Republik"},
    {"SZ", "SWZ", "Eswatini", "Swasiland"},
    {"TC", "TCA", "Turks- und Caicosinseln", NULL},
    {"TD", "TCD", "Tschad", NULL},
    {"TF", "ATF", "Französische Süd- und Antarktisgebiete", NULL},
    {"TG", "TGO", "Togo", NULL},
    {"TH", "THA", "Thailand", NULL},
    {"TJ", "TJK", "Tadschikistan", NULL},
    {"TK", "TKL", "Tokelau", NULL},
    {"TL", "TLS", "Timor-Leste", "Osttimor"},
    {"TM", "TKM", "Turkmenistan", NULL},
    {"TN", "TUN", "Tunesien", NULL},
    {"TO", "TON", "Tonga", NULL},
    {"TR", "TUR", "Türkei", "Türkiye"},
    {"TT", "TTO", "Trinidad und Tobago", NULL},
    {"TV", "TUV", "Tuvalu", NULL},
    {"TW", "TWN", "Taiwan", NULL},
    {"TZ", "TZA", "Tansania", "Tansania, Vereinigte Republik"},
    {"UA", "UKR", "Ukraine", NULL},
    {"UG", "UGA", "Uganda", NULL},
    {"UM", "UMI", "Amerikanische Überseeinseln", "United States Minor Outlying Islands"},
    {"US", "USA", "Vereinigte Staaten", "Vereinigte Staaten von Amerika"},
    {"UY", "URY", "Uruguay", NULL},
    {"UZ", "UZB", "Usbekistan", NULL},
    {"VA", "VAT", "Vatikanstadt", "Heiliger Stuhl"},
    {"VC", "VCT", "St. Vincent und die Grenadinen", NULL},
    {"VE", "VEN", "Venezuela", "Venezuela, Bolivarische Republik"},
    {"VG", "VGB", "Britische Jungferninseln", NULL},
    {"VI", "VIR", "Amerikanische Jungferninseln", NULL},
    {"VN", "VNM", "Vietnam", NULL},
    {"VU", "VUT", "Vanuatu", NULL},
    {"WF", "WLF", "Wallis und Futuna", NULL},
    {"WS", "WSM", "Samoa", NULL},
    {"YE", "YEM", "Jemen", NULL},
    {"YT", "MYT", "Mayotte", NULL},
    {"ZA", "ZAF", "Südafrika", NULL},
    {"ZM", "ZMB", "Sambia", NULL},
    {"ZW", "ZWE", "Simbabwe", NULL},
};

#define NCOUNTRIES (sizeof(countries) / sizeof(countries[0]))

size_t country_count(void)
{
	return NCOUNTRIES;
}

const struct country *country_at(size_t i)
{
	return i < NCOUNTRIES ? &countries[i] : NULL;
}

/* Copies an ASCII code of exactly n letters into out in upper case; false otherwise. */
static bool upper_code(const char *code, size_t n, char *out)
{
	if (!code || strlen(code) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = code[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		if (c < 'A' || c > 'Z')
			return false;
		out[i] = c;
	}
	out[n] = '\0';
	return true;
}

const struct country *country_by_alpha2(const char *code)
{
	char key[3];
	if (!upper_code(code, 2, key))
		return NULL;
	size_t lo = 0, hi = NCOUNTRIES;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(countries[mid].alpha2, key);
		if (c == 0)
			return &countries[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct country *country_by_alpha3(const char *code)
{
	char key[4];
	if (!upper_code(code, 3, key))
		return NULL;
	for (size_t i = 0; i < NCOUNTRIES; i++)
		if (strcmp(countries[i].alpha3, key) == 0)
			return &countries[i];
	return NULL;
}

static const struct country *by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < NCOUNTRIES; i++) {
		const struct country *c = &countries[i];
		if (text_fold_equal(name, len, c->name_de, strlen(c->name_de)))
			return c;
		if (c->alias_de && text_fold_equal(name, len, c->alias_de, strlen(c->alias_de)))
			return c;
	}
	return NULL;
}

const struct country *country_by_name_de(const char *name)
{
	return name ? by_name(name, strlen(name)) : NULL;
}

const struct country *country_from_any(const char *text)
{
	if (!text)
		return NULL;
	while (*text == ' ' || *text == '\t')
		text++;
	size_t len = strlen(text);
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	char code[4];
	if (len == 2 || len == 3) {
		memcpy(code, text, len);
		code[len] = '\0';
		const struct country *c =
		    len == 2 ? country_by_alpha2(code) : country_by_alpha3(code);
		if (c)
			return c;
	}
	return len ? by_name(text, len) : NULL;
}
