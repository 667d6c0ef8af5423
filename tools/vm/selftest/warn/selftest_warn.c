// SPDX-License-Identifier: GPL-2.0
/* Bench self-test: a module whose init triggers a kernel WARNING. */
#include <linux/bug.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init selftest_warn_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit selftest_warn_exit(void)
{
}

module_init(selftest_warn_init);
module_exit(selftest_warn_exit);
MODULE_DESCRIPTION("tools/vmtest self-test: WARN_ON(1) at load");
MODULE_LICENSE("GPL");
