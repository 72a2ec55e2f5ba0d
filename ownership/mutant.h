/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Mutants: deliberately broken variants of the walker protocol, each one
 * a bug the host explorer (tests/explore/) must find, as `make verify`
 * has spin reject the model's (model/verify.sh). The explorer's build
 * compiles one in with -DS2O_MUTANT=S2O_MUTANT_<NAME>; in every other
 * build s2o_mutant() is 0 and the compiler drops what it guards.
 *
 * docs/walker-refcounts.md, "The explorer", says what each one breaks.
 */
#ifndef S2OWN_MUTANT_H
#define S2OWN_MUTANT_H

#define S2O_MUTANT_SKIP_REVISIT		1	/* the bug fixed by 9025ad1 */
#define S2O_MUTANT_NO_REVALIDATE	2
#define S2O_MUTANT_NO_WAIT		3
#define S2O_MUTANT_RELAXED_INC		4
#define S2O_MUTANT_RELAXED_LOCK		5
#define S2O_MUTANT_NO_RECHECK		6
#define S2O_MUTANT_NO_WALKCACHE_TLBI	7
#define S2O_MUTANT_ALLOC_RESETS_REFS	8
#define S2O_MUTANT_COLLAPSE_HOLDING_REF	9
#define S2O_MUTANT_NO_LEAF_TLBI		10

#ifdef S2O_MUTANT
#define s2o_mutant(name) (S2O_MUTANT == S2O_MUTANT_##name)
#else
#define s2o_mutant(name) 0
#endif

#endif /* S2OWN_MUTANT_H */
