/*
 * check_report.c - report helpers: rd_format_fixed against printf's own
 * "%.*f" on a double, for the values a timeline prints (nanoseconds as
 * seconds or milliseconds) and for the ties and limits where it hands over to
 * printf; rd_json_string against a character-at-a-time reference.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* No ck_assert per value (Check records a mark per assertion): the first
 * difference is kept and asserted once. */
static char first_diff[256];
static unsigned long compared;

static void compare(int64_t num, int64_t unit, int decimals)
{
    char want[64], got[64];

    snprintf(want, sizeof want, "%.*f", decimals, (double)num / (double)unit);
    rd_format_fixed(got, sizeof got, num, unit, decimals);
    compared++;
    if (strcmp(want, got) != 0 && first_diff[0] == '\0') {
        snprintf(first_diff, sizeof first_diff, "%lld / %lld, %d decimals: printf %s, got %s",
                 (long long)num, (long long)unit, decimals, want, got);
    }
}

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 11;
}

START_TEST(fixed_matches_printf)
{
    static const struct {
        int64_t unit;
        int decimals;
    } forms[] = {{1000000000, 6}, {1000000000, 3}, {1000000, 3}, {1000, 0}, {1, 0}};
    uint64_t seed = 1;

    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        int64_t unit = forms[f].unit;
        int dec = forms[f].decimals;
        for (int64_t v = 0; v < 200000; v++) { /* every value near zero, ties included */
            compare(v, unit, dec);
        }
        for (int i = 0; i < 300000; i++) { /* spread over 0 .. 1e15 and beyond */
            uint64_t r = lcg(&seed);
            int64_t v = (int64_t)(r % (1ULL << (r % 52 + 1)));
            compare(v, unit, dec);
            compare(v - v % 1000 + 500, unit, dec); /* a tie at microseconds */
        }
        compare(-1, unit, dec);
        compare(-1500, unit, dec);
        compare(999999999999999LL, unit, dec);
        compare(1000000000000000LL, unit, dec);
        compare(INT64_MAX, unit, dec);
    }
    ck_assert_msg(first_diff[0] == '\0', "%s", first_diff);
    ck_assert_uint_gt(compared, 3000000);
}
END_TEST

START_TEST(fixed_respects_the_buffer)
{
    char small[5];

    memset(small, 'x', sizeof small);
    rd_format_fixed(small, sizeof small, 123456789012LL, 1000000000, 6); /* "123.456789" */
    ck_assert_str_eq(small, "123.");
    rd_format_fixed(small, sizeof small, 1500, 1000, 0); /* a tie: printf's path, cut too */
    ck_assert_str_eq(small, "2");
}
END_TEST

/* The escaping rd_json_string must do, one character at a time (RFC 8259 7). */
static void json_reference(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\') {
            fprintf(f, "\\%c", *p);
        } else if (*p == '\n') {
            fputs("\\n", f);
        } else if (*p == '\r') {
            fputs("\\r", f);
        } else if (*p == '\t') {
            fputs("\\t", f);
        } else if (*p < 0x20 || *p >= 0x7f) {
            fprintf(f, "\\u%04x", *p);
        } else {
            fputc(*p, f);
        }
    }
    fputc('"', f);
}

static char *json_of(void (*fn)(FILE *, const char *), const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    ck_assert_ptr_nonnull(f);
    fn(f, s);
    fclose(f);
    return buf;
}

START_TEST(json_string_escapes_like_the_reference)
{
    static const char *fixed[] = {"",
                                  "plain",
                                  "\"",
                                  "\\",
                                  "a\"b\\c\nd\re\tf",
                                  "\x01\x1f\x7f\x80\xff",
                                  "ends with a quote\"",
                                  "\"starts",
                                  "caf\xc3\xa9"};
    uint64_t seed = 7;
    char s[64];

    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        char *a = json_of(rd_json_string, fixed[i]), *b = json_of(json_reference, fixed[i]);
        ck_assert_str_eq(a, b);
        free(a);
        free(b);
    }
    for (int i = 0; i < 20000; i++) { /* random strings over every byte value */
        size_t n = (size_t)(lcg(&seed) % (sizeof s));
        for (size_t j = 0; j < n; j++) {
            s[j] = (char)(1 + lcg(&seed) % 255);
        }
        s[n] = '\0';
        char *a = json_of(rd_json_string, s), *b = json_of(json_reference, s);
        if (strcmp(a, b) != 0 && first_diff[0] == '\0') {
            snprintf(first_diff, sizeof first_diff, "json of a %zu-byte string: %s, want %s", n, a,
                     b);
        }
        free(a);
        free(b);
    }
    ck_assert_msg(first_diff[0] == '\0', "%s", first_diff);
}
END_TEST

static Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *t = tcase_create("fixed");

    tcase_add_test(t, fixed_matches_printf);
    tcase_add_test(t, fixed_respects_the_buffer);
    tcase_add_test(t, json_string_escapes_like_the_reference);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(report_suite());
    int failed;

    srunner_run_all(r, CK_NORMAL);
    failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
