/* Unit tests for src/core/metrics.c: registration, updates, exposition text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>

#include "core/err.h"
#include "core/metrics.h"

static double seven(void *arg)
{
	(void)arg;
	return 7;
}

static void counters_gauges_render(void **state)
{
	(void)state;
	struct metrics *m = metrics_new();
	struct metric *c = metrics_counter(m, "x_total", "Things", "kind=\"a\"");
	metric_inc(c);
	metric_add(c, 2);
	assert_ptr_equal(metrics_counter(m, "x_total", "Things", "kind=\"a\""), c);
	metric_inc(metrics_counter(m, "x_total", "Things", "kind=\"b\""));
	metric_set(metrics_gauge(m, "depth", "Queue", NULL), 4.5);
	metrics_gauge_fn(m, "computed", "Computed", NULL, seven, NULL);
	struct buf out = BUF_INIT(1 << 16);
	assert_int_equal(metrics_render(m, &out), ERR_OK);
	assert_string_equal(buf_str(&out), "# HELP x_total Things\n# TYPE x_total counter\n"
	                                   "x_total{kind=\"a\"} 3\nx_total{kind=\"b\"} 1\n"
	                                   "# HELP depth Queue\n# TYPE depth gauge\ndepth 4.5\n"
	                                   "# HELP computed Computed\n# TYPE computed gauge\n"
	                                   "computed 7\n");
	buf_release(&out);
	metrics_free(m);
}

static void a_name_keeps_its_kind(void **state)
{
	(void)state;
	struct metrics *m = metrics_new();
	assert_non_null(metrics_counter(m, "n", "h", NULL));
	assert_null(metrics_gauge(m, "n", "h", NULL));
	metric_inc(NULL); /* updates on NULL are ignored */
	metrics_free(m);
}

static void histograms_are_cumulative(void **state)
{
	(void)state;
	struct metrics *m = metrics_new();
	const double b[] = {0.1, 1};
	struct metric *h = metrics_histogram(m, "lat", "Latency", NULL, b, 2);
	metric_observe(h, 0.05);
	metric_observe(h, 0.5);
	metric_observe(h, 3);
	struct buf out = BUF_INIT(1 << 16);
	metrics_render(m, &out);
	assert_non_null(strstr(buf_str(&out), "lat_bucket{le=\"0.1\"} 1\n"));
	assert_non_null(strstr(buf_str(&out), "lat_bucket{le=\"1\"} 2\n"));
	assert_non_null(strstr(buf_str(&out), "lat_bucket{le=\"+Inf\"} 3\n"));
	assert_non_null(strstr(buf_str(&out), "lat_sum 3.55\n"));
	assert_non_null(strstr(buf_str(&out), "lat_count 3\n"));
	buf_release(&out);
	metrics_free(m);
}

static void *bump(void *arg)
{
	for (int i = 0; i < 10000; i++)
		metric_inc(arg);
	return NULL;
}

static void concurrent_increments_are_not_lost(void **state)
{
	(void)state;
	struct metrics *m = metrics_new();
	struct metric *c = metrics_counter(m, "hits_total", "Hits", NULL);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, bump, c);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_true(metric_value(c) == 40000);
	metrics_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(counters_gauges_render),
	    cmocka_unit_test(a_name_keeps_its_kind),
	    cmocka_unit_test(histograms_are_cumulative),
	    cmocka_unit_test(concurrent_increments_are_not_lost),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
