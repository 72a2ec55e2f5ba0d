/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * s2own: the walker-refcount protocol that lets table pages of the host
 * stage-2 be freed without RCU. The protocol, the invariants and what this
 * model leaves out are in docs/walker-refcounts.md; `make verify` runs it.
 *
 * Memory is sequentially consistent here, which is what the protocol asks
 * of its one racing pair (walker "inc refs; re-load entry" against
 * collapser "lock entry; load refs"). MUTANT_RELAXED_INC and
 * MUTANT_RELAXED_LOCK show what goes wrong when either side is weaker.
 *
 * The stage-2 has two levels: a root (never freed) with NR entries, each
 * covering NE pages, and leaf tables of NE entries taken from a pool of NP
 * table pages. Page (r, j) is physical page r * NE + j; the stage-2 is an
 * identity map, so whatever table hangs under root[r] translates pages
 * r * NE + 0 .. r * NE + NE - 1.
 *
 * A guest's share and unshare of a page change the host stage-2 as a
 * reclaim (without the scrub) and a donation do: the page is the host's
 * again, its table may coalesce; then annotated the guest's again,
 * splitting what covers it. Scenario 5 races them against host faults
 * on the page and the coalesce of its table.
 *
 * Build-time knobs (spin -D...):
 *   CFG=1..5     the scenario (see init at the bottom)
 *   COVERAGE     count, outside the state vector, how often each
 *                interesting race happened (printed when pan exits)
 *   MUTANT_*     a deliberately broken protocol that spin must reject:
 *     NO_REVALIDATE        walker skips step 3
 *     NO_WAIT              collapser skips step b
 *     RELAXED_INC          walker's inc is not ordered before its step-3 load
 *     RELAXED_LOCK         collapser's refs load is not ordered after its CAS
 *     RELAXED_PUT          donor's leaving dec of refs is not a release: it
 *                          is seen before its nr_busy inc and its store
 *     NO_RECHECK           collapser skips step c (Oliver's race)
 *     NO_WALKCACHE_TLBI    commit invalidates leaf entries only
 *     ALLOC_RESETS_REFS    the pool zeroes refs when it hands a page out
 *     COLLAPSE_HOLDING_REF reclaimer collapses before dropping its own ref
 *     NO_LEAF_TLBI         donation (unshare) skips the page's invalidation
 *
 * Ghost state (isfree, gen, tlb, wc, gown, the counters) only observes the
 * protocol: every change to it is folded into the atomic step it observes,
 * so it adds no interleavings.
 */

#ifndef CFG
#define CFG 1
#endif

/* root entries, table pages in the pool, processes */
#if CFG == 1 || CFG == 4
#define NR 2
#else
#define NR 1
#endif
#if CFG == 4
#define NP 3
#define NPROC 5
#elif CFG == 1
#define NP 2
#define NPROC 5
#else
#define NP 2
#define NPROC 4
#endif
#define NE 2
#define NPHYS (NR * NE)
#define NOPAGE 255

/* Descriptors. VALID ones can be used by the MMU, the others cannot. */
#define EMPTY	0	/* invalid, host-owned, not mapped yet */
#define LOCKED	1	/* invalid: some CPU is changing this entry */
#define OWNED	2	/* invalid, annotated: owned by the guest */
#define MAPPED	3	/* valid host page mapping (leaf level) */
#define BLOCK	4	/* valid host block mapping (root level) */
#define TBL	8	/* valid table descriptor: TBL + table page number */
#define TABLE(t)	(TBL + (t))
#define IS_TABLE(v)	((v) >= TBL)
#define CHILD(v)	((v) - TBL)
#define VALID(v)	((v) >= MAPPED)
/* Entries that are not "host default" count in nr_busy. */
#define BUSY(v)		((v) == OWNED || IS_TABLE(v))

/* ------------------------------------------------------------ coverage */

/*
 * A model that never reaches its races proves nothing, so the interesting
 * ones are counted; mk/verify.mk checks that each scenario reaches those
 * it is meant to.
 */
#define C_COMMIT	0	/* a collapse committed: table page freed */
#define C_ABORT		1	/* a collapse aborted at step c */
#define C_LOST		2	/* a collapser's CAS at step a failed */
#define C_WAITED	3	/* a collapser found walkers inside at step b */
#define C_REVAL		4	/* a walker's re-validation (step 3) failed */
#define C_SPIN		5	/* a walker found its entry LOCKED */
#define C_REUSE		6	/* a freed table page was allocated again */
#define C_STALE_REF	7	/* step 2 touched a page freed since step 1 */
#define C_WALKER_ABA	8	/* step 3 passed on a page reused in between */
#define C_COLL_ABA	9	/* step a locked a later life of the page */
#define C_SPLIT		10	/* a block was split into a table */
#define C_DONATE_LOST	11	/* a donor found the page donated already */
#define C_UNLINKED	12	/* an entry was written in an unlinked table */
#define C_ENOMEM	13	/* the pool was empty at a split */
#define C_FAULT_BLOCK	14	/* a host fault mapped an EMPTY range as a block */
#define C_TOOK_MAPPED	15	/* a page's TLBI took a live translation */
#define NCOVER		16

#ifdef COVERAGE
c_code {
	static const char *s2o_cover_name[] = {
		"collapse-commit", "collapse-abort", "collapse-lost",
		"collapse-waited", "revalidate-failed", "spin-on-locked",
		"page-reused", "stale-ref", "walker-aba", "collapser-aba",
		"split", "donation-lost", "write-unlinked", "enomem",
		"fault-block", "took-mapped",
	};
	unsigned long s2o_cover[16];

	static void s2o_cover_report(void) __attribute__((destructor));
	static void s2o_cover_report(void)
	{
		int i;

		for (i = 0; i < 16; i++)
			printf("cover: %s %lu\n", s2o_cover_name[i],
			       s2o_cover[i]);
	}
}
#define COVER(n)	c_code { s2o_cover[n]++; }
#else
#define COVER(n)	skip
#endif

/* ---------------------------------------------------------------- state */

byte root[NR];		/* root table; its metadata is root_busy */
byte pte[NP * NE];	/* entry j of table page t is pte[t * NE + j] */
byte refs[NP];		/* walkers inside each table page (type-stable) */
byte busy[NP];		/* nr_busy of each table page (type-stable) */
byte root_busy;		/* nr_busy of the root */

/* ghost */
bool isfree[NP];	/* table page is in the pool */
byte gen[NP];		/* bumped every time the page is freed */
bool tlb[NPHYS];	/* the host's TLB may translate the page */
byte wc[NR];		/* walk cache for root[r]: table page + 1, or 0 */
bool gown[NPHYS];	/* the guest owns the page (it has been handed over) */
byte ndonated[NPHYS];	/* successful donations of each page */
byte nreclaimed[NPHYS];	/* successful reclaims of each page */
byte ndone;		/* processes that have finished */

/*
 * Scratch for loops inside d_steps, hidden from the state vector. Every
 * loop is followed by a reset of its variable, which also keeps the loop's
 * exit inside the d_step (spin refuses a jump out of one).
 */
hidden byte k, m;

/* --------------------------------------------------------------- checks */

/* (I1) a walker that entered table page t at generation g touches it */
#define LIVE(t, g)	assert(!isfree[t] && gen[t] == (g))

/*
 * What the MMU can translate page (r, j) through right now: a block at the
 * root, a page entry in the table the root points to, or a page entry in
 * the table the walk cache still holds for root[r].
 */
#define HWMAP(r, j)							\
	(root[r] == BLOCK ||						\
	 (IS_TABLE(root[r]) && pte[CHILD(root[r]) * NE + (j)] == MAPPED) || \
	 (wc[r] != 0 && pte[(wc[r] - 1) * NE + (j)] == MAPPED))

/*
 * The MMU may walk and cache anything it can reach, at any time: after
 * every store to a descriptor, let it. Filling a walk-cache slot that holds
 * a different table is a break-before-make violation (I3): the old pointer
 * had to be invalidated first.
 */
inline tlb_fill()
{
	for (k : 0 .. NR - 1) {
		if
		:: IS_TABLE(root[k]) ->
			assert(wc[k] == 0 || wc[k] == CHILD(root[k]) + 1);
			wc[k] = CHILD(root[k]) + 1
		:: else
		fi;
		for (m : 0 .. NE - 1) {
			tlb[k * NE + m] = tlb[k * NE + m] || HWMAP(k, m)
		};
		m = 0
	};
	k = 0
}

/* (I4) the guest never owns a page the host can still translate */
inline check_exclusive()
{
	for (k : 0 .. NPHYS - 1) {
		assert(!(gown[k] && tlb[k]))
	};
	k = 0
}

/* (I3) break-before-make: a valid entry never becomes another valid one */
#define BBM(old, new)	assert(!(VALID(old) && VALID(new) && (old) != (new)))

/*
 * (I3) a block at root[r] must not meet a table pointer for the same range
 * still in the walk cache (a TLB conflict, and the MMU could walk the old
 * table after it is freed).
 */
#define BLOCK_OK(r, new)	assert((new) != BLOCK || wc[r] == 0)

/* ----------------------------------------------------------- primitives */

/* Store to root[r] (a store-release in the implementation). */
inline root_store(r, new)
{
	d_step {
		BBM(root[r], new);
		BLOCK_OK(r, new);
		root[r] = new;
		tlb_fill();
		check_exclusive()
	}
}

/* CAS root[r] from old to new; ok tells whether it happened. */
inline root_cas(r, old, new, ok)
{
	d_step {
		if
		:: root[r] == old ->
			BBM(old, new);
			BLOCK_OK(r, new);
			root[r] = new;
			ok = 1
		:: else ->
			ok = 0
		fi;
		tlb_fill();
		check_exclusive()
	}
}

/* Is table page t linked under root[r]? (for coverage only) */
#define LINKED(r, t)	(root[r] == TABLE(t))

/* Load entry j of table page t, from inside it. */
inline leaf_load(t, g, j, o)
{
	d_step {
		LIVE(t, g);
		o = pte[t * NE + j]
	}
}

/* CAS entry j of table page t (under root[r]) from old to new. */
inline leaf_cas(r, t, g, j, old, new, ok)
{
	d_step {
		LIVE(t, g);
		if
		:: pte[t * NE + j] == old ->
			BBM(old, new);
			pte[t * NE + j] = new;
			ok = 1;
			printf("P%d: table page %d [%d]: %d -> %d\n",
			       _pid, t, j, old, new);
			if
			:: !LINKED(r, t) -> COVER(C_UNLINKED)
			:: else
			fi
		:: else ->
			ok = 0
		fi;
		tlb_fill();
		check_exclusive()
	}
}

/* Store to entry j of table page t, inside a d_step. */
inline leaf_write(t, g, j, new)
{
	LIVE(t, g);
	BBM(pte[t * NE + j], new);
	pte[t * NE + j] = new;
	tlb_fill();
	check_exclusive()
}

inline leaf_store(t, g, j, new)
{
	d_step { leaf_write(t, g, j, new) }
}

/*
 * TLBI of the whole range of root[r], leaf and walk-cache entries
 * (DSB ISHST; TLBI IPAS2E1IS...; DSB ISH): afterwards the TLB holds only
 * what the MMU can walk to again from the current tables. Callers put it
 * in a d_step.
 */
inline tlbi_range(r)
{
	wc[r] = 0;
	for (m : 0 .. NE - 1) {
		tlb[r * NE + m] = HWMAP(r, m)
	};
	m = 0;
	tlb_fill()
}

/*
 * TLBI of one page's leaf entry; the walk cache is left alone. Only a
 * donation (or a guest's unshare) makes one, to take the page away.
 */
inline tlbi_page(r, j)
{
	d_step {
		if
		:: tlb[r * NE + j] -> COVER(C_TOOK_MAPPED)
		:: else
		fi;
#ifndef MUTANT_NO_LEAF_TLBI
		tlb[r * NE + j] = HWMAP(r, j)
#endif
	}
}

/*
 * Take a table page from the pool: any free one, nondeterministically (the
 * pool is a LIFO, but which page is on top depends on the schedule). Its
 * refs are NOT reset: stale walkers may still inc and dec them. Its
 * entries are set to fill: MAPPED (split of a block) or EMPTY.
 */
inline pool_alloc(t, fill)
{
	atomic {
		if
		:: isfree[0] -> t = 0
		:: isfree[1] -> t = 1
#if NP > 2
		:: isfree[2] -> t = 2
#endif
		:: else -> t = NOPAGE
		fi;
		if
		:: t != NOPAGE ->
			d_step {
				assert(busy[t] == 0);
				if
				:: gen[t] != 0 -> COVER(C_REUSE)
				:: else
				fi;
				isfree[t] = 0;
#ifdef MUTANT_ALLOC_RESETS_REFS
				refs[t] = 0;
#endif
				for (m : 0 .. NE - 1) {
					pte[t * NE + m] = fill
				};
				m = 0
			}
		:: else ->
			COVER(C_ENOMEM);
			printf("P%d: pool empty\n", _pid)
		fi
	}
}

/*
 * Give table page t back to the pool. Nothing may reach it: no root entry
 * and no walk-cache entry points to it (I3); no entry of it is busy or
 * locked. Bumping gen makes every later access by a walker that entered
 * it before fail LIVE() (I1).
 */
inline pool_free(t)
{
	d_step {
		assert(!isfree[t]);
		assert(busy[t] == 0);
		for (m : 0 .. NR - 1) {
			assert(root[m] != TABLE(t) && wc[m] != t + 1)
		};
		m = 0;
		for (m : 0 .. NE - 1) {
			assert(pte[t * NE + m] != LOCKED)
		};
		m = 0;
		isfree[t] = 1;
		gen[t]++
	}
}

/* ---------------------------------------------------------------- walker */

/*
 * Walker steps 1-3 at root[r]; the walker holds (implicitly) a ref on the
 * root. On return v is the entry it saw, not LOCKED. If v is a table, the
 * walker holds a validated ref on table page t = CHILD(v), entered at
 * generation g, taken atomically with the load that validated it.
 */
inline enter(r, v, t, g)
{
	do
	:: atomic {		/* 1: v = load_acquire(root[r]) */
		v = root[r];
		if
		:: IS_TABLE(v) ->
			t = CHILD(v);
			g = gen[t];
			printf("P%d: 1: root[%d] -> table page %d (life %d)\n",
			       _pid, r, t, g)
		:: else -> t = 0; g = 0
		fi
	   }
	   if
	   :: v == LOCKED ->
		/*
		 * Spin. A reload that sees LOCKED again changes nothing, so
		 * the model waits for the entry to change (which also makes
		 * a spin that never ends show up as a deadlock).
		 */
		d_step {
			COVER(C_SPIN);
			printf("P%d: 1: root[%d] is LOCKED, spin\n", _pid, r);
			v = 0
		};
		(root[r] != LOCKED)
	   :: !IS_TABLE(v) && v != LOCKED ->
		break
	   :: IS_TABLE(v) ->
#if defined(MUTANT_RELAXED_INC)
		/*
		 * Relaxed inc (plain STADD, then LDR): the re-validating
		 * load is satisfied before the inc is visible to others.
		 */
		if
		:: atomic { root[r] == v -> g = gen[t] } ->
			printf("P%d: 3 (early): root[%d] unchanged\n", _pid, r);
			refs[t]++;
			printf("P%d: 2 (late): refs[%d] -> %d, inside\n",
			       _pid, t, refs[t]);
			break
		:: else ->
			d_step { t = 0; g = 0 }
		fi
#elif defined(MUTANT_NO_REVALIDATE)
		d_step {	/* 2, and no step 3 */
			refs[t]++;
			printf("P%d: 2: refs[%d] -> %d, inside\n",
			       _pid, t, refs[t])
		};
		break
#else
		d_step {	/* 2: atomic_inc(refs), seq_cst */
			refs[t]++;
			printf("P%d: 2: refs[%d] -> %d\n", _pid, t, refs[t]);
			if
			:: isfree[t] || gen[t] != g -> COVER(C_STALE_REF)
			:: else
			fi
		};
		if		/* 3: re-validate, seq_cst load */
		:: atomic {
			root[r] == v ->
			if
			:: gen[t] != g -> COVER(C_WALKER_ABA)
			:: else
			fi;
			g = gen[t];
			printf("P%d: 3: root[%d] unchanged, inside page %d\n",
			       _pid, r, t)
		   } ->
			break
		:: else ->
			d_step {
				COVER(C_REVAL);
				printf("P%d: 3: root[%d] changed, drop refs[%d]\n",
				       _pid, r, t);
				assert(refs[t] > 0);
				refs[t]--;
				t = 0;
				g = 0
			}
		fi
#endif
	   fi
	od
}

/* Leave table page t: atomic_dec(refs), release. Forget it locally. */
inline leave(t, g, v)
{
	d_step {
		assert(refs[t] > 0);
		refs[t]--;
		printf("P%d: 4: leave page %d, refs -> %d\n", _pid, t, refs[t]);
		g = 0;
		v = 0
	}
}

/*
 * Collapser of table page t under root[r]. It holds (implicitly) a ref on
 * the root and none on t; g is the generation of t it was inside of (for
 * coverage: it may meet a later life of the page).
 */
inline collapse(r, t, g, ok)
{
#ifdef MUTANT_RELAXED_LOCK
	/* the refs load is satisfied before the CAS is visible to others */
	(refs[t] == 0);
	root_cas(r, TABLE(t), LOCKED, ok);
#else
	root_cas(r, TABLE(t), LOCKED, ok);	/* a: CAS, seq_cst */
#endif
	if
	:: ok ->
		d_step {
			printf("P%d: a: root[%d] TABLE(%d) -> LOCKED\n",
			       _pid, r, t);
			if
			:: gen[t] != g -> COVER(C_COLL_ABA)
			:: else
			fi;
			if
			:: refs[t] != 0 -> COVER(C_WAITED)
			:: else
			fi;
			g = 0
		};
#if !defined(MUTANT_NO_WAIT) && !defined(MUTANT_RELAXED_LOCK)
		(refs[t] == 0);			/* b: load_acquire */
		printf("P%d: b: refs[%d] == 0\n", _pid, t);
#endif
		if
#ifndef MUTANT_NO_RECHECK
		:: busy[t] != 0 ->		/* c: abort, store-release */
			d_step {
				COVER(C_ABORT);
				printf("P%d: c: nr_busy %d, abort\n", _pid, busy[t]);
				ok = 0
			};
			root_store(r, TABLE(t))
#endif
		:: else ->			/* d: commit */
#ifdef MUTANT_NO_WALKCACHE_TLBI
			d_step {		/* leaf entries only */
				for (m : 0 .. NE - 1) {
					tlb[r * NE + m] = HWMAP(r, m)
				};
				m = 0
			};
#else
			d_step { tlbi_range(r) };
#endif
			root_store(r, BLOCK);
			root_busy--;
			printf("P%d: d: TLBI, root[%d] = BLOCK, free page %d\n",
			       _pid, r, t);
			pool_free(t);
			d_step { COVER(C_COMMIT); ok = 0 }
		fi
	:: else ->		/* someone else changed the entry: give up */
		d_step {
			COVER(C_LOST);
			printf("P%d: a: root[%d] is not TABLE(%d), give up\n",
			       _pid, r, t);
			g = 0
		}
	fi
}

/* ------------------------------------------------------------ operations */

/*
 * Host stage-2 fault on page (r, j): map what the host owns. A range whose
 * root entry is EMPTY is all host-owned and gets a block.
 */
inline fault(r, j, v, t, g, o, ok)
{
	do
	:: enter(r, v, t, g);
	   if
	   :: v == BLOCK ->
		break			/* mapped already: the MMU refills */
	   :: v == EMPTY ->
		root_cas(r, EMPTY, BLOCK, ok);
		if
		:: ok ->
			d_step {
				COVER(C_FAULT_BLOCK);
				printf("P%d: root[%d] EMPTY -> BLOCK\n", _pid, r)
			};
			break
		:: else			/* lost a race: walk again */
		fi
	   :: IS_TABLE(v) ->
		do
		:: leaf_load(t, g, j, o);
		   if
		   :: o == EMPTY ->
			leaf_cas(r, t, g, j, EMPTY, MAPPED, ok);
			if
			:: ok -> break
			:: else
			fi
		   :: o == LOCKED ->
			(pte[t * NE + j] != LOCKED)
		   :: o == MAPPED ->
			break		/* another CPU mapped it */
		   :: o == OWNED ->
			break		/* not the host's: inject an abort */
		   fi
		od;
		leave(t, g, v);
		break
	   fi
	od;
	atomic { v = 0; t = 0; o = 0; ok = 0 }
}

/*
 * Donate page (r, j) to the guest. A block or EMPTY root entry is split
 * into a table first (the splitter), then the donor walks down into it.
 */
inline donate(r, j, v, t, g, o, ok)
{
	do
	:: enter(r, v, t, g);
	   if
	   :: v == BLOCK || v == EMPTY ->	/* split */
		root_cas(r, v, LOCKED, ok);
		if
		:: ok ->
			d_step {	/* TLBI if it was valid */
				COVER(C_SPLIT);
				if
				:: v == BLOCK -> tlbi_range(r)
				:: else
				fi
			};
			pool_alloc(t, (v == BLOCK -> MAPPED : EMPTY));
			if
			:: t == NOPAGE ->	/* -ENOMEM: put it back */
				root_store(r, v);
				d_step { t = 0; ok = 0 };
				break
			:: else ->
				root_busy++;	/* atomic_inc */
				printf("P%d: split root[%d] into page %d\n",
				       _pid, r, t);
				root_store(r, TABLE(t));
				t = 0		/* now walk down into it */
			fi
		:: else			/* lost a race: walk again */
		fi
	   :: IS_TABLE(v) ->
		do
		:: leaf_load(t, g, j, o);
		   if
		   :: o == EMPTY || o == MAPPED ->
			leaf_cas(r, t, g, j, o, LOCKED, ok);
			if
			:: ok -> break
			:: else
			fi
		   :: o == LOCKED ->
			(pte[t * NE + j] != LOCKED)
		   :: o == OWNED ->	/* someone else donated it */
			d_step {
				COVER(C_DONATE_LOST);
				printf("P%d: host page %d was given already\n",
				       _pid, r * NE + j);
				ok = 0
			};
			break
		   fi
		od;
		if
		:: ok ->
#ifdef MUTANT_RELAXED_PUT
			/*
			 * Relaxed leave (STADD, no release): the collapser
			 * may see the dec before the inc and the store.
			 */
			d_step { assert(refs[t] > 0); refs[t]-- };
#endif
			if
			:: o == MAPPED -> tlbi_page(r, j)
			:: else
			fi;
			d_step { LIVE(t, g); busy[t]++ };	/* atomic_inc */
			d_step {			/* store-release */
				LIVE(t, g);
				pte[t * NE + j] = OWNED;
				assert(!tlb[r * NE + j]);	/* (I4) */
				gown[r * NE + j] = 1;
				ndonated[r * NE + j]++;
				printf("P%d: host page %d given to the guest\n",
				       _pid, r * NE + j);
				tlb_fill();
				check_exclusive()
			}
		:: else
		fi;
#ifdef MUTANT_RELAXED_PUT
		if
		:: ok -> d_step { g = 0; v = 0 }	/* left already */
		:: else -> leave(t, g, v)
		fi;
#else
		leave(t, g, v);
#endif
		break
	   fi
	od;
	atomic { v = 0; t = 0; o = 0; ok = 0 }
}

/*
 * Give page (r, j) back to the host: a reclaim (scrub: the entry stays
 * LOCKED while the page is zeroed) or a guest's share (no scrub: one CAS
 * makes it the host's); fails (-EPERM) unless the guest owns it. The one
 * that brings nr_busy to 0 collapses the table, after dropping its own
 * ref on it.
 */
inline give_back(r, j, v, t, g, o, ok, scrub)
{
	enter(r, v, t, g);
	if
	:: IS_TABLE(v) ->
		do
		:: leaf_load(t, g, j, o);
		   if
		   :: o == OWNED ->
			d_step {	/* CAS OWNED -> LOCKED (or EMPTY) */
				LIVE(t, g);
				if
				:: pte[t * NE + j] == OWNED ->
					pte[t * NE + j] = (scrub -> LOCKED :
							   EMPTY);
					gown[r * NE + j] = 0;
					nreclaimed[r * NE + j]++;
					printf("P%d: host page %d taken back\n",
					       _pid, r * NE + j);
					tlb_fill();
					check_exclusive();
					ok = 1
				:: else ->
					ok = 0
				fi
			};
			if
			:: ok -> break
			:: else
			fi
		   :: o == LOCKED ->
			(pte[t * NE + j] != LOCKED)
		   :: o != OWNED && o != LOCKED ->
			ok = 0;
			break		/* -EPERM */
		   fi
		od;
		if
		:: ok ->
			/* scrub the page, then give it back to the host */
			d_step {
				if
				:: scrub -> leaf_write(t, g, j, EMPTY)
				:: else
				fi
			};
			d_step {	/* atomic_dec_return */
				LIVE(t, g);
				assert(busy[t] > 0);
				busy[t]--;
				o = busy[t];
				printf("P%d: nr_busy[%d] -> %d\n", _pid, t, o)
			};
#ifndef MUTANT_COLLAPSE_HOLDING_REF
			d_step {	/* leave t, keep t and g */
				assert(refs[t] > 0);
				refs[t]--;
				printf("P%d: 4: leave page %d, refs -> %d\n",
				       _pid, t, refs[t]);
				v = 0
			};
#endif
			if
			:: o == 0 -> collapse(r, t, g, ok)
			:: else -> g = 0
			fi
#ifdef MUTANT_COLLAPSE_HOLDING_REF
			;		/* leave t only after the collapse */
			d_step { refs[t]--; v = 0 }
#endif
		:: else ->
			leave(t, g, v)
		fi
	:: else			/* -EPERM: no table, so not the guest's */
	fi;
	atomic { v = 0; t = 0; o = 0; ok = 0 }
}

proctype Fault(byte r; byte j)
{
	byte v, t, g, o;
	bit ok;
	fault(r, j, v, t, g, o, ok);
	ndone++
}

proctype Donor(byte r; byte j)
{
	byte v, t, g, o;
	bit ok;
	donate(r, j, v, t, g, o, ok);
	ndone++
}

proctype Reclaimer(byte r; byte j)
{
	byte v, t, g, o;
	bit ok;
	give_back(r, j, v, t, g, o, ok, 1);
	ndone++
}

/* A guest's life: it is given page (r, j), then the host takes it back. */
proctype Guest(byte r; byte j)
{
	byte v, t, g, o;
	bit ok;
	donate(r, j, v, t, g, o, ok);
	give_back(r, j, v, t, g, o, ok, 1);
	ndone++
}

/*
 * A guest shares its page (r, j) with the host, which may map it and
 * coalesce its table, then takes it back: annotated the guest's again,
 * what covers it split, break-before-make. (I4) from the moment the
 * unshare's annotation is in place: no TLB or table of the host's
 * translates the page, and no coalesce makes a block over it.
 */
proctype Sharer(byte r; byte j)
{
	byte v, t, g, o;
	bit ok;
	give_back(r, j, v, t, g, o, ok, 0);	/* share */
	donate(r, j, v, t, g, o, ok);		/* unshare */
	d_step {
		assert(gown[r * NE + j] && !tlb[r * NE + j]);
		printf("P%d: unshare of page %d done\n", _pid, r * NE + j)
	};
	ndone++
}

/* ------------------------------------------------------------- scenarios */

/*
 * Every scenario starts with root[0] -> table page 0 = { OWNED, MAPPED }:
 * page 0 belongs to the guest, page 1 is mapped by the host (scenario 5:
 * owned by another guest); the other table pages are in the pool.
 */
init
{
	d_step {
		root[0] = TABLE(0);
		pte[0 * NE + 0] = OWNED;
		busy[0] = 1;
		root_busy = 1;
		gown[0] = 1;
		ndonated[0] = 1;
#if CFG == 5
		pte[0 * NE + 1] = OWNED;
		busy[0] = 2;
		gown[1] = 1;
		ndonated[1] = 1;
#else
		pte[0 * NE + 1] = MAPPED;
#endif
		isfree[1] = 1;
#if NP > 2
		isfree[2] = 1;
#endif
#if NR > 1
		root[1] = EMPTY;
#endif
		tlb_fill();
		printf("descriptors: 0 EMPTY, 1 LOCKED, 2 OWNED, 3 MAPPED, 4 BLOCK, 8+t TABLE(t)\n")
	};
	atomic {
#if CFG == 1
		/*
		 * Collapse racing host faults, and reuse elsewhere: the
		 * reclaim of page 0 empties table page 0, whose collapse
		 * races two host faults inside it. Under root[1] (EMPTY) a
		 * host fault maps a block while a donation splits the range
		 * (before or after the block), and the split may get table
		 * page 0 back from the pool while a stale walker of root[0]
		 * still incs and decs its refs.
		 */
		run Reclaimer(0, 0);
		run Fault(0, 0);
		run Fault(0, 1);
		run Donor(1, 1);
		run Fault(1, 0)
#elif CFG == 2
		/*
		 * Oliver's race: making an entry busy in a table that is
		 * being collapsed. Two donors of page 1 race the collapse
		 * of table page 0 (exactly one of them must win) and a host
		 * fault on page 0; a donor that arrives late splits the new
		 * block again, maybe into the same table page.
		 */
		run Reclaimer(0, 0);
		run Donor(0, 1);
		run Donor(0, 1);
		run Fault(0, 0)
#elif CFG == 3
		/*
		 * Two collapsers of one table page, and reuse in the same
		 * slot: the reclaim of page 0 and the guest giving page 1
		 * back can both bring nr_busy to 0. When one collapse has
		 * committed, a donation of page 0 splits the block again,
		 * maybe into the same table page, so the late collapser
		 * locks a later life of the page (ABA on root[0]) and a late
		 * walker passes re-validation on it.
		 */
		run Reclaimer(0, 0);
		run Guest(0, 1);
		run Donor(0, 0);
		run Fault(0, 1)
#elif CFG == 4
		/*
		 * Everything at once, over two root entries and three table
		 * pages: collapses and splits under root[0], a split of the
		 * EMPTY root[1] racing a host fault that maps it as a block,
		 * and table pages moving between the two.
		 */
		run Reclaimer(0, 0);
		run Guest(0, 1);
		run Donor(0, 0);
		run Donor(1, 1);
		run Fault(1, 0)
#else
		/*
		 * A guest's unshare racing the host's access and a coalesce:
		 * the guest shares page 0 and takes it back while the host
		 * faults on it (maps it, or is refused) and the reclaim of
		 * page 1 empties the table (collapses it into a block, which
		 * the unshare splits again, maybe into the same table page;
		 * or finds the unshare's annotation and aborts).
		 */
		run Sharer(0, 0);
		run Reclaimer(0, 1);
		run Fault(0, 0);
		run Fault(0, 0)
#endif
	};

	(_nr_pr == 1);		/* everyone has finished */

	d_step {
		for (k : 0 .. NP - 1) {
			/* (I2) every table page is reachable or free, not both */
			assert(isfree[k] != (root[0] == TABLE(k)
#if NR > 1
					      || root[1] == TABLE(k)
#endif
			));
			/* every ref taken was dropped, spurious ones too */
			assert(refs[k] == 0)
		};
		k = 0;
		for (k : 0 .. NR - 1) {
			assert(root[k] != LOCKED);
			if
			:: IS_TABLE(root[k]) ->
				m = CHILD(root[k]);
				/* nr_busy counts exactly the busy entries */
				assert(busy[m] == BUSY(pte[m * NE + 0]) +
						  BUSY(pte[m * NE + 1]));
				assert(pte[m * NE + 0] != LOCKED &&
				       pte[m * NE + 1] != LOCKED);
				/* the guest owns exactly the annotated pages */
				assert(gown[k * NE + 0] ==
				       (pte[m * NE + 0] == OWNED));
				assert(gown[k * NE + 1] ==
				       (pte[m * NE + 1] == OWNED));
				/* no collapse was missed */
				assert(busy[m] > 0)
			:: else ->
				assert(!gown[k * NE + 0] && !gown[k * NE + 1])
			fi
		};
		k = 0;
		m = 0;
		assert(root_busy == IS_TABLE(root[0])
#if NR > 1
				    + IS_TABLE(root[1])
#endif
		);
		/* (I4) a page is given to the guest once, until reclaimed */
		for (k : 0 .. NPHYS - 1) {
			assert(ndonated[k] - nreclaimed[k] == gown[k])
		};
		k = 0;
#if CFG == 2
		/* two donations of page 1 and no reclaim: exactly one won */
		assert(ndonated[1] == 1);
#elif CFG == 5
		/* page 0 is the guest's again, page 1 the host's */
		assert(gown[0] && !gown[1] && ndonated[0] == 2);
#endif
		assert(ndone == NPROC)
	}
}

/* Termination: every operation finishes (pan -a -f: weak fairness). */
ltl done { <> (ndone == NPROC) }
