/* Randomness and typed-by-people text for seeding (seed.h). */
#include <stdio.h>
#include <string.h>

#include "seed.h"

/* ---- deterministic randomness (splitmix64) ---- */

uint64_t seed_rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

uint32_t seed_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(seed_rnd(r) % n);
}

bool seed_chance(struct rng *r, double percent)
{
	return (double)(seed_rnd(r) >> 11) / 9007199254740992.0 * 100.0 < percent;
}

const char *seed_pick(struct rng *r, const struct seed_list *l)
{
	return l->items[seed_below(r, (uint32_t)l->n)];
}

/* ---- text helpers ---- */

void seed_mail_part(const char *in, char *out, size_t cap)
{
	static const struct {
		const char *utf8, *ascii;
	} map[] = {{"ä", "ae"}, {"ö", "oe"}, {"ü", "ue"}, {"Ä", "ae"}, {"Ö", "oe"},
	           {"Ü", "ue"}, {"ß", "ss"}, {"é", "e"},  {"è", "e"},  {"ı", "i"}};
	size_t o = 0;
	for (const char *p = in; *p && o + 3 < cap;) {
		unsigned char c = (unsigned char)*p;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			out[o++] = (char)c;
			p++;
			continue;
		}
		if (c >= 'A' && c <= 'Z') {
			out[o++] = (char)(c + 32);
			p++;
			continue;
		}
		size_t k, step = 1;
		for (k = 0; k < sizeof(map) / sizeof(map[0]); k++) {
			size_t n = strlen(map[k].utf8);
			if (strncmp(p, map[k].utf8, n) == 0) {
				out[o++] = map[k].ascii[0];
				if (map[k].ascii[1])
					out[o++] = map[k].ascii[1];
				step = n;
				break;
			}
		}
		p += step;
	}
	out[o] = '\0';
}

/* Random digits, the first not 0. */
static void digits(struct rng *r, char *out, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = (char)('0' + (i == 0 ? 1 + seed_below(r, 9) : seed_below(r, 10)));
	out[n] = '\0';
}

/* Digits in pairs, an odd count starting with three: "2345678" → "234 56 78". */
static void grouped(const char *d, char *out, size_t cap)
{
	size_t n = strlen(d), o = 0;
	size_t first = n % 2 ? 3 : 2;
	for (size_t i = 0; i < n && o + 2 < cap; i++) {
		if (i >= first && (i - first) % 2 == 0)
			out[o++] = ' ';
		out[o++] = d[i];
	}
	out[o] = '\0';
}

static const char *country_code(const char *land)
{
	return !strcmp(land, "AUT") ? "43" : !strcmp(land, "CHE") ? "41" : "49";
}

void seed_landline(struct rng *r, const struct seed_city *c, char *out, size_t cap)
{
	char d[16], g[24];
	const char *cc = country_code(c->land);
	digits(r, d, 4 + (int)seed_below(r, 5));
	grouped(d, g, sizeof(g));
	switch (seed_below(r, 9)) {
	case 0:
		snprintf(out, cap, "0%s %s", c->area, d);
		break;
	case 1:
		snprintf(out, cap, "+%s %s %s", cc, c->area, d);
		break;
	case 2:
		snprintf(out, cap, "00%s-%s-%s", cc, c->area, d);
		break;
	case 3:
		snprintf(out, cap, "(0%s) %s", c->area, g);
		break;
	case 4:
		snprintf(out, cap, "0%s/%s", c->area, d);
		break;
	case 5:
		snprintf(out, cap, "0%s-%s", c->area, d);
		break;
	case 6:
		snprintf(out, cap, "0%s%s", c->area, d);
		break;
	case 7:
		snprintf(out, cap, "+%s (0)%s %s", cc, c->area, d);
		break;
	default:
		snprintf(out, cap, "0%s %s", c->area, g);
		break;
	}
}

void seed_mobile(struct rng *r, const char *land, char *out, size_t cap)
{
	const struct seed_list *l = !strcmp(land, "AUT")   ? &seed_mobile_aut
	                            : !strcmp(land, "CHE") ? &seed_mobile_che
	                                                   : &seed_mobile_deu;
	const char *pre = seed_pick(r, l);
	const char *cc = country_code(land);
	char d[16], g[24];
	digits(r, d, !strcmp(land, "CHE") ? 7 : 7 + (int)seed_below(r, 2));
	grouped(d, g, sizeof(g));
	switch (seed_below(r, 7)) {
	case 0:
		snprintf(out, cap, "0%s/%s", pre, d);
		break;
	case 1:
		snprintf(out, cap, "0%s %s", pre, d);
		break;
	case 2:
		snprintf(out, cap, "+%s %s %s", cc, pre, d);
		break;
	case 3:
		snprintf(out, cap, "+%s%s %s", cc, pre, d);
		break;
	case 4:
		snprintf(out, cap, "00%s %s %s", cc, pre, d);
		break;
	case 5:
		snprintf(out, cap, "0%s-%s", pre, g);
		break;
	default:
		snprintf(out, cap, "+%s %s %s", cc, pre, g);
		break;
	}
}
