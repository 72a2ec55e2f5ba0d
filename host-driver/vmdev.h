/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmdev.c: /dev/s2own, the VMM's device (docs/guests.md).
 */
#ifndef S2OWN_VMDEV_H
#define S2OWN_VMDEV_H

int s2own_vmdev_init(void);
void s2own_vmdev_exit(void);

#endif /* S2OWN_VMDEV_H */
