/* Unit tests for the embedded policy library and its parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "policy.h"

static size_t count_lines_starting(const char *s, size_t n, const char *prefix)
{
	size_t count = 0, k = strlen(prefix);

	for (size_t i = 0; i < n; i++)
		if ((i == 0 || s[i - 1] == '\n') && n - i >= k &&
		    strncmp(s + i, prefix, k) == 0)
			count++;
	return count;
}

static void test_library_complete(void **state)
{
	(void)state;
	/* Sixteen documents (the umbrella policy and fifteen more) in each
	 * of the two languages. */
	assert_int_equal(policy_template_total, 32);
	for (size_t i = 0; i < policy_template_total; i++) {
		const policy_template *t = &policy_templates[i];

		assert_true(strcmp(t->lang, "en") == 0 || strcmp(t->lang, "es") == 0);
		assert_non_null(t->walk);
	}
}

static void test_every_template_and_walkthrough(void **state)
{
	char err[256];

	(void)state;
	for (size_t i = 0; i < policy_template_total; i++) {
		const policy_template *t = &policy_templates[i];
		policy_front f;
		policy_walk *w = NULL;

		if (policy_front_parse(t->md, t->md_len, &f, err, sizeof err) != 0)
			fail_msg("%s/%s: %s", t->lang, t->name, err);
		if (policy_walk_parse(t->walk, t->walk_len, &w, err, sizeof err) != 0)
			fail_msg("%s/%s.walk: %s", t->lang, t->name, err);
		if (policy_walk_check(w, f.body, f.body_len, err, sizeof err) != 0)
			fail_msg("%s/%s.walk: %s", t->lang, t->name, err);
		assert_true(count_lines_starting(f.body, f.body_len, "- [ ] ") >= 8 ||
		            strcmp(f.kind, "policy") == 0);
		for (int s = 0; s < w->nsteps; s++) {
			assert_in_range(w->steps[s].nquestions, 1, 3);
			for (int q = 0; q < w->steps[s].nquestions; q++) {
				const policy_question *qu = &w->steps[s].questions[q];
				int right = 0;

				for (int c = 0; c < qu->nchoices; c++)
					right += qu->choices[c].right;
				assert_int_equal(right, 1);
				assert_true(qu->choices[qu->right].right);
			}
		}
		assert_string_equal(strchr(t->name, '-') + 1, f.id);
		policy_walk_free(w);
		policy_front_free(&f);
	}
}

static void test_languages_agree(void **state)
{
	char err[256];

	(void)state;
	for (size_t i = 0; i < policy_template_total; i++) {
		const policy_template *en = &policy_templates[i], *es;
		policy_front a, b;

		if (strcmp(en->lang, "en") != 0)
			continue;
		assert_int_equal(policy_front_parse(en->md, en->md_len, &a, err,
		                                    sizeof err), 0);
		es = policy_template_find("es", a.id);
		assert_non_null(es);
		assert_int_equal(policy_front_parse(es->md, es->md_len, &b, err,
		                                    sizeof err), 0);
		assert_string_equal(a.kind, b.kind);
		assert_string_equal(a.category, b.category);
		assert_string_equal(a.classification, b.classification);
		assert_string_equal(a.related, b.related);
		assert_int_equal(a.review_months, b.review_months);
		policy_front_free(&a);
		policy_front_free(&b);
	}
}

static const char doc[] =
	"---\nid: x\ntitle: T\nkind: protocol\ncategory: crisis\n"
	"classification: internal\nowner: O\napprover: A\nreview_months: 6\n"
	"review_triggers: r\nthreats: t\nacknowledge: all\nrelated: \n---\n"
	"# T\n\n## 1. First\n\nCall the Crisis team lead at once.\n\n"
	"## 2. Second\n\nWrite it down.\n";

static void test_parsers_refuse_bad_input(void **state)
{
	char err[256];
	policy_front f;
	policy_walk *w = NULL;
	static const char two_right[] =
		"step: s\nsection: 1. First\nq: what?\n+ a\n+ b\nwhy: w\nref: call the crisis team\n";
	static const char no_ref[] =
		"step: s\nsection: 1. First\nq: what?\n+ a\n- b\nwhy: w\n";
	static const char bad_ref[] =
		"step: s\nsection: 1. First\nq: what?\n+ a\n- b\nwhy: w\nref: phone the police\n";
	static const char out_of_order[] =
		"step: s\nsection: 2. Second\nq: q\n+ a\n- b\nwhy: w\nref: write it down\n"
		"step: t\nsection: 1. First\nq: q\n+ a\n- b\nwhy: w\nref: call the crisis\n";
	static const char good[] =
		"# comment\nstep: s\nsection: 1. First\nq: what?\n- a\n+ b\n"
		"why: w\nref: CALL THE CRISIS TEAM LEAD\n";

	(void)state;
	assert_int_equal(policy_front_parse(doc, sizeof doc - 1, &f, err, sizeof err), 0);
	assert_int_equal(policy_walk_parse(two_right, sizeof two_right - 1, &w,
	                                   err, sizeof err), -1);
	assert_int_equal(policy_walk_parse(no_ref, sizeof no_ref - 1, &w, err,
	                                   sizeof err), -1);
	assert_int_equal(policy_walk_parse(bad_ref, sizeof bad_ref - 1, &w, err,
	                                   sizeof err), 0);
	assert_int_equal(policy_walk_check(w, f.body, f.body_len, err, sizeof err), -1);
	policy_walk_free(w);
	assert_int_equal(policy_walk_parse(out_of_order, sizeof out_of_order - 1,
	                                   &w, err, sizeof err), 0);
	assert_int_equal(policy_walk_check(w, f.body, f.body_len, err, sizeof err), -1);
	policy_walk_free(w);
	assert_int_equal(policy_walk_parse(good, sizeof good - 1, &w, err, sizeof err), 0);
	assert_int_equal(policy_walk_check(w, f.body, f.body_len, err, sizeof err), 0);
	assert_int_equal(w->steps[0].questions[0].right, 1);
	policy_walk_free(w);
	policy_front_free(&f);
	/* A repeated or missing front-matter key is refused. */
	{
		char broken[sizeof doc + 16];

		snprintf(broken, sizeof broken, "---\nid: y\n%s", doc + 4);
		assert_int_equal(policy_front_parse(broken, strlen(broken), &f, err,
		                                    sizeof err), -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_library_complete),
		cmocka_unit_test(test_every_template_and_walkthrough),
		cmocka_unit_test(test_languages_agree),
		cmocka_unit_test(test_parsers_refuse_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
