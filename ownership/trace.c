// SPDX-License-Identifier: GPL-2.0-only
/*
 * The classes of events the core records (trace.h); 0 until a backend
 * switches some on.
 */
#include "trace.h"

u32 s2o_trace_mask;
