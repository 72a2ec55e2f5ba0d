// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one global of the walker synchronisation (sync.h): the lock of the
 * S2O_SYNC_LOCK build, which every public operation takes there.
 */
#include "sync.h"

struct s2o_spinlock s2o_big_lock;
