/* Layout helpers, table-driven: rows and columns tile their rect exactly
 * with the gaps between them, uneven sizes differ by one pixel at most,
 * out-of-range pieces are empty, insets never go negative. */
#include "ui_test.h"

struct cut_case {
	struct ui_rect r;
	int n, i, gap;
	struct ui_rect want;
};

static void check(const char *what, size_t i, struct ui_rect got, struct ui_rect want)
{
	if (memcmp(&got, &want, sizeof(got)) != 0)
		fail_msg("%s case %zu: {%d,%d,%d,%d}, want {%d,%d,%d,%d}", what, i, got.x, got.y,
			 got.w, got.h, want.x, want.y, want.w, want.h);
}

static void test_row(void **state)
{
	(void)state;
	static const struct cut_case cases[] = {
	    {{0, 0, 100, 100}, 1, 0, 10, {0, 0, 100, 100}},
	    {{0, 0, 100, 100}, 2, 0, 10, {0, 0, 100, 45}},
	    {{0, 0, 100, 100}, 2, 1, 10, {0, 55, 100, 45}},
	    {{5, 20, 50, 100}, 3, 0, 0, {5, 20, 50, 33}},
	    {{5, 20, 50, 100}, 3, 1, 0, {5, 53, 50, 33}},
	    {{5, 20, 50, 100}, 3, 2, 0, {5, 86, 50, 34}}, /* ends at 120 */
	    {{0, 0, 10, 480}, 4, 3, 8, {0, 366, 10, 114}},
	    {{0, 0, 10, 10}, 4, 3, 8, {0, 24, 10, 0}}, /* gaps eat it all */
	    {{7, 9, 10, 10}, 0, 0, 0, {7, 9, 0, 0}},
	    {{7, 9, 10, 10}, 3, 3, 0, {7, 9, 0, 0}},
	    {{7, 9, 10, 10}, 3, -1, 0, {7, 9, 0, 0}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check("row", i, ui_row(cases[i].r, cases[i].n, cases[i].i, cases[i].gap),
		      cases[i].want);
}

static void test_col(void **state)
{
	(void)state;
	static const struct cut_case cases[] = {
	    {{0, 0, 100, 100}, 2, 0, 10, {0, 0, 45, 100}},
	    {{0, 0, 100, 100}, 2, 1, 10, {55, 0, 45, 100}},
	    {{10, 0, 1920, 40}, 7, 6, 12, {1666, 0, 264, 40}},
	    {{7, 9, 10, 10}, 0, 0, 0, {7, 9, 0, 0}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check("col", i, ui_col(cases[i].r, cases[i].n, cases[i].i, cases[i].gap),
		      cases[i].want);
}

/* Every split of many sizes tiles exactly: pieces in order, gap apart,
 * the last ending at the rect's end, sizes within one pixel. */
static void test_tiling(void **state)
{
	(void)state;
	for (int len = 0; len <= 300; len += 7)
		for (int n = 1; n <= 9; n++)
			for (int gap = 0; gap <= 12; gap += 4) {
				struct ui_rect r = {3, 11, len, len};
				if (len < gap * (n - 1))
					continue;
				int min = len, max = 0, end = r.x;
				for (int i = 0; i < n; i++) {
					struct ui_rect c = ui_col(r, n, i, gap);
					assert_int_equal(c.x, i ? end + gap : r.x);
					end = c.x + c.w;
					min = c.w < min ? c.w : min;
					max = c.w > max ? c.w : max;
					struct ui_rect w = ui_row(r, n, i, gap);
					assert_int_equal(w.h, c.w);
				}
				assert_int_equal(end, r.x + r.w);
				assert_true(max - min <= 1);
			}
}

static void test_inset(void **state)
{
	(void)state;
	static const struct {
		struct ui_rect r;
		int m;
		struct ui_rect want;
	} cases[] = {
	    {{0, 0, 100, 50}, 10, {10, 10, 80, 30}},  {{0, 0, 100, 50}, 0, {0, 0, 100, 50}},
	    {{0, 0, 100, 50}, -5, {-5, -5, 110, 60}}, {{0, 0, 100, 50}, 25, {25, 25, 50, 0}},
	    {{0, 0, 100, 50}, 30, {30, 25, 40, 0}},   {{10, 10, 20, 20}, 15, {20, 20, 0, 0}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check("inset", i, ui_inset(cases[i].r, cases[i].m), cases[i].want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_row),
	    cmocka_unit_test(test_col),
	    cmocka_unit_test(test_tiling),
	    cmocka_unit_test(test_inset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
