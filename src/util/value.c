/* SPDX-License-Identifier: MIT */
#include "value.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t value_of_int(int64_t v)
{
	uint64_t b;
	memcpy(&b, &v, sizeof b);
	return b;
}

uint64_t value_of_real(double d)
{
	uint64_t b;
	memcpy(&b, &d, sizeof b);
	return b;
}

static int64_t int_of(uint64_t bits)
{
	int64_t v;
	memcpy(&v, &bits, sizeof v);
	return v;
}

static double real_of(uint64_t bits)
{
	double d;
	memcpy(&d, &bits, sizeof d);
	return d;
}

double value_number(enum value_type t, uint64_t bits)
{
	switch (t) {
	case VALUE_UINT: return (double)bits;
	case VALUE_INT: return (double)int_of(bits);
	case VALUE_REAL: return real_of(bits);
	default: return (double)NAN;
	}
}

double value_rise(enum value_type t, uint64_t from, uint64_t to)
{
	switch (t) {
	case VALUE_UINT: return to >= from ? (double)(to - from) : -(double)(from - to);
	case VALUE_INT: {
		int64_t a = int_of(from), b = int_of(to);
		/* of one sign the difference fits; else its size is beyond 2^53 anyway */
		if ((a < 0) == (b < 0))
			return (double)(b - a);
		return (double)b - (double)a;
	}
	case VALUE_REAL: return real_of(to) - real_of(from);
	default: return (double)NAN;
	}
}

char *value_format(enum value_type t, uint64_t bits, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	switch (t) {
	case VALUE_UINT: snprintf(buf, len, "%" PRIu64, bits); break;
	case VALUE_INT: snprintf(buf, len, "%" PRId64, int_of(bits)); break;
	case VALUE_REAL: {
		double d = real_of(bits);
		if (isnan(d)) {
			snprintf(buf, len, "nan");
			break;
		}
		if (isinf(d)) {
			snprintf(buf, len, "%s", d < 0 ? "-inf" : "inf");
			break;
		}
		/* the fewest digits that read back to d */
		char tmp[VALUE_CHARS];
		for (int p = 1; p <= 17; p++) {
			snprintf(tmp, sizeof tmp, "%.*g", p, d);
			if (strtod(tmp, NULL) == d)
				break;
		}
		snprintf(buf, len, "%s", tmp);
		break;
	}
	default: buf[0] = '\0';
	}
	return buf;
}

char *value_format_time(enum value_type t, uint64_t bits, uint64_t per_second, char *buf,
			size_t len)
{
	if (len == 0)
		return buf;
	double v = value_number(t, bits);
	if (t == VALUE_TEXT || per_second == 0)
		return value_format(t, bits, buf, len);
	snprintf(buf, len, "%.3f s", v / (double)per_second);
	return buf;
}

int value_finite(enum value_type t, uint64_t bits)
{
	return t == VALUE_UINT || t == VALUE_INT || (t == VALUE_REAL && isfinite(real_of(bits)));
}
